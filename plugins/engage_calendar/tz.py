"""VTIMEZONE components with yearly RRULEs, which Outlook reads; RDATE lists only as a fallback."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engage import frozen

if TYPE_CHECKING:
    from icalendar import Timezone

_HOUR = dt.timedelta(hours=1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@frozen
class Change:
    """One change of UTC offset, as local wall-clock time before it."""

    local: dt.datetime
    before: dt.timedelta
    after: dt.timedelta
    name: str
    dst: bool


def vtimezone(name: str, first_year: int, last_year: int) -> Timezone:
    """The zone for the years given: yearly rules where it has them, else its exact changes."""
    from icalendar import Timezone

    zone = ZoneInfo(name)
    changes = [change for year in range(first_year, last_year + 1) for change in _changes(zone, year)]
    if not changes:
        return _fixed(name, zone, first_year)
    observances = []
    for dst in (False, True):
        kind = [change for change in changes if change.dst == dst]
        rule = _yearly_rule(kind, first_year, last_year) if kind else None
        if kind and rule is None:
            return Timezone.from_tzinfo(zone, name, dt.date(first_year, 1, 1), dt.date(last_year + 1, 1, 1))
        if kind and rule:
            observances.append((kind[0], rule))
    return _build(name, observances)


def _changes(zone: ZoneInfo, year: int) -> list[Change]:
    """The offset changes in a year, found day by day and then hour by hour (UTC)."""
    found = []
    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + dt.timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            hour = moment
            while (hour + _HOUR).astimezone(zone).utcoffset() == offset:
                hour += _HOUR
            hour += _HOUR
            after = hour.astimezone(zone)
            assert offset is not None and after.utcoffset() is not None
            local = (hour + offset).replace(tzinfo=None)
            found.append(Change(local, offset, after.utcoffset(), after.tzname() or "", bool(after.dst())))  # type: ignore[arg-type]
            offset = after.utcoffset()
        moment = following
    return found


def _yearly_rule(changes: list[Change], first_year: int, last_year: int) -> str | None:
    """``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`` when one such rule gives every change, one a year."""
    if [c.local.year for c in changes] != list(range(first_year, last_year + 1)):
        return None
    first = changes[0]
    if any(
        (c.local.month, c.local.time(), c.local.weekday(), c.before, c.after, c.name)
        != (
            first.local.month,
            first.local.time(),
            first.local.weekday(),
            first.before,
            first.after,
            first.name,
        )
        for c in changes
    ):
        return None
    weekday = _DAYS[first.local.weekday()]
    for nth in (-1, 1, 2, 3, 4):
        if all(_nth(c.local, nth) for c in changes):
            return f"FREQ=YEARLY;BYMONTH={first.local.month};BYDAY={nth}{weekday}"
    return None


def _nth(day: dt.datetime, nth: int) -> bool:
    if nth == -1:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1 == nth


def _build(name: str, observances: list[tuple[Change, str]]) -> Timezone:
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    timezone = Timezone()
    timezone.add("tzid", name)
    for change, rule in observances:
        part = TimezoneDaylight() if change.dst else TimezoneStandard()
        part.add("dtstart", change.local)
        part.add("tzoffsetfrom", change.before)
        part.add("tzoffsetto", change.after)
        if change.name:
            part.add("tzname", change.name)
        part.add("rrule", vRecur.from_ical(rule))
        timezone.add_component(part)
    return timezone


def _fixed(name: str, zone: ZoneInfo, year: int) -> Timezone:
    from icalendar import Timezone, TimezoneStandard

    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC).astimezone(zone)
    offset = moment.utcoffset()
    timezone = Timezone()
    timezone.add("tzid", name)
    part = TimezoneStandard()
    part.add("dtstart", dt.datetime(1970, 1, 1))
    part.add("tzoffsetfrom", offset)
    part.add("tzoffsetto", offset)
    if moment.tzname():
        part.add("tzname", moment.tzname())
    timezone.add_component(part)
    return timezone
