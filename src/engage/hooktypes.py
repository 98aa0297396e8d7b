"""Values that plugins return from hooks: findings, calendar events, report sections, days off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class DayOff:
    """A date on which nobody is expected to work, with the reason (a holiday's name)."""

    date: dt.date
    name: str


@dataclass(frozen=True)
class Finding:
    """What a budget or schedule check reports.

    ``code`` is stable (``phase-over-budget``) so scripts and tests can rely on
    it; ``message`` is for people. ``phase``, ``deliverable`` and ``date`` say
    where the finding applies, each None where it does not.
    """

    severity: Severity
    code: str
    message: str
    phase: str | None = None
    deliverable: str | None = None
    date: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by ``engage budget --format json``."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "phase": self.phase,
            "deliverable": self.deliverable,
            "date": self.date.isoformat() if self.date else None,
        }


@dataclass(frozen=True)
class CalendarEvent:
    """One event for the supervisor's calendar.

    ``key`` is unique within the engagement and never changes for the same
    item: the calendar's UID is made from it, so re-sent calendars update in
    place. All-day events have ``date`` values and an inclusive ``end``; timed
    events have ``datetime`` values in the engagement's time zone (naive values
    are read in that zone).
    """

    key: str
    title: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    description: str = ""
    location: str = ""
    attendees: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    alarm: bool = False
    # "confirmed"; "tentative" for a meeting postponed to a date to be agreed; "cancelled" for one
    # called off (versionadded 0.2).
    status: str = "confirmed"


@dataclass(frozen=True)
class Section:
    """A titled table for a status report: headers and rows of plain values."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    note: str = ""
    optional: tuple[str, ...] = ()  # columns a narrow terminal may leave out, least needed first


@dataclass(frozen=True)
class Week:
    """An ISO week: Monday to Sunday, both inclusive."""

    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, day: dt.date) -> Week:
        """The ISO week that holds ``day``."""
        year, number, weekday = day.isocalendar()
        monday = day - dt.timedelta(days=weekday - 1)
        return cls(f"{year}-W{number:02d}", monday, monday + dt.timedelta(days=6))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end
