"""engage timesheet on the seeds (no team: the sheet is whoever logs), its choices of consultant and
period, bad inputs (one line, exit 2, nothing written), a plugin's layout, a narrow terminal, and
``engage log`` left without any of it."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helpers import Seed, invoke, one_line_error
from helpers.processes import ENGAGE

SEED_MONTHS = {"ijm": "2021-11", "defenders": "2023-09"}


def first_phase(seed: Seed) -> str:
    """The schedule's first phase's key, as written."""
    return seed.text().split('[[phases]]\nkey = "', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("layout", ["plain", "eu", "worldbank", "undp"])
def test_each_layout_renders_a_seeds_sheet_as_logged(seed: Seed, layout: str) -> None:
    month = SEED_MONTHS[seed.name]
    phase = first_phase(seed)
    for amount, day in (("1.5", "04"), ("3h", "05")):
        result = seed.run("log", amount, "-p", phase, "-d", f"{month}-{day}")
        assert result.exit_code == 0, result.stderr
    result = seed.run("timesheet", "--month", month, "-l", layout, "--format", "json")
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(result.stdout)["sheets"][0]
    fields = {f["label"]: f["value"] for f in sheet["fields"]}
    totals = sheet["tables"][0]["totals"]
    if layout == "eu":
        assert fields["Person working for the action"] == "Test Consultant"
        assert totals[-1] == 15  # 12 hours and 3, at 8 a day
        assert fields["Action number"] and fields["Beneficiary"]
    elif layout == "undp":
        assert fields["Name of individual contractor"] == "Test Consultant"
        assert fields["Days worked"] == 1.875
    elif layout == "worldbank":
        assert totals == ["Total", 1.875, 0, 1.875]
    else:
        assert fields["Consultant"] == "Test Consultant" and totals[-1] == 1.875
        assert totals[4] == 1.5 and totals[5] == 0.375  # the 4th and the 5th of the month


def test_a_schedule_with_no_team_has_one_sheet_whatever_name_time_was_logged_under(ijm: Seed) -> None:
    """The ToR contracts one consultant: every entry is on their one sheet (so an approval locks every
    entry of the month, however the name is spelt), named as they logged."""
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    mine = json.loads(ijm.run("timesheet", "--month", "2021-11", "--format", "json").stdout)
    assert [s["title"] for s in mine["sheets"]] == ["Timesheet 2021-11: Test Consultant"]
    ijm.run("log", "2", "-p", "prep", "-d", "2021-11-17", "-c", "Ann Other")
    for args in ((), ("-c", "Ann Other"), ("--all",)):
        found = json.loads(ijm.run("timesheet", "--month", "2021-11", *args, "--format", "json").stdout)
        [sheet] = found["sheets"]
        assert sheet["title"] == "Timesheet 2021-11: the consultant (logged as Ann Other, Test Consultant)"
        assert sheet["tables"][0]["totals"][-1] == 3


def test_a_week_and_a_span_are_periods_too(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    week = json.loads(ijm.run("timesheet", "--week", "2021-W46", "--format", "json").stdout)["sheets"][0]
    assert week["title"] == "Timesheet 2021-11-15 to 2021-11-21: Test Consultant"
    assert week["tables"][0]["columns"][1:-1][0] == "2021-11-15" and len(week["tables"][0]["columns"]) == 9


def test_several_consultants_and_none_named_is_one_line_naming_them(
    undp: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    result = undp.run("timesheet", "--month", "2017-06")
    one_line_error(result, "several consultants", "lead, national, field1, field2")


BAD_INPUTS = [
    (("--layout", "nope"), ("unknown layout 'nope'", "eu, plain, undp, worldbank")),
    (("--month", "2017-06", "--week", "2017-W23"), ("give one period", "--month and --week")),
    (("-c", "nobody"), ("'nobody'", "lead, national")),
    (("--all", "-c", "lead"), ("--all or --consultant",)),
    (("--format", "xlsx"), ("-o FILE.xlsx",)),
    (
        ("--format", "csv", "-o", "OUT.pdf"),
        ("--format csv", ".csv"),
    ),
    (("--from", "2017-06-10"), ("both --from and --to",)),
]


@pytest.mark.parametrize(("args", "fragments"), BAD_INPUTS)
def test_bad_input_is_one_line_and_writes_nothing(
    undp: Seed, tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    out = tmp_path / "out.pdf"
    args = tuple(str(out) if a == "OUT.pdf" else a for a in args)
    given = ("--month", "2017-06") if not {"--month", "--from"} & set(args) else ()
    consultant = ("-c", "lead") if not {"-c", "--all"} & set(args) else ()
    result = undp.run("timesheet", *given, *consultant, *args)
    one_line_error(result, *fragments)
    assert result.stdout == "" and not out.exists()


def test_a_bad_timesheets_setting_names_the_key(undp: Seed) -> None:
    undp.path.write_text(
        undp.text() + '\n[timesheets]\nwork_packages = { nosuch = "WP9" }\n', encoding="utf-8"
    )
    one_line_error(
        undp.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "eu"), "work_packages.nosuch"
    )
    undp.rewrite("work_packages", "wokr_packages")
    one_line_error(undp.run("timesheet", "--month", "2017-06", "-c", "lead"), "wokr_packages: unknown key")


def test_pdf_to_a_terminal_is_refused_and_to_a_pipe_is_written(undp: Seed) -> None:
    env = {**os.environ, "ENGAGE_CONSULTANT": "lead"}
    command = [ENGAGE, "-s", str(undp.path), "timesheet", "--month", "2017-06", "--format", "pdf"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            command, stdout=follower, stderr=subprocess.PIPE, text=True, env=env, timeout=120
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--format pdf is binary" in done.stderr
    piped = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF")


def test_a_narrow_terminal_gets_a_row_per_day(undp: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    undp.run("log", "9h", "-p", "inception", "-d", "2017-06-04", "-c", "lead")
    monkeypatch.setenv("COLUMNS", "80")
    result = undp.run("timesheet", "--month", "2017-06", "-c", "lead")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("Sun 04") and "1.125" in line for line in lines)
    assert sum(1 for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")) == 30
    monkeypatch.setenv("COLUMNS", "250")
    wide = undp.run("timesheet", "--month", "2017-06", "-c", "lead").stdout
    assert not any(line.startswith("Sun 04") for line in wide.splitlines())  # the grid as it is


LAYOUT_PLUGIN = """
from engage import TimesheetDocument, TimesheetLayout, TimesheetTable, hookimpl


def render(request):
    total = sum(request.amount(e) for e in request.entries)
    code = request.settings.get("grant_code", "none")
    return TimesheetDocument(f"Our EU sheet, grant {code}", tables=(TimesheetTable("Hours", ("Total",), ((total,),)),))


@hookimpl
def engage_timesheet_layouts():
    return [TimesheetLayout("eu", "our own eu", render, keys=("grant_code",), unit="hours"), "not a layout"][:LIMIT]
"""


def test_a_plugins_layout_replaces_a_built_in_and_a_bad_one_is_named(undp: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "our_sheets.py").write_text(LAYOUT_PLUGIN.replace("LIMIT", "1"), encoding="utf-8")
    undp.path.write_text(undp.text() + '\n[timesheets]\ngrant_code = "LIFE-42"\n', encoding="utf-8")
    undp.run("log", "1", "-p", "inception", "-d", "2017-06-01", "-c", "lead")
    args = (
        "--plugins-dir",
        str(folder),
        "-s",
        str(undp.path),
        "timesheet",
        "--month",
        "2017-06",
        "-c",
        "lead",
    )
    result = invoke(*args, "-l", "eu", "--format", "json")
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(result.stdout)["sheets"][0]
    assert sheet["title"] == "Our EU sheet, grant LIFE-42" and sheet["tables"][0]["rows"] == [[8]]
    other = tmp_path / "other"
    other.mkdir()
    (other / "bad_sheets.py").write_text(LAYOUT_PLUGIN.replace("LIMIT", "2"), encoding="utf-8")
    bad = invoke("--plugins-dir", str(other), *args[2:], "-l", "eu")
    assert bad.exit_code != 0
    assert "bad_sheets" in bad.stderr and "TimesheetLayout" in bad.stderr


def test_engage_log_imports_none_of_the_renderers(ijm: Seed) -> None:
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    command = [sys.executable, "-X", "importtime", ENGAGE, "-s", str(ijm.path), "log", "1", "-p", "prep"]
    subprocess.run(
        [sys.executable, ENGAGE, *command[4:], "-d", "2021-11-15"], capture_output=True, env=env, check=True
    )
    done = subprocess.run([*command, "-d", "2021-11-16"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "engage.cli.quick" in imported
    assert not {
        m for m in imported if m.split(".")[0] in ("reportlab", "openpyxl", "babel", "engage_timesheets")
    }


def test_engage_plugins_lists_the_layouts_and_whose_they_are(ijm: Seed) -> None:
    result = ijm.run("plugins", "--format", "json")
    layouts = {f["name"]: p["name"] for p in json.loads(result.stdout) for f in p["layouts"]}
    assert layouts == {"plain": "timesheets", "eu": "timesheets", "worldbank": "timesheets", "undp": "fees"}
    text = ijm.run("plugins").stdout
    assert "Timesheet layouts (engage timesheet --layout NAME):" in text


def test_without_a_period_the_sheet_is_the_last_full_month(ijm: Seed) -> None:
    today = dt.datetime.now(ZoneInfo("Africa/Nairobi")).date()  # the IJM schedule's time zone
    last = today.replace(day=1) - dt.timedelta(days=1)
    ijm.run("log", "1", "-p", "prep", "-d", last.isoformat())
    sheet = json.loads(ijm.run("timesheet", "--format", "json").stdout)["sheets"][0]
    assert sheet["title"] == f"Timesheet {last:%Y-%m}: Test Consultant"
    assert sheet["tables"][0]["columns"][-2] == last.isoformat() and sheet["tables"][0]["totals"][-1] == 1
