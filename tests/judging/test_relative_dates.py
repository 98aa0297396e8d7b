"""Relative dates in schedules: the rule grammar, working days, holidays, month ends, unknown dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import invoke, one_line_error

# Start Tue 16 Nov 2021, Kenyan holidays: Jamhuri Day, Sun 12 Dec 2021, is observed on Mon 13 Dec.
BASE = """\
id = "rules"
title = "Rules"
client = "Client"
timezone = "Africa/Nairobi"
start = 2021-11-16
max_days = 20
holidays = "KE"
{extra}
[supervisor]
role = "Supervisor"

[dates]
fri10 = 2021-12-10
jan31 = 2022-01-31
leap = 2024-01-31
award = "to be agreed"

[[phases]]
key = "prep"
name = "Preparation"
days = 5
start = 2021-11-16
end = 2021-11-22

[[phases]]
key = "field"
name = "Field work"
days = 10

[[meetings]]
key = "retreat"
name = "Retreat"
kind = "retreat"
phase = "field"
start = 2021-11-23
end = 2021-11-26
"""

# (rule, resolved date or None while unknown), all as deliverable due dates.
CASES = [
    ("2021-11-20", "2021-11-20"),  # a date given is kept, even on a Saturday
    ("start", "2021-11-16"),
    ("0 days after start", "2021-11-16"),
    ("1 working day after start", "2021-11-17"),
    ("5 working days after start", "2021-11-23"),  # Wed, Thu, Fri, Mon, Tue: the start itself not counted
    ("2 working days before start", "2021-11-12"),
    ("3 days after start", "2021-11-19"),
    ("4 days after start", "2021-11-22"),  # Saturday 20th: a due date moves to the next working day
    ("2 weeks after start", "2021-11-30"),
    ("1 month after start", "2021-12-16"),
    ("1 month after jan31", "2022-02-28"),  # clipped to the month's end
    ("1 month after leap", "2024-02-29"),
    ("2 months before jan31", "2021-11-30"),
    ("1 working day after fri10", "2021-12-14"),  # skips the weekend and Jamhuri Day (observed Mon 13)
    ("3 days after fri10", "2021-12-14"),  # Mon 13th is a holiday: the due date moves on
    ("end of phase prep", "2021-11-22"),
    ("2 working days after end of phase prep", "2021-11-24"),
    ("start of phase field", "2021-11-23"),
    ("1 week before meeting retreat", "2021-11-16"),
    ("3 working days after meeting retreat", "2021-11-26"),
    ("  5   Working  Days   AFTER   start ", "2021-11-23"),  # spacing and case as a tired user types
    ("3 months after award", None),  # to be agreed: unknown, not guessed
    ("5 working days after deliverable d0 returned", None),  # waits for the ledger
]


def write(folder: Path, rules: list[str], extra: str = "") -> Path:
    text = BASE.format(extra=extra)
    for index, rule in enumerate(rules):
        due = rule if rule[:1].isdigit() and "-" in rule[:5] else json.dumps(rule)
        text += f'\n[[deliverables]]\nkey = "d{index}"\nname = "Deliverable {index}"\nphase = "field"\ndue = {due}\n'
    path = folder / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def dues(path: Path, as_of: str = "2021-11-16") -> dict[str, dict]:
    result = invoke("-s", str(path), "show", "--format", "json", "--as-of", as_of)
    assert result.exit_code == 0, result.stderr
    return {d["key"]: d for d in json.loads(result.stdout)["deliverables"]}


def test_every_rule_resolves_as_documented(tmp_path: Path) -> None:
    found = dues(write(tmp_path, [rule for rule, _ in CASES]))
    for index, (rule, expected) in enumerate(CASES):
        item = found[f"d{index}"]
        assert item["due"] == expected, (rule, item)
        if expected is None:
            assert item["state"] == "waiting" and item["waiting"], item
        # A rule is echoed, normalised; a plain date has none.
        assert (item["due_rule"] is None) == (rule[:4].isdigit() and "-" in rule), item


def test_unknown_dates_say_what_they_wait_for(tmp_path: Path) -> None:
    path = write(tmp_path, ["3 months after award", "5 working days after deliverable d0 returned"])
    found = dues(path)
    assert found["d0"]["waiting"] == "3 months after award (to be agreed)"
    assert found["d1"]["waiting"] == "5 working days after Deliverable 0 is returned"
    shown = invoke("-s", str(path), "show", "--as-of", "2021-11-16").stdout
    assert "waiting: 5 working days after Deliverable 0 is returned" in shown
    # Once the event is recorded, the date follows from the ledger.
    assert (
        invoke("-s", str(path), "deliver", "d0", "--status", "submitted", "--date", "2021-11-17").exit_code
        == 0
    )
    assert (
        invoke("-s", str(path), "deliver", "d0", "--status", "returned", "--date", "2021-11-19").exit_code
        == 0
    )
    assert dues(path)["d1"]["due"] is None  # as of the 16th, the return had not happened
    assert dues(path, "2021-11-19")["d1"]["due"] == "2021-11-26"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("next", "2021-11-22"), ("previous", "2021-11-19"), ("keep", "2021-11-20")],
)
def test_due_on_non_working_day_setting(tmp_path: Path, setting: str, expected: str) -> None:
    path = write(tmp_path, ["4 days after start"], extra=f'due_on_non_working_day = "{setting}"\n')
    assert dues(path)["d0"]["due"] == expected


def test_phase_windows_follow_rules_in_any_order(tmp_path: Path) -> None:
    path = write(tmp_path, [])
    text = path.read_text()
    text = text.replace(
        'key = "field"\nname = "Field work"\ndays = 10\n',
        'key = "field"\nname = "Field work"\ndays = 10\nstart = "2 weeks after end of phase prep"\n',
    )
    path.write_text(text)
    data = json.loads(invoke("-s", str(path), "show", "--format", "json").stdout)
    field = data["phases"][1]
    assert (field["start"], field["start_rule"]) == ("2021-12-06", "2 weeks after end of phase prep")


BAD_RULES = [
    ("next week", ["deliverables[0].due", "cannot read 'next week'", "working days after start"]),
    ("5 working days after phase prep", ["deliverables[0].due", "cannot read"]),
    ("5 fortnights after start", ["deliverables[0].due", "cannot read"]),
    (
        "5 working days after deliverable nope submitted",
        ["deliverables[0].due", "unknown deliverable 'nope'", "d0"],
    ),
    ("deliverable d0 delivered", ["deliverables[0].due", "cannot read"]),
    ("2 days after meeting nope", ["deliverables[0].due", "unknown meeting 'nope'", "retreat"]),
    ("end of phase nope", ["deliverables[0].due", "unknown phase 'nope'", "prep, field"]),
    ("3 days after signature", ["deliverables[0].due", "'signature'", "fri10"]),
    (
        "1 day after deliverable d0 accepted",
        ["deliverables[0].due", "cycle", "deliverable d0 -> deliverable d0"],
    ),
]


@pytest.mark.parametrize(("rule", "fragments"), BAD_RULES)
def test_bad_rules_are_one_line_naming_file_line_and_key(
    tmp_path: Path, rule: str, fragments: list[str]
) -> None:
    path = write(tmp_path, [rule])
    line = one_line_error(invoke("-s", str(path), "show"), "rules.toml: line ", *fragments)
    assert "Traceback" not in line


def test_cycles_across_items_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, ["2 days after meeting retreat"])
    path.write_text(
        path.read_text().replace(
            "start = 2021-11-23\nend = 2021-11-26\n", 'start = "1 day after deliverable d0 submitted"\n'
        )
    )
    one_line_error(invoke("-s", str(path), "show"), "cycle", "meeting retreat", "deliverable d0")


def test_phase_window_cannot_wait_on_the_ledger(tmp_path: Path) -> None:
    path = write(tmp_path, ["start"])
    path.write_text(path.read_text().replace("days = 10\n", 'days = 10\nstart = "3 days after award"\n', 1))
    one_line_error(invoke("-s", str(path), "show"), "phases[1].start", "cannot wait on 'award'")
