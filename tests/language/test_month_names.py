"""Dates and months written with a month's name, in English, French or Spanish, as engage itself
writes them in French and Spanish documents ("23 nov. 2021", "lun. 15 nov. 2021", "noviembre de 2021")."""

from __future__ import annotations

import datetime as dt

import pytest

from engage.errors import EngageError
from engage.parsing import parse_date, parse_month
from helpers import Seed, invoke

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("5 nov. 2013", "2013-11-05"),
        ("5 novembre 2013", "2013-11-05"),
        ("le 5 novembre 2013", "2013-11-05"),
        ("5 de noviembre de 2013", "2013-11-05"),
        ("5 setiembre 2014", "2014-09-05"),
        ("Nov 5, 2013", "2013-11-05"),
        ("1er mars", "2026-03-01"),
        ("23 déc. 2021", "2021-12-23"),
        ("3 juil. 2014", "2014-07-03"),
        ("lun. 15 nov. 2021", "2021-11-15"),
        ("mar.", "2026-12-01"),  # alone, "mar" is Tuesday still
    ],
)
def test_a_date_with_a_months_name(text: str, day: str) -> None:
    assert parse_date(text, TODAY).isoformat() == day


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31 févr. 2021", "is not a day of the calendar"),
        ("mar. 15 nov. 2021", "names another weekday than its date's (2021-11-15 is a Monday)"),
        ("5 jui 2013", "cannot read"),  # June or July
    ],
)
def test_a_date_with_a_months_name_refused(text: str, says: str) -> None:
    with pytest.raises(EngageError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_date(text, TODAY)


@pytest.mark.parametrize("text", ["novembre 2021", "noviembre de 2021", "Nov 2021", "2021-11"])
def test_a_month_by_its_name(text: str) -> None:
    assert parse_month(text) == (dt.date(2021, 11, 1), dt.date(2021, 11, 30))


def test_log_and_entries_take_them_from_the_command_line(ijm: Seed) -> None:
    env = {"LANG": "fr_FR.UTF-8", "ENGAGE_CONSULTANT": "ann"}
    done = invoke("-s", str(ijm.path), "log", "1", "-p", "prep", "-d", "17 nov. 2021", env=env)
    assert done.exit_code == 0 and "le 2021-11-17" in done.stdout, done.output
    listed = invoke("-s", str(ijm.path), "entries", "--month", "novembre 2021", "--format", "csv", env=env)
    assert listed.exit_code == 0 and "2021-11-17" in listed.stdout, listed.output
    refused = invoke("-s", str(ijm.path), "log", "1", "-p", "prep", "-d", "31 févr. 2021", env=env)
    assert refused.exit_code == 2 and "n'est pas un jour du calendrier" in refused.stderr
