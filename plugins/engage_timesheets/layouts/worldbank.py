"""The ``worldbank`` layout: a consultant's staff input, home and field days by month.

Home is where the consultant is based (their ``location``, else the engagement's own place); field
is any other place an entry was worked (``engage log --at``, else the phase's location). A day with
more than 8 hours is flagged: the Bank pays a day of 8.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from engage import (
    TimesheetDocument,
    TimesheetLayout,
    TimesheetRequest,
    TimesheetTable,
    months_between,
    period_name,
)
from engage_timesheets.layouts.common import flags, phase_name, signatures, status

BANK_DAY_HOURS = Fraction(8)


def render(request: TimesheetRequest) -> TimesheetDocument:
    engagement, person = request.engagement, request.consultant
    home = person.location or ""
    by_month: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    lines = []
    for entry in request.entries:
        place = engagement.place_of(entry.phase, person.key, entry.at)
        side = "home" if place == home else "field"
        by_month[f"{entry.date:%Y-%m}"][side] += entry.days
        lines.append(
            (
                entry.date,
                phase_name(request, entry.phase),
                engagement.location(place).name or place or "engagement's own place",
                side,
                entry.days,
            )
        )
    months = [f"{first:%Y-%m}" for first, _ in months_between(request.start, request.end)]
    rows = tuple(
        (
            month,
            by_month[month]["home"],
            by_month[month]["field"],
            by_month[month]["home"] + by_month[month]["field"],
        )
        for month in months
    )
    home_total = sum((r[1] for r in rows), Fraction(0))
    field_total = sum((r[2] for r in rows), Fraction(0))
    staff_input = TimesheetTable(
        "Staff input (days)",
        ("Month", "Home days", "Field days", "Total days"),
        rows,
        ("Total", home_total, field_total, home_total + field_total),
    )
    worked = TimesheetTable(
        "Days worked",
        ("Date", "Activity", "Place", "Home or field", "Days"),
        tuple(lines),
        ("Total", "", "", "", home_total + field_total),
    )
    return TimesheetDocument(
        title=f"Staff input {period_name(request.start, request.end)}: {person.name or person.key}",
        fields=(
            ("Assignment", engagement.title),
            ("Client", engagement.client),
            ("Consultant", person.label),
            ("Home base", engagement.location(home).name or "the engagement's own place"),
            ("Period", f"{request.start} to {request.end}"),
            ("Home days", home_total),
            ("Field days", field_total),
            ("Status", status(request)),
        ),
        tables=(staff_input, worked),
        notes=flags(request, BANK_DAY_HOURS),
        signatures=signatures(request, "Consultant", "Task team leader"),
    )


LAYOUT = TimesheetLayout(
    "worldbank", "World Bank staff input: home and field days by month", render, unit="days"
)
