"""Timesheets: each consultant's sheet in a funder's layout, submitted, approved, signed and locked.

A built-in plugin written on the public hook contract, as a third party would write one. It reads
the schedule's ``[timesheets]`` table (:mod:`engage_timesheets.settings`), adds the ``timesheet``
command and its ``submit``, ``approve``, ``reject``, ``reopen`` and ``verify`` steps, which write
the core's ``timesheet`` records; the core's verdict says where each sheet stands
(``Verdict.timesheets``) and locks an approved sheet's days.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from engage import Engagement, Finding, Section, TimesheetAction, hookimpl

if TYPE_CHECKING:
    import click

    from engage import TimesheetLayout, Verdict

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_timesheets.command import timesheet

    cli.add_command(timesheet)


def _used(engagement: Engagement, verdict: Verdict) -> bool:
    """Timesheets are in use: the schedule has a ``[timesheets]`` table, or the ledger a step. Asked
    here, so that an engagement without them imports none of the plugin's modules."""
    return "timesheets" in engagement.settings or bool(verdict.ledger.every(TimesheetAction))


@hookimpl
def engage_budget_checks(engagement: Engagement, verdict: Verdict) -> list[Finding] | None:
    """Sheets not submitted or approved in time, changed since approved, or in contradiction."""
    if not _used(engagement, verdict):
        return None
    from engage_timesheets.checks import timesheet_findings

    return list(timesheet_findings(engagement, verdict)) or None


@hookimpl
def engage_status_sections(engagement: Engagement, verdict: Verdict) -> list[Section] | None:
    """Where each consultant's recent sheets stand, and every one not approved."""
    if not _used(engagement, verdict):
        return None
    from engage_timesheets.status import timesheet_section

    section = timesheet_section(engagement, verdict)
    return [section] if section is not None else None


@hookimpl
def engage_portfolio_columns(engagement: Engagement, verdict: Verdict) -> dict[str, object] | None:
    """Sheets approved, waiting and not submitted, in the portfolio summary."""
    if not _used(engagement, verdict):
        return None
    from engage_timesheets.status import portfolio_cell

    return portfolio_cell(engagement, verdict)


@hookimpl(trylast=True)
def engage_timesheet_layouts() -> Iterable[TimesheetLayout]:
    """plain, eu and worldbank; trylast, so that a plugin's layout of the same name replaces one."""
    from engage_timesheets.layouts import built_in

    return built_in()
