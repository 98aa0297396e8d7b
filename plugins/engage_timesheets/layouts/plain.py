"""The ``plain`` layout: a day-by-day grid of phases, in days, with row and column totals."""

from __future__ import annotations

from fractions import Fraction

from engage import TimesheetDocument, TimesheetLayout, TimesheetRequest, period_name
from engage_timesheets.layouts.common import flags, grid, phase_name, signatures, status


def render(request: TimesheetRequest) -> TimesheetDocument:
    engagement, person = request.engagement, request.consultant
    table = grid(request, "Days worked", "Phase", lambda key: phase_name(request, key))
    return TimesheetDocument(
        title=f"Timesheet {period_name(request.start, request.end)}: {person.name or person.key}",
        fields=(
            ("Engagement", f"{engagement.title} ({engagement.id})"),
            ("Client", engagement.client),
            ("Consultant", person.label),
            ("Period", f"{request.start} to {request.end}"),
            ("Unit", request.unit),
            ("Status", status(request)),
        ),
        tables=(table,),
        notes=flags(request, Fraction(engagement.hours_per_day)),
        signatures=signatures(request, "Consultant", "Supervisor"),
    )


LAYOUT = TimesheetLayout("plain", "phases by day, in days, with totals", render, unit="days")
