"""The ``plain`` layout: a day-by-day grid of phases, in days, with row and column totals."""

from __future__ import annotations

from fractions import Fraction

from engage import TimesheetDocument, TimesheetLayout, TimesheetRequest, date_text
from engage_timesheets.catalogue import _
from engage_timesheets.layouts.common import flags, grid, period_text, phase_name, signatures


def render(request: TimesheetRequest) -> TimesheetDocument:
    engagement, person = request.engagement, request.consultant
    table = grid(request, _("Days worked"), _("Phase"), lambda key: phase_name(request, key))
    return TimesheetDocument(
        title=_("Timesheet {period}: {name}").format(
            period=period_text(request.start, request.end), name=person.name or person.key
        ),
        fields=(
            (_("Engagement"), f"{engagement.title} ({engagement.id})"),
            (_("Client"), engagement.client),
            (_("Consultant"), person.label),
            (
                _("Period"),
                _("{start} to {end}").format(start=date_text(request.start), end=date_text(request.end)),
            ),
            (_("Unit"), _("hours") if request.unit == "hours" else _("days")),
            (_("Status"), request.status),
        ),
        tables=(table,),
        notes=flags(request, Fraction(engagement.hours_per_day)),
        signatures=signatures(request, _("Consultant"), _("Supervisor")),
    )


LAYOUT = TimesheetLayout("plain", "phases by day, in days, with totals", render, unit="days")
