"""CSV exports of hosted trackers: Toggl Track's detailed report and Harvest's time CSV.

Toggl: the "Detailed" report exported as CSV, whose header is
``User,Email,Client,Project,Task,Description,Billable,Start date,Start time,
End date,End time,Duration,Tags`` (and ``Amount (…)`` columns; newer exports say
``Member`` for ``User``), as documented at
https://support.toggl.com/en/articles/2185497-export-reports; clock times are in
the exporting user's time zone (``--tz``; default the engagement's).
Harvest: its import template ``Date,Client,Project,Task,Notes,Hours,First name,
Last name`` (https://support.getharvest.com/hc/en-us/articles/360048182012) and the
wider detailed time report (``Date,Client,Project,Project Code,Task,Notes,Hours,
Hours Rounded,Billable?,…,First Name,Last Name,…``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from engage import N_, EngageError, ImportedTime
from engage_interop.catalogue import _
from engage_interop.files import read_text

TOGGL = N_("Toggl's detailed report as CSV")
HARVEST = N_("Harvest's time CSV (Date, Client, Project, Task, Notes, Hours, First name, Last name)")


def _rows(path: Path, what: str, needed: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(read_text(path, what), newline=""))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = headers
    missing = [h for h in needed if h not in headers]
    if missing:
        raise EngageError(
            _("{path}: missing column(s) {columns}; give {what}").format(
                path=path, columns=", ".join(missing), what=what
            )
        )
    for row in reader:
        where = _("{path}: row {number}").format(path=path, number=reader.line_num)
        if None in row:
            raise EngageError(
                _("{where}: more cells than columns; give {what}").format(where=where, what=what)
            )
        if any((v or "").strip() for v in row.values()):
            yield where, {k: (v or "").strip() for k, v in row.items()}


def _clock(text: str, where: str, what: str) -> Fraction:
    """Hours in ``1:30:00``, ``1:30`` or ``1.5``."""
    match = re.fullmatch(r"(\d+):([0-5]\d)(?::([0-5]\d))?", text)
    if match:
        h, m, s = (int(g or 0) for g in match.groups())
        return Fraction(h * 3600 + m * 60 + s, 3600)
    try:
        value = Fraction(text)
    except ValueError:
        raise EngageError(
            _("{where}: cannot read {text} as {what}; give 1:30:00 or 1.5").format(
                where=where, text=repr(text), what=what
            )
        ) from None
    if value < 0:
        raise EngageError(
            _("{where}: {text} is negative; give the hours worked").format(where=where, text=repr(text))
        )
    return value


def read_toggl(path: Path) -> list[ImportedTime]:
    """Every row as time against ``project+tag`` (and ``project+task``) keys, falling back to the project."""
    needed = ("project", "description", "start date", "start time", "duration")
    items = []
    for where, row in _rows(path, _(TOGGL), needed):
        person = row.get("user", row.get("member", ""))  # newer exports say Member
        try:
            start = dt.datetime.fromisoformat(f"{row['start date']}T{row['start time']}")
        except ValueError:
            raise EngageError(
                _(
                    "{where}: cannot read {start} as a start; "
                    "export with dates as YYYY-MM-DD (Toggl profile settings)"
                ).format(where=where, start=f"{row['start date']} {row['start time']}")
            ) from None
        project = row["project"]
        tags = [t.strip() for t in row.get("tags", "").split(",") if t.strip()]
        task = row.get("task", "")
        items.append(
            ImportedTime(
                where=where,
                hours=_clock(row["duration"], where, _("a duration")),
                start=start,
                keys=tuple(f"{project}+{t}" for t in ([*tags, task] if task else tags)),
                fallback=tuple(k for k in (project, row.get("client", "")) if k),
                person=person,
                note=row["description"],
            )
        )
    return items


def read_harvest(path: Path) -> list[ImportedTime]:
    """Every row as time against ``project+task``, falling back to the project, then the client."""
    items = []
    for where, row in _rows(path, _(HARVEST), ("date", "project", "hours")):
        text = row["date"]
        try:
            day = (
                dt.datetime.strptime(text, "%m/%d/%Y").date() if "/" in text else dt.date.fromisoformat(text)
            )
        except ValueError:
            raise EngageError(
                _("{where}: cannot read {text} as a date; give 2021-11-16 or 11/16/2021").format(
                    where=where, text=repr(text)
                )
            ) from None
        project, task = row["project"], row.get("task", "")
        items.append(
            ImportedTime(
                where=where,
                hours=_clock(row["hours"], where, _("hours")),
                day=day,
                keys=(f"{project}+{task}",) if task else (),
                fallback=tuple(k for k in (project, row.get("client", "")) if k),
                person=" ".join(p for p in (row.get("first name", ""), row.get("last name", "")) if p),
                note=row.get("notes", ""),
            )
        )
    return items
