"""Reading a schedule's dated items: named dates, deliverables, meetings and deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engage.language import _
from engage.schedule.model import (
    DEFAULT_REVIEW_DAYS,
    DEFAULT_REVISION_DAYS,
    MEETING_KINDS,
    Deadline,
    Deliverable,
    Meeting,
)
from engage.schedule.rules import TO_BE_AGREED, DateRule
from engage.schedule.toml_values import KEY_PATTERN, Reader, one_of, show


def named_dates(r: Reader, data: Mapping[str, Any]) -> dict[str, dt.date | None]:
    """The ``[dates]`` table: each key a date, or "to be agreed" (None) while unknown."""
    if "dates" not in data:
        return {}
    table = r.table(data["dates"], "dates")
    dates: dict[str, dt.date | None] = {}
    for key, value in table.items():
        where = f"dates.{key}"
        if not KEY_PATTERN.match(key) or key in ("start", "deliverable", "meeting"):
            r.fail(
                where,
                _(
                    "a date's name must be lower-case letters, digits, '-', '_' or '.', "
                    "and not 'start', 'deliverable' or 'meeting'"
                ),
            )
        if isinstance(value, str) and " ".join(value.lower().split()) == TO_BE_AGREED:
            dates[key] = None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            dates[key] = value
        else:
            r.fail(
                where,
                _("must be a date such as 2004-01-05 or 'to be agreed', got {value}").format(
                    value=show(value)
                ),
            )
    return dates


def review_defaults(r: Reader, data: Mapping[str, Any]) -> tuple[int, int]:
    """Engagement-wide ``[deliverables_defaults]``: review_days and revision_days."""
    if "deliverables_defaults" not in data:
        return DEFAULT_REVIEW_DAYS, DEFAULT_REVISION_DAYS
    where = "deliverables_defaults"
    table = r.table(data[where], where)
    r.known_keys(table, where, ("review_days", "revision_days"))
    return (
        r.whole(table, "review_days", where, DEFAULT_REVIEW_DAYS),
        r.whole(table, "revision_days", where, DEFAULT_REVISION_DAYS),
    )


def meetings(r: Reader, data: Mapping[str, Any], phase_keys: list[str], seen: set[str]) -> list[Meeting]:
    """``[[meetings]]``; a meeting without a start is "to be agreed"."""
    found = []
    for i, table in enumerate(r.array(data, "meetings")):
        where = f"meetings[{i}]"
        r.known_keys(
            table,
            where,
            ("key", "name", "kind", "phase", "start", "end", "location", "attendees", "description"),
        )
        kind = table.get("kind", "other")
        if kind not in MEETING_KINDS:
            r.fail(f"{where}.kind", one_of(MEETING_KINDS, kind))
        phase = phase_ref(r, table, where, phase_keys, required=False)
        start = r.when(table["start"], f"{where}.start") if "start" in table else None
        end = r.when(table["end"], f"{where}.end") if "end" in table else None
        if end is not None and start is None:
            r.fail(f"{where}.start", _("missing; a meeting with an end needs a start"))
        check_order(r, where, start, end, "meeting")
        found.append(
            Meeting(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                kind=kind,
                phase=phase,
                start=start,
                end=end,
                location=r.text(table, "location", where, required=False),
                attendees=r.strings(table, "attendees", where),
                description=r.text(table, "description", where, required=False),
            )
        )
    return found


def deliverables(
    r: Reader,
    data: Mapping[str, Any],
    phase_keys: list[str],
    seen: set[str],
    meeting_keys: set[str],
) -> list[Deliverable]:
    """``[[deliverables]]`` with their dependencies, review allowances and what they replace."""
    tables = r.array(data, "deliverables")
    own_keys = {str(t.get("key")) for t in tables}
    all_keys = own_keys | meeting_keys
    review, revision = review_defaults(r, data)
    found = []
    for i, table in enumerate(tables):
        where = f"deliverables[{i}]"
        r.known_keys(
            table,
            where,
            (
                "key", "name", "phase", "due", "depends_on", "description",
                "review_days", "revision_days", "replaces",
            ),
        )  # fmt: skip
        key = r.key(table, where, seen)
        phase = phase_ref(r, table, where, phase_keys, required=True)
        assert phase is not None
        if "due" not in table:
            r.fail(
                f"{where}.due",
                _("missing; give a date, 'end of phase {phase}' or a rule").format(phase=phase),
            )
        depends_on = r.strings(table, "depends_on", where)
        for j, dep in enumerate(depends_on):
            if dep == key:
                r.fail(f"{where}.depends_on[{j}]", _("a deliverable cannot depend on itself"))
            if dep not in all_keys:
                r.fail(
                    f"{where}.depends_on[{j}]",
                    _("unknown deliverable or meeting {key}; known: {keys}").format(
                        key=repr(dep), keys=", ".join(sorted(all_keys))
                    ),
                )
        replaces = r.text(table, "replaces", where, required=False) or None
        if replaces is not None and (replaces == key or replaces not in own_keys):
            others = ", ".join(sorted(own_keys - {key})) or _("(no other deliverable)")
            r.fail(
                f"{where}.replaces",
                _("must name another deliverable; deliverables: {keys}").format(keys=others),
            )
        found.append(
            Deliverable(
                key=key,
                name=r.text(table, "name", where),
                phase=phase,
                due=r.when(table["due"], f"{where}.due"),
                depends_on=depends_on,
                description=r.text(table, "description", where, required=False),
                review_days=r.whole(table, "review_days", where, review),
                revision_days=r.whole(table, "revision_days", where, revision),
                replaces=replaces,
            )
        )
    return found


def deadlines(r: Reader, data: Mapping[str, Any], seen: set[str]) -> list[Deadline]:
    """``[[deadlines]]``: dates that matter but take no days, such as proposals due."""
    found = []
    for i, table in enumerate(r.array(data, "deadlines")):
        where = f"deadlines[{i}]"
        r.known_keys(table, where, ("key", "name", "date", "description"))
        if "date" not in table:
            r.fail(f"{where}.date", _("missing; give a date, a local time or a rule"))
        found.append(
            Deadline(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                date=r.when(table["date"], f"{where}.date"),
                description=r.text(table, "description", where, required=False),
            )
        )
    return found


def check_order(r: Reader, where: str, start: object, end: object, what: str) -> None:
    """Refuse an end before its start; a rule, or a day against a moment, is not compared here."""
    if (
        isinstance(start, dt.date)
        and isinstance(end, dt.date)
        and isinstance(start, dt.datetime) == isinstance(end, dt.datetime)
        and end < start
    ):
        if what == "meeting":
            problem = _("{end} is before the meeting's start {start}")
        else:
            problem = _("{end} is before the phase's start {start}")
        r.fail(f"{where}.end", problem.format(end=end, start=start))


def phase_ref(
    r: Reader, table: Mapping[str, Any], where: str, phase_keys: list[str], *, required: bool
) -> str | None:
    """The ``phase`` an item belongs to, which must be one of the schedule's phases."""
    value = table.get("phase")
    if value is None and not required:
        return None
    if value not in phase_keys:
        r.fail(
            f"{where}.phase",
            _("must be one of the phases {keys}, got {value}").format(
                keys=", ".join(phase_keys), value=show(value)
            ),
        )

    return str(value)


def rules_of(item: object) -> list[tuple[str, DateRule]]:
    """The (field, rule) pairs of a phase, deliverable, meeting or deadline that are rules."""
    fields = ("start", "end", "due", "date")
    return [(name, value) for name in fields if isinstance(value := getattr(item, name, None), DateRule)]
