"""Entries written in other tools' formats, so that a consultant is never locked in.

Each entry becomes hours (days times the schedule's hours per day). Trackers
that want clock times (Watson, TaskJuggler) get the day's entries stacked
from 09:00 in the engagement's time zone, one after another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from fractions import Fraction

from engage import Engagement, Entry

DAY_STARTS = dt.time(9, 0)


def hours_of(engagement: Engagement, entry: Entry) -> Fraction:
    """The entry in hours, exactly."""
    return entry.amount if entry.unit == "hours" else entry.days * engagement.hours_per_day


def _amount(hours: Fraction) -> str:
    """Hours as hledger reads them exactly: 1.5h, 80m, or seconds."""
    if (hours * 100).denominator == 1:
        return f"{float(hours):g}h"
    if (hours * 60).denominator == 1:
        return f"{int(hours * 60)}m"
    return f"{round(hours * 3600)}s"


def timedot(engagement: Engagement, entries: Sequence[Entry]) -> str:
    """hledger timedot: a date line per day, an ``ENGAGEMENT:PHASE`` account line per entry."""
    lines = [
        f"# engage entries of {engagement.id} ({engagement.title}), in hours",
        f"# ({engagement.hours_per_day} hours a day); read with: hledger -f FILE.timedot balance",
    ]
    day: dt.date | None = None
    for entry in entries:
        if entry.date != day:
            day = entry.date
            lines += ["", day.isoformat()]
        comment = f"  ; consultant:{entry.consultant}" if entry.consultant else ""
        lines.append(f"{engagement.id}:{entry.phase}  {_amount(hours_of(engagement, entry))}{comment}")
    return "\n".join(lines) + "\n"


def _stacked(
    engagement: Engagement, entries: Sequence[Entry]
) -> Iterator[tuple[Entry, dt.datetime, dt.datetime]]:
    """Each entry with a start and end: the day's entries one after another from 09:00."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(engagement.timezone)
    ends: dict[tuple[dt.date, str], dt.datetime] = {}
    for entry in entries:
        start = ends.get((entry.date, entry.consultant)) or dt.datetime.combine(entry.date, DAY_STARTS, zone)
        seconds = round(hours_of(engagement, entry) * 3600)
        end = start + dt.timedelta(seconds=seconds)
        ends[(entry.date, entry.consultant)] = end
        yield entry, start, end


def _identifier(text: str) -> str:
    """A TaskJuggler id: letters, digits and underscores, not starting with a digit."""
    cleaned = re.sub(r"\W", "_", text.strip().lower(), flags=re.ASCII) or "_"
    return "_" + cleaned if cleaned[0].isdigit() else cleaned


def _duration(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}min"


def taskjuggler(engagement: Engagement, entries: Sequence[Entry]) -> str:
    """A ``supplement resource`` block per consultant, a ``booking`` line per entry."""
    project = _identifier(engagement.id)
    lines = [
        f"# engage actuals of {engagement.id}: include in a TaskJuggler plan whose tasks are",
        f"# {project}.PHASE and whose resources are named as below (times in {engagement.timezone}).",
    ]
    by_person: dict[str, list[str]] = {}
    minutes: list[int] = []
    for entry, start, end in _stacked(engagement, entries):
        length = round((end - start).total_seconds() / 60)
        minutes += [length, start.hour * 60 + start.minute]
        by_person.setdefault(entry.consultant or "consultant", []).append(
            f"  booking {project}.{_identifier(entry.phase)} {start:%Y-%m-%d-%H:%M} "
            f"+{_duration(length)} {{ overtime 2 }}"
        )
    resolution = next((r for r in (60, 30, 20, 15, 10, 5) if all(m % r == 0 for m in minutes)), None)
    if resolution is None:
        lines.append("# Some bookings are not whole multiples of 5 minutes, TaskJuggler's finest resolution.")
    elif resolution < 60:
        lines.append(f"# These bookings need 'timingresolution {resolution}min' in the project.")
    for person, bookings in by_person.items():
        lines += ["", f"# {person}", f"supplement resource {_identifier(person)} {{", *bookings, "}"]
    return "\n".join(lines) + "\n"


def watson(engagement: Engagement, entries: Sequence[Entry]) -> str:
    """A Watson frames file: each entry a frame whose project is the phase, tagged with the note and
    ``consultant:NAME``."""
    frames = []
    for entry, start, end in _stacked(engagement, entries):
        ident = hashlib.sha256(entry.id.encode()).hexdigest()[:32]
        recorded = dt.datetime.fromisoformat(entry.recorded_at.replace("Z", "+00:00"))
        frames.append(
            [
                int(start.timestamp()),
                int(end.timestamp()),
                entry.phase,
                ident,
                ([entry.note] if entry.note else [])
                + ([f"consultant:{entry.consultant}"] if entry.consultant else []),
                int(recorded.timestamp()),
            ]
        )
    return json.dumps(frames, indent=1, ensure_ascii=False) + "\n"
