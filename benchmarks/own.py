"""engage's own figures: log's start-up, a large portfolio's status, a big calendar, the ledger."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import ENGAGE, timed

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    ROOT / "schedules" / "ijm-kenya-pap-strategic-plan.toml",
    ROOT / "schedules" / "defenders-coalition-protection-policy.toml",
]


def write_portfolio(folder: Path, engagements: int, entries_each: int, sloppy: bool = False) -> int:
    """Copies of the two seeds with their own ids, each with a ledger of generated entries.

    Entries fall on working days inside their phase's window, as a careful
    consultant's would; ``sloppy`` spreads them over every calendar day
    instead, weekends and other phases' windows included, the worst case for
    the budget checks.
    """
    from engage.schedule.loader import load_schedule
    from engage.session import Session

    session = Session()  # plans with the plugins' holidays, as a command does
    total = 0
    for n in range(engagements):
        seed = SEEDS[n % 2]
        text = seed.read_text(encoding="utf-8")
        ident = text.split('id = "', 1)[1].split('"', 1)[0]
        path = folder / f"e{n:04d}.toml"
        path.write_text(text.replace(f'id = "{ident}"', f'id = "{ident}-{n:04d}"', 1), encoding="utf-8")
        engagement = load_schedule(path, {"budget", "calendar", "status", "holidays", "fees"})
        timeline = session.timeline(engagement)
        days = {
            phase.key: (
                [timeline.start + dt.timedelta(days=d) for d in range(60)]
                if sloppy
                else timeline.working_days(*(lambda w: (w.start, w.end))(timeline.window(phase.key)))
            )
            for phase in engagement.phases
        }
        keys = list(days)
        lines = []
        for i in range(entries_each):
            phase = keys[i % len(keys)]
            day = days[phase][(i // len(keys)) % len(days[phase])]
            record = {
                "id": f"{n:05x}{i:07x}",
                "kind": "entry",
                "recorded_at": "2021-11-16T09:00:00Z",
                "date": day.isoformat(),
                "phase": phase,
                "days": "0.25" if i % 3 else "0.5",
                "consultant": f"Consultant {i % 3}",
                "note": f"work item {i}",
            }
            lines.append(json.dumps(record))
        path.with_name(path.stem + ".ledger.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += entries_each
    return total


def bench_log(runs: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        schedule = Path(tmp) / "engage.toml"
        shutil.copy(SEEDS[0], schedule)
        log = [ENGAGE, "-s", str(schedule), "log", "0.25", "--phase", "prep", "--date", "2021-11-16"]
        subprocess.run(log, check=True, stdout=subprocess.DEVNULL, env=env)  # fills the holiday cache
        python = timed([sys.executable, "-c", "pass"], runs, env)
        version = timed([ENGAGE, "--version"], runs, env)
        logged = timed(log, runs, env)
        no_plugins = timed(log, runs, {**env, "ENGAGE_LOAD_PLUGINS": ""})
        probe = (
            "import sys; from engage.cli import cli; "
            f"cli.main(['-s', {str(schedule)!r}, 'log', '0.25', '-p', 'prep', '-d', '2021-11-16'],"
            " standalone_mode=False); "
            "heavy = ('icalendar', 'tabulate', 'openpyxl', 'holidays', 'caldav', 'pendulum', 'babel'); "
            "print('heavy:' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr)"
        )
        heavy = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
    print(f"engage log (median of {runs} runs)")
    print(f"  python -c pass            {python * 1000:7.0f} ms")
    print(f"  engage --version          {version * 1000:7.0f} ms")
    print(f"  engage log, all plugins   {logged * 1000:7.0f} ms")
    print(f"  engage log, no plugins    {no_plugins * 1000:7.0f} ms")
    found = [line.removeprefix("heavy:") for line in heavy.stderr.splitlines() if line.startswith("heavy:")]
    print(f"  heavy modules imported by log: {''.join(found).strip() or 'none'}")


def bench_portfolio(
    engagements: int, entries_each: int, runs: int, env: dict[str, str], sloppy: bool = False
) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total = write_portfolio(folder, engagements, entries_each, sloppy)
        command = [ENGAGE, "status", "--week", "2021-W47", "--format", "json", str(folder)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)  # warm the holiday cache
        seconds = timed(command, runs, env)
        no_budget = timed(command, runs, {**env, "ENGAGE_BLOCK_PLUGINS": "budget"})
    print(  # two lines: an 80-column terminal
        f"  {engagements:4d} engagements, {total:7,d} {'sloppy ' if sloppy else ''}entries: {seconds:6.2f} s "
        f"({seconds / total * 1e6:5.1f} µs/entry)\n    without budget findings {no_budget:6.2f} s"
    )
    return seconds


def bench_calendar(events: int, runs: int) -> None:
    from engage import CalendarEvent, Ledger, hookimpl
    from engage.schedule.loader import load_schedule
    from engage.session import Session
    from engage_calendar.build import View
    from engage_calendar.command import calendar_bytes

    class Many:
        @hookimpl
        def engage_calendar_events(self, engagement):
            base = dt.datetime(2021, 11, 16, 9, 0)
            return [
                CalendarEvent(
                    key=f"bench.{i}",
                    title=f"Interview {i}, with partners",
                    start=base + dt.timedelta(hours=i),
                    end=base + dt.timedelta(hours=i, minutes=45),
                    description=f"Stakeholder interview {i}",
                    location="Nairobi",
                )
                for i in range(events)
            ]

    with tempfile.TemporaryDirectory() as tmp:
        schedule = Path(tmp) / "engage.toml"
        shutil.copy(SEEDS[0], schedule)
        session = Session()
        pm = session.plugin_manager
        pm.register(Many(), name="bench")
        try:
            engagement = load_schedule(schedule, {"budget", "calendar", "status", "holidays", "fees"})
            ledger = Ledger.read(Path(tmp) / "none.jsonl", engagement.hours_per_day)
            verdict = session.verdict(engagement, ledger, dt.date(2021, 11, 16))
            collected = [
                e
                for r in pm.hook.engage_calendar_events(engagement=engagement, ledger=ledger, verdict=verdict)
                for e in r
            ]
            start = time.perf_counter()
            data, _ = calendar_bytes(engagement, collected, View())
            first = time.perf_counter() - start
            again = []
            for _ in range(runs):
                start = time.perf_counter()
                calendar_bytes(engagement, collected, View())
                again.append(time.perf_counter() - start)
            from icalendar import Calendar

            start = time.perf_counter()
            parsed = len(Calendar.from_ical(data).walk("VEVENT"))
            parse = time.perf_counter() - start
        finally:
            pm.unregister(name="bench")
    print(f"calendar, {parsed} events ({len(data) / 1024:.0f} KiB)")
    print(f"  first export (state written)  {first:6.3f} s")
    print(f"  unchanged re-export (median)  {statistics.median(again):6.3f} s")
    print(f"  parsed back by icalendar      {parse:6.3f} s")


def bench_ledger(entries: int) -> None:
    from fractions import Fraction

    from engage.ledger.ledger import Ledger, new_record
    from engage.ledger.writer import append

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_portfolio(folder, 1, entries)
        path = folder / "e0000.ledger.jsonl"
        start = time.perf_counter()
        ledger = Ledger.read(path, Fraction(8))
        read = time.perf_counter() - start
        start = time.perf_counter()
        used = ledger.days_used()
        summed = time.perf_counter() - start
        target = folder / "appends.jsonl"
        start = time.perf_counter()
        for i in range(200):
            append(
                target,
                [new_record("entry", date="2021-11-16", phase="prep", days="1", consultant="", note=str(i))],
            )
        appended = (time.perf_counter() - start) / 200
    print(f"ledger, {entries:,d} entries ({float(used):,.0f} days)")
    print(f"  read and parse   {read:6.3f} s")
    print(f"  sum days         {summed:6.3f} s")
    print(f"  one locked, fsynced append  {appended * 1000:6.2f} ms")
