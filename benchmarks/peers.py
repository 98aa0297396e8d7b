"""The peers engage is measured beside (Watson, Timewarrior), and the same records for every tool.

Used by ``benchmarks/run.py``, the one command. Watson comes from pip: the one
in this environment (the test extra installs it) or on PATH, else a venv of
its own made in the cache folder with ``python -m venv`` and ``pip install
td-watson``. Timewarrior comes from Debian (``apt-get install timewarrior``).
A peer that cannot be had is skipped, and the run says why.

Every tool gets the same records: N intervals of a quarter or half of an
8-hour day, spread over November and December 2021, so that the week of
2021-W47 holds about a ninth of them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from timing import ENGAGE, Run, Side, Targets, ms, peak_mib, side_by_side

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "schedules" / "ijm-kenya-pap-strategic-plan.toml"
BIN = Path(sys.executable).parent
FIRST_DAY = dt.date(2021, 11, 1)
DAYS = 61  # November and December 2021
PHASES = ("prep", "retreat", "writeup", "final")
WATSON_PACKAGE = "td-watson"
LOG_VS_WATSON = 1.0  # engage log at most as slow as watson add
LOG_GROWTH = 1.2  # log beside 100,000 records costs what it costs beside 10 (within noise)
STATUS_VS_TIMEW = 1.0
STATUS_VS_WATSON = 0.1
STATUS_MIB = 150
IMPORT_SECONDS = 2.0


def tool(name: str) -> str | None:
    """A program from this environment's bin folder, else from PATH."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def cache_folder() -> Path:
    """Where the benchmarks keep what they install: ``$XDG_CACHE_HOME/engage-benchmarks``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "engage-benchmarks"


def find_watson(install: bool) -> tuple[str | None, str]:
    """Watson's program and where it came from; None and the reason when there is none."""
    found = tool("watson")
    if found:
        return found, found
    venv = cache_folder() / "watson-venv"
    program = venv / ("Scripts/watson.exe" if os.name == "nt" else "bin/watson")
    if program.exists():
        return str(program), f"{program} (the benchmarks' own venv)"
    if not install:
        return None, f"not installed here (pip install {WATSON_PACKAGE}, or run without --no-install)"
    print(f"installing Watson: python -m venv {venv} && pip install {WATSON_PACKAGE} ...", flush=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", WATSON_PACKAGE],
            check=True, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        said = getattr(exc, "stderr", None) or str(exc)
        said = said.decode() if isinstance(said, bytes) else said
        last = (said.strip().splitlines() or ["no output"])[-1]
        return None, f"could not install {WATSON_PACKAGE}: {last[:120]}"
    return str(program), f"{program} (installed now, in the benchmarks' own venv)"


def find_timewarrior() -> tuple[str | None, str]:
    """Timewarrior's program and where it is; None and the reason when it is not installed."""
    found = shutil.which("timew")
    if found:
        return found, found
    return None, "not installed here (Debian: apt-get install timewarrior)"


def version(program: str | None) -> str:
    """What ``program --version`` says, shortly."""
    if program is None:
        return ""
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout.strip().splitlines() or ["?"])[0].removeprefix("Watson, version ")


def intervals(count: int) -> Iterator[tuple[dt.datetime, dt.datetime, str]]:
    """The same records for every tool: (start, end, phase), in UTC."""
    per_day = max(1, count // DAYS + 1)
    for i in range(count):
        day = FIRST_DAY + dt.timedelta(days=i // per_day)
        start = dt.datetime.combine(day, dt.time(6, 0), dt.UTC) + dt.timedelta(minutes=(i % per_day) % 900)
        minutes = 120 if i % 3 else 240  # a quarter or half of an 8-hour day
        yield start, start + dt.timedelta(minutes=minutes), PHASES[i % len(PHASES)]


def write_engage(folder: Path, count: int) -> Path:
    """A copy of the seed schedule in ``folder`` with a ledger of ``count`` entries; returns the schedule."""
    folder.mkdir(parents=True, exist_ok=True)
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
    return schedule


def write_timesheet(path: Path, count: int) -> Path:
    """The same records as a CSV timesheet, for ``engage import``."""
    csv = ["date,phase,hours,consultant,note"]
    csv += [
        f"{s.date()},{p},{(e - s).seconds // 3600},consultant,imported {i}"
        for i, (s, e, p) in enumerate(intervals(count))
    ]
    path.write_text("\n".join(csv) + "\n", encoding="utf-8")
    return path


def write_watson(folder: Path, count: int) -> Path:
    """Watson's folder ($WATSON_DIR) with a ``frames`` file of the same records."""
    folder.mkdir(parents=True)
    frames = [
        [int(s.timestamp()), int(e.timestamp()), "ijm", f"{i:032x}", [p], int(e.timestamp())]
        for i, (s, e, p) in enumerate(intervals(count))
    ]
    (folder / "frames").write_text(json.dumps(frames), encoding="utf-8")
    return folder


def write_timewarrior(folder: Path, count: int) -> Path:
    """A Timewarrior database ($TIMEWARRIORDB) holding the same records as intervals."""
    (folder / "data").mkdir(parents=True)
    (folder / "timewarrior.cfg").write_text("verbose = off\n", encoding="utf-8")
    months: dict[str, list[str]] = {}
    for start, end, phase in intervals(count):
        line = f"inc {start:%Y%m%dT%H%M%SZ} - {end:%Y%m%dT%H%M%SZ} # {phase}"
        months.setdefault(f"{start:%Y-%m}", []).append(line)
    for month, lines in months.items():
        (folder / "data" / f"{month}.data").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def compare(label: str, side: Side, name: str, why: str) -> float | None:
    """One line: engage's time, the peer's and their ratio; returns the ratio (None: no peer)."""
    if side.peer is None or side.ratio is None:
        print(f"  {label:<31} {ms(side.ours)}  {name}: {why}")
        return None
    print(f"  {label:<31} {ms(side.ours)}  {name:<13} {ms(side.peer)}  {side.ratio:6.2f}x")
    return side.ratio


def bench_peers(count: int, runs: int, install: bool, targets: Targets) -> None:
    """engage beside Watson and Timewarrior, the same ``count`` records for each."""
    watson, watson_from = find_watson(install)
    timew, timew_from = find_timewarrior()
    print(f"peers: Watson {version(watson) or '-'}: {watson_from}")
    print(f"       Timewarrior {version(timew) or '-'}: {timew_from}")
    print(f"\nengage beside its peers, {count:,} records each (medians of {runs} runs or more;")
    print("each ratio is the median of the ratios of runs made back to back)")
    print(f"  {'':<31} {'engage':>9}  {'peer':<23}  {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = write_engage(folder / "small", 10)
        large = write_engage(folder / "large", count)
        sheet = write_timesheet(folder / "timesheet.csv", count)
        env = {**os.environ, "ENGAGE_CACHE_DIR": str(folder / "cache"), "ENGAGE_CONSULTANT": "consultant"}

        def log(schedule: Path) -> list[str]:
            return [ENGAGE, "-s", str(schedule), "log", "0.25", "-p", "prep", "-d", "2021-11-22"]

        def add(records: int) -> Run | None:
            if watson is None:
                return None
            where = write_watson(folder / f"watson-{records}", records)
            command = [watson, "add", "-f", "2021-11-22 09:00", "-t", "2021-11-22 09:15", "ijm", "+prep"]
            return command, {**env, "WATSON_DIR": str(where)}

        watson_10, watson_n = add(10), add(count)
        if hasattr(os, "sync"):
            os.sync()  # the files just written reach the disk now, not during engage's first fsyncs
        subprocess.run(log(small), check=True, capture_output=True, env=env)  # fills the holiday cache
        # more runs than the other figures: the two are close, and a ratio near its target flips with
        # the machine's load over 5 runs (0.86x to 1.09x across this machine's full runs of the same code)
        side = side_by_side((log(small), env), watson_10, 3 * runs)
        ratio = compare("log, beside 10 records", side, "watson add", watson_from)
        print(f"  {'':<31} (the two in turns, {3 * runs} runs)")
        targets.add(
            f"log beside 10 records <= {LOG_VS_WATSON:g}x watson add", _x(ratio), _le(ratio, LOG_VS_WATSON)
        )
        compare(
            f"log, beside {count:,}",
            side_by_side((log(large), env), watson_n, runs),
            "watson add",
            watson_from,
        )
        # engage beside itself: the two ledgers in turns, back to back (each log checks the bytes the
        # one before it wrote), more runs than above: the figure is a small difference of two times
        large_again, small_again, growth = side_by_side((log(large), env), (log(small), env), 3 * runs)
        assert small_again is not None and growth is not None
        print(
            f"  {'log beside ' + format(count, ',') + ' / beside 10':<31} {ms(large_again)}  "
            f"{'log beside 10':<13} {ms(small_again)}  {growth:6.2f}x\n"
            f"  {'':<31} (the two in turns, back to back, {3 * runs} runs)"
        )
        targets.add(
            f"log beside {count:,} <= {LOG_GROWTH:g}x log beside 10", _x(growth), growth <= LOG_GROWTH
        )

        status = [ENGAGE, "-s", str(large), "status", "--week", "2021-W47"]
        summary = None
        if timew is not None:
            timew_env = {**env, "TIMEWARRIORDB": str(write_timewarrior(folder / "timew", count))}
            if hasattr(os, "sync"):
                os.sync()
            summary = [timew, "summary", "2021-11-22", "-", "2021-11-29"], timew_env
        side = side_by_side((status, env), summary, 3 * runs)  # close to its target too: more runs
        ratio = compare("weekly status / timew summary", side, "timew summary", timew_from)
        print(f"  {'':<31} (the two in turns, {3 * runs} runs)")
        targets.add(
            f"weekly status <= {STATUS_VS_TIMEW:g}x timew summary", _x(ratio), _le(ratio, STATUS_VS_TIMEW)
        )
        report = None
        if watson is not None:
            where = folder / f"watson-{count}"
            report = (
                [watson, "report", "--from", "2021-11-22", "--to", "2021-11-28"],
                {**env, "WATSON_DIR": str(where)},
            )
        ratio = compare(
            "weekly status / watson report",
            side_by_side((status, env), report, runs),
            "watson report",
            watson_from,
        )
        targets.add(
            f"weekly status <= {STATUS_VS_WATSON:g}x watson report", _x(ratio), _le(ratio, STATUS_VS_WATSON)
        )
        memory = peak_mib(status, env)
        print(f"  {'weekly status, peak memory':<31} {memory:5.0f} MiB")
        targets.add(f"weekly status peak memory < {STATUS_MIB} MiB", f"{memory:.0f} MiB", memory < STATUS_MIB)

        took = []
        for run in range(runs):
            shutil.rmtree(folder / f"import-{run - 1}", ignore_errors=True)
            fresh = write_engage(folder / f"import-{run}", 0)
            (fresh.parent / "engage.ledger.jsonl").unlink()
            if hasattr(os, "sync"):
                os.sync()  # the last run's files reach the disk now, not during this run's fsyncs
            started = time.perf_counter()
            subprocess.run(
                [ENGAGE, "-s", str(fresh), "import", str(sheet)], check=True, capture_output=True, env=env
            )
            took.append(time.perf_counter() - started)
        seconds = statistics.median(took)
        print(f"  {f'import {count:,} CSV rows, atomic':<31} {ms(seconds)}")
        targets.add(
            f"import of {count:,} CSV rows < {IMPORT_SECONDS:g} s",
            f"{seconds:.2f} s",
            seconds < IMPORT_SECONDS,
        )


def _x(ratio: float | None) -> str:
    return "not measured" if ratio is None else f"{ratio:.2f}x"


def _le(ratio: float | None, limit: float) -> bool | None:
    return None if ratio is None else ratio <= limit
