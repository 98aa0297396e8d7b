"""``engage report``: the close-out document, its totals checked against the entries, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

LOG = [
    ("2", "prep", "2021-11-16", "Ann"),
    ("4h", "prep", "2021-11-18", "Ben"),
    ("1", "retreat", "2021-11-24", "Ann"),
    ("1", "retreat", "2021-11-25", "Ben"),
    ("1", "writeup", "2021-12-01", "Ann"),
]


@pytest.fixture
def closed(ijm: Seed) -> Seed:
    ijm.rewrite("consultants = []", 'consultants = ["Ann", "Ben"]')
    for amount, phase, day, who in LOG:
        assert ijm.run("log", amount, "-p", phase, "-d", day, "-c", who).exit_code == 0
    for status, day, note in (
        ("submitted", "2021-11-22", ""),
        ("returned", "2021-11-24", "tighten the outline"),
        ("submitted", "2021-11-25", ""),
        ("accepted", "2021-11-29", ""),
    ):
        assert ijm.run("deliver", "inception", "--status", status, "-d", day, "-n", note).exit_code == 0
    assert (
        ijm.run("meeting", "retreat", "--outcome", "held", "-d", "2021-11-26", "-n", "20 staff").exit_code
        == 0
    )
    assert ijm.run("close", "--date", "2021-12-10").exit_code == 0
    ijm.run("log", "1", "-p", "final", "-d", "2021-12-14", "-c", "Ann")  # after the close: not in the report
    return ijm


def _sections(seed: Seed, *args: str) -> tuple[dict[str, object], dict[str, list[dict[str, object]]]]:
    data = json.loads(seed.run("report", "--format", "json", *args).stdout)
    return data, {
        s["title"]: [dict(zip(s["headers"], r, strict=True)) for r in s["rows"]] for s in data["sections"]
    }


def test_totals_by_phase_consultant_and_month_match_the_entries(closed: Seed) -> None:
    data, sections = _sections(closed)
    assert data["closed"] == "completed on 2021-12-10" and data["as_of"] == "2021-12-10"
    entries = json.loads(closed.run("entries", "--format", "json", "--to", "2021-12-10").stdout)
    expected: dict[tuple[str, str, str], float] = defaultdict(float)
    for e in entries:
        expected[(e["phase"], e["consultant"], e["date"][:7])] += e["days"]
    names = {"prep": "Preparation", "retreat": "Retreat", "writeup": "Write-up"}
    got = {
        (r["phase"], r["consultant"], r["month"]): r["days"]
        for r in sections["Days by phase, consultant and month"]
    }
    assert got == {(names[p], c, m): d for (p, c, m), d in expected.items()}
    assert data["used"] == sum(e["days"] for e in entries) == 5.5
    assert {r["consultant"]: r["days"] for r in sections["Days by consultant"]} == {"Ann": 4, "Ben": 1.5}
    assert {r["month"]: r["days"] for r in sections["Days by month"]} == {"2021-11": 4.5, "2021-12": 1}
    assert data["burn_up"][-1] == {"date": "2021-12-01", "days": 5.5}


def test_history_of_deliverables_meetings_and_what_is_left_open(closed: Seed) -> None:
    _, sections = _sections(closed)
    history = [
        (r["event"], r["date"], r["note"])
        for r in sections["Deliverables: what was handed in, returned and accepted"]
    ]
    assert history == [
        ("submitted", "2021-11-22", ""),
        ("returned", "2021-11-24", "tighten the outline"),
        ("submitted", "2021-11-25", ""),
        ("accepted", "2021-11-29", ""),
    ]
    meetings = {r["meeting"]: (r["outcome"], r["date"]) for r in sections["Meetings and their outcomes"]}
    assert meetings["Four-day strategic planning retreat"] == ("held", "2021-11-26")
    assert any(outcome == "planned" for outcome, _ in meetings.values())
    codes = {r["code"] for r in sections["Findings"]}
    assert "closed-with-open-items" in codes and "deliverable-late" in codes


def test_a_period(closed: Seed) -> None:
    data, sections = _sections(closed, "--from", "2021-11-20", "--to", "2021-11-30")
    assert (data["start"], data["end"], data["used"]) == ("2021-11-20", "2021-11-30", 2)
    assert {r["month"] for r in sections["Days by month"]} == {"2021-11"}
    one_line_error(closed.run("report", "--from", "2021-12-01", "--to", "2021-11-01"), "--from", "after")
    one_line_error(closed.run("report", "--format", "xlsx"), "-o FILE")


def test_every_format(closed: Seed, tmp_path: Path) -> None:
    plain = closed.run("report").stdout
    assert (
        plain.startswith("Close-out report: Facilitation") and "Days by phase, consultant and month" in plain
    )
    markdown = closed.run("report", "--format", "markdown").stdout
    assert markdown.startswith("# Close-out report") and "## Days by month" in markdown
    target = tmp_path / "report.csv"
    assert closed.run("report", "--format", "csv", "-o", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert sum(float(r["days"]) for r in rows) == 5.5 and {r["engagement_id"] for r in rows} == {
        "ijm-kenya-pap-2021"
    }
    from openpyxl import load_workbook

    book_path = tmp_path / "report.xlsx"
    assert closed.run("report", "--format", "xlsx", "-o", str(book_path)).exit_code == 0
    book = load_workbook(book_path)
    assert book.sheetnames[0] == "Summary" and "Days by month" in book.sheetnames
    months = list(book["Days by month"].iter_rows(values_only=True))
    assert months == [("month", "days"), ("2021-11", 4.5), ("2021-12", 1)]
    html = closed.run("report", "--format", "html").stdout
    assert html.count("<svg") == 1 and 'class="used"' in html and 'class="plan"' in html
    points = re.search(r'class="used" points="([^"]+)"', html)
    assert points and len(points.group(1).split()) == 2 * 5 + 2  # a step per day with time logged


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs Debian's chromium)"
)
def test_the_html_report_renders_in_headless_chromium(closed: Seed, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert closed.run("report", "--format", "html", "-o", str(page)).exit_code == 0
    shot = tmp_path / "report.png"
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600", f"--screenshot={shot}",
         page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_a_postponed_meeting_keeps_its_planned_date_and_says_when_it_moved_to(ijm: Seed) -> None:
    """The 'planned' column is the schedule's date; the postponement says where the meeting went, as
    ``status`` does (its date the new one, its state postponed)."""
    moved = ijm.run(
        "meeting", "validation", "--outcome", "postponed", "-d", "2021-12-01", "--to", "2021-12-08"
    )
    assert moved.exit_code == 0
    [status] = json.loads(ijm.run("status", "--as-of", "2021-12-06", "--format", "json").stdout)
    [meeting] = [m for m in status["meetings"] if m["key"] == "validation"]
    assert (meeting["date"], meeting["state"]) == ("2021-12-08", "postponed")
    _, sections = _sections(ijm, "--as-of", "2021-12-06")
    rows = [
        (r["planned"], r["outcome"], r["date"])
        for r in sections["Meetings and their outcomes"]
        if r["meeting"] == "Stakeholder validation meeting of the draft strategic plan"
    ]
    assert rows == [("2021-12-03", "postponed to 2021-12-08", "2021-12-01")]

    assert ijm.run("meeting", "validation", "--outcome", "validated", "-d", "2021-12-08").exit_code == 0
    _, sections = _sections(ijm, "--as-of", "2021-12-08")
    rows = [
        (r["planned"], r["outcome"], r["date"])
        for r in sections["Meetings and their outcomes"]
        if r["meeting"] == "Stakeholder validation meeting of the draft strategic plan"
    ]
    assert rows == [
        ("2021-12-03", "postponed to 2021-12-08", "2021-12-01"),
        ("2021-12-03", "validated", "2021-12-08"),
    ]
