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

from engage import hookimpl

if TYPE_CHECKING:
    import click

    from engage import TimesheetLayout

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_timesheets.command import timesheet

    cli.add_command(timesheet)


@hookimpl(trylast=True)
def engage_timesheet_layouts() -> Iterable[TimesheetLayout]:
    """plain, eu and worldbank; trylast, so that a plugin's layout of the same name replaces one."""
    from engage_timesheets.layouts import built_in

    return built_in()
