"""Phase windows, due dates and working days, planned from the schedule and the holiday hook."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from engage.errors import EngageError
from engage.language import N_, _, ngettext
from engage.language.formats import date_text, english
from engage.schedule.rules import DateRule, Ref, shift_calendar
from engage.values import frozen

if TYPE_CHECKING:
    from engage.hooktypes import DayOff
    from engage.judging.history import Progress
    from engage.schedule.model import Engagement, Phase, When

# What gives days off: the ``engage_non_working_days`` hook, handed in by the session. Called with the
# hook's keyword arguments, it answers each plugin's list (or None).
DaysOffSource = Callable[..., Iterable["Iterable[DayOff] | None"]]

ONE_DAY = dt.timedelta(days=1)
# Planning stops rather than loop for ever on a schedule whose working days never come.
MAX_SEARCH_DAYS = 3660
# What a date waits for, when a deliverable's event has not happened yet.
EVENT_WAITS = {
    "submitted": N_("{name} is submitted"),
    "returned": N_("{name} is returned"),
    "accepted": N_("{name} is accepted"),
}


@frozen
class Window:
    """A phase's dates, both inclusive; ``planned`` when engage worked them out."""

    start: dt.date
    end: dt.date
    planned: bool

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def day_of(when: dt.date | dt.datetime) -> dt.date:
    """The calendar date of a date or date-time."""
    return when.date() if isinstance(when, dt.datetime) else when


def when_text(when: dt.date | dt.datetime) -> str:
    """A date or date-time for people: ``2021-11-23 09:00`` in English, ``23 nov. 2021 09:00`` in French."""
    if not isinstance(when, dt.datetime):
        return date_text(when)
    if english():
        return f"{when:%Y-%m-%d %H:%M}"
    return f"{date_text(when.date())} {when:%H:%M}"


def _offset_wait(rule: DateRule, event: str) -> str:
    """What a rule's date waits for: '5 working days after Draft report is returned'."""
    count = rule.count
    after = rule.sign > 0
    if rule.unit == "working days":
        text = (
            ngettext("{count} working day after {event}", "{count} working days after {event}", count)
            if after
            else ngettext("{count} working day before {event}", "{count} working days before {event}", count)
        )
    elif rule.unit == "weeks":
        text = (
            ngettext("{count} week after {event}", "{count} weeks after {event}", count)
            if after
            else ngettext("{count} week before {event}", "{count} weeks before {event}", count)
        )
    elif rule.unit == "months":
        text = (
            ngettext("{count} month after {event}", "{count} months after {event}", count)
            if after
            else ngettext("{count} month before {event}", "{count} months before {event}", count)
        )
    else:
        text = (
            ngettext("{count} day after {event}", "{count} days after {event}", count)
            if after
            else ngettext("{count} day before {event}", "{count} days before {event}", count)
        )
    return text.format(count=count, event=event)


@frozen
class Resolved:
    """A schedule date worked out: its value, the rule it came from, and what it waits for if unknown."""

    value: dt.date | dt.datetime | None
    rule: str | None = None
    waiting: str = ""

    @property
    def day(self) -> dt.date | None:
        """The calendar date, or None while unknown."""
        return None if self.value is None else day_of(self.value)

    def fields(self, name: str) -> dict[str, object]:
        """The date as JSON fields, as ``show`` and ``status`` give them: ``name`` (the day),
        ``name_rule`` and ``waiting`` (what it waits for while unknown, else None)."""
        return {
            name: self.day,
            f"{name}_rule": self.rule,
            "waiting": self.waiting if self.value is None else None,
        }

    def describe(self) -> str:
        """The date, or what it waits for: '2021-11-22' or 'waiting: 5 working days after …'."""
        if self.value is None:
            return _("waiting: {waiting}").format(waiting=self.waiting)
        return when_text(self.value)


@frozen
class Span:
    """A meeting's dates: start and inclusive end, or None while to be agreed (``waiting`` says why)."""

    start: dt.date | dt.datetime | None
    end: dt.date | dt.datetime | None
    rule: str | None = None
    waiting: str = ""

    def text(self) -> str:
        """The dates for a table ('2021-11-23 – 2021-11-26') or what they wait for."""
        start, end = self.start, self.end
        if start is None or end is None:
            return self.waiting or _("to be agreed")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            if start == end:
                return when_text(start)
            if start.date() == end.date():
                return f"{when_text(start)}–{end:%H:%M}"
            return f"{when_text(start)} – {when_text(end)}"
        first, last = day_of(start), day_of(end)
        return date_text(first) if first == last else f"{date_text(first)} – {date_text(last)}"


class Timeline:
    """An engagement laid out in time: windows, due dates, holidays and working days."""

    def __init__(self, engagement: Engagement, days_off: DaysOffSource | None = None) -> None:
        self.engagement = engagement
        self._source = days_off  # None: weekends only, no holidays
        # Days off per place (a location key; "" for the engagement's own), loaded a year at a time.
        self._days_off: dict[str, dict[dt.date, str]] = {}
        self._years: set[tuple[str, int]] = set()
        self.windows: dict[str, Window] = {}

    # Non-working days come from plugins, one calendar year at a time, on demand.
    def holiday(self, day: dt.date, place: str = "") -> str | None:
        """The name of the public holiday (or other day off a plugin gives) on ``day`` at ``place``."""
        if (place, day.year) not in self._years:
            self._load_year(day.year, place)
        return self._days_off.get(place, {}).get(day)

    def is_working_day(self, day: dt.date, place: str = "") -> bool:
        """True on the place's working weekdays that are not days off (the engagement's by default)."""
        week = self.engagement.location(place).working_days
        return day.isoweekday() in week and self.holiday(day, place) is None

    def working_days(self, start: dt.date, end: dt.date, place: str = "") -> list[dt.date]:
        """The working days from ``start`` to ``end``, both inclusive, at ``place``."""
        days = []
        day = start
        while day <= end:
            if self.is_working_day(day, place):
                days.append(day)
            day += ONE_DAY
        return days

    def next_working_day(self, day: dt.date, step: int = 1, place: str = "") -> dt.date:
        """``day`` itself if it is a working day, else the next one (``step=-1``: previous)."""
        for _tried in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day, place):
                return day
            day += step * ONE_DAY
        raise EngageError(
            _(
                "{source}: no working day within ten years of {date}; "
                "check working_days and the holidays setting"
            ).format(source=self.engagement.source, date=date_text(day))
        )

    def add_working_days(self, start: dt.date, count: int, place: str = "") -> dt.date:
        """The date of the ``count``-th working day counted from ``start`` (the first is 1)."""
        step = 1 if count >= 0 else -1
        day = self.next_working_day(start, step, place)
        for _counted in range(abs(count) - 1):
            day = self.next_working_day(day + step * ONE_DAY, step, place)
        return day

    def working_days_after(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (before it if negative), ``day`` itself not
        counted; ``day`` itself for 0."""
        if count == 0:
            return day
        step = 1 if count > 0 else -1
        return self.add_working_days(day + step * ONE_DAY, count)

    def window(self, phase_key: str) -> Window:
        """The window of a phase."""
        return self.windows[phase_key]

    def resolve(self, when: When, progress: Progress | None = None, *, due: bool = False) -> Resolved:
        """A schedule date: as given, or worked out from its rule.

        A rule counting from an event the ledger has not recorded yet (or a
        named date still to be agreed) gives an unknown date, never a guess.
        ``due``: a due date landing on a non-working day moves as the schedule's
        ``due_on_non_working_day`` says.
        """
        if not isinstance(when, DateRule):
            return Resolved(when)
        base, event = self._reference(when.ref, progress)
        if base is None:
            waiting = _offset_wait(when, event) if when.count else _("on {event}").format(event=event)
            return Resolved(None, when.text, waiting)
        if when.unit == "working days":
            day = self.working_days_after(base, when.sign * when.count)
        else:
            day = shift_calendar(base, when)
            rule = self.engagement.due_on_non_working_day
            if due and rule != "keep" and not self.is_working_day(day):
                day = self.next_working_day(day, 1 if rule == "next" else -1)
        return Resolved(day, when.text)

    def _reference(self, ref: Ref, progress: Progress | None) -> tuple[dt.date | None, str]:
        """The date a rule counts from, or None and the event it waits for ('Draft report is returned')."""
        engagement = self.engagement
        if ref.kind == "start":
            return engagement.start, ""
        if ref.kind in ("phase-start", "phase-end"):
            window = self.windows[ref.key]
            return (window.start if ref.kind == "phase-start" else window.end), ""
        if ref.kind == "date":
            return engagement.dates.get(ref.key), _("{key} (to be agreed)").format(key=ref.key)
        if ref.kind == "meeting":
            name = engagement.meeting(ref.key).name
            if progress is not None and progress.cancelled(ref.key):
                return None, _("{name}, which was cancelled").format(name=name)
            span = self.meeting_span(ref.key, progress)
            return (day_of(span.start) if span.start else None), f"{name} ({span.waiting})"
        name = engagement.deliverable(ref.key).name
        happened = progress.event(ref.key, ref.event) if progress is not None else None
        return happened, _(EVENT_WAITS[ref.event]).format(name=name)

    def due(self, deliverable_key: str, progress: Progress | None = None) -> Resolved:
        """The date a deliverable is due, or what it waits for."""
        return self.resolve(self.engagement.deliverable(deliverable_key).due, progress, due=True)

    def meeting_span(self, meeting_key: str, progress: Progress | None = None, moves: bool = True) -> Span:
        """A meeting's dates: from the schedule, moved by a recorded postponement, or to be agreed.

        With ``moves=False``, the dates the schedule planned: postponements left out (the ledger
        still dates the events the schedule's rules count from)."""
        meeting = self.engagement.meeting(meeting_key)
        rule = meeting.start.text if isinstance(meeting.start, DateRule) else None
        moved = progress.moved(meeting_key) if progress is not None and moves else None
        if meeting.start is None:
            if moved is not None and moved.to is not None:  # had no date: moved to one, for a day
                return Span(moved.to, moved.to, None)
            return Span(None, None, None, _("date to be agreed"))
        start = self.resolve(meeting.start, progress)
        end = self.resolve(meeting.end, progress) if meeting.end is not None else start
        if start.value is None:
            if moved is not None and moved.to is not None:  # its rule waits, but a day was agreed
                return Span(moved.to, moved.to, rule)
            return Span(None, None, rule, start.waiting)
        if end.value is None or type(end.value) is not type(start.value) or end.value < start.value:
            end = start
        assert end.value is not None
        if moved is not None:
            if moved.to is None:
                return Span(
                    None,
                    None,
                    rule,
                    _("postponed on {date}, date to be agreed").format(date=date_text(moved.date)),
                )
            return _moved(start.value, end.value, moved.to, rule)
        return Span(start.value, end.value, rule)

    @property
    def start(self) -> dt.date:
        """The first day of the contract period where one is given, else of the engagement or of
        its earliest phase."""
        if self.engagement.period is not None:
            return self.engagement.period[0]
        return min([self.engagement.start, *(w.start for w in self.windows.values())])

    @property
    def last_phase_end(self) -> dt.date:
        """The last day of the last phase: the engagement's planned last day."""
        return max(w.end for w in self.windows.values())

    @property
    def end(self) -> dt.date:
        """The contract period's last day where one is given; else the last phase's end or the last
        due date known from the schedule alone, whichever is later."""
        if self.engagement.period is not None:
            return self.engagement.period[1]
        ends = [self.last_phase_end]
        ends += [d for d in (self.due(d.key).day for d in self.engagement.deliverables) if d is not None]
        return max(ends)

    def _load_year(self, year: int, place: str = "") -> None:
        self._years.add((place, year))
        if self._source is None:
            return
        results: Iterable[Any] = self._source(
            engagement=self.engagement,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            place=self.engagement.location(place),
        )
        days_off = self._days_off.setdefault(place, {})
        for days in results:
            for day_off in days or ():
                days_off.setdefault(day_off.date, day_off.name)


def _moved(start: dt.date | dt.datetime, end: dt.date | dt.datetime, to: dt.date, rule: str | None) -> Span:
    """A meeting moved to a new first day, keeping its length and its times of day."""
    shift = to - day_of(start)
    return Span(start + shift, end + shift, rule)


def plan(engagement: Engagement, days_off: DaysOffSource | None = None) -> Timeline:
    """Lay out phase windows: given dates and rules are kept, other phases follow on working days.

    A phase without dates starts on the first working day after the previous
    phase ends (the engagement's start for the first, or the contract
    period's) and lasts as many working days as its budget, rounded up; a
    phase with a team lasts as many as its busiest consultant's person-days,
    since the team works side by side. A phase with only a start or an end is
    extended from it by that length. Working days are the phase's location's.
    Rules may name other phases in any order; the schedule loader has refused cycles.
    ``days_off`` is the holiday hook (the session hands it in); without it only weekends are off.
    """
    timeline = Timeline(engagement, days_off)
    order = [p.key for p in engagement.phases]
    planning: set[str] = set()

    def window_of(key: str) -> Window:
        if key in timeline.windows:
            return timeline.windows[key]
        if key in planning:  # the loader refuses cycles; this guards hand-built engagements
            raise EngageError(
                _("{source}: phase {key} is planned from itself").format(
                    source=engagement.source, key=repr(key)
                )
            )
        planning.add(key)
        for other in _phase_refs(engagement.phase(key)):
            window_of(other)
        index = order.index(key)
        previous = window_of(order[index - 1]) if index > 0 else None
        timeline.windows[key] = _window(timeline, engagement.phase(key), previous)
        return timeline.windows[key]

    for key in order:
        window_of(key)
    timeline.windows = {key: timeline.windows[key] for key in order}
    return timeline


def _phase_refs(phase: Phase) -> list[str]:
    rules = [when for when in (phase.start, phase.end) if isinstance(when, DateRule)]
    return [rule.ref.key for rule in rules if rule.ref.kind.startswith("phase")]


def capacity_days(phase: Phase) -> int:
    """The working days a phase needs: its busiest consultant's person-days, or its budget, rounded up."""
    busiest = max(phase.shares.values()) if phase.team else phase.days
    return max(1, math.ceil(busiest))


def _workloads(timeline: Timeline, phase: Phase) -> list[tuple[int, str]]:
    """(working days needed, at which place) for each member of the phase's team, each on their
    own calendar where the phase names no place; else the phase's capacity at its place."""
    engagement = timeline.engagement
    if not phase.team or phase.location:
        return [(capacity_days(phase), phase.location or "")]
    return [
        (max(1, math.ceil(share)), engagement.place_of(phase.key, member))
        for member, share in phase.shares.items()
        if share > 0
    ] or [(capacity_days(phase), "")]


def _window(timeline: Timeline, phase: Phase, previous: Window | None) -> Window:
    """A phase's window: long enough for each member's share on the working days of their place
    (engage's own plan must pass engage's own window-too-short check)."""
    loads = _workloads(timeline, phase)
    start = timeline.resolve(phase.start).day if phase.start is not None else None
    end = timeline.resolve(phase.end).day if phase.end is not None else None
    if start and end:
        return Window(start, max(start, end), planned=False)
    if start:
        return Window(start, max(timeline.add_working_days(start, n, at) for n, at in loads), planned=True)
    if end:
        return Window(min(timeline.add_working_days(end, -n, at) for n, at in loads), end, planned=True)
    engagement = timeline.engagement
    opening = max(engagement.start, engagement.period[0]) if engagement.period else engagement.start
    first = previous.end + ONE_DAY if previous else opening
    begin = min(timeline.next_working_day(first, place=at) for _, at in loads)
    last = max(
        timeline.add_working_days(timeline.next_working_day(begin, place=at), n, at) for n, at in loads
    )
    return Window(begin, last, planned=True)
