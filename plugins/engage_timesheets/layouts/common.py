"""What the layouts share: the grid of phases by day, the long days flagged, the signature block."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction

from engage import (
    EngageError,
    SignatureLine,
    TimesheetRequest,
    TimesheetTable,
    current_language,
    date_text,
    decimal_text,
    month_text,
    period_name,
    person_name,
    step_holds,
)
from engage_timesheets.catalogue import _


def grid(
    request: TimesheetRequest, title: str, label: str, row_label: Callable[[str], str]
) -> TimesheetTable:
    """One row per phase worked (``row_label(phase)``), one column per day of the period, the cells
    in the sheet's unit (None where nothing was logged), a total per row and a totals row."""
    cells: dict[str, dict[dt.date, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for entry in request.entries:
        cells[entry.phase][entry.date] += request.amount(entry)
    order = [p.key for p in request.engagement.phases]
    phases = sorted(cells, key=lambda k: (order.index(k) if k in order else len(order), k))
    days = request.days
    rows = tuple(
        (row_label(phase), *(cells[phase].get(day) for day in days), sum(cells[phase].values(), Fraction(0)))
        for phase in phases
    )
    column_totals = [sum((cells[p].get(day, Fraction(0)) for p in phases), Fraction(0)) for day in days]
    totals = (_("Total"), *(t or None for t in column_totals), sum(column_totals, Fraction(0)))
    return TimesheetTable(title, (label, *days, _("Total")), rows, totals)


def phase_name(request: TimesheetRequest, key: str) -> str:
    """A phase's name from the schedule, else its key as logged."""
    found = next((p for p in request.engagement.phases if p.key == key), None)
    return found.name if found is not None else key


def long_days(request: TimesheetRequest, limit_hours: Fraction) -> tuple[str, ...]:
    """A flag for each day with more than ``limit_hours`` logged: "2026-11-12: 9 h, more than 8 h a day"."""
    hours: dict[dt.date, Fraction] = defaultdict(Fraction)
    for entry in request.entries:
        hours[entry.date] += entry.days * request.engagement.hours_per_day
    return tuple(
        _("{day}: {hours} h, more than {limit} h a day").format(
            day=date_text(day), hours=number(total), limit=number(limit_hours)
        )
        for day, total in sorted(hours.items())
        if total > limit_hours
    )


def number(value: Fraction) -> str:
    """A figure for a sentence: 9, 7.5, 0.25 (7,5 where the language writes a decimal comma)."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return decimal_text(text or "0")


def english() -> bool:
    """Whether the sheet is being written in English (engage's own forms: ISO dates, ``2026-11``)."""
    return current_language().partition("_")[0] == "en"


def period_text(start: dt.date, end: dt.date) -> str:
    """The period as a sheet names it: ``2026-11`` or ``D to D`` in English, as engage always has;
    else the month's name (``novembre 2026``) or the two dates as the language writes them."""
    name = period_name(start, end)
    if " " not in name:
        return name if english() else month_text(start)
    return _("{start} to {end}").format(start=date_text(start), end=date_text(end))


def signatures(
    request: TimesheetRequest, consultant_role: str, supervisor_role: str
) -> tuple[SignatureLine, ...]:
    """The consultant's line (what the ledger says of the submission) and the approver's (of the
    approval); an approver other than the supervisor is named from the approval step."""
    engagement = request.engagement
    approval = request.state.approved
    supervisor = engagement.supervisor.name or engagement.supervisor.role
    approver = (
        person_name(engagement, approval.actor)
        if approval is not None and approval.actor not in ("", "supervisor")
        else supervisor
    )
    return (
        SignatureLine(
            consultant_role, request.consultant.name or request.consultant.key, request.ledger_says("submit")
        ),
        SignatureLine(supervisor_role, approver, request.ledger_says("approve")),
    )


def text_setting(request: TimesheetRequest, key: str, default: str) -> str:
    """A ``[timesheets]`` key that holds text, else ``default``; anything else is refused."""
    value = request.settings.get(key, default)
    if not isinstance(value, str):
        where = f"{request.engagement.source}: timesheets.{key}"
        raise EngageError(_("{where}: must be text, got {value}").format(where=where, value=repr(value)))
    return value.strip() or default


def flags(request: TimesheetRequest, limit_hours: Fraction) -> tuple[str, ...]:
    """The long days, and a sheet the ledger no longer holds as it was submitted or approved."""
    found = long_days(request, limit_hours)
    step = request.state.approved or request.state.submitted
    if step is not None and not step_holds(step, request.entries):
        said = (
            _("the entries changed since the sheet was approved on {date} (record {record})")
            if request.state.approved
            else _("the entries changed since the sheet was submitted on {date} (record {record})")
        )
        found += (said.format(date=date_text(step.date), record=step.id),)
    return found
