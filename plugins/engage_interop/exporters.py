"""Entries written in other tools' formats, so that a consultant is never locked in.

Each entry becomes hours (days times the schedule's hours per day). Trackers
that want clock times (Watson, TaskJuggler) get each consultant's entries of a
day stacked one after another from 09:00 in the engagement's time zone, or
ending at midnight when the day holds more than 09:00 leaves: time always stays
on its day, and a day holding more hours than it has is refused. Text that could
change what the format means (a newline in a title, a note, a name) is escaped
or quoted (``quoting``); an account name that would be read differently is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from fractions import Fraction

from engage import EngageError, Engagement, Entry, decimal_text
from engage_interop.catalogue import _
from engage_interop.quoting import one_line, quoted

DAY_STARTS = dt.time(9, 0)
_PLAIN_NAME = re.compile(r'[^,;"\\]+')


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
        f"# engage entries of {one_line(engagement.id)} ({one_line(engagement.title)}), in hours",
        f"# ({engagement.hours_per_day} hours a day); read with: hledger -f FILE.timedot balance",
    ]
    day: dt.date | None = None
    for entry in entries:
        if entry.date != day:
            day = entry.date
            lines += ["", day.isoformat()]
        tags = []
        if entry.consultant:
            plain = _PLAIN_NAME.fullmatch(entry.consultant) and entry.consultant == one_line(entry.consultant)
            tags.append(f"consultant:{entry.consultant.strip() if plain else quoted(entry.consultant)}")
        if entry.note:
            tags.append(f"note:{quoted(entry.note)}")
        comment = f"  ; {', '.join(tags)}" if tags else ""
        account = _account(engagement.id, entry.phase)
        lines.append(f"{account}  {_amount(hours_of(engagement, entry))}{comment}")
    return "\n".join(lines) + "\n"


def _account(*parts: str) -> str:
    """An hledger account name of ``parts``, or an error when one would be read as something else."""
    if parts[0][:1].isdigit():
        raise EngageError(
            _(
                "{name} cannot start an hledger account name: a line starting with a digit is read "
                "as a date line, and its time would be lost; give the engagement an id starting with a letter"
            ).format(name=repr(parts[0]))
        )
    for part in parts:
        if not part.strip() or part != one_line(part) or re.search(r"[;#*]|\s\s|\t|^\s|\s$", part):
            raise EngageError(
                _(
                    "{name} cannot be part of an hledger account name (a control character, ';', '#', '*', "
                    "or a double space would change what the line says); give the engagement and its phases "
                    "keys of letters, digits, '-' and '_'"
                ).format(name=repr(part))
            )
    return ":".join(parts)


def _stacked(
    engagement: Engagement, entries: Sequence[Entry], tool: str
) -> Iterator[tuple[Entry, dt.datetime, dt.datetime]]:
    """Each entry with a start and end on its own day: a consultant's entries of a day one after
    another from 09:00, or ending at midnight when 09:00 leaves too little of the day."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(engagement.timezone)
    seconds = [round(hours_of(engagement, entry) * 3600) for entry in entries]
    totals: dict[tuple[dt.date, str], int] = {}
    for entry, length in zip(entries, seconds, strict=True):
        totals[(entry.date, entry.consultant)] = totals.get((entry.date, entry.consultant), 0) + length
    starts: dict[tuple[dt.date, str], dt.datetime] = {}
    for (day, person), total in totals.items():
        nine = dt.datetime.combine(day, DAY_STARTS, zone).astimezone(dt.UTC)
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
        start = min(nine, midnight - dt.timedelta(seconds=total))
        if start < dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC):
            raise EngageError(
                _(
                    "{day}: {person} has {hours} hours on one day, more "
                    "than the day holds, and {tool} would move them to another day; void the entry logged "
                    "twice (engage entries, engage void ID), then export again"
                ).format(
                    day=day,
                    person=one_line(person) or _("the consultant"),
                    hours=decimal_text(f"{total / 3600:g}"),
                    tool=tool,
                )
            )
        starts[(day, person)] = start
    for entry, length in zip(entries, seconds, strict=True):
        start = starts[(entry.date, entry.consultant)]
        end = start + dt.timedelta(seconds=length)  # in UTC: a day of a clock change is as long as it is
        starts[(entry.date, entry.consultant)] = end
        yield entry, start.astimezone(zone), end.astimezone(zone)


def _identifier(text: str) -> str:
    """A TaskJuggler id: letters, digits and underscores, not starting with a digit."""
    cleaned = re.sub(r"\W", "_", text.strip().lower(), flags=re.ASCII) or "_"
    return "_" + cleaned if cleaned[0].isdigit() else cleaned


def _resource_ids(people: list[str]) -> dict[str, str]:
    """A TaskJuggler id for each consultant, unique: ``Ann B``, ``Ann-B`` and ``ann b`` are three
    people to engage, so three resources (``ann_b``, ``ann_b_2``, ``ann_b_3``), never one."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for person in people:
        base = ident = _identifier(person)
        number = 1
        while ident in taken:
            number += 1
            ident = f"{base}_{number}"
        taken.add(ident)
        found[person] = ident
    return found


def _nearest_minute(instant: dt.datetime) -> dt.datetime:
    """``instant`` on the nearest whole minute, half a minute up: the same rule for every end, so
    bookings that meet still meet."""
    whole = instant.replace(second=0, microsecond=0)
    return whole + dt.timedelta(minutes=1) if instant - whole >= dt.timedelta(seconds=30) else whole


def _duration(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}min"


def taskjuggler(engagement: Engagement, entries: Sequence[Entry]) -> str:
    """A ``supplement resource`` block per consultant (each its own id), a ``booking`` line per entry,
    each end on the nearest minute."""
    project = _identifier(engagement.id)
    lines = [
        f"# engage actuals of {one_line(engagement.id)}: include in a TaskJuggler plan whose tasks are",
        f"# {project}.PHASE and whose resources are named as below "
        f"(times in {one_line(engagement.timezone)}).",
    ]
    by_person: dict[str, list[str]] = {}
    minutes: list[int] = []
    for entry, exact_start, exact_end in _stacked(engagement, entries, "TaskJuggler"):
        # Each end of a booking on the nearest minute: a day's bookings stay back to back, never
        # overlapping, and together as long as the day's entries, to the minute.
        start, end = _nearest_minute(exact_start), _nearest_minute(exact_end)
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
    resources = _resource_ids(list(by_person))
    for person, bookings in by_person.items():
        lines += [
            "",
            f"# {one_line(person)}",
            f"supplement resource {resources[person]} {{",
            *bookings,
            "}",
        ]
    return "\n".join(lines) + "\n"


def watson(engagement: Engagement, entries: Sequence[Entry]) -> str:
    """A Watson frames file: each entry a frame whose project is the phase, tagged with the note and
    ``consultant:NAME``."""
    frames = []
    for entry, start, end in _stacked(engagement, entries, "Watson"):
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
