"""The engagement's own calendar events: deadlines, deliverables, meetings, phase windows, holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engage import CalendarEvent, Engagement, Ledger
from engage.dates import DateRule
from engage.parsing import format_budget, today_in
from engage.verdict import Verdict, judge


def engagement_events(engagement: Engagement, ledger: Ledger) -> Iterator[CalendarEvent]:
    """Every dated item of the schedule as an event, with its state from the verdict as of today.

    Items whose date is still unknown (waiting on an event, or to be agreed) have no event; the
    event they wait on says so. A cancelled meeting is sent as cancelled.
    """
    verdict = judge(engagement, ledger, today_in(engagement.timezone))
    timeline, progress = verdict.timeline, verdict.progress
    waiting = _waiting_on(verdict)
    for deadline in engagement.deadlines:
        when = timeline.resolve(deadline.date, progress, due=True).value
        if when is None:
            continue
        yield CalendarEvent(
            key=f"deadline.{deadline.key}",
            title=f"Deadline: {deadline.name}",
            start=when,
            description=_lines(engagement.title, deadline.description),
            categories=("deadline",),
            alarm=True,
        )
    names = {d.key: d.name for d in engagement.deliverables} | {m.key: m.name for m in engagement.meetings}
    for d in verdict.deliverables:
        deliverable = d.deliverable
        if d.due.value is None:
            continue
        yield CalendarEvent(
            key=f"deliverable.{d.key}",
            title=f"Due: {d.name}",
            start=d.due.value,
            description=_lines(
                engagement.title,
                f"Phase: {engagement.phase(deliverable.phase).name}",
                f"Due: {d.due.rule}" if d.due.rule else "",
                "Depends on: " + "; ".join(names[k] for k in deliverable.depends_on)
                if deliverable.depends_on
                else "",
                f"Status: {d.status} on {d.since}" if d.since else "Status: not yet submitted",
                f"State: {d.state}" + (f" ({d.reason})" if d.reason != d.state else ""),
                *waiting.get(d.key, ()),
                deliverable.description,
            ),
            categories=("deliverable",),
            alarm=True,
        )
    for m in verdict.meetings:
        meeting = engagement.meeting(m.key)
        # Postponed to a date still to be agreed: the event stays where it was, marked tentative,
        # so the same UID moves once a new date is recorded (clients keep it, unlike a removal).
        start, end = (m.span.start, m.span.end) if m.span.was is None else m.span.was
        if start is None:
            continue
        yield CalendarEvent(
            key=f"meeting.{m.key}",
            title=m.name if m.span.was is None else f"Postponed, date to be agreed: {m.name}",
            start=start,
            end=end,
            location=meeting.location,
            attendees=meeting.attendees,
            description=_lines(
                engagement.title,
                meeting.description,
                "Attendees: " + "; ".join(meeting.attendees) if meeting.attendees else "",
                f"Outcome: {m.outcome} on {m.outcome_date}" + (f": {m.note}" if m.note else "")
                if m.outcome
                else "",
                *waiting.get(m.key, ()),
            ),
            categories=(meeting.kind,),
            status="cancelled" if m.state == "cancelled" else "tentative" if m.span.was else "confirmed",
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


def _waiting_on(verdict: Verdict) -> dict[str, list[str]]:
    """For each deliverable or meeting, lines naming the undated items that wait on it."""
    found: dict[str, list[str]] = {}
    for d in verdict.deliverables:
        rule = d.deliverable.due
        if d.due.value is None and isinstance(rule, DateRule) and rule.ref.kind in ("deliverable", "meeting"):
            found.setdefault(rule.ref.key, []).append(f"Then: {d.name}, due {rule.text}")
    return found


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)
