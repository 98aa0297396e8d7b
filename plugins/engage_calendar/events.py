"""The engagement's own calendar events: deadlines, deliverables, meetings, phase windows, holidays.

An item is on the calendar when it has a date. A meeting or deliverable without one is off it, with
the reason: "date to be agreed" or "cancelled". :func:`meeting_when` and :func:`due_when` are the one
place that decides which; everything downstream (feed, mail, CalDAV) follows from the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import (
    CalendarEvent,
    DateRule,
    DeliverableVerdict,
    Engagement,
    Meeting,
    Phase,
    date_text,
    format_budget,
    rule_words,
    state_text,
)
from engage_calendar.catalogue import _, npgettext

if TYPE_CHECKING:
    from engage import Verdict

# Why an item is off the calendar: kept in the calendar state as they are (ids, never translated);
# cancellation_note says them to people.
TO_BE_AGREED = "date to be agreed"
WAITING = "date not known yet"  # a relative date whose event has not happened
CANCELLED = "cancelled"
REMOVED = "removed from the schedule"  # what an item that simply disappeared is
Day = dt.date | dt.datetime


def meeting_when(verdict: Verdict, meeting: Meeting) -> tuple[Day, Day] | str:
    """A meeting's start and inclusive end (moved by a recorded postponement), or why it has none:
    CANCELLED, or TO_BE_AGREED (no date in the schedule, or postponed with no new date)."""
    found = verdict.meeting(meeting.key)
    if found.state == "cancelled":
        return CANCELLED
    span = found.span
    if span.start is None or span.end is None:
        return TO_BE_AGREED if found.state == "postponed" or span.rule is None else WAITING
    return span.start, span.end


def due_when(verdict: Verdict, key: str) -> Day | str:
    """A deliverable's due date, or WAITING while its rule waits on an event."""
    due = verdict.deliverable(key).due
    return WAITING if due.value is None else due.value


def cancellation_note(off: str) -> str:
    """One sentence saying why an item left the calendar, for its cancellation (in the language in
    force)."""
    if off == TO_BE_AGREED:
        return _("Cancelled until a new date is agreed; a new invitation follows once it is set.")
    if off == WAITING:
        return _("Cancelled until its date is known; a new invitation follows once it is.")
    if off == REMOVED:
        return _("Cancelled: removed from the schedule.")
    return _("Cancelled.")


def off_calendar(verdict: Verdict) -> dict[str, str]:
    """Item keys (as in ``CalendarEvent.key``) that have no date now, with the reason."""
    engagement = verdict.engagement
    found: dict[str, object] = {f"meeting.{m.key}": meeting_when(verdict, m) for m in engagement.meetings}
    found |= {f"deliverable.{d.key}": due_when(verdict, d.key) for d in engagement.deliverables}
    return {key: when for key, when in found.items() if isinstance(when, str)}


def engagement_events(verdict: Verdict) -> Iterator[CalendarEvent]:
    """Every dated item of the schedule as an event, described with its state from the verdict;
    items without a date are left out (the event they wait on says so). Their words are in the
    language in force: the calendar commands ask inside ``speaking(engagement)``."""
    waiting = _waiting_on(verdict)
    yield from _deadline_events(verdict)
    yield from _deliverable_events(verdict, waiting)
    yield from _meeting_events(verdict, waiting)
    yield from _phase_events(verdict)
    yield from _holiday_events(verdict)


def _deadline_events(verdict: Verdict) -> Iterator[CalendarEvent]:
    """The schedule's deadlines that have a date."""
    engagement = verdict.engagement
    for deadline in engagement.deadlines:
        when = verdict.timeline.resolve(deadline.date, verdict.progress, due=True).value
        if when is None:
            continue
        yield CalendarEvent(
            key=f"deadline.{deadline.key}",
            title=_("Deadline: {name}").format(name=deadline.name),
            start=when,
            description=_lines(engagement.title, deadline.description),
            categories=("deadline",),
            alarm=True,
        )


def _deliverable_events(verdict: Verdict, waiting: dict[str, list[str]]) -> Iterator[CalendarEvent]:
    """Each deliverable with a due date, with its phase, rule, dependencies and standing."""
    engagement = verdict.engagement
    names = {d.key: d.name for d in engagement.deliverables} | {m.key: m.name for m in engagement.meetings}
    for d in verdict.deliverables:
        deliverable = d.deliverable
        due = due_when(verdict, d.key)
        if isinstance(due, str):
            continue
        yield CalendarEvent(
            key=f"deliverable.{d.key}",
            title=_("Due: {name}").format(name=d.name),
            start=due,
            description=_lines(
                engagement.title,
                _("Phase: {name}").format(name=engagement.phase(deliverable.phase).name),
                _("Due: {rule}").format(rule=rule_words(d.due.rule)) if d.due.rule else "",
                _("Depends on: {names}").format(names="; ".join(names[k] for k in deliverable.depends_on))
                if deliverable.depends_on
                else "",
                _standing(verdict, d),
                *waiting.get(d.key, ()),
                deliverable.description,
            ),
            categories=("deliverable",),
            alarm=True,
        )


def _meeting_events(verdict: Verdict, waiting: dict[str, list[str]]) -> Iterator[CalendarEvent]:
    """Each meeting with a date, with its attendees and outcome."""
    engagement = verdict.engagement
    for m in verdict.meetings:
        meeting = engagement.meeting(m.key)
        span = meeting_when(verdict, meeting)
        if isinstance(span, str):
            continue
        yield CalendarEvent(
            key=f"meeting.{m.key}",
            title=m.name,
            start=span[0],
            end=span[1],
            location=meeting.location,
            attendees=meeting.attendees,
            description=_lines(
                engagement.title,
                meeting.description,
                _("Attendees: {names}").format(names="; ".join(meeting.attendees))
                if meeting.attendees
                else "",
                _outcome(m.outcome, m.outcome_date, m.note) if m.outcome else "",
                *waiting.get(m.key, ()),
            ),
            categories=(meeting.kind,),
        )


def _phase_events(verdict: Verdict) -> Iterator[CalendarEvent]:
    """Each phase's window, with its budget and team."""
    engagement = verdict.engagement
    for phase in engagement.phases:
        window = verdict.timeline.window(phase.key)
        yield CalendarEvent(
            key=f"phase.{phase.key}",
            title=_("Phase: {name} ({days})").format(name=phase.name, days=_days(phase.days)),
            start=window.start,
            end=window.end,
            description=_lines(engagement.title, phase.description, *_team_lines(engagement, phase)),
            categories=("phase",),
        )


def _holiday_events(verdict: Verdict) -> Iterator[CalendarEvent]:
    """The public holidays within the engagement: its own, then each place's that differ from them."""
    engagement = verdict.engagement
    timeline = verdict.timeline
    first, last = timeline.start, timeline.end
    for place in _places(engagement):
        day = first
        while day <= last:
            holiday = timeline.holiday(day, place)
            if holiday and (not place or holiday != timeline.holiday(day)):
                yield CalendarEvent(
                    key=f"holiday.{place + '.' if place else ''}{day.isoformat()}",
                    title=_("Public holiday ({place}): {name}").format(
                        place=engagement.location(place).name, name=holiday
                    )
                    if place
                    else _("Public holiday: {name}").format(name=holiday),
                    start=day,
                    categories=("holiday",),
                )
            day += dt.timedelta(days=1)


def _places(engagement: Engagement) -> list[str]:
    """Whose holidays the calendar shows: the engagement's own (the place ""), then those of each
    place its phases and consultants work in."""
    return [
        "",
        *dict.fromkeys(
            p
            for p in (*(ph.location for ph in engagement.phases), *(c.location for c in engagement.team))
            if p
        ),
    ]


def _team_lines(engagement: Engagement, phase: Phase) -> list[str]:
    """Who works a phase and where, for its event's description."""
    lines = []
    if phase.team:
        people = {c.key: c for c in engagement.team}
        lines.append(
            _("Team: {people}").format(
                people="; ".join(
                    _("{person}, {days}").format(
                        person=people[key].label if key in people else key, days=_days(days)
                    )
                    for key, days in phase.team
                )
            )
        )
    if phase.location:
        lines.append(_("Where: {place}").format(place=engagement.location(phase.location).name))
    return lines


def _days(value: Fraction | float) -> str:
    """A day budget with its unit: ``5 days``, ``2.5 days`` (``5 jours``, ``2,5 jours``)."""
    count = int(value) if value == int(value) else 2  # a fraction of a day reads as the plural
    # Translators: a phase's day budget. English writes "days" even for 1 ("1 days", as engage always
    # has); give each form its own word ("1 jour", "2 jours").
    return npgettext("budget", "{days} days", "{days} days", count).format(days=format_budget(value))


def _outcome(outcome: str, day: dt.date | None, note: str) -> str:
    """``Outcome: validated on 2021-12-01: the note`` for a meeting's recorded outcome."""
    when = _date(day)
    if note:
        return _("Outcome: {outcome} on {date}: {note}").format(
            outcome=state_text(outcome), date=when, note=note
        )
    return _("Outcome: {outcome} on {date}").format(outcome=state_text(outcome), date=when)


def _standing(verdict: Verdict, d: DeliverableVerdict) -> str:
    """Where a deliverable stands, from the verdict, in words that change only when something is
    recorded: an event whose text grew a day older every day would be re-sent every day.

    Made from the verdict's facts, not its reason (which is in the words of whoever judged)."""
    successors = [o for o in verdict.engagement.deliverables if o.replaces == d.key]
    if d.state == "replaced":  # on the day a successor was first submitted
        handed = (verdict.progress.event(o.key, "submitted") for o in successors)
        return _("Status: replaced on {date}").format(date=_date(next(filter(None, handed), None)))
    if d.since is None:
        return _("Status: not yet submitted")
    since = _date(d.since)
    if d.holder == "client":
        return _("Status: submitted on {date}; with the client").format(date=since)
    if d.status == "returned":
        if d.deadline:
            return _("Status: returned with comments on {date}; resubmission due {deadline}").format(
                date=since, deadline=_date(d.deadline)
            )
        if successors:
            return _("Status: returned with comments on {date}; {successor} replaces it").format(
                date=since, successor=successors[0].name
            )
        return _("Status: returned with comments on {date}; {reason}").format(
            date=since, reason=d.reason.split("; ", 1)[-1]
        )
    return _("Status: {status} on {date}").format(status=state_text(d.status), date=since)


def _date(day: dt.date | None) -> str:
    """A date for people in the language in force (ISO in English); ``None`` as engage wrote it."""
    return "None" if day is None else date_text(day)


def _waiting_on(verdict: Verdict) -> dict[str, list[str]]:
    """For each deliverable or meeting, lines naming the undated items that wait on it."""
    found: dict[str, list[str]] = {}
    for d in verdict.deliverables:
        rule = d.deliverable.due
        if d.due.value is None and isinstance(rule, DateRule) and rule.ref.kind in ("deliverable", "meeting"):
            found.setdefault(rule.ref.key, []).append(
                _("Then: {name}, due {rule}").format(name=d.name, rule=rule.text)
            )
    return found


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)
