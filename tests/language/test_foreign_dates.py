"""Weekday names and relative days in French and Spanish, whatever the locale, for every --date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engage import EngageError, parse_date
from helpers import Seed, one_line_error

MONDAY = dt.date(2026, 12, 7)
WEEKDAY_NAMES = [
    ("monday", "lundi", "lunes"),
    ("tuesday", "mardi", "martes"),
    ("wednesday", "mercredi", "miércoles"),
    ("thursday", "jeudi", "jueves"),
    ("friday", "vendredi", "viernes"),
    ("saturday", "samedi", "sábado"),
    ("sunday", "dimanche", "domingo"),
]
VALID_DATES = [
    ("aujourd'hui", "2026-12-07"),
    ("aujourd’hui", "2026-12-07"),
    ("Hier", "2026-12-06"),
    ("demain", "2026-12-08"),
    ("avant-hier", "2026-12-05"),
    ("après-demain", "2026-12-09"),
    ("hoy", "2026-12-07"),
    ("ayer", "2026-12-06"),
    ("mañana", "2026-12-08"),
    ("manana", "2026-12-08"),
    ("anteayer", "2026-12-05"),
    ("pasado mañana", "2026-12-09"),
    ("lun", "2026-12-07"),
    ("mar", "2026-12-01"),  # Tuesday (mardi, martes): never March
    ("mer", "2026-12-02"),
    ("mié", "2026-12-02"),
    ("mie", "2026-12-02"),
    ("jeu", "2026-12-03"),
    ("jue", "2026-12-03"),
    ("ven", "2026-12-04"),
    ("vie", "2026-12-04"),
    ("sam", "2026-12-05"),
    ("sáb", "2026-12-05"),
    ("dim", "2026-12-06"),
    ("dom", "2026-12-06"),
    ("Miércoles", "2026-12-02"),
    ("dernier lun", "2026-11-30"),
    ("lundi dernier", "2026-11-30"),
    ("el lunes pasado", "2026-11-30"),
    ("lunes pasado", "2026-11-30"),
    ("el lunes", "2026-12-07"),
    ("last mon", "2026-11-30"),  # English, as before
    ("mon", "2026-12-07"),
    ("yesterday", "2026-12-06"),
]


@pytest.mark.parametrize(("typed", "meant"), VALID_DATES)
def test_french_and_spanish_dates(typed: str, meant: str) -> None:
    assert parse_date(typed, MONDAY).isoformat() == meant


@pytest.mark.parametrize("index", range(7))
def test_every_prefix_of_three_letters_or_more_names_one_weekday(index: int) -> None:
    """No prefix of a name in one language is a prefix of another weekday in another."""
    for name in WEEKDAY_NAMES[index]:
        for end in range(3, len(name) + 1):
            assert parse_date(name[:end], MONDAY).weekday() == index, name[:end]


@pytest.mark.parametrize("typed", ["march", "mars", "marzo", "ma", "lu", "el", "dernier", "pasado", "hierr"])
def test_what_is_not_a_day_is_refused(typed: str) -> None:
    with pytest.raises(EngageError, match="as a date"):
        parse_date(typed, MONDAY)


def test_log_and_expense_take_a_french_or_spanish_day(ijm: Seed) -> None:
    done = ijm.run("log", "1", "-p", "prep", "-d", "hier")
    assert done.exit_code == 0, done.stderr
    done = ijm.run("expense", "100", "--category", "travel", "-d", "ayer")
    assert done.exit_code == 0, done.stderr
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    dates = [json.loads(line)["date"] for line in ijm.ledger.read_text().splitlines()]
    assert all(abs(dt.date.fromisoformat(d) - dt.date.fromisoformat(yesterday)).days <= 1 for d in dates)


def test_a_mistyped_foreign_day_is_one_line_and_writes_nothing(ijm: Seed) -> None:
    one_line_error(ijm.run("log", "1", "-p", "prep", "-d", "mardo"), "'mardo'", "as a date")
    assert not ijm.ledger.exists()
