"""Public holidays as non-working days, from the ``holidays`` library, for schedules that say ``holidays = "KE"``."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from engage import DayOff, EngageError, Engagement, hookimpl

__version__ = "0.1.0"


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> tuple[DayOff, ...]:
    import holidays  # 60 ms to import and more to compute: only when a timeline is planned

    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError:
        raise EngageError(
            f"holidays = {country!r}: not a country the holidays library knows; "
            "give an ISO 3166 code such as 'KE', or remove the setting"
        ) from None
    except ValueError as exc:
        raise EngageError(f"holidays_subdivision = {subdivision!r}: {exc}") from None
    return tuple(DayOff(day, name) for day, name in sorted(calendar.items()))


@hookimpl
def engage_non_working_days(engagement: Engagement, start: dt.date, end: dt.date) -> list[DayOff]:
    """The engagement's country's public holidays, observed days included (Sunday holidays move to Monday)."""
    if not engagement.holidays:
        return []
    years = tuple(range(start.year, end.year + 1))
    days = _holidays(engagement.holidays, engagement.holidays_subdivision, years)
    return [day for day in days if start <= day.date <= end]
