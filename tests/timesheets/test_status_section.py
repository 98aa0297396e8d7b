"""The status report's Timesheets section and the portfolio's timesheets column, through the real CLI
(in-process, and the installed ``engage`` in a child process), in every format; and nothing new for
an engagement that does not use timesheets."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import Seed, copy_seed
from helpers.processes import ENGAGE, engage_env
from helpers.timesheets import JULY, digest, log, step, team, write

AS_OF = "2017-07-20"
ROWS = [
    ["International Consultant", "2017-06", 1, "approved by the supervisor on 2017-07-03 (not signed)"],
    ["National Consultant", "2017-06", 1, "submitted 18 days ago (2017-07-02)"],
    ["Field enumerator 1", "2017-06", 0.5, "not submitted"],
    [
        "Field enumerator 2",
        "2017-06",
        1,
        "rejected by International Consultant on 2017-07-04: 20 Jun: which village?",
    ],
]


@pytest.fixture
def sheets(tmp_path: Path) -> Seed:
    """June on the team's four sheets: lead's approved, national's waiting, field1's not submitted,
    field2's rejected by the lead."""
    seed = team(tmp_path)
    log(
        seed,
        ("1", "inception", "2017-06-05", "lead"),
        ("1", "mission", "2017-06-14", "national"),
        ("0.5", "mission", "2017-06-15", "field1"),
        ("1", "mission", "2017-06-20", "field2"),
    )
    write(
        seed,
        step("submit", "lead", "2017-07-02", "lead", digest=digest(seed, "lead")),
        step("submit", "national", "2017-07-02", "national", digest=digest(seed, "national")),
        step("submit", "field2", "2017-07-02", "field2", digest=digest(seed, "field2")),
    )
    write(
        seed,
        step("approve", "lead", "2017-07-03", "supervisor", digest=digest(seed, "lead")),
        step("reject", "field2", "2017-07-04", "lead", reason="20 Jun: which village?"),
    )
    return seed


def section(seed: Seed, as_of: str = AS_OF, title: str = "Timesheets") -> dict | None:
    result = seed.run("status", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (report,) = json.loads(result.stdout)
    return next((s for s in report["sections"] if s["title"] == title), None)


def test_each_consultants_sheet_and_where_it_stands(sheets: Seed) -> None:
    found = section(sheets)
    assert found is not None
    assert found["headers"] == ["consultant", "period", "days", "timesheet"]
    assert found["rows"] == ROWS
    assert found["note"] == ""


def test_the_section_at_80_columns_from_the_installed_command(sheets: Seed) -> None:
    env = {**engage_env(), "COLUMNS": "80", "ENGAGE_CACHE_DIR": os.environ["ENGAGE_CACHE_DIR"]}
    done = subprocess.run(
        [ENGAGE, "-s", str(sheets.path), "status", "--as-of", AS_OF],
        capture_output=True,
        text=True,
        env=env,
        cwd=sheets.path.parent,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.split("\nTimesheets\n", 1)[1].split("\nFindings\n", 1)[0]
    lines = text.strip("\n").splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0].split() == ["consultant", "period", "days", "timesheet"]
    assert lines[2].startswith("International Consultant  2017-06  1.0   approved by the supervisor on")
    assert "approved by the supervisor on 2017-07-03 (not signed)" in " ".join(text.split())
    assert "National Consultant       2017-06  1.0   submitted 18 days ago (2017-07-02)" in lines
    assert "Field enumerator 1        2017-06  0.5   not submitted" in lines
    assert any(
        line.startswith("Field enumerator 2") and "rejected by International" in line for line in lines
    )
    assert "20 Jun: which village?" in " ".join(text.split())  # wrapped in its cell, whole


def test_recent_months_and_every_sheet_not_approved(sheets: Seed) -> None:
    """In November: August to October are the recent months; the approved sheets of June and July are left out (and
    counted in the note), its sheets not approved are still there; July's are due."""
    log(sheets, ("1", "draft", "2017-07-10", "lead"))
    write(sheets, step("submit", "lead", "2017-08-01", "lead", JULY, digest=digest(sheets, "lead", JULY)))
    write(
        sheets, step("approve", "lead", "2017-08-02", "supervisor", JULY, digest=digest(sheets, "lead", JULY))
    )
    found = section(sheets, "2017-11-20")
    assert found is not None
    assert [row[:2] for row in found["rows"]] == [
        ["National Consultant", "2017-06"],
        ["Field enumerator 1", "2017-06"],
        ["Field enumerator 2", "2017-06"],
    ]
    assert found["note"] == "2 earlier approved sheets not shown"  # June's and July's
    september = section(sheets, "2017-09-20")  # June to August are recent then: both approved shown
    assert september is not None
    assert [row[:2] for row in september["rows"] if row[0] == "International Consultant"] == [
        ["International Consultant", "2017-06"],
        ["International Consultant", "2017-07"],
    ]
    assert september["rows"][1][3] == "approved by the supervisor on 2017-08-02 (not signed)"
    assert september["note"] == ""


def test_an_approved_sheet_changed_since_says_so(sheets: Seed) -> None:
    lines = sheets.ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if '"2017-06-05"' in line and '"entry"' in line]
    lines[at] = lines[at].replace('"note": ""', '"note": "edited afterwards"')
    sheets.ledger.write_text("".join(lines), encoding="utf-8")
    found = section(sheets)
    assert found is not None
    assert found["rows"][0][3] == "approved by the supervisor on 2017-07-03 (not signed); changed since"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_section_in_markdown_and_html(sheets: Seed, fmt: str) -> None:
    result = sheets.run("status", "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "Timesheets" in result.stdout
    for row in ROWS:
        assert row[0] in result.stdout
    assert "submitted 18 days ago (2017-07-02)" in result.stdout
    assert "rejected by International Consultant on 2017-07-04: 20 Jun: which village?" in result.stdout


def test_the_section_in_the_workbook_keeps_days_as_numbers(sheets: Seed, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "status.xlsx"
    result = sheets.run("status", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(target)["Timesheets"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["engagement", "consultant", "period", "days", "timesheet"]
    assert [row[1:] for row in rows[1:]] == ROWS
    assert isinstance(rows[3][3], float) and rows[3][3] == 0.5


def test_the_portfolio_column(sheets: Seed, tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    other = copy_seed("undp", tmp_path / "plain")  # the same engagement without timesheets
    result = sheets.run("status", str(sheets.path), str(other.path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    portfolio = result.stdout.split("Portfolio", 1)[1].split("\n\n")[1]
    header, _rule, *rows = portfolio.splitlines()
    assert "timesheets" in header.split()
    assert header.index("timesheets") < header.index("state")  # before the state column
    column = slice(header.index("timesheets"), header.index("state"))
    cells = [row[column].strip() for row in rows if row.startswith("Midterm")]  # each row's first line
    assert cells == ["1 approved · 1 waiting · 1 rejected · 1 not submitted", ""]


def test_no_section_without_a_table_or_a_step(tmp_path: Path) -> None:
    seed = copy_seed("undp", tmp_path)
    log(seed, ("1", "inception", "2017-06-05", "lead"))
    assert section(seed) is None
    assert section(seed, title="Findings") is not None  # sections are read at all


SEED_WORK = {"ijm": ("prep", "2021-11-16", "2022-01-10"), "defenders": ("desk", "2023-09-05", "2023-11-10")}


@pytest.mark.parametrize("fmt", ["plain", "json", "markdown", "html"])
def test_the_seeds_status_does_not_change(seed: Seed, fmt: str) -> None:
    """The installed engage with and without the timesheets plugin: the same report, byte for byte."""
    phase, day, as_of = SEED_WORK[seed.name]
    assert seed.run("log", "1", "-p", phase, "-d", day).exit_code == 0
    reports = []
    for block in ("", "timesheets"):
        env = {**engage_env(), "ENGAGE_CACHE_DIR": os.environ["ENGAGE_CACHE_DIR"], "COLUMNS": "80"}
        if block:
            env["ENGAGE_BLOCK_PLUGINS"] = block
        command = [ENGAGE, "-s", str(seed.path), "status", "--as-of", as_of, "--format", fmt]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=seed.path.parent)
        assert done.returncode == 0, done.stderr
        reports.append(done.stdout)
    assert reports[0] == reports[1]
    assert "Timesheets" not in reports[0] and "timesheet" not in reports[0]


def test_a_layouts_keys_in_the_table_do_not_stop_the_status_report(tmp_path: Path) -> None:
    """The EU layout's keys belong to the [timesheets] table too: status and budget, which do not know
    the layouts, read the table without refusing them; the timesheet command still names a typo."""
    seed = team(
        tmp_path, '\n[timesheets]\nlayout = "eu"\naction = "SREPGen"\nwork_packages = { inception = "WP1" }\n'
    )
    log(seed, ("1", "inception", "2017-06-05", "lead"))
    status = seed.run("status", "--as-of", AS_OF)
    assert status.exit_code == 0, status.stderr
    assert "International Consultant  2017-06  1.0   not submitted" in status.stdout
    budget = seed.run("budget", "--as-of", AS_OF)
    assert "timesheet-not-submitted" in budget.stdout and "unknown key" not in budget.stderr
    seed.rewrite('action = "SREPGen"', 'acton = "SREPGen"')
    typo = seed.run("timesheet", "--month", "2017-06", "-c", "lead")
    assert typo.exit_code == 2 and "timesheets.acton: unknown key" in typo.stderr
