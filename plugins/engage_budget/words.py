"""Words the budget's findings and tables show: severities and weekdays, in the language in force."""

from __future__ import annotations

import datetime as dt

from engage import current_language
from engage_budget.catalogue import pgettext


def severity_text(severity: str) -> str:
    """A finding's severity (``error``, ``warning``, ``info``) as people read it; the id stays English."""
    return pgettext("severity", severity)


def outcome_text(outcome: str) -> str:
    """A close's outcome (``completed``, ``terminated``) as people read it; the id stays English."""
    return pgettext("outcome", outcome)


def _marked() -> None:
    """Never called: marks the severities and outcomes for the catalogue."""
    pgettext("severity", "error")
    pgettext("severity", "warning")
    pgettext("severity", "info")
    pgettext("outcome", "completed")
    pgettext("outcome", "terminated")


def weekday_text(day: dt.date, form: str = "EEEE") -> str:
    """A weekday's name (``EEEE``: Saturday, samedi; ``EEE``: Sat, sam.) in the language in force."""
    language = current_language()
    if language.partition("_")[0] == "en":
        return day.strftime("%A" if form == "EEEE" else "%a")
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(language.partition("_")[0])
    return str(format_date(day, form, locale=locale))
