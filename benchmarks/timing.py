"""What every benchmark shares: the engage program, a median of wall-clock times, peak memory, targets."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

ENGAGE = shutil.which("engage", path=str(Path(sys.executable).parent)) or "engage"


def timed(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        # log's warnings (a day past one day, as the runs pile up) go to stderr: not timed text
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


Run = tuple[list[str], dict[str, str]]  # a command and its environment


class Side(NamedTuple):
    """engage's median time beside a peer's, and the median of each turn's ratio."""

    ours: float
    peer: float | None
    ratio: float | None  # each turn's two runs are back to back: a slow spell of the machine slows both


def side_by_side(ours: Run, peer: Run | None, runs: int) -> Side:
    """engage's command and a peer's, run in turns so that both see the same load."""
    if peer is None:
        subprocess.run(ours[0], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ours[1])
        return Side(timed(ours[0], runs, ours[1]), None, None)
    mine: list[float] = []
    theirs: list[float] = []
    for command, env in (ours, peer):  # once untimed each: files in the OS cache, caches filled
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(runs):
        for (command, env), times in ((ours, mine), (peer, theirs)):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(mine, theirs, strict=True)]
    return Side(statistics.median(mine), statistics.median(theirs), statistics.median(ratios))


def peak_mib(command: list[str], env: dict[str, str]) -> float:
    """The largest resident size of a command run on its own, in MiB (Linux reports KiB)."""
    probe = (
        "import resource, subprocess, sys; "
        f"subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout.strip()) / 1024


@dataclass
class Targets:
    """The issue's targets, each met or missed, said at the end."""

    rows: list[tuple[str, str, bool | None]] = field(default_factory=list)

    def add(self, what: str, figure: str, met: bool | None) -> None:
        """One target: its figure, and whether it is met (None: not measured)."""
        self.rows.append((what, figure, met))

    def show(self, count: int) -> None:
        """Every target with its figure and PASS or MISS, and how many are met."""
        print(f"\ntargets (the issue's, set at 100,000 records; measured here at {count:,})")
        for what, figure, met in self.rows:
            verdict = "-" if met is None else ("PASS" if met else "MISS")
            print(f"  {what:<48} {figure:>12}  {verdict}")
        measured = [met for _, _, met in self.rows if met is not None]
        print(f"  {sum(measured)} of {len(measured)} measured targets met")


def ms(seconds: float) -> str:
    """Seconds as milliseconds, right-aligned."""
    return f"{seconds * 1000:6.0f} ms"
