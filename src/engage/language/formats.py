"""Numbers, dates and money as the language in force writes them (Babel), English as engage always has.

English keeps engage's own forms (``1.5``, ``2021-11-23``), so English reports stay as they were;
another language gets CLDR's through Babel (``1,5``, ``23 nov. 2021``, ``6 000,00 €``). Machine
formats (JSON, CSV, ICS) are written under :func:`machine`, in which every form is English's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from engage.language.choice import ENGLISH, base, current, using

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal
    from fractions import Fraction


@contextmanager
def machine() -> Iterator[None]:
    """Inside, everything is written for programs: English words, ISO dates, decimal points."""
    with using(ENGLISH):
        yield


def english() -> bool:
    """Whether the language in force is English (engage's own forms)."""
    return base(current()) == ENGLISH


def babel_locale(language: str | None = None) -> Any:
    """Babel's locale for ``language`` (default: the one in force), its base language where Babel
    has not the territory."""
    from babel import Locale, UnknownLocaleError

    name = language or current()
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(base(name))


def date_text(day: dt.date, form: str = "medium") -> str:
    """A date for people: ISO in English (``2021-11-23``), else the language's (``23 nov. 2021``)."""
    if english():
        return day.isoformat()
    from babel.dates import format_date

    return str(format_date(day, form, locale=babel_locale()))


def weekday_text(day: dt.date, form: str = "EEEE") -> str:
    """A weekday's name in the language in force: ``EEEE`` Saturday, samedi; ``EEE`` Sat, sam.;
    ``EEEEEE`` the shortest, Sa, sa."""
    if english():
        return day.strftime("%A") if form == "EEEE" else day.strftime("%a")[: 2 if form == "EEEEEE" else 3]
    from babel.dates import format_date

    return str(format_date(day, form, locale=babel_locale()))


def month_text(day: dt.date) -> str:
    """A month for people: ``November 2021``, ``novembre 2021``, ``noviembre de 2021``."""
    if english():
        return day.strftime("%B %Y")
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", day, locale=babel_locale()))


def number_text(value: Fraction | Decimal | float | int, places: int = 2) -> str:
    """A number with grouping, ``places`` decimals: ``6,000.00`` in English, ``6 000,00`` in French."""
    from decimal import Decimal
    from fractions import Fraction

    amount = Decimal(str(float(value))) if isinstance(value, Fraction) else Decimal(str(value))
    if english():
        return f"{amount:,.{places}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(amount, format=pattern, locale=babel_locale()))


def money_text(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """An amount of money as ``locale`` (default: the language in force) writes it: ``6 000,00 €``."""
    from babel.numbers import format_currency

    return str(format_currency(amount, currency, locale=babel_locale(locale)))
