"""Intervals from other trackers put on the engagement's days: split at its midnight, as trackers report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from engage.errors import EngageError
from engage.hooktypes import ImportedTime
from engage.language import _
from engage.language.choice import decimal_text
from engage.parsing import MAX_HOURS_PER_DAY

SECONDS_IN_MINUTE = 60  # log takes no less than a minute


def by_day(items: Iterable[ImportedTime], file_zone: dt.tzinfo, zone: dt.tzinfo) -> list[ImportedTime]:
    """``items`` with every interval (``start`` and ``end``) cut into one item per day of ``zone``.

    Naive instants are in ``file_zone``. The first piece keeps the item's
    ``ref`` (an interval imported whole before is then reported as changed,
    never counted twice); each later piece is named by ``ref`` and its start.
    An interval longer than a day is refused, as ``log`` refuses such an amount.
    A piece under a minute (an interval started seconds before midnight) joins
    the piece beside it, on the day holding most of the interval: ``log`` takes
    no amount under a minute, and the interval's total stays exact.
    """
    found: list[ImportedTime] = []
    for item in items:
        if item.start is None or item.end is None:
            found.append(item)
            continue
        start = item.start if item.start.tzinfo else item.start.replace(tzinfo=file_zone)
        end = item.end if item.end.tzinfo else item.end.replace(tzinfo=file_zone)
        if end < start:
            raise EngageError(
                _("{where}: ends before it starts; fix it in the tracker").format(where=item.where)
            )
        if end - start > dt.timedelta(hours=MAX_HOURS_PER_DAY):
            hours = (end - start).total_seconds() / 3600
            raise EngageError(
                _(
                    "{where}: {hours} hours in one interval; engage takes at most {most} "
                    "(a timer left running? fix it in the tracker)"
                ).format(where=item.where, hours=decimal_text(f"{hours:g}"), most=MAX_HOURS_PER_DAY)
            )
        try:
            pieces = _pieces(start, end, zone)
        except OverflowError:
            raise EngageError(
                _("{where}: its time is beyond the dates engage can hold").format(where=item.where)
            ) from None
        for number, (begin, finish, seconds) in enumerate(_joined(pieces)):
            later = number > 0
            found.append(
                dataclasses.replace(
                    item,
                    where=_("{where}, from {day}").format(
                        where=item.where, day=f"{begin.astimezone(zone):%Y-%m-%d}"
                    )
                    if later
                    else item.where,
                    hours=Fraction(seconds, 3600),
                    start=begin,
                    end=finish,
                    ref=f"{item.ref}@{begin.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
                    if later and item.ref
                    else item.ref,
                )
            )
    return found


def _pieces(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """``start`` to ``end`` (aware) in pieces, one per day of ``zone`` that it covers."""
    pieces = []
    while True:
        local = start.astimezone(zone)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), zone)
        if midnight >= end:
            pieces.append((start, end))
            return pieces
        pieces.append((start, midnight))
        start = midnight


def _joined(pieces: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """Each piece with its seconds, a piece under a minute joined to the longer piece beside it (its
    seconds counted there), so that no piece is less than ``log`` takes unless the whole interval is."""
    timed = [(begin, finish, round((finish - begin).total_seconds())) for begin, finish in pieces]
    while len(timed) > 1:
        short = next((n for n, piece in enumerate(timed) if piece[2] < SECONDS_IN_MINUTE), None)
        if short is None:
            break
        beside = [n for n in (short - 1, short + 1) if 0 <= n < len(timed)]
        into = max(beside, key=lambda n: timed[n][2])
        begin, finish, seconds = timed[into]
        timed[into] = (begin, finish, seconds + timed[short][2])
        del timed[short]
    return timed
