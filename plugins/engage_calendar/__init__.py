"""Calendar export: milestones as iCalendar for supervisors, sent by mail or published over CalDAV."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from engage import CalendarEvent, MergeDriver, hookimpl

if TYPE_CHECKING:
    import click  # only for the annotation: commands import it when they are added

    from engage import Verdict

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_calendar.command import calendar

    cli.add_command(calendar)


@hookimpl(trylast=True)
def engage_calendar_events(verdict: Verdict) -> Iterator[CalendarEvent]:
    """Deadlines, deliverables, dated meetings, phase windows and holidays of the engagement."""
    from engage_calendar.events import engagement_events

    return engagement_events(verdict)


@hookimpl
def engage_merge_drivers() -> list[MergeDriver]:
    """Two clones' calendar states made one, so SEQUENCE only grows (see ``state.merge_states``)."""
    from engage_calendar.state import STATE_SUFFIX, merge_states

    return [
        MergeDriver(
            "engage-calendar", f"*{STATE_SUFFIX}", "engage calendar state: SEQUENCE only grows", merge_states
        )
    ]
