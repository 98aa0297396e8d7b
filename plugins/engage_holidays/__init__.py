"""Public holidays as non-working days, from the ``holidays`` library (``holidays = ["KE", "CH-GE"]``).

Their names are in the engagement's language where the library has the country's names in it
(``Jueves Santo`` in Peru in Spanish, ``Fête de l'Indépendance`` in Senegal in French), else in the
country's own (the library's default); in English, as they always were.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from engage import (
    DayOff,
    EngageError,
    Engagement,
    Location,
    cache_dir,
    current_language,
    hookimpl,
    installed_version,
    read_checked,
    speaking,
    write_checked,
)
from engage_holidays.catalogue import _

__version__ = "0.1.0"


@hookimpl
def engage_non_working_days(
    engagement: Engagement, start: dt.date, end: dt.date, place: Location
) -> list[DayOff]:
    """The public holidays of each region of the place (the engagement's own by default), observed
    days included (a Sunday holiday moves to Monday). Where two countries' holidays fall on one day,
    both names are given in one.

    The names are in the language the engagement's documents speak (``--lang``, its ``language``,
    else the user's), whichever document asks: the timeline keeps them for the whole command."""
    regions = place.holidays
    with speaking(engagement):
        language = current_language()
    names: dict[dt.date, list[str]] = {}
    for region in regions:
        country, _sep, subdivision = region.partition("-")
        try:
            known = [
                holidays_of(country, subdivision or None, y, language)
                for y in range(start.year, end.year + 1)
            ]
        except Refused as exc:  # name the schedule and the line of the setting
            from engage import where_in

            if place.key:  # name the location's setting, not the engagement's
                key = f"locations.{place.key}.holidays"
                raise EngageError(
                    where_in(engagement.source, key) + _setting(key, repr(region), exc.detail)
                ) from None
            raise EngageError(where_in(engagement.source, exc.key) + exc.message) from None
        for year_days in known:
            for iso, name in year_days:
                day = dt.date.fromisoformat(iso)
                if start <= day <= end:
                    label = f"{name} ({region})" if len(regions) > 1 else name
                    names.setdefault(day, []).append(label)
    return [DayOff(day, "; ".join(found)) for day, found in sorted(names.items())]


class Refused(EngageError):
    """A holidays setting the library cannot take: which key, and what is wrong with it."""

    def __init__(self, key: str, value: str, detail: str) -> None:
        super().__init__(_setting(key, value, detail))
        self.key = key
        self.detail = detail


def _setting(key: str, value: str, detail: str) -> str:
    """``holidays = 'XX': not an ISO 3166 country code; …``, as the language in force writes it."""
    return _("{key} = {value}: {detail}").format(key=key, value=value, detail=detail)


def holidays_of(
    country: str, subdivision: str | None, year: int, language: str = "en"
) -> tuple[tuple[str, str], ...]:
    """A year's holidays as (ISO date, name), read from the cache or computed by ``holidays``; the
    names in ``language`` (an engage language tag: ``fr``, ``es_PE``) where the library has it.

    Importing ``holidays`` and computing a country's first year costs 170 ms
    here (70 to import, 100 for the year), more than an ``engage log``; reading
    the kept year costs 0.1 ms. The answer only changes with the library, so it
    is kept per library version in the user's cache folder, sealed under what
    it was computed from (library version, country, subdivision, year) and
    checked to be a year's holidays before it is believed: a file damaged,
    edited, copied from another year or in a folder others can write is
    computed again. The names in English are kept as they were before languages; in another
    language, in a file and under a seal of their own.
    """
    _check_codes(country, subdivision, language)  # the cache path is built from these: only validated values
    version = _library_version()
    english = language.partition("_")[0] == "en"
    tongue = "" if english else f"-{language}"
    path = cache_dir() / f"holidays-{version}-{country}-{subdivision or 'all'}-{year}{tongue}.json"
    parts = ["holidays", version, country, subdivision or "", str(year)] + ([] if english else [language])
    key = "\0".join(parts).encode("utf-8")
    kept = _read_cached(path, key, year)
    if kept is not None:
        return kept
    days = _compute(country, subdivision, year, "en" if english else language)
    write_checked(path, json.dumps(days, ensure_ascii=False).encode("utf-8"), key)  # unwritable: only slower
    return days


_SUBDIVISION = re.compile(r"[A-Za-z0-9]{1,8}(?:[-_ ][A-Za-z0-9]{1,8}){0,2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_(?:[A-Z]{2}|[0-9]{3}))?")  # as engage names languages: fr, es_419


def _check_codes(country: str, subdivision: str | None, language: str = "en") -> None:
    if not re.fullmatch(r"[A-Z]{2,3}", country):
        raise Refused(
            "holidays",
            repr(country),
            _("not an ISO 3166 country code; give one such as 'KE', or remove it"),
        )
    if subdivision is not None and not _SUBDIVISION.fullmatch(subdivision):
        raise Refused(
            "holidays_subdivision",
            repr(subdivision),
            _("not a subdivision code; give one such as 'NY', or remove it"),
        )
    if not _LANGUAGE.fullmatch(language):  # engage's own tags: never a path
        raise ValueError(f"not a language tag as engage names them: {language!r}")


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


def _compute(
    country: str, subdivision: str | None, year: int, language: str = "en"
) -> tuple[tuple[str, str], ...]:
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise Refused(
            "holidays",
            repr(country),
            _(
                "not a country the holidays library knows; give an ISO 3166 code such as 'KE' "
                "(or 'CH-GE' with a subdivision), or remove the setting"
            ),
        )
    try:
        entity = holidays.country_holidays(country, subdiv=subdivision)  # no year yet: nothing computed
        names = library_language(language, entity.supported_languages, entity.default_language)
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year, language=names)
    except NotImplementedError:
        known = ", ".join(supported[country]) or _("none")
        raise Refused(
            "holidays_subdivision",
            f"{subdivision!r} ('{country}-{subdivision}')",
            _("{country} has no such subdivision; known: {known}").format(country=country, known=known),
        ) from None
    return tuple((day.isoformat(), name) for day, name in sorted(calendar.items()))


def library_language(language: str, supported: Sequence[str], default: str | None) -> str | None:
    """The holidays library's language for engage's ``language``: English as engage always showed
    the names (``en_US``, the library's own words); else the language itself where the library has
    the country's names in it (``fr_SN`` for ``fr``); else the country's own, the library's default.

    Never None where the country has languages: without one the library reads the locale variables,
    and the names would follow whoever filled the cache."""
    base = language.partition("_")[0]
    if base == "en":
        return "en_US" if "en_US" in supported else default
    for candidate in (language, base):
        if candidate in supported:
            return candidate
    same = sorted(name for name in supported if name.partition("_")[0] == base)
    if default in same:
        return default
    return same[0] if same else default
