"""Friendlier input: global options after the command, dates and durations as people type them,
phases and deliverables by key in any case or by name; every refusal still says what is accepted."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engage.parsing import parse_amount, parse_date
from helpers import Seed, invoke, one_line_error

WED = dt.date(2021, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tomorrow", dt.date(2021, 11, 25)),
        ("-2", dt.date(2021, 11, 22)),
        ("+1", dt.date(2021, 11, 25)),
        ("fri", dt.date(2021, 11, 19)),
        ("last fri", dt.date(2021, 11, 19)),
        ("wed", WED),  # the most recent, today included
        ("last wed", dt.date(2021, 11, 17)),  # "last": before today
        ("Last  Monday", dt.date(2021, 11, 22)),
        ("31/12/2021", dt.date(2021, 12, 31)),  # the day is past 12: only one reading
        ("13.01.2022", dt.date(2022, 1, 13)),
        ("07/07/2021", dt.date(2021, 7, 7)),  # the same either way
    ],
)
def test_dates_as_typed(typed: str, expected: dt.date) -> None:
    assert parse_date(typed, WED) == expected


@pytest.mark.parametrize(
    ("typed", "fragments"),
    [
        ("05/04/2021", ["ambiguous", "2021-04-05 or 2021-05-04"]),
        ("31/02/2021", ["not a date", "day/month/year"]),
        ("next blue moon", ["cannot read", "tomorrow", "-2", "31/12/2021"]),
    ],
)
def test_dates_refused_say_what_is_accepted(ijm: Seed, typed: str, fragments: list[str]) -> None:
    one_line_error(ijm.run("log", "1", "-p", "prep", "-d", typed), *fragments)
    assert not ijm.ledger.exists()


@pytest.mark.parametrize(
    ("typed", "hours"),
    [("1:30", "3/2"), ("1h30", "3/2"), ("1h30m", "3/2"), ("0:45", "3/4"), ("2h05", "25/12"), ("1.5h", "3/2")],
)
def test_durations_as_typed(typed: str, hours: str) -> None:
    from fractions import Fraction

    assert parse_amount(typed) == (Fraction(hours), "hours")


@pytest.mark.parametrize("typed", ["1h75", "1:75", "1::30", "h30"])
def test_bad_durations_say_what_is_accepted(ijm: Seed, typed: str) -> None:
    one_line_error(ijm.run("log", typed, "-p", "prep"), repr(typed), "1:30")
    assert not ijm.ledger.exists()


def test_global_options_after_the_command(ijm: Seed) -> None:
    result = invoke("log", "1:30", "-p", "PREP", "-d", "2021-11-16", "-s", str(ijm.path), "--no-color")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Logged 1h30m (0.19 days) to prep on 2021-11-16")
    listed = json.loads(invoke("entries", "--format", "json", "--schedule", str(ijm.path)).stdout)
    assert [(e["phase"], e["date"]) for e in listed] == [("prep", "2021-11-16")]
    elsewhere = ijm.path.with_name("elsewhere.jsonl")
    assert invoke("log", "1", "-p", "prep", "-s", str(ijm.path), "--ledger", str(elsewhere)).exit_code == 0
    assert len(elsewhere.read_text().splitlines()) == 1
    # a group's subcommand takes them too
    assert invoke("calendar", "-s", str(ijm.path)).stdout.startswith("BEGIN:VCALENDAR")


def test_phase_by_name_and_any_case(ijm: Seed) -> None:
    assert ijm.run("log", "1", "-p", "preparation", "-d", "2021-11-16").exit_code == 0
    assert ijm.run("log", "1", "-p", "Prep", "-d", "2021-11-17").exit_code == 0
    phases = {e["phase"] for e in json.loads(ijm.run("entries", "--format", "json").stdout)}
    assert phases == {"prep"}  # stored under the key, whatever was typed
    line = one_line_error(ijm.run("log", "1", "-p", "prepp"), "unknown phase 'prepp'", "prep")
    assert "key or a name" in line


def test_deliverable_and_status_in_any_case(ijm: Seed) -> None:
    result = ijm.run("deliver", "INCEPTION", "--status", "Submitted", "--date", "2021-11-22")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(ijm.run("show", "--format", "json", "--as-of", "2021-11-22").stdout)
    inception = next(d for d in shown["deliverables"] if d["key"] == "inception")
    assert inception["state"] == "with client"
