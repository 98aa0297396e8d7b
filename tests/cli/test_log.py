"""Logging time through the CLI: amounts, dates, entries, voids, deliverables, meetings, imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from fractions import Fraction

import pytest

from engage.parsing import parse_amount, parse_date
from helpers import Seed, one_line_error

# (typed, value, unit)
VALID_AMOUNTS = [
    ("1", Fraction(1), "days"),
    ("0.5", Fraction(1, 2), "days"),
    (".25", Fraction(1, 4), "days"),
    ("2d", Fraction(2), "days"),
    ("4h", Fraction(4), "hours"),
    ("30m", Fraction(1, 2), "hours"),
    ("1h30m", Fraction(3, 2), "hours"),
    ("1.5h", Fraction(3, 2), "hours"),
    (" 3 ", Fraction(3), "days"),
]


@pytest.mark.parametrize(("typed", "value", "unit"), VALID_AMOUNTS)
def test_amounts(typed: str, value: Fraction, unit: str) -> None:
    assert parse_amount(typed) == (value, unit)


WEDNESDAY = dt.date(2021, 11, 24)
VALID_DATES = [
    ("2021-11-16", dt.date(2021, 11, 16)),
    ("today", WEDNESDAY),
    ("yesterday", dt.date(2021, 11, 23)),
    ("mon", dt.date(2021, 11, 22)),
    ("Monday", dt.date(2021, 11, 22)),
    ("wed", WEDNESDAY),
    ("thu", dt.date(2021, 11, 18)),
    ("sun", dt.date(2021, 11, 21)),
]


@pytest.mark.parametrize(("typed", "expected"), VALID_DATES)
def test_dates(typed: str, expected: dt.date) -> None:
    assert parse_date(typed, WEDNESDAY) == expected


def first_phase(seed: Seed) -> tuple[str, str, int]:
    phase = json.loads(seed.run("show", "--format", "json").stdout)["phases"][0]
    return phase["key"], phase["name"], phase["days"]


def test_log_prints_id_and_the_phases_real_figures(seed: Seed) -> None:
    key, name, budget = first_phase(seed)
    first = seed.run("log", "1.5", "--phase", key, "--date", "2021-11-16", "--note", "desk review")
    assert first.exit_code == 0, first.stderr
    assert f"{name}: 1.5 of {budget} days used, {budget - 1.5:.1f} left" in first.stdout
    second = seed.run("log", "4h", "--phase", key)  # 4 of 8 hours: half a day
    assert f"{name}: 2.0 of {budget} days used, {budget - 2:.1f} left" in second.stdout
    entries = json.loads(seed.run("entries", "--format", "json").stdout)
    assert [e["days"] for e in entries] == [1.5, 0.5]
    assert entries[0]["id"] in first.stdout and entries[1]["id"] in second.stdout
    assert entries[0]["note"] == "desk review"


def test_hours_follow_the_schedules_hours_per_day(ijm: Seed) -> None:
    ijm.rewrite("hours_per_day = 8", "hours_per_day = 6")
    first = ijm.run("log", "3h", "--phase", "prep", "--date", "2021-11-16")
    assert "Preparation: 0.5 of 7 days used, 6.5 left" in first.stdout
    second = ijm.run("log", "1h30m", "--phase", "prep", "--date", "2021-11-16")
    assert "Preparation: 0.75 of 7 days used, 6.25 left" in second.stdout
    # The ledger keeps what was typed, in hours, not a rounded number of days.
    assert [json.loads(line)["hours"] for line in ijm.ledger.read_text().splitlines()] == ["3", "1.5"]


def test_overrun_is_recorded_never_refused(seed: Seed) -> None:
    key, name, budget = first_phase(seed)
    for _ in range(budget + 2):
        assert seed.run("log", "1", "--phase", key, "--date", "2021-11-16").exit_code == 0
    result = seed.run("log", "1", "--phase", key, "--date", "2021-11-17")
    assert result.exit_code == 0
    assert f"{name}: {budget + 3}.0 of {budget} days used, 3.0 over budget" in result.stdout
    assert len(json.loads(seed.run("entries", "--format", "json").stdout)) == budget + 3


def test_dates_outside_the_engagement_are_accepted(seed: Seed) -> None:
    key, _, _ = first_phase(seed)
    assert seed.run("log", "1", "--phase", key, "--date", "2030-01-02").exit_code == 0
    assert json.loads(seed.run("entries", "--format", "json").stdout)[0]["date"] == "2030-01-02"


def test_entries_filter_by_week_and_phase(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    ijm.run("log", "2", "-p", "retreat", "-d", "2021-11-23")
    ijm.run("log", "0.5", "-p", "prep", "-d", "2021-11-22")
    week46 = json.loads(ijm.run("entries", "--week", "2021-W46", "--format", "json").stdout)
    assert [e["date"] for e in week46] == ["2021-11-16"]
    prep = json.loads(ijm.run("entries", "--phase", "prep", "--format", "json").stdout)
    assert [e["days"] for e in prep] == [1, 0.5]
    plain = ijm.run("entries", "--week", "2021-W47").stdout
    assert "2021-11-23" in plain and "2021-11-22" in plain and "2021-11-16" not in plain
    assert "2 entries, 2.5 days" in plain


def test_void_hides_the_entry_keeps_the_history_and_updates_figures(seed: Seed) -> None:
    key, name, budget = first_phase(seed)
    seed.run("log", "2", "--phase", key)
    seed.run("log", "1", "--phase", key)
    target = json.loads(seed.run("entries", "--format", "json").stdout)[0]["id"]
    lines_before = seed.ledger.read_text().splitlines()
    result = seed.run("void", target[:6], "--reason", "logged twice")
    assert result.exit_code == 0, result.stderr
    assert f"{name}: 1.0 of {budget} days used" in result.stdout
    assert [e["id"] for e in json.loads(seed.run("entries", "--format", "json").stdout)] != [target]
    assert target not in {e["id"] for e in json.loads(seed.run("entries", "--format", "json").stdout)}
    shown_all = json.loads(seed.run("entries", "--all", "--format", "json").stdout)
    assert {e["id"]: e["voided"] for e in shown_all}[target] is True
    lines_after = seed.ledger.read_text().splitlines()
    assert lines_after[: len(lines_before)] == lines_before  # append-only
    assert json.loads(lines_after[-1])["reason"] == "logged twice"
    one_line_error(seed.run("void", target), "already voided")


def test_deliver_and_meeting_are_ledger_records(seed: Seed) -> None:
    submitted, returned = {"ijm": ("2021-12-02", "2021-12-06"), "defenders": ("2023-09-22", "2023-09-26")}[
        seed.name
    ]
    result = seed.run("deliver", "draft", "--status", "submitted", "--date", submitted)
    assert result.exit_code == 0 and f"submitted on {submitted}" in result.stdout
    seed.run("deliver", "draft", "--status", "returned", "--date", returned, "--note", "tighten goals")
    assert f"returned {returned}" in seed.run("show").stdout
    outcome = seed.run("meeting", "validation", "--outcome", "changes-requested", "--date", returned)
    assert outcome.exit_code == 0
    kinds = [json.loads(line)["kind"] for line in seed.ledger.read_text().splitlines()]
    assert kinds == ["deliverable", "deliverable", "meeting"]
    status_id = json.loads(seed.ledger.read_text().splitlines()[1])["id"]
    seed.run("void", status_id)
    assert f"submitted {submitted}" in seed.run("show").stdout


def write_csv(path, rows, header=("date", "phase", "days", "consultant", "note"), delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def test_import_timesheet_lands_whole(seed: Seed, tmp_path) -> None:
    key, _, _ = first_phase(seed)
    sheet = write_csv(
        tmp_path / "ts.csv",
        [
            ("2021-11-16", key, "1", "Amina", "desk review, part 1"),
            ("2021-11-17", key, "4h", "Amina", "=SUM(A1)"),
        ],
    )
    result = seed.run("import", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert "Imported 2 entries, 1.5 days" in result.stdout
    notes = [e["note"] for e in json.loads(seed.run("entries", "--format", "json").stdout)]
    assert notes == ["desk review, part 1", "=SUM(A1)"]
    one_line_error(seed.run("import", str(sheet)), "already in the ledger", "--allow-duplicates")
    assert seed.run("import", str(sheet), "--allow-duplicates").exit_code == 0
    assert len(json.loads(seed.run("entries", "--format", "json").stdout)) == 4


def test_import_hours_column_and_semicolons(ijm: Seed, tmp_path) -> None:
    sheet = write_csv(
        tmp_path / "ts.csv",
        [("2021-11-16", "prep", "6", "", "interviews")],
        header=("Date", "Phase", "Hours", "Consultant", "Note"),
        delimiter=";",
    )
    assert ijm.run("import", str(sheet)).exit_code == 0
    assert json.loads(ijm.run("entries", "--format", "json").stdout)[0]["days"] == 0.75


BAD_TIMESHEETS = [
    ([("2021-11-16", "prep", "1", "", "")], ("date", "phase", "note"), ["missing column", "days or hours"]),
    (
        [("2021-11-16", "prep", "1", "", ""), ("2021-11-31", "prep", "1", "", "")],
        None,
        ["row 3", "2021-11-31"],
    ),
    ([("2021-11-16", "nope", "1", "", "")], None, ["row 2", "unknown phase"]),
    ([("2021-11-16", "prep", "-2", "", "")], None, ["row 2", "'-2'"]),
    ([], None, ["no rows"]),
]


@pytest.mark.parametrize(("rows", "header", "fragments"), BAD_TIMESHEETS)
def test_bad_timesheet_writes_nothing(ijm: Seed, tmp_path, rows, header, fragments) -> None:
    sheet = write_csv(tmp_path / "bad.csv", rows, **({"header": header} if header else {}))
    one_line_error(ijm.run("import", str(sheet)), "bad.csv", *fragments)
    assert not ijm.ledger.exists()


def test_csv_output_keeps_formulas_inert(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "--note", '=HYPERLINK("http://x")')
    ijm.run("log", "1", "-p", "prep", "--note", "+1, -2 and @me")
    rows = list(csv.reader(io.StringIO(ijm.run("entries", "--format", "csv").stdout)))
    assert rows[0] == ["id", "date", "phase", "days", "hours", "consultant", "by", "note"]
    assert [r[7] for r in rows[1:]] == ['\'=HYPERLINK("http://x")', "'+1, -2 and @me"]


def test_ledger_location_from_option_and_environment(ijm: Seed, tmp_path, monkeypatch) -> None:
    elsewhere = tmp_path / "shared" / "ijm.jsonl"
    elsewhere.parent.mkdir()
    assert ijm.run("--ledger", str(elsewhere), "log", "1", "-p", "prep").exit_code == 0
    monkeypatch.setenv("ENGAGE_LEDGER", str(elsewhere))
    assert ijm.run("log", "2", "-p", "prep").exit_code == 0
    assert len(json.loads(ijm.run("entries", "--format", "json").stdout)) == 2
    assert elsewhere.read_text().count("\n") == 2 and not ijm.ledger.exists()
