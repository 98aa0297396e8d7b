"""The words of dates in English, French and Spanish that people type: weekdays, months, 'hier', 'ayer'."""

from __future__ import annotations

from engage.language import N_, _

# Each weekday's name for a message, Monday first (translated where it is said).
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

# Weekday names in English, French and Spanish, folded (no accents). Any prefix of three letters or
# more names one weekday only, whichever the language ("mar" is Tuesday in French and Spanish; English
# "mar" alone would be a month, and a month's name alone is no date): tests/language checks it.
WEEKDAYS = (
    ("monday", "lundi", "lunes"),
    ("tuesday", "mardi", "martes"),
    ("wednesday", "mercredi", "miercoles"),
    ("thursday", "jeudi", "jueves"),
    ("friday", "vendredi", "viernes"),
    ("saturday", "samedi", "sabado"),
    ("sunday", "dimanche", "domingo"),
)
# Month names in English, French and Spanish, folded; any prefix of three letters or more naming one
# month only ("nov.", "févr.", "sept"; "jui" is June or July: none).
MONTHS = (
    ("january", "janvier", "enero"),
    ("february", "fevrier", "febrero"),
    ("march", "mars", "marzo"),
    ("april", "avril", "abril"),
    ("may", "mai", "mayo"),
    ("june", "juin", "junio"),
    ("july", "juillet", "julio"),
    ("august", "aout", "agosto"),
    ("september", "septembre", "septiembre", "setiembre"),
    ("october", "octobre", "octubre"),
    ("november", "novembre", "noviembre"),
    ("december", "decembre", "diciembre"),
)
RELATIVE = {
    "today": 0, "yesterday": -1, "tomorrow": 1,
    "aujourd'hui": 0, "aujourdhui": 0, "hier": -1, "demain": 1, "avant-hier": -2, "apres-demain": 2,
    "hoy": 0, "ayer": -1, "manana": 1, "anteayer": -2, "pasado manana": 2,
}  # fmt: skip
# "last fri", "dernier ven", "vendredi dernier", "el viernes pasado", "viernes pasado": the one before
# today; "el viernes" is the most recent, as "fri" is. (Words, not a regular expression: compiling one
# costs ``engage log`` half a millisecond.)
LAST_BEFORE = ("last ", "dernier ", "derniere ")
LAST_AFTER = (" dernier", " derniere", " pasado")


def month_of(word: str) -> int | None:
    """The month a name or its abbreviation names, in English, French or Spanish, folded ("nov.",
    "février", "setiembre"): any prefix of three letters or more that names one month only."""
    word = word.rstrip(".")
    if len(word) < 3 or not word.isalpha():
        return None
    found = {index for index, names in enumerate(MONTHS, 1) for name in names if name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def weekday_of(word: str) -> int | None:
    """The weekday (Monday 0) a name or its abbreviation names in English, French or Spanish ("lun.")."""
    word = word.rstrip(".")
    for index, names in enumerate(WEEKDAYS):
        if len(word) >= 3 and word.isalpha() and any(name.startswith(word) for name in names):
            return index
    return None


def weekday_name(index: int) -> str:
    """The weekday's name (Monday 0) in the language in force, for a message."""
    return _(WEEKDAY_NAMES[index])
