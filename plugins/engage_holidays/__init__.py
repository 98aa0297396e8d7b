"""Public holidays as non-working days, from the ``holidays`` library (``holidays = ["KE", "CH-GE"]``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from engage import (
    DayOff,
    EngageError,
    Engagement,
    Location,
    cache_dir,
    hookimpl,
    installed_version,
    read_checked,
    write_checked,
)

__version__ = "0.1.0"


@hookimpl
def engage_non_working_days(
    engagement: Engagement, start: dt.date, end: dt.date, place: Location
) -> list[DayOff]:
    """The public holidays of each region of the place (the engagement's own by default), observed
    days included (a Sunday holiday moves to Monday). Where two countries' holidays fall on one day,
    both names are given in one."""
    regions = place.holidays
    names: dict[dt.date, list[str]] = {}
    for region in regions:
        country, _, subdivision = region.partition("-")
        try:
            known = [holidays_of(country, subdivision or None, y) for y in range(start.year, end.year + 1)]
        except EngageError as exc:  # name the schedule and the line of the setting
            from engage import where_in

            if place.key:  # name the location's setting, not the engagement's
                key = f"locations.{place.key}.holidays"
                detail = exc.message.split(": ", 1)[-1]
                raise EngageError(f"{where_in(engagement.source, key)}{key} = {region!r}: {detail}") from None
            else:
                key = "holidays_subdivision" if exc.message.startswith("holidays_subdivision") else "holidays"
            raise EngageError(where_in(engagement.source, key) + exc.message) from None
        for year_days in known:
            for iso, name in year_days:
                day = dt.date.fromisoformat(iso)
                if start <= day <= end:
                    label = f"{name} ({region})" if len(regions) > 1 else name
                    names.setdefault(day, []).append(label)
    return [DayOff(day, "; ".join(found)) for day, found in sorted(names.items())]


def holidays_of(country: str, subdivision: str | None, year: int) -> tuple[tuple[str, str], ...]:
    """A year's holidays as (ISO date, name), read from the cache or computed by ``holidays``.

    Importing ``holidays`` and computing a country's first year costs 170 ms
    here (70 to import, 100 for the year), more than an ``engage log``; reading
    the kept year costs 0.1 ms. The answer only changes with the library, so it
    is kept per library version in the user's cache folder, sealed under what
    it was computed from (library version, country, subdivision, year) and
    checked to be a year's holidays before it is believed: a file damaged,
    edited, copied from another year or in a folder others can write is
    computed again.
    """
    _check_codes(country, subdivision)  # the cache path is built from these: only validated values
    version = _library_version()
    path = cache_dir() / f"holidays-{version}-{country}-{subdivision or 'all'}-{year}.json"
    key = "\0".join(["holidays", version, country, subdivision or "", str(year)]).encode("utf-8")
    kept = _read_cached(path, key, year)
    if kept is not None:
        return kept
    days = _compute(country, subdivision, year)
    write_checked(path, json.dumps(days, ensure_ascii=False).encode("utf-8"), key)  # unwritable: only slower
    return days


_SUBDIVISION = re.compile(r"[A-Za-z0-9]{1,8}(?:[-_ ][A-Za-z0-9]{1,8}){0,2}")


def _check_codes(country: str, subdivision: str | None) -> None:
    if not re.fullmatch(r"[A-Z]{2,3}", country):
        raise EngageError(
            f"holidays = {country!r}: not an ISO 3166 country code; give one such as 'KE', or remove it"
        )
    if subdivision is not None and not _SUBDIVISION.fullmatch(subdivision):
        raise EngageError(
            f"holidays_subdivision = {subdivision!r}: not a subdivision code; "
            "give one such as 'NY', or remove it"
        )


@lru_cache(maxsize=1)
def _library_version() -> str:
    return installed_version("holidays")  # reads package metadata: once a process, not once a year looked at


_kept: dict[tuple[Path, bytes], tuple[tuple[str, str], ...]] = {}  # read and checked in this process


def _read_cached(path: Path, key: bytes, year: int) -> tuple[tuple[str, str], ...] | None:
    """The kept year, if it is sealed under ``key`` and shaped as :func:`_compute` makes it; else None."""
    if (path, key) in _kept:
        return _kept[(path, key)]
    held = read_checked(path, key)
    if held is None:
        return None
    try:
        days = _year_of(json.loads(bytes(held).decode("utf-8")), year)
    except ValueError:  # JSON, UTF-8 or a date that is not one: compute it again
        return None
    if days is not None:
        _kept[(path, key)] = days
    return days


def _year_of(data: Any, year: int) -> tuple[tuple[str, str], ...] | None:
    """``data`` as a year's holidays: (ISO date, name) pairs in order, each date in or beside the year."""
    if type(data) is not list:
        return None
    days = []
    for pair in data:
        if type(pair) is not list or len(pair) != 2 or not all(type(part) is str for part in pair):
            return None
        iso, name = pair
        if not name or dt.date.fromisoformat(iso).isoformat() != iso or abs(int(iso[:4]) - year) > 1:
            return None
        days.append((iso, name))
    return tuple(days) if days == sorted(days) else None


def _compute(country: str, subdivision: str | None, year: int) -> tuple[tuple[str, str], ...]:
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise EngageError(
            f"holidays = {country!r}: not a country the holidays library knows; "
            "give an ISO 3166 code such as 'KE' (or 'CH-GE' with a subdivision), or remove the setting"
        )
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        known = ", ".join(supported[country]) or "none"
        raise EngageError(
            f"holidays_subdivision = {subdivision!r} ('{country}-{subdivision}'): {country} has no such "
            f"subdivision; known: {known}"
        ) from None
    return tuple((day.isoformat(), name) for day, name in sorted(calendar.items()))
