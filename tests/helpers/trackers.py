"""Tracker files for the import tests: Watson, Timewarrior, klog, timedot and CSV, with what they hold.

Each file holds ``count`` items of whole minutes spread over five days of the IJM engagement
(Africa/Nairobi, UTC+3), clock times between 06:00 and 18:00 UTC so that every item stays on
its day in the engagement's zone. ``Tracker.hours_by_day`` is what the tracker itself counts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engage.ledger.ledger import Ledger
    from helpers import Seed

FORMATS = ("watson", "timewarrior", "klog", "timedot", "csv")
FIRST_DAY = dt.date(2021, 11, 16)
DAYS = 5


@dataclass
class Tracker:
    """A tracker's file, the arguments that import it, and the hours it holds per day."""

    name: str
    path: Path
    args: list[str]
    hours_by_day: dict[str, Fraction] = field(default_factory=dict)
    items: int = 0


def _slots(count: int) -> list[tuple[dt.datetime, int]]:
    """(start in UTC, minutes) of each item: one to four minutes, two to five minutes apart, by day."""
    slots = []
    for n in range(count):
        day = FIRST_DAY + dt.timedelta(days=n % DAYS)
        k = n // DAYS
        start = dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC) + dt.timedelta(minutes=5 * k)
        slots.append((start, 1 + n % 4))
    assert all(s.hour < 18 for s, _ in slots), "too many items for a day's clock times"
    return slots


def tracker_file(name: str, folder: Path, count: int, note_size: int = 40) -> Tracker:
    """A ``name`` file of ``count`` items in ``folder``, each with a note of about ``note_size``."""
    slots = _slots(count)
    pad = "n" * note_size
    hours: dict[str, Fraction] = {}
    for start, minutes in slots:
        key = (start + dt.timedelta(hours=3)).date().isoformat()
        hours[key] = hours.get(key, Fraction(0)) + Fraction(minutes, 60)
    if name == "watson":
        path = folder / "frames"
        frames = [
            [int(s.timestamp()), int(s.timestamp()) + 60 * m, "ijm", f"{n:032x}", [f"{pad} {n}"], 0]
            for n, (s, m) in enumerate(slots)
        ]
        path.write_text(json.dumps(frames))
        args = ["--from", "watson", str(path), "--map", "ijm=prep"]
    elif name == "timewarrior":
        path = folder / "timew.json"
        stamp = "%Y%m%dT%H%M%SZ"
        intervals = [
            {
                "id": n + 1,
                "start": s.strftime(stamp),
                "end": (s + dt.timedelta(minutes=m)).strftime(stamp),
                "tags": ["prep"],
                "annotation": f"{pad} {n}",
            }
            for n, (s, m) in enumerate(slots)
        ]
        path.write_text(json.dumps(intervals))
        args = ["--from", "timewarrior", str(path)]
    elif name == "klog":
        path = folder / "work.klg"
        by_day: dict[dt.date, list[str]] = {}
        for n, (s, m) in enumerate(slots):
            by_day.setdefault(s.date(), []).append(f"    {m}m {pad} {n} #prep")
        path.write_text(
            "\n\n".join(f"{d.isoformat()}\n" + "\n".join(e) for d, e in sorted(by_day.items())) + "\n"
        )
        args = ["--from", "klog", str(path)]
    elif name == "timedot":
        path = folder / "work.timedot"
        by_day = {}
        for n, (s, m) in enumerate(slots):
            by_day.setdefault(s.date(), []).append(f"prep  {m}m  ; {pad} {n}")
        path.write_text(
            "\n\n".join(f"{d.isoformat()}\n" + "\n".join(e) for d, e in sorted(by_day.items())) + "\n"
        )
        args = ["--from", "timedot", str(path)]
    elif name == "csv":
        path = folder / "sheet.csv"
        rows = ["date,phase,hours,consultant,note"]
        rows += [
            f"{s.date().isoformat()},prep,{m}m,Test Consultant,{pad} {n}" for n, (s, m) in enumerate(slots)
        ]
        path.write_text("\n".join(rows) + "\n")
        args = [str(path)]
    else:
        raise ValueError(name)
    return Tracker(name, path, args, hours, count)


def hours_by_day(ledger: Ledger) -> dict[str, Fraction]:
    """Hours of the live entries per date, as the ledger counts them (every entry here is in hours)."""
    found: dict[str, Fraction] = {}
    for entry in ledger.entries():
        assert entry.unit == "hours", entry
        found[entry.date.isoformat()] = found.get(entry.date.isoformat(), Fraction(0)) + entry.amount
    return found


# What the interop tests read back: the entries engage lists, hours per day, an import through the CLI.
def entries(seed: Seed) -> list[dict[str, str]]:
    """The entries engage lists, as JSON."""
    result = seed.run("entries", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def per_day(seed: Seed) -> dict[str, Fraction]:
    """Hours per date as engage counts them (days times the seed's 8 hours)."""
    totals: dict[str, Fraction] = {}
    for entry in entries(seed):
        hours = Fraction(entry["days"]).limit_denominator(10**6) * 8
        totals[entry["date"]] = totals.get(entry["date"], Fraction(0)) + hours
    return totals


def import_file(seed: Seed, fmt: str, path: Path, *maps: str) -> str:
    """``engage import --from FMT PATH --map ...``, which must succeed; what it said."""
    args = ["import", "--from", fmt, str(path)]
    for text in maps:
        args += ["--map", text]
    result = seed.run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout + result.stderr
