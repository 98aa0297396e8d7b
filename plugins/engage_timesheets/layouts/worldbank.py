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
    date_text,
    months_between,
)
from engage_timesheets.catalogue import _
from engage_timesheets.layouts.common import english, flags, period_text, phase_name, signatures

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
                engagement.location(place).name or place or _("engagement's own place"),
                _("home") if side == "home" else _("field"),
                entry.days,
            )
        )
    months = [f"{first:%Y-%m}" for first, _last in months_between(request.start, request.end)]
    rows = tuple(
        (
            month if english() else month_text_of(month),
            by_month[month]["home"],
            by_month[month]["field"],
            by_month[month]["home"] + by_month[month]["field"],
        )
        for month in months
    )
    home_total = sum((r[1] for r in rows), Fraction(0))
    field_total = sum((r[2] for r in rows), Fraction(0))
    staff_input = TimesheetTable(
        _("Staff input (days)"),
        (_("Month"), _("Home days"), _("Field days"), _("Total days")),
        rows,
        (_("Total"), home_total, field_total, home_total + field_total),
    )
    worked = TimesheetTable(
        _("Days worked"),
        (_("Date"), _("Activity"), _("Place"), _("Home or field"), _("Days")),
        tuple(lines),
        (_("Total"), "", "", "", home_total + field_total),
    )
    return TimesheetDocument(
        title=_("Staff input {period}: {name}").format(
            period=period_text(request.start, request.end), name=person.name or person.key
        ),
        fields=(
            (_("Assignment"), engagement.title),
            (_("Client"), engagement.client),
            (_("Consultant"), person.label),
            (_("Home base"), engagement.location(home).name or _("the engagement's own place")),
            (
                _("Period"),
                _("{start} to {end}").format(start=date_text(request.start), end=date_text(request.end)),
            ),
            (_("Home days"), home_total),
            (_("Field days"), field_total),
            (_("Status"), request.status),
        ),
        tables=(staff_input, worked),
        notes=flags(request, BANK_DAY_HOURS),
        signatures=signatures(request, _("Consultant"), _("Task team leader")),
    )


def month_text_of(month: str) -> str:
    """``2026-11`` as the language names the month: ``novembre 2026``."""
    import datetime as dt

    from engage import month_text

    year, number = month.split("-")
    return month_text(dt.date(int(year), int(number), 1))


LAYOUT = TimesheetLayout(
    "worldbank", "World Bank staff input: home and field days by month", render, unit="days"
)
