"""Instants a reader may hand on: within the years a date can hold in any zone.

Readers give an interval as one item with its ``start`` and ``end``; engage
splits it at the engagement's midnight (``ImportedTime``), in the zone only the
core knows.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from engage import ImportedTime

EARLIEST = dt.datetime(2, 1, 1, tzinfo=dt.UTC)  # a day either side of what dates can hold, in any zone
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)


def placeable(instant: dt.datetime) -> bool:
    """Whether ``instant`` (aware) falls within the years a date can hold, in any zone."""
    return EARLIEST <= instant <= LATEST


def span(where: str, start: dt.datetime, end: dt.datetime, **fields: object) -> ImportedTime:
    """The time from ``start`` to ``end`` (aware) as one item; engage splits it by day."""
    hours = Fraction(round((end - start).total_seconds()), 3600)
    return ImportedTime(where, hours, start=start, end=end, **fields)  # type: ignore[arg-type]
