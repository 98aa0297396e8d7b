"""What the layouts share: the grid of phases by day, the long days flagged, the signature block."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction

from engage import EngageError, SignatureLine, TimesheetRequest, TimesheetTable, person_name, step_holds


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
    totals = ("Total", *(t or None for t in column_totals), sum(column_totals, Fraction(0)))
    return TimesheetTable(title, (label, *days, "Total"), rows, totals)


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
        f"{day}: {number(total)} h, more than {number(limit_hours)} h a day"
        for day, total in sorted(hours.items())
        if total > limit_hours
    )


def number(value: Fraction) -> str:
    """A figure for a sentence: 9, 7.5, 0.25."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"


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
        raise EngageError(f"{where}: must be text, got {value!r}")
    return value.strip() or default


def status(request: TimesheetRequest) -> str:
    """Where the sheet stands, as one line."""
    return request.status


def flags(request: TimesheetRequest, limit_hours: Fraction) -> tuple[str, ...]:
    """The long days, and a sheet the ledger no longer holds as it was submitted or approved."""
    found = long_days(request, limit_hours)
    step = request.state.approved or request.state.submitted
    if step is not None and not step_holds(step, request.entries):
        what = "approved" if request.state.approved else "submitted"
        found += (f"the entries changed since the sheet was {what} on {step.date} (record {step.id})",)
    return found
