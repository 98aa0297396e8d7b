"""Phase windows, due dates and working days, planned from the schedule and the holiday hook."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engage.errors import EngageError
from engage.schedule import PHASE_REF

if TYPE_CHECKING:
    from engage.model import Engagement, When

ONE_DAY = dt.timedelta(days=1)
# Planning stops rather than loop for ever on a schedule whose working days never come.
MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True)
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


class Timeline:
    """An engagement laid out in time: windows, due dates, holidays and working days."""

    def __init__(self, engagement: Engagement) -> None:
        self.engagement = engagement
        self._days_off: dict[dt.date, str] = {}
        self._years: set[int] = set()
        self.windows: dict[str, Window] = {}

    # Non-working days come from plugins, one calendar year at a time, on demand.
    def holiday(self, day: dt.date) -> str | None:
        """The name of the public holiday (or other day off a plugin gives) on ``day``."""
        if day.year not in self._years:
            self._load_year(day.year)
        return self._days_off.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """True on the engagement's working weekdays that are not days off."""
        return day.isoweekday() in self.engagement.working_days and self.holiday(day) is None

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The working days from ``start`` to ``end``, both inclusive."""
        days = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += ONE_DAY
        return days

    def next_working_day(self, day: dt.date, step: int = 1) -> dt.date:
        """``day`` itself if it is a working day, else the next one (``step=-1``: previous)."""
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += step * ONE_DAY
        raise EngageError(
            f"{self.engagement.source}: no working day within ten years of {day}; "
            "check working_days and the holidays setting"
        )

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The date of the ``count``-th working day counted from ``start`` (the first is 1)."""
        step = 1 if count >= 0 else -1
        day = self.next_working_day(start, step)
        for _ in range(abs(count) - 1):
            day = self.next_working_day(day + step * ONE_DAY, step)
        return day

    def window(self, phase_key: str) -> Window:
        """The window of a phase."""
        return self.windows[phase_key]

    def resolve(self, when: When) -> dt.date | dt.datetime:
        """A schedule date: as given, or the phase boundary it names."""
        if isinstance(when, str):
            match = PHASE_REF.match(when)
            if not match:  # the loader accepts nothing else
                raise EngageError(f"cannot read the date {when!r}")
            window = self.windows[match.group(2)]
            return window.start if match.group(1) == "start" else window.end
        return when

    def due(self, deliverable_key: str) -> dt.date:
        """The date a deliverable is due."""
        return day_of(self.resolve(self.engagement.deliverable(deliverable_key).due))

    def meeting_span(self, meeting_key: str) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime] | None:
        """A meeting's start and (inclusive) end, or None when no date is set yet."""
        meeting = self.engagement.meeting(meeting_key)
        if meeting.start is None:
            return None
        start = self.resolve(meeting.start)
        end = self.resolve(meeting.end) if meeting.end is not None else start
        return start, end

    @property
    def start(self) -> dt.date:
        """The first day of the engagement or of its earliest phase."""
        return min([self.engagement.start, *(w.start for w in self.windows.values())])

    @property
    def end(self) -> dt.date:
        """The last day of the last phase or the last due date, whichever is later."""
        ends = [w.end for w in self.windows.values()]
        ends += [self.due(d.key) for d in self.engagement.deliverables]
        return max(ends)

    def _load_year(self, year: int) -> None:
        from engage.plugins import get_plugin_manager

        self._years.add(year)
        results = get_plugin_manager().hook.engage_non_working_days(
            engagement=self.engagement,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
        for days in results:
            for day_off in days:
                self._days_off.setdefault(day_off.date, day_off.name)


def plan(engagement: Engagement) -> Timeline:
    """Lay out phase windows in order: given dates are kept, others follow on working days.

    A phase without dates starts on the first working day after the previous
    phase ends (the engagement's start for the first) and lasts as many
    working days as its budget, rounded up. A phase with only a start or an
    end is extended from it by its budget.
    """
    timeline = Timeline(engagement)
    previous_end: dt.date | None = None
    for phase in engagement.phases:
        length = max(1, math.ceil(phase.days))
        if phase.start and phase.end:
            window = Window(phase.start, phase.end, planned=False)
        elif phase.start:
            window = Window(phase.start, timeline.add_working_days(phase.start, length), planned=True)
        elif phase.end:
            window = Window(timeline.add_working_days(phase.end, -length), phase.end, planned=True)
        else:
            first = previous_end + ONE_DAY if previous_end else engagement.start
            start = timeline.next_working_day(first)
            window = Window(start, timeline.add_working_days(start, length), planned=True)
        timeline.windows[phase.key] = window
        previous_end = window.end
    return timeline
