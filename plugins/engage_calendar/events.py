"""The engagement's own calendar events: deadlines, deliverables, meetings, phase windows, holidays.

An item is on the calendar when it has a date. A meeting or deliverable without one is off it, with
the reason: "date to be agreed" or "cancelled". :func:`meeting_when` and :func:`due_when` are the one
place that decides which; everything downstream (feed, mail, CalDAV) follows from the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engage import CalendarEvent, Engagement, Ledger, Meeting
from engage.parsing import format_budget

TO_BE_AGREED = "date to be agreed"
CANCELLED = "cancelled"
REMOVED = "removed from the schedule"  # what an item that simply disappeared is
Day = dt.date | dt.datetime


def meeting_when(engagement: Engagement, ledger: Ledger, meeting: Meeting) -> tuple[Day, Day] | str:
    """A meeting's start and inclusive end, or why it has none (TO_BE_AGREED or CANCELLED)."""
    span = engagement.timeline.meeting_span(meeting.key)
    return TO_BE_AGREED if span is None else span


def due_when(engagement: Engagement, ledger: Ledger, key: str) -> Day | str:
    """A deliverable's due date, or why it has none (TO_BE_AGREED or CANCELLED)."""
    return engagement.timeline.due(key)


def cancellation_note(off: str) -> str:
    """One sentence saying why an item left the calendar, for its cancellation."""
    if off == TO_BE_AGREED:
        return "Cancelled until a new date is agreed; a new invitation follows once it is set."
    if off == REMOVED:
        return "Cancelled: removed from the schedule."
    return "Cancelled."


def off_calendar(engagement: Engagement, ledger: Ledger) -> dict[str, str]:
    """Item keys (as in ``CalendarEvent.key``) that have no date now, with the reason."""
    found: dict[str, object] = {
        f"meeting.{m.key}": meeting_when(engagement, ledger, m) for m in engagement.meetings
    }
    found |= {f"deliverable.{d.key}": due_when(engagement, ledger, d.key) for d in engagement.deliverables}
    return {key: when for key, when in found.items() if isinstance(when, str)}


def engagement_events(engagement: Engagement, ledger: Ledger) -> Iterator[CalendarEvent]:
    """Every dated item of the schedule as an event; items without a date are left out."""
    timeline = engagement.timeline
    for deadline in engagement.deadlines:
        yield CalendarEvent(
            key=f"deadline.{deadline.key}",
            title=f"Deadline: {deadline.name}",
            start=deadline.date,
            description=_lines(engagement.title, deadline.description),
            categories=("deadline",),
            alarm=True,
        )
    names = {d.key: d.name for d in engagement.deliverables} | {m.key: m.name for m in engagement.meetings}
    for deliverable in engagement.deliverables:
        due = due_when(engagement, ledger, deliverable.key)
        if isinstance(due, str):
            continue
        status = ledger.current_status(deliverable.key)
        yield CalendarEvent(
            key=f"deliverable.{deliverable.key}",
            title=f"Due: {deliverable.name}",
            start=due,
            description=_lines(
                engagement.title,
                f"Phase: {engagement.phase(deliverable.phase).name}",
                "Depends on: " + "; ".join(names[k] for k in deliverable.depends_on)
                if deliverable.depends_on
                else "",
                f"Status: {status.status} on {status.date}" if status else "Status: not yet submitted",
                deliverable.description,
            ),
            categories=("deliverable",),
            alarm=True,
        )
    for meeting in engagement.meetings:
        span = meeting_when(engagement, ledger, meeting)
        if isinstance(span, str):
            continue
        outcomes = ledger.meeting_outcomes(meeting.key)
        yield CalendarEvent(
            key=f"meeting.{meeting.key}",
            title=meeting.name,
            start=span[0],
            end=span[1],
            location=meeting.location,
            attendees=meeting.attendees,
            description=_lines(
                engagement.title,
                meeting.description,
                "Attendees: " + "; ".join(meeting.attendees) if meeting.attendees else "",
                f"Outcome: {outcomes[-1].outcome} on {outcomes[-1].date}" if outcomes else "",
            ),
            categories=(meeting.kind,),
        )
    for phase in engagement.phases:
        window = timeline.window(phase.key)
        yield CalendarEvent(
            key=f"phase.{phase.key}",
            title=f"Phase: {phase.name} ({format_budget(phase.days)} days)",
            start=window.start,
            end=window.end,
            description=_lines(engagement.title, phase.description),
            categories=("phase",),
        )
    first, last = timeline.start, timeline.end
    day = first
    while day <= last:
        holiday = timeline.holiday(day)
        if holiday:
            yield CalendarEvent(
                key=f"holiday.{day.isoformat()}",
                title=f"Public holiday: {holiday}",
                start=day,
                categories=("holiday",),
            )
        day += dt.timedelta(days=1)


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)
