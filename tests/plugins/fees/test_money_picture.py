"""Issue 28's money picture on a lump sum, through the CLI: what the consultants' table says of a
lump sum, the effective day rate so far, and the close-out report's final money position."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Seed


def _section(text: str, title: str) -> str:
    """One titled table of a plain report: from its title to the next blank-line-separated title."""
    start = text.index(f"\n{title}\n")
    rest = text[start + len(title) + 2 :]
    parts = rest.split("\n\n")
    return "\n\n".join(parts[:2])


def _five_days_and_the_draft_accepted(geo: Seed) -> None:
    for day in range(1, 6):
        assert geo.run("log", "1", "-p", "draft", "-d", f"2004-03-{day:02d}").exit_code == 0
    assert geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    assert geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08").exit_code == 0


def test_a_lump_sum_with_no_day_rate_shows_days_logged_and_no_rate_of_zero(geo: Seed) -> None:
    geo.rewrite("rate = 450\n", "")  # a lump sum with no planned day rate: no rate at all
    _five_days_and_the_draft_accepted(geo)
    result = geo.run("fees", "--as-of", "2004-03-08")
    assert result.exit_code == 0, result.stderr
    consultants = _section(result.stdout, "Consultants")
    assert "no rate" not in consultants and "$0.00" not in consultants
    row = next(line for line in consultants.splitlines() if line.startswith("Test Consultant"))
    assert row.split() == [
        "Test",
        "Consultant",
        "5.0",
        "by",
        "the",
        "lump",
        "sum,",
        "not",
        "by",
        "the",
        "day",
    ]
    data = json.loads(geo.run("fees", "--as-of", "2004-03-08", "--format", "json").stdout)
    assert data["consultants"] == [{"key": "Test Consultant", "days": 5.0, "rate": None, "earned": None}]


def test_the_effective_day_rate_is_earned_so_far_over_days_so_far_beside_the_planned_one(geo: Seed) -> None:
    _five_days_and_the_draft_accepted(geo)
    # 5 days logged; the first tranche ($2,250) earned: $450 a day, as planned (not $4,500 / 5).
    text = geo.run("fees", "--as-of", "2004-03-08").stdout
    assert "effective day rate      $450.00 (planned $450.00)" in text
    assert (
        json.loads(geo.run("fees", "--as-of", "2004-03-08", "--format", "json").stdout)["effective_rate"]
        == "450.00"
    )
    # Before the draft is accepted nothing is earned: nothing a day so far.
    assert (
        "effective day rate      $0.00 (planned $450.00)" in geo.run("fees", "--as-of", "2004-03-05").stdout
    )


def test_the_close_out_report_shows_what_was_invoiced_and_paid_after_the_close(
    geo: Seed, tmp_path: Path
) -> None:
    _five_days_and_the_draft_accepted(geo)
    assert geo.run("deliver", "final", "--status", "submitted", "-d", "2004-03-10").exit_code == 0
    assert geo.run("deliver", "final", "--status", "accepted", "-d", "2004-03-12").exit_code == 0
    assert geo.run("close", "--date", "2004-03-31").exit_code == 0
    # Invoiced and paid after the close, as a consultant does.
    assert geo.run("invoice", "-d", "2004-04-02", "-o", str(tmp_path / "i.md")).exit_code == 0
    assert geo.run("paid", "GEO-001", "-d", "2004-04-20").exit_code == 0
    result = geo.run("report")
    assert result.exit_code == 0, result.stderr
    assert "is not invoiced" not in result.stdout
    fees = _section(result.stdout, "Fees")
    for label, amount in (("invoiced", "$4,500.00"), ("paid", "$4,500.00"), ("payable", "$0.00")):
        assert any(line.split() == [label, amount] for line in fees.splitlines()), (label, fees)
    assert "$2,250.00, paid on 2004-04-20 (GEO-001)" in fees
    assert "recorded after the close" in result.stdout
    assert "tranche-not-invoiced" not in result.stdout
    # The report's days and states stay as of the close.
    assert "as of 2004-03-31" in result.stdout
