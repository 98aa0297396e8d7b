"""The engagement's own calendar events: deadlines, deliverables, meetings, phase windows, holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engage import CalendarEvent, Engagement, Ledger
from engage.parsing import format_budget


def engagement_events(engagement: Engagement, ledger: Ledger) -> Iterator[CalendarEvent]:
    """Every dated item of the schedule as an event; meetings still to be agreed are left out."""
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
        status = ledger.current_status(deliverable.key)
        yield CalendarEvent(
            key=f"deliverable.{deliverable.key}",
            title=f"Due: {deliverable.name}",
            start=timeline.due(deliverable.key),
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
        span = timeline.meeting_span(meeting.key)
        if span is None:
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
