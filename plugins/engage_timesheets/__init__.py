"""Timesheets: each consultant's sheet in a funder's layout, submitted, approved, signed and locked.

A built-in plugin written on the public hook contract, as a third party would write one. It reads
the schedule's ``[timesheets]`` table (:mod:`engage_timesheets.settings`), adds the ``timesheet``
command and its ``submit``, ``approve``, ``reject``, ``reopen`` and ``verify`` steps, which write
the core's ``timesheet`` records; the core's verdict says where each sheet stands
(``Verdict.timesheets``) and locks an approved sheet's days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engage import hookimpl

if TYPE_CHECKING:
    import click

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_timesheets.command import timesheet

    cli.add_command(timesheet)
