"""The Section contract a plugin writes to: its note always shown, typed cells, the workbook and CSV
rules, the hook told which command and period it serves, and the verdict handed to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import Seed, invoke

SECTIONS_PLUGIN = """
from decimal import Decimal
from fractions import Fraction
from engage import Days, Money, Section, hookimpl

@hookimpl
def engage_status_sections(verdict, command, period):
    first, last = period
    return [
        Section(
            "Donor ledger",
            ("phase", "days", "paid"),
            ((verdict.phases[0].name, Days(Fraction(3, 2)), Money(Decimal("1250.50"), "EUR", "€1,250.50")),),
            note=f"Source: {command} from {first} to {last}, state {verdict.state}",
        ),
        Section("Risks", ("risk", "owner"), (("Venue not confirmed", "IJM"),)),
        Section("Risks", ("risk", "owner", "due"), (("Visa late", "UNDP", "2021-12-01"),)),
    ]
"""


def _args(seed: Seed, tmp_path: Path, source: str = SECTIONS_PLUGIN) -> tuple[str, ...]:
    folder = tmp_path / "org"
    folder.mkdir(exist_ok=True)
    (folder / "donor_sections.py").write_text(source, encoding="utf-8")
    return ("-s", str(seed.path), "--plugins-dir", str(folder))


def test_the_note_shows_beside_rows_in_every_text_format(seed: Seed, tmp_path: Path) -> None:
    args = _args(seed, tmp_path)
    week = "2021-W47" if seed.name == "ijm" else "2023-W37"
    for fmt in ("plain", "github", "html"):
        shown = invoke(*args, "status", "--week", week, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert "Source: status from " in shown.stdout, fmt
        assert ("€1,250.50" in shown.stdout) and ("1.5" in shown.stdout), fmt
    data = json.loads(invoke(*args, "status", "--week", week, "--format", "json").stdout)[0]
    [ledger] = [s for s in data["sections"] if s["title"] == "Donor ledger"]
    assert ledger["rows"][0][1:] == [1.5, "€1,250.50"]  # days a number, money its text
    assert ledger["note"].startswith("Source: status from ")


def test_the_hook_is_told_the_command_and_its_period(ijm: Seed, tmp_path: Path) -> None:
    args = _args(ijm, tmp_path)
    status = invoke(*args, "status", "--week", "2021-W47", "--format", "json")
    [ledger] = [s for s in json.loads(status.stdout)[0]["sections"] if s["title"] == "Donor ledger"]
    assert ledger["note"].startswith("Source: status from 2021-11-22 to 2021-11-28, state ")
    report = invoke(*args, "report", "--from", "2021-11-16", "--to", "2021-11-30", "--as-of", "2021-12-01")
    assert report.exit_code == 0, report.output
    assert "Source: report from 2021-11-16 to 2021-11-30" in report.stdout


def test_the_workbook_keeps_every_section_its_numbers_and_its_notes(ijm: Seed, tmp_path: Path) -> None:
    args = _args(ijm, tmp_path)
    out = tmp_path / "status.xlsx"
    done = invoke(*args, "status", "--week", "2021-W47", "-o", str(out))
    assert done.exit_code == 0, done.output
    book = load_workbook(out)
    ledger = list(book["Donor ledger"].iter_rows(values_only=True))
    assert ledger[0] == ("engagement", "phase", "days", "paid")
    assert ledger[1][2] == 1.5 and ledger[1][3] == pytest.approx(1250.5)  # numbers, not text
    assert "EUR" in book["Donor ledger"]["D2"].number_format
    # Two sections titled "Risks" with other headers: both kept, each on a sheet of its own.
    assert [r[1] for r in book["Risks"].iter_rows(min_row=2, values_only=True)] == ["Venue not confirmed"]
    assert [r[1] for r in book["Risks (2)"].iter_rows(min_row=2, values_only=True)] == ["Visa late"]
    notes = list(book["Notes"].iter_rows(min_row=2, values_only=True))
    assert any(section == "Donor ledger" and note.startswith("Source: status") for _, section, note in notes)


def test_csv_names_the_sections_it_leaves_out(ijm: Seed, tmp_path: Path) -> None:
    done = invoke(*_args(ijm, tmp_path), "status", "--week", "2021-W47", "--format", "csv")
    assert done.exit_code == 0
    assert done.stdout.startswith("\ufeffengagement_id,") or done.stdout.startswith("engagement_id,")
    assert "these sections are left out: Donor ledger, Risks" in done.stderr


LOOPING_CHECK = """
from engage import Finding, hookimpl

@hookimpl
def engage_budget_checks(verdict):
    if verdict.state == "late":
        yield Finding("info", "late", "late")
"""


def test_a_budget_check_that_reads_the_verdicts_state_is_named_not_looped(ijm: Seed, tmp_path: Path) -> None:
    done = invoke(*_args(ijm, tmp_path, LOOPING_CHECK), "budget")
    assert done.exit_code == 2
    assert "donor_sections" in done.stderr and "read verdict.findings" in done.stderr
    assert "RecursionError" not in done.stderr and "Traceback" not in done.stderr


LONG_NOTE_PLUGIN = """
from engage import Section, hookimpl

@hookimpl
def engage_status_sections():
    return [Section("Context", ("what",), (("kept",),), note="word " * 60)]
"""


def test_a_long_note_wraps_to_the_terminal_and_json_keeps_every_note(
    ijm: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = _args(ijm, tmp_path, LONG_NOTE_PLUGIN)
    for command in (("status", "--week", "2021-W47"), ("report", "--as-of", "2021-12-10")):
        shown = invoke(*args, *command)
        assert shown.exit_code == 0, shown.output
        assert "word word" in shown.stdout
        assert max(len(line) for line in shown.stdout.splitlines()) <= 80, command
        data = json.loads(invoke(*args, *command, "--format", "json").stdout)
        sections = (data[0] if isinstance(data, list) else data)["sections"]
        assert [s["note"] for s in sections if s["title"] == "Context"] == ["word " * 60], command


def test_report_csv_names_the_sections_it_leaves_out(ijm: Seed, tmp_path: Path) -> None:
    done = invoke(*_args(ijm, tmp_path), "report", "--as-of", "2021-12-10", "--format", "csv")
    assert done.exit_code == 0
    assert "these sections are left out: Donor ledger, Risks" in done.stderr
