"""Read what users type: amounts of time (1.5, 4h, 30m), dates (today, mon) and ISO weeks."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

from engage.errors import EngageError

DAYS_HELP = "a positive number of days (1, 0.5, .25) or of hours and minutes (4h, 30m, 1h30m)"
DATE_HELP = "an ISO date (2021-11-16), 'today', 'yesterday' or a weekday such as 'mon'"
WEEK_HELP = "an ISO week such as 2021-W47"
MAX_DAYS_PER_ENTRY = 31
MAX_HOURS_PER_ENTRY = 31 * 24  # what a ledger may hold; `log` takes at most 24h
MIN_DAYS_PER_ENTRY = Fraction(1, 1000)
MIN_HOURS_PER_ENTRY = Fraction(1, 60)  # a minute
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_AMOUNT = re.compile(
    rf"^(?:(?P<days>{_NUMBER})\s*d?|(?:(?P<hours>{_NUMBER})\s*h)?\s*(?:(?P<minutes>{_NUMBER})\s*m)?)$"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_amount(text: str) -> tuple[Fraction, str]:
    """Read an amount of time as typed: returns (value, unit) with unit 'days' or 'hours'.

    Hours are kept as hours so the ledger records what was typed; they become
    days through the schedule's hours per day when figures are computed.
    """
    cleaned = text.strip().lower()
    match = _AMOUNT.match(cleaned) if cleaned else None
    if not match or not any(match.groupdict().values()):
        raise EngageError(f"cannot read {text!r} as time spent; give {DAYS_HELP}")
    if match.group("days") is not None:
        value, unit = Fraction(match.group("days")), "days"
        if value > MAX_DAYS_PER_ENTRY:
            raise EngageError(
                f"{text!r} days in one entry is more than a month; "
                f"give at most {MAX_DAYS_PER_ENTRY} days, or split the work into entries by date"
            )
    else:
        value = Fraction(match.group("hours") or 0) + Fraction(match.group("minutes") or 0) / 60
        unit = "hours"
        if value > 24:
            raise EngageError(f"{text!r} is more than 24 hours in one day; give at most 24h per entry")
    if value <= 0:
        raise EngageError(f"{text!r} is not a positive amount of time; give {DAYS_HELP}")
    if value < (MIN_DAYS_PER_ENTRY if unit == "days" else MIN_HOURS_PER_ENTRY):
        raise EngageError(f"{text!r} is less than a minute of work; give at least 0.001 days or 1m")
    return value, unit


def parse_date(text: str, today: dt.date) -> dt.date:
    """Read a date: ISO, 'today', 'yesterday', or a weekday name (the most recent, today included)."""
    cleaned = text.strip().lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - dt.timedelta(days=1)
    for index, name in enumerate(_WEEKDAYS):
        if len(cleaned) >= 3 and name.startswith(cleaned):
            return today - dt.timedelta(days=(today.weekday() - index) % 7)
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise EngageError(f"cannot read {text!r} as a date; give {DATE_HELP}") from None
    if not 1970 <= day.year <= 2100:
        raise EngageError(f"{text!r} is not a plausible date for an engagement; give {DATE_HELP}")
    return day


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """Read an ISO week (2021-W47): returns its Monday and Sunday."""
    match = re.fullmatch(r"\s*(\d{4})-?[Ww](\d{1,2})\s*", text)
    if not match:
        raise EngageError(f"cannot read {text!r} as a week; give {WEEK_HELP}")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise EngageError(f"{year} has no week {week}; give {WEEK_HELP} that exists") from None
    return monday, monday + dt.timedelta(days=6)


def today_in(timezone: str) -> dt.date:
    """Today's date in the engagement's time zone (not the machine's)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date()


def format_days(value: Fraction | float) -> str:
    """Days for people: at least one decimal, at most two (2.0, 1.5, 0.06)."""
    text = f"{float(value):.2f}"
    return text[:-1] if text.endswith("0") else text


def format_budget(value: Fraction | float) -> str:
    """A day budget as the ToR states it: 7, 2.5."""
    return str(int(value)) if value == int(value) else format_days(value)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 day', '3 days', '1 entry', '2 entries'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
