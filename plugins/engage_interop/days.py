"""Instants placed on the engagement's days: intervals split at its local midnight, as trackers report them.

``timew summary`` and ``watson report`` give an interval that crosses midnight to
each day it covers, in the local zone. engage's days are the engagement's, so
intervals are split at the engagement's midnight. Readers are handed only a
path; the zone comes from the command's session (UTC when there is none, as
when a reader is called outside ``engage import``).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from engage import EngageError, ImportedTime

EARLIEST = dt.datetime(2, 1, 1, tzinfo=dt.UTC)  # a day either side of what dates can hold, in any zone
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)
MAX_HOURS = 24  # as the core takes in one item: more is a timer left running


def engagement_zone() -> dt.tzinfo:
    """The time zone of the engagement ``engage import`` works on, else UTC."""
    import click

    from engage import Session

    context = click.get_current_context(silent=True)
    session = context.find_object(Session) if context is not None else None
    if session is None:
        return dt.UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(session.engagement.timezone)


def placeable(instant: dt.datetime) -> bool:
    """Whether ``instant`` (aware) falls within the years a date can hold, in any zone."""
    return EARLIEST <= instant <= LATEST


def by_day(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """``start`` to ``end`` (aware) in pieces, one per day of ``zone`` that it covers."""
    pieces = []
    while True:
        local = start.astimezone(zone)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), zone).astimezone(
            dt.UTC
        )
        if midnight >= end:
            pieces.append((start, end))
            return pieces
        pieces.append((start, midnight))
        start = midnight


def interval_items(
    where: str,
    start: dt.datetime,
    end: dt.datetime,
    zone: dt.tzinfo,
    ref: str,
    keys: tuple[str, ...],
    fallback: tuple[str, ...] = (),
    person: str = "",
    note: str = "",
) -> list[ImportedTime]:
    """The time from ``start`` to ``end`` as one item per day of ``zone`` it covers.

    The first piece keeps ``ref`` (an interval imported whole before this split is then
    reported as changed, never counted twice); each later piece is named by ``ref`` and its
    start. An interval longer than a day is refused, as the core refuses such an item.
    """
    if end - start > dt.timedelta(hours=MAX_HOURS):
        hours = (end - start).total_seconds() / 3600
        raise EngageError(
            f"{where}: {hours:g} hours in one interval; engage takes at most {MAX_HOURS} "
            "(a timer left running? fix it in the tracker)"
        )
    items = []
    for number, (begin, finish) in enumerate(by_day(start, end, zone)):
        items.append(
            ImportedTime(
                where=where if number == 0 else f"{where}, from {begin.astimezone(zone):%Y-%m-%d}",
                hours=Fraction(round((finish - begin).total_seconds()), 3600),
                start=begin,
                ref=ref if number == 0 or not ref else f"{ref}@{begin:%Y%m%dT%H%M%SZ}",
                keys=keys,
                fallback=fallback,
                person=person,
                note=note,
            )
        )
    return items
