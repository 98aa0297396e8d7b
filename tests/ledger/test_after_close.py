"""After the close nothing happens: every command that records something dated after it refuses, alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.processes import MAIN, engage_env

AFTER = {
    "log": ("log", "1", "-p", "prep", "-d", "2021-12-13"),
    "deliver": ("deliver", "inception", "--status", "submitted", "-d", "2021-12-14"),
    "meeting": ("meeting", "retreat", "--outcome", "held", "-d", "2021-12-14"),
    "expense": ("expense", "10", "--category", "travel", "-d", "2021-12-14"),
}


@pytest.fixture
def closed(ijm: Seed) -> str:
    done = ijm.run("close", "-d", "2021-12-10")
    assert done.exit_code == 0, done.stderr
    return done.stdout.split("(record ")[1].split(")")[0]


@pytest.mark.parametrize("command", sorted(AFTER))
def test_a_record_dated_after_the_close_is_refused(ijm: Seed, closed: str, command: str) -> None:
    before = ijm.ledger.read_bytes()
    line = one_line_error(ijm.run(*AFTER[command]), "closed on 2021-12-10", f"engage void {closed}")
    assert "on or before 2021-12-10" in line and "nothing written" in line
    assert ijm.ledger.read_bytes() == before


def test_the_quick_log_path_refuses_it_too(ijm: Seed, closed: str) -> None:
    before = ijm.ledger.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "-s", str(ijm.path), *AFTER["log"]],
        capture_output=True,
        text=True,
        env=engage_env(),
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "closed on 2021-12-10" in done.stderr
    assert ijm.ledger.read_bytes() == before


def test_an_import_with_a_row_after_the_close_writes_nothing(ijm: Seed, closed: str, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("date,phase,days,note\n2021-12-01,prep,1,ok\n2021-12-13,prep,1,late\n")
    before = ijm.ledger.read_bytes()
    one_line_error(ijm.run("import", str(sheet)), "time dated 2021-12-13 comes after it")
    assert ijm.ledger.read_bytes() == before


def test_records_on_or_before_the_close_are_filled_in(ijm: Seed, closed: str) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-12-10").exit_code == 0
    assert ijm.run("deliver", "inception", "--status", "submitted", "-d", "2021-11-22").exit_code == 0
    assert ijm.run("expense", "10", "--category", "travel", "-d", "2021-12-01").exit_code == 0
    entries = ijm.run("entries", "--format", "csv").stdout.strip().splitlines()
    assert [row.split(",")[1] for row in entries[1:]] == ["2021-12-10"]


def test_voiding_the_close_reopens_the_engagement(ijm: Seed, closed: str) -> None:
    assert ijm.run("void", closed, "--reason", "one more week agreed").exit_code == 0
    done = ijm.run(*AFTER["log"])
    assert done.exit_code == 0 and "Logged 1.0 days to prep on 2021-12-13" in done.stdout, done.stderr


def test_invoices_and_payments_may_follow_the_close(geo: Seed, tmp_path: Path) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    assert geo.run("close", "-d", "2004-03-09").exit_code == 0
    made = geo.run("invoice", "-d", "2004-03-20", "-o", str(tmp_path / "inv.md"))
    assert made.exit_code == 0 and "GEO-001" in made.stdout, made.stderr
    paid = geo.run("paid", "GEO-001", "-d", "2004-04-20")
    assert paid.exit_code == 0, paid.stderr
    one_line_error(geo.run("log", "1", "-p", "revise", "-d", "2004-03-10"), "closed on 2004-03-09")


def test_a_meeting_postponed_to_a_day_after_the_close_is_refused(ijm: Seed, closed: str) -> None:
    before = ijm.ledger.read_bytes()
    moved = ("meeting", "retreat", "--outcome", "postponed", "-d", "2021-12-09")
    line = one_line_error(
        ijm.run(*moved, "--to", "2022-01-10"), "closed on 2021-12-10", f"engage void {closed}"
    )
    assert "2022-01-10 comes after it" in line and "on or before 2021-12-10" in line, line
    assert "nothing written" in line
    assert ijm.ledger.read_bytes() == before
    on_the_close = ijm.run(*moved, "--to", "2021-12-10")
    assert on_the_close.exit_code == 0, on_the_close.stderr
    assert '"to": "2021-12-10"' in ijm.ledger.read_text() or '"to":"2021-12-10"' in ijm.ledger.read_text()
