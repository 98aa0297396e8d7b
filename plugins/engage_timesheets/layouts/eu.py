"""The ``eu`` layout: the monthly time record Horizon Europe and LIFE grants ask for.

The Annotated Model Grant Agreement asks each record for, at least: the action's title and number,
the beneficiary's name, the name, date and signature of the person working for the action, the
hours worked for the action (here per day), a reference to the work packages the hours went to, and
the supervisor's name and signature. ``[timesheets]`` gives the action (``action``,
``action_number``: default the engagement's title and id), the ``beneficiary`` (default the client)
and ``work_packages = { prep = "WP1" }`` (default the phase's key).
"""

from __future__ import annotations

from fractions import Fraction

from engage import EngageError, TimesheetDocument, TimesheetLayout, TimesheetRequest, date_text
from engage_timesheets.catalogue import _
from engage_timesheets.layouts.common import (
    flags,
    grid,
    period_text,
    phase_name,
    signatures,
    text_setting,
)

KEYS = ("action", "action_number", "beneficiary", "work_packages")


def work_packages(request: TimesheetRequest) -> dict[str, str]:
    """``[timesheets] work_packages``: each phase's work-package reference, checked."""
    given = request.settings.get("work_packages", {})
    where = f"{request.engagement.source}: timesheets.work_packages"
    if not isinstance(given, dict) or not all(isinstance(v, str) and v.strip() for v in given.values()):
        raise EngageError(
            _('{where}: must be a table of phase = "reference", such as {example}').format(
                where=where, example='{ prep = "WP1" }'
            )
        )
    phases = [p.key for p in request.engagement.phases]
    for key in given:
        if key not in phases:
            raise EngageError(
                _("{where}: not a phase; the phases: {phases}").format(
                    where=f"{where}.{key}", phases=", ".join(phases)
                )
            )
    return {key: value.strip() for key, value in given.items()}


def render(request: TimesheetRequest) -> TimesheetDocument:
    engagement, person = request.engagement, request.consultant
    packages = work_packages(request)
    table = grid(
        request,
        _("Hours worked for the action"),
        _("Work package"),
        lambda key: _("{package}: {phase}").format(
            package=packages.get(key, key), phase=phase_name(request, key)
        ),
    )
    return TimesheetDocument(
        title=_("Time record {period}").format(period=period_text(request.start, request.end)),
        fields=(
            (_("Action title"), text_setting(request, "action", engagement.title)),
            (_("Action number"), text_setting(request, "action_number", engagement.id)),
            (_("Beneficiary"), text_setting(request, "beneficiary", engagement.client)),
            (_("Person working for the action"), person.name or person.key),
            (
                _("Period"),
                _("{start} to {end}").format(start=date_text(request.start), end=date_text(request.end)),
            ),
            (_("Hours worked for the action"), table.totals[-1]),
            (_("Status"), request.status),
        ),
        tables=(table,),
        notes=flags(request, Fraction(engagement.hours_per_day)),
        signatures=signatures(request, _("Person working for the action"), _("Supervisor")),
    )


LAYOUT = TimesheetLayout(
    "eu", "Horizon Europe / LIFE monthly time record: hours per day per work package", render, KEYS, "hours"
)
