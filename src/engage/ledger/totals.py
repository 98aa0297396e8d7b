"""The days of live entries summed per date, phase, consultant and place: what every total adds up."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Sequence
from fractions import Fraction
from typing import NamedTuple

from engage.ledger.records import Entry

# (date ordinal, phase, consultant, place) -> (days in whole 1/scale days, entries)
Totals = dict[tuple[int, str, str, str], tuple[int, int]]


class DayTotal(NamedTuple):
    """The live entries of one consultant on one phase, on one date, at one place: what totals add up."""

    date: dt.date
    phase: str
    consultant: str
    at: str
    days: Fraction
    entries: int


def add_entries(scale: int, totals: Totals, live: Sequence[Entry], cut: dt.date | None) -> tuple[int, Totals]:
    """``totals`` (in 1/scale days) with the ``live`` entries added, dated up to ``cut`` if given.

    Adding Fractions one entry at a time made large portfolios slow. Every
    amount is a multiple of 1/scale, scale being the common denominator of the
    few distinct amounts, so integers add up exactly and fast.
    """
    distinct = {id(e.days): e.days for e in live}  # equal amounts are mostly one cached object
    common = math.lcm(scale, *(f.denominator for f in distinct.values()))
    factor = common // scale
    summed: Totals = {k: (u * factor, n) for k, (u, n) in totals.items()} if factor != 1 else dict(totals)
    weight = {key: f.numerator * (common // f.denominator) for key, f in distinct.items()}
    for e in live:
        key = (e.date.toordinal(), e.phase, e.consultant, e.at)
        units, count = summed.get(key, (0, 0))
        summed[key] = (units + weight[id(e.days)], count + 1)
    if cut is not None:
        last = cut.toordinal()
        summed = {k: v for k, v in summed.items() if k[0] <= last}
    return common, summed


def day_totals(scale: int, totals: Totals) -> list[DayTotal]:
    """The totals as :class:`DayTotal` values, in date order."""
    dates: dict[int, dt.date] = {}
    days: dict[int, Fraction] = {}  # a few amounts recur (a quarter day, a half): one Fraction each
    found = []
    for (day, phase, consultant, at), (units, count) in sorted(totals.items()):
        date = dates.get(day) or dates.setdefault(day, dt.date.fromordinal(day))
        amount = days.get(units) or days.setdefault(units, Fraction(units, scale))
        found.append(DayTotal(date, phase, consultant, at, amount, count))
    return found


def regroup(totals: Totals, key: Callable[[dt.date, str, str], Hashable]) -> dict[Hashable, int]:
    """The totals' units summed again by ``key(date, phase, consultant)``."""
    dates: dict[int, dt.date] = {}
    units: dict[Hashable, int] = {}
    for (day, phase, consultant, _), (value, _) in totals.items():
        date = dates.get(day) or dates.setdefault(day, dt.date.fromordinal(day))
        group = key(date, phase, consultant)
        units[group] = units.get(group, 0) + value
    return units
