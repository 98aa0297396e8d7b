"""engage beside the trackers a consultant would otherwise use, on the same records, in one run.

Run from the repository with engage installed:  python benchmarks/peers.py [--records N] [--quick]

Watson comes from pip (the test extra installs it); Timewarrior from Debian (`.ci/run` installs
it). A peer that is not installed is skipped, and the run says so. Every tool gets the same
records: N intervals of a quarter or half a day, spread over November and December 2021, so that
a week holds about a ninth of them. Figures are medians of wall-clock time; ratios are engage's
time over the peer's (below 1: engage is faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "schedules" / "ijm-kenya-pap-strategic-plan.toml"
BIN = Path(sys.executable).parent
FIRST_DAY = dt.date(2021, 11, 1)
DAYS = 61  # November and December 2021
PHASES = ("prep", "retreat", "writeup", "final")


def tool(name: str) -> str | None:
    """A program from this environment's bin folder, else from PATH."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def timed(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of a command, in seconds; it must succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def peak_mib(command: list[str], env: dict[str, str]) -> float:
    """The largest resident size of a command run on its own, in MiB (Linux reports KiB)."""
    probe = (
        "import resource, subprocess, sys; "
        f"subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout.strip()) / 1024


def intervals(count: int) -> Iterator[tuple[dt.datetime, dt.datetime, str]]:
    """The same records for every tool: (start, end, phase), in UTC."""
    per_day = max(1, count // DAYS + 1)
    for i in range(count):
        day = FIRST_DAY + dt.timedelta(days=i // per_day)
        start = dt.datetime.combine(day, dt.time(6, 0), dt.UTC) + dt.timedelta(minutes=(i % per_day) % 900)
        minutes = 120 if i % 3 else 240  # a quarter or half of an 8-hour day
        yield start, start + dt.timedelta(minutes=minutes), PHASES[i % len(PHASES)]


def write_engage(folder: Path, count: int) -> Path:
    schedule = folder / "engage.toml"
    shutil.copy(SEED, schedule)
    engagement = SEED.read_text(encoding="utf-8").split('id = "', 1)[1].split('"', 1)[0]
    lines = []
    for i, (start, end, phase) in enumerate(intervals(count)):
        hours = (end - start).seconds // 3600
        record = {"id": f"{i:012x}", "kind": "entry", "recorded_at": "2021-11-16T09:00:00Z",
                  "date": start.date().isoformat(), "phase": phase, "hours": str(hours),
                  "consultant": "consultant", "note": f"work item {i}", "engagement": engagement}  # fmt: skip
        lines.append(json.dumps(record))
    (folder / "engage.ledger.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv = ["date,phase,hours,consultant,note"]
    csv += [
        f"{s.date()},{p},{(e - s).seconds // 3600},consultant,imported {i}"
        for i, (s, e, p) in enumerate(intervals(count))
    ]
    (folder / "timesheet.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")
    return schedule


def write_watson(folder: Path, count: int) -> Path:
    watson = folder / "watson"
    watson.mkdir()
    frames = [
        [int(s.timestamp()), int(e.timestamp()), "ijm", f"{i:032x}", [p], int(e.timestamp())]
        for i, (s, e, p) in enumerate(intervals(count))
    ]
    (watson / "frames").write_text(json.dumps(frames), encoding="utf-8")
    return watson


def write_timewarrior(folder: Path, count: int) -> Path:
    database = folder / "timew"
    (database / "data").mkdir(parents=True)
    (database / "timewarrior.cfg").write_text("verbose = off\n", encoding="utf-8")
    months: dict[str, list[str]] = {}
    for start, end, phase in intervals(count):
        line = f"inc {start:%Y%m%dT%H%M%SZ} - {end:%Y%m%dT%H%M%SZ} # {phase}"
        months.setdefault(f"{start:%Y-%m}", []).append(line)
    for month, lines in months.items():
        (database / "data" / f"{month}.data").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return database


def row(label: str, engage: float, peer: float | None, peer_name: str) -> None:
    ours = f"{engage * 1000:8.0f} ms"
    if peer is None:
        print(f"  {label:<36} engage {ours}   {peer_name}: not installed here")
        return
    print(f"  {label:<36} engage {ours}   {peer_name} {peer * 1000:8.0f} ms   ratio {engage / peer:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records for every tool (100,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 records and fewer runs (what CI runs)")
    args = parser.parse_args()
    count, runs = (2_000, 3) if args.quick else (args.records, 5)
    engage, watson, timew = tool("engage"), tool("watson"), tool("timew")
    assert engage, "engage is not installed in this environment"
    print(f"engage beside its peers, {count:,} records each, on Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, {dt.date.today()}\n")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        schedule = write_engage(folder, count)
        small = folder / "small"
        small.mkdir()
        shutil.copy(SEED, small / "engage.toml")
        env = {**os.environ, "ENGAGE_CACHE_DIR": str(folder / "cache"), "ENGAGE_CONSULTANT": "consultant"}
        watson_dir = write_watson(folder, count)
        empty_watson = folder / "watson-empty"
        empty_watson.mkdir()
        timew_dir = write_timewarrior(folder, count)

        def log(where: Path) -> list[str]:
            return [engage, "-s", str(where), "log", "0.25", "-p", "prep", "-d", "2021-11-22"]

        def add(where: Path) -> float | None:
            if watson is None:
                return None
            command = [watson, "add", "-f", "2021-11-22 09:00", "-t", "2021-11-22 09:15", "ijm", "+prep"]
            return timed(command, runs, {**env, "WATSON_DIR": str(where)})

        subprocess.run(log(small / "engage.toml"), check=True, capture_output=True, env=env)  # holiday cache
        print("log one entry")
        row(
            "beside 10 records", timed(log(small / "engage.toml"), runs, env), add(empty_watson), "watson add"
        )
        row(f"beside {count:,} records", timed(log(schedule), runs, env), add(watson_dir), "watson add")

        print("\nweekly report of 2021-W47")
        status = [engage, "-s", str(schedule), "status", "--week", "2021-W47"]
        summary = [timew or "timew", "summary", "2021-11-22", "-", "2021-11-29"]
        report = [watson or "watson", "report", "--from", "2021-11-22", "--to", "2021-11-28"]
        ours = timed(status, runs, env)
        timew_env = {**env, "TIMEWARRIORDB": str(timew_dir)}
        peer = timed(summary, runs, timew_env) if timew else None
        row("status / timew summary", ours, peer, "timew summary")
        watson_env = {**env, "WATSON_DIR": str(watson_dir)}
        peer = timed(report, runs, watson_env) if watson else None
        row("status / watson report", ours, peer, "watson report")
        print(f"  engage status peak memory              {peak_mib(status, env):8.0f} MiB")

        print("\nimport")
        fresh = folder / "fresh"
        fresh.mkdir()
        shutil.copy(SEED, fresh / "engage.toml")
        started = time.perf_counter()
        subprocess.run([engage, "-s", str(fresh / "engage.toml"), "import", str(folder / "timesheet.csv")],
                       check=True, capture_output=True, env=env)  # fmt: skip
        took = (time.perf_counter() - started) * 1000
        print(f"  {count:,} CSV rows, atomic                engage {took:8.0f} ms")


if __name__ == "__main__":
    main()
