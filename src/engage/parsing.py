"""Read what users type: amounts of time (1.5, 4h, 30m), dates (today, mon) and ISO weeks."""

from __future__ import annotations

import datetime as dt
import os
import re
from fractions import Fraction

from engage.errors import EngageError
from engage.language import N_, _
from engage.language.choice import decimal_text, uses_decimal_comma

# In English, as the public API gives them; ``_(DATE_HELP)`` where people read them.
DAYS_HELP = N_("a positive number of days (1, 0.5, .25) or of hours and minutes (4h, 30m, 1h30m, 1h30, 1:30)")
DATE_HELP = N_(
    "an ISO date (2021-11-16), 31/12/2021 (day first, when the day is past 12), 'today', "
    "'yesterday', 'tomorrow', -2 (two days ago), a weekday such as 'mon' or 'last fri'"
)
WEEK_HELP = N_("an ISO week such as 2021-W47")
MONTH_HELP = N_("a month as YYYY-MM, e.g. 2021-11")
MAX_DAYS_PER_ENTRY = 31
MAX_HOURS_PER_ENTRY = 31 * 24  # what a ledger may hold; `log` takes at most 24h
MAX_HOURS_PER_DAY = 24  # what `log` and every import take in one entry
FIRST_YEAR, LAST_YEAR = 1970, 2100  # the dates an engagement's records may carry
MIN_DAYS_PER_ENTRY = Fraction(1, 1000)
MIN_HOURS_PER_ENTRY = Fraction(1, 60)  # a minute
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_AMOUNT = re.compile(
    rf"^(?:(?P<days>{_NUMBER})\s*d?"
    rf"|(?P<hours>{_NUMBER})\s*h(?:\s*(?P<more>\d+)\s*m?)?"
    rf"|(?P<minutes>{_NUMBER})\s*m"
    rf"|(?P<clock_hours>\d+):(?P<clock_minutes>[0-5]\d))$",
    re.ASCII,  # \d is 0-9 only: Python's own numbers read ١ and １ as 1, which nobody means here
)
MAX_AMOUNT_CHARS = 24  # "24h", "1h30m", "0.125": longer is not an amount of time
_OFFSET = re.compile(r"^([+-])\s*(\d{1,4})$", re.ASCII)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", re.ASCII)
# The locale variables that say how a person writes numbers, in the order POSIX reads them.
NUMERIC_VARS = ("LC_ALL", "LC_NUMERIC", "LANG")


def fold(text: str) -> str:
    """``text`` as names are compared: case, accents and runs of white space aside.

    "Rédaction  du Rapport" and "redaction du rapport" fold alike, as do "José Pérez" and "jose perez"
    (Unicode NFKD, combining marks dropped, then casefold). ASCII text folds without importing
    ``unicodedata``.
    """
    spaced = " ".join(text.split())
    if spaced.isascii():
        return spaced.casefold()
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", spaced.casefold().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def decimal_comma(environ: dict[str, str] | None = None) -> str:
    """The locale variable saying its user writes a decimal comma (``LANG=fr_FR.UTF-8``), else "".

    The first of $LC_ALL, $LC_NUMERIC and $LANG that is set decides, as POSIX has it; its language
    decides (``fr``, ``es``, ``de``, ``pt``... a comma; ``en``, ``C``, ``POSIX``, unset: a point),
    unless its territory writes otherwise (``es_MX``, ``es_PE``, ``de_CH``: a point). Read from the
    environment alone: no locale data is loaded, so ``engage log`` stays as fast.
    """
    env = os.environ if environ is None else environ
    for name in NUMERIC_VARS:
        value = env.get(name, "")
        if not value:
            continue
        language, _, territory = value.partition(".")[0].partition("@")[0].partition("_")
        language, territory = language.lower(), territory.upper()
        if not uses_decimal_comma(f"{language}_{territory}" if territory else language):
            return ""
        return f"{name}={value}"
    return ""


def read_decimal_comma(text: str, habit: str) -> str:
    """``text``, a number typed under ``habit`` (a decimal-comma locale, as :func:`decimal_comma`
    names it), with a decimal point for Python to read; an ambiguous one is refused.

    The rule: the comma, the locale's own decimal separator, is always the decimal separator
    ("1,5" is 1.5; "1,500" is 1.5 too). A point is the other habit's, so it is taken only where it
    cannot group thousands: once, with no comma, and not after one to three digits (not all zeros)
    followed by exactly three ("1.5", "0.25", ".5", "0.500" and "1.2345" are read with a decimal
    point). "1.500" could be one and a half or fifteen hundred, "1.500,00" fifteen hundred written
    the German way: both are refused in one line naming the readings, as an ambiguous date is, and
    so is a point beside a comma ("1,500.50").
    """
    if "." not in text:
        return text.replace(",", ".")
    whole, *groups = text.split(".")
    last, comma, decimals = groups[-1].partition(",")
    parts = [*groups[:-1], last]
    grouping = 1 <= len(whole) <= 3 and whole.isdigit() and whole.strip("0") != ""
    grouping = grouping and all(len(part) == 3 and part.isdigit() for part in parts)
    if "," not in text and len(groups) == 1 and not grouping:
        return text
    if grouping:
        thousands = whole + "".join(parts) + (comma + decimals)
        as_decimal = f"{whole},{last.rstrip('0')}".rstrip(",") if not comma and len(groups) == 1 else ""
        readings = _("{one} or {other}").format(one=thousands, other=as_decimal) if as_decimal else thousands
        raise EngageError(
            _(
                "{text} is ambiguous under {habit}: a point may group thousands or be a decimal point; "
                "write {readings}"
            ).format(text=repr(text), habit=habit, readings=readings)
        )
    raise EngageError(
        _("cannot read {text} under {habit}: a point beside a comma; write it like 1500,50").format(
            text=repr(text), habit=habit
        )
    )


def parse_amount(text: str, habit: str = "") -> tuple[Fraction, str]:
    """Read an amount of time as typed: returns (value, unit) with unit 'days' or 'hours'.

    Hours are kept as hours so the ledger records what was typed; they become
    days through the schedule's hours per day when figures are computed.
    ``habit`` names a decimal-comma locale (:func:`decimal_comma`) for what a person typed: then
    "1,5" is one and a half and "1.500" is refused as ambiguous (:func:`read_decimal_comma`). Files
    and other machines' figures are read without it, as they always were.
    """
    cleaned = text.strip().lower()
    if len(cleaned) > MAX_AMOUNT_CHARS:
        raise EngageError(
            _("cannot read {text}… as time spent; give {days_help}").format(
                text=repr(text[:MAX_AMOUNT_CHARS]), days_help=_(DAYS_HELP)
            )
        )
    if not cleaned.isascii():
        raise EngageError(
            _("cannot read {text} as time spent: use ASCII digits 0-9; give {days_help}").format(
                text=repr(text), days_help=_(DAYS_HELP)
            )
        )
    if habit:
        cleaned = read_decimal_comma(cleaned, habit)
    match = _AMOUNT.match(cleaned) if cleaned else None
    if not match or not any(match.groupdict().values()):
        if not habit and re.fullmatch(r"\d*,\d+\s*[dhm]?", cleaned, re.ASCII):
            pointed = cleaned.replace(",", ".")
            raise EngageError(
                _("cannot read {text} as time spent: write a decimal point, {pointed}").format(
                    text=repr(text), pointed=pointed
                )
            )
        raise EngageError(_cannot_read_time(text))
    if match.group("days") is not None:
        value, unit = Fraction(match.group("days")), "days"
    else:
        if match.group("clock_hours") is not None:
            hours, minutes = match.group("clock_hours"), match.group("clock_minutes")
        else:
            hours, minutes = match.group("hours") or "0", match.group("more") or match.group("minutes") or "0"
        if match.group("more") is not None and int(match.group("more")) >= 60:
            raise EngageError(
                _("{text}: minutes after the hours go up to 59; give {days_help}").format(
                    text=repr(text), days_help=_(DAYS_HELP)
                )
            )
        value = Fraction(hours) + Fraction(minutes) / 60
        unit = "hours"
    return check_amount(value, unit, text), unit


def _cannot_read_time(text: str) -> str:
    return _("cannot read {text} as time spent; give {days_help}").format(
        text=repr(text), days_help=_(DAYS_HELP)
    )


def check_amount(value: Fraction, unit: str, text: str) -> Fraction:
    """``value`` (in ``unit``: days or hours) if one new entry may hold it, else the error ``log``
    gives for ``text``, the amount as typed: every way time comes in (log, CSV, other trackers)
    checks its amounts here, so that none takes what another refuses."""
    if unit == "days" and value > MAX_DAYS_PER_ENTRY:
        raise EngageError(
            _(
                "{text} days in one entry is more than a month; "
                "give at most {most} days, or split the work into entries by date"
            ).format(text=repr(text), most=MAX_DAYS_PER_ENTRY)
        )
    if unit == "hours" and value > MAX_HOURS_PER_DAY:
        raise EngageError(
            _("{text} is more than {most} hours in one day; give at most {most}h per entry").format(
                text=repr(text), most=MAX_HOURS_PER_DAY
            )
        )
    if value <= 0:
        raise EngageError(
            _("{text} is not a positive amount of time; give {days_help}").format(
                text=repr(text), days_help=_(DAYS_HELP)
            )
        )
    if value < (MIN_DAYS_PER_ENTRY if unit == "days" else MIN_HOURS_PER_ENTRY):
        raise EngageError(
            _("{text} is less than a minute of work; give at least {least} days or 1m").format(
                text=repr(text), least=decimal_text("0.001")
            )
        )
    return value


def check_date(day: dt.date, text: str, give: str = DATE_HELP) -> dt.date:
    """``day`` if an engagement may hold it (from 1970 to 2100, as the ledger reader takes), else the
    error ``log`` gives for ``text``, the date as typed (``give``: what would be right instead)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise EngageError(
            _("{text} is not a plausible date for an engagement; give {give}").format(
                text=repr(text), give=_(give)
            )
        )
    return day


def parse_date(text: str, today: dt.date) -> dt.date:
    """Read a date as people type it.

    ISO (2021-11-16); 'today', 'yesterday', 'tomorrow'; -2 (two days ago) or +1; a
    weekday name, the most recent (today included), or with 'last' the one before
    today; and DD/MM/YYYY only when it cannot be read the other way round (the day is
    past 12, or day and month are the same): 05/04/2021 is refused as ambiguous.

    The words are read in French and Spanish too, whatever the locale, accents optional
    (none is an English word): 'aujourd'hui', 'hier', 'demain', 'hoy', 'ayer', 'mañana';
    'lun'/'lundi'/'lunes' ... 'dim'/'dimanche'/'dom'/'domingo'; 'dernier ven', 'vendredi
    dernier', 'el viernes pasado' as 'last fri'. 'mar' is Tuesday (mardi, martes): a
    month name alone is no date. With a day it is: '5 nov. 2013', '5 novembre 2013', '5 de
    noviembre de 2013', 'Nov 5, 2013', '1er mars' (this year), as engage writes dates in French
    and Spanish.
    """
    cleaned = fold(text)
    if cleaned == "today":  # the default, and ISO dates: the words of three languages are read past them
        return today
    try:
        return check_date(dt.date.fromisoformat(text.strip()), text)
    except ValueError:
        pass
    from engage.language.words import LAST_AFTER, LAST_BEFORE, RELATIVE, weekday_of

    if cleaned in RELATIVE:
        return today + dt.timedelta(days=RELATIVE[cleaned])
    offset = _OFFSET.match(cleaned)
    if offset:
        days = int(offset.group(2))
        return today + dt.timedelta(days=-days if offset.group(1) == "-" else days)
    weekday = cleaned.removeprefix("el ")  # "el lunes", "el lunes pasado"
    last = weekday.startswith(LAST_BEFORE) or weekday.endswith(LAST_AFTER)
    if last:
        weekday = weekday.split(" ", 1)[1] if weekday.startswith(LAST_BEFORE) else weekday.rsplit(" ", 1)[0]
    index = weekday_of(weekday)
    if index is not None:
        back = (today.weekday() - index) % 7
        return today - dt.timedelta(days=back or (7 if last else 0))
    day_first = _DAY_FIRST.match(cleaned)
    if day_first:
        return _day_first(text, *(int(g) for g in day_first.groups()))
    named = _named_date(cleaned, today, text)
    if named is not None:
        return check_date(named, text)
    raise EngageError(
        _("cannot read {text} as a date; give {date_help}").format(text=repr(text), date_help=_(DATE_HELP))
    )


def _named_date(cleaned: str, today: dt.date, text: str) -> dt.date | None:
    """'5 nov. 2013', '5 de noviembre de 2013', 'nov 5, 2013', '1er mars' (this year), 'lun. 15 nov.
    2021' (as engage writes it); None when ``cleaned`` is not a date written with a month's name. An
    impossible day (31 February) is refused."""
    from engage.language.words import month_of, weekday_name, weekday_of

    words = [w for w in cleaned.replace(",", " ").split() if w not in ("de", "del", "of", "the", "le", "el")]
    weekday = weekday_of(words[0]) if len(words) == 4 else None
    if weekday is not None:
        words = words[1:]
    if not 2 <= len(words) <= 3:
        return None
    year = today.year
    if len(words) == 3:
        if not (words[2].isdigit() and len(words[2]) == 4):
            return None
        year = int(words[2])
    month, number = month_of(words[1]), words[0]
    if month is None:
        month, number = month_of(words[0]), words[1]
    for suffix in ("er", "st", "nd", "rd", "th", "o"):
        number = number.removesuffix(suffix)
    if month is None or not number.isdigit() or len(number) > 2:
        return None
    try:
        day = dt.date(year, month, int(number))
    except ValueError:
        raise EngageError(
            _("{text} is not a day of the calendar; give {date_help}").format(
                text=repr(text), date_help=_(DATE_HELP)
            )
        ) from None
    if weekday is not None and weekday != day.weekday():
        raise EngageError(
            _("{text} names another weekday than its date's ({date} is a {weekday})").format(
                text=repr(text), date=day.isoformat(), weekday=weekday_name(day.weekday())
            )
        )
    return day


def _day_first(text: str, first: int, second: int, year: int) -> dt.date:
    """DD/MM/YYYY, refused when MM/DD/YYYY would give another valid date."""
    if first <= 12 and second <= 12 and first != second:
        raise EngageError(
            _("{text} is ambiguous (day/month or month/day?); give an ISO date: {one} or {other}").format(
                text=repr(text),
                one=f"{year}-{second:02d}-{first:02d}",
                other=f"{year}-{first:02d}-{second:02d}",
            )
        )
    try:
        day = dt.date(year, second, first)
    except ValueError:
        raise EngageError(
            _("{text} is not a date (read as day/month/year); give {date_help}").format(
                text=repr(text), date_help=_(DATE_HELP)
            )
        ) from None
    return check_date(day, text)


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """Read a month (2021-11, or named: 'novembre 2021', 'noviembre de 2021', 'Nov 2021'): returns its
    first and last days."""
    from engage.language.words import month_of

    words = [w for w in fold(text).split() if w not in ("de", "del")]
    month = month_of(words[0]) if len(words) == 2 else None
    if month and words[1].isdigit() and len(words[1]) == 4:
        text = f"{words[1]}-{month}"
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text, re.ASCII)
    if not match or not 1 <= int(match.group(2)) <= 12 or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise EngageError(
            _("cannot read {text} as a month; give {month_help}").format(
                text=repr(text), month_help=_(MONTH_HELP)
            )
        )
    year, month = int(match.group(1)), int(match.group(2))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def period_name(start: dt.date, end: dt.date) -> str:
    """``2026-11`` for a whole calendar month, else ``2026-11-02 to 2026-11-08``."""
    if start.day == 1 and end == month_end(start):
        return f"{start:%Y-%m}"
    return f"{start} to {end}"


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """Read an ISO week (2021-W47): returns its Monday and Sunday."""
    match = re.fullmatch(r"\s*(\d{4})-?[Ww](\d{1,2})\s*", text, re.ASCII)
    if not match:
        raise EngageError(
            _("cannot read {text} as a week; give {week_help}").format(
                text=repr(text), week_help=_(WEEK_HELP)
            )
        )
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise EngageError(
            _("{year} has no week {week}; give {week_help} that exists").format(
                year=year, week=week, week_help=_(WEEK_HELP)
            )
        ) from None
    return monday, monday + dt.timedelta(days=6)


def today_in(timezone: str) -> dt.date:
    """Today's date in the engagement's time zone (not the machine's)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date()


def format_days(value: Fraction | float) -> str:
    """Days for people: at least one decimal, at most two (2.0, 1.5, 0.06)."""
    text = f"{float(value):.2f}"
    return decimal_text(text[:-1] if text.endswith("0") else text)


def format_hours(hours: Fraction) -> str:
    """Hours as people type them: 4h, 30m, 1h30m (1.33h when not a whole number of minutes)."""
    minutes = hours * 60
    if minutes.denominator != 1:
        return decimal_text(f"{float(hours):.2f}".rstrip("0").rstrip(".")) + "h"
    whole, rest = divmod(int(minutes), 60)
    return (f"{whole}h" if whole else "") + (f"{rest}m" if rest else "") or "0h"


def format_amount(amount: Fraction, unit: str, days: Fraction) -> str:
    """An entry's time as typed: '1.5' days, or hours with their days beside them, '4h (0.5 d)'."""
    if unit == "hours":
        return f"{format_hours(amount)} ({format_days(days)} d)"
    return format_days(days)


def format_budget(value: Fraction | float) -> str:
    """A day budget as the ToR states it: 7, 2.5."""
    return str(int(value)) if value == int(value) else format_days(value)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 day', '3 days', '1 entry', '2 entries'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
