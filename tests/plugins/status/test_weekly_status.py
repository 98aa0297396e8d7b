"""Weekly status reports: hand-computed figures on both seeds, every format parsed back, a portfolio."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import Seed, invoke, one_line_error

IJM_LOG = [
    # week 46
    ("1.5", "prep", "2021-11-16", "desk review"),
    ("4h", "prep", "2021-11-17", "interviews | partners"),
    ("2", "prep", "2021-11-19", "=SUM(A1:A3)"),
    # week 47
    ("1", "prep", "2021-11-22", "inception report"),
    ("1", "retreat", "2021-11-23", "day 1"),
    ("1", "retreat", "2021-11-24", "day 2"),
    ("1", "retreat", "2021-11-25", "day 3"),
    ("1", "retreat", "2021-11-26", "day 4"),
    # week 48
    ("1.5", "writeup", "2021-11-29", "drafting"),
    ("1.5", "writeup", "2021-11-30", "drafting\nchapter 2"),
    ("1", "writeup", "2021-12-01", "drafting"),
]
IJM_STATUS = [
    ("inception", "submitted", "2021-11-22"),
    ("inception", "accepted", "2021-11-25"),
    ("tools", "submitted", "2021-11-23"),
]


def log_all(seed: Seed, rows) -> None:
    for days, phase, date, note in rows:
        result = seed.run("log", days, "--phase", phase, "--date", date, "--note", note)
        assert result.exit_code == 0, result.stderr


def report(seed: Seed, *args: str) -> dict:
    result = seed.run("status", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    [single] = json.loads(result.stdout)
    return single


@pytest.fixture
def ijm_logged(ijm: Seed) -> Seed:
    log_all(ijm, IJM_LOG)
    for key, status, date in IJM_STATUS:
        ijm.run("deliver", key, "--status", status, "--date", date)
    return ijm


def phases(data: dict) -> dict[str, dict]:
    return {p["key"]: p for p in data["phases"]}


def test_ijm_week_47_by_hand(ijm_logged: Seed) -> None:
    data = report(ijm_logged, "--week", "2021-W47")
    assert data["as_of"] == "2021-11-28"  # a past week is reported as of its Sunday
    assert (data["used"], data["this_week"], data["max_days"]) == (9, 5, 20)
    prep, retreat, writeup = (phases(data)[k] for k in ("prep", "retreat", "writeup"))
    assert (prep["budget"], prep["used"], prep["this_week"], prep["remaining"], prep["percent"]) == (
        7,
        5,
        1,
        2,
        71.4,
    )
    assert prep["state"] == "on track"
    assert prep["reason"] == "on track: 71% of budget used, 100% of the window elapsed"
    assert (retreat["used"], retreat["this_week"], retreat["remaining"], retreat["percent"]) == (
        4,
        4,
        0,
        100.0,
    )
    assert writeup["reason"] == "on track: not started, window opens 2021-11-29"
    deliverables = {d["key"]: d for d in data["deliverables"]}
    assert deliverables["inception"] == {
        "key": "inception",
        "name": deliverables["inception"]["name"],
        "due": "2021-11-22",
        "due_rule": "end of phase prep",
        "waiting": None,
        "state": "accepted",
        "status": "accepted",
        "status_date": "2021-11-25",
        "days_late": 0,
        "reason": "accepted",
    }
    # Submitted a day after it was due: a day late, then with the client (no lateness accrues there).
    tools = deliverables["tools"]
    assert (tools["state"], tools["status"], tools["days_late"]) == ("with client", "submitted", 1)
    assert tools["reason"] == "with the client for 3 working days, 10 allowed"
    template = deliverables["template"]
    assert (template["state"], template["status"], template["days_late"]) == ("late", "not submitted", 6)
    assert (deliverables["draft"]["state"], deliverables["draft"]["days_late"]) == ("due soon", 0)
    assert (
        [(m["date"], m["kind"]) for m in data["milestones"]]
        == [
            ("2021-11-22", "deliverable due"),  # the template, still owed
            ("2021-12-02", "deliverable due"),
            ("2021-12-03", "validation"),
            ("2021-12-09", "deliverable due"),
            ("2021-12-09", "deliverable due"),
        ][1:]
    )  # milestones are what is still ahead of the report's date
    assert [(m["key"], m["state"], m["date"]) for m in data["meetings"]] == [
        ("retreat", "planned", "2021-11-23"),
        ("validation", "planned", "2021-12-03"),
    ]
    assert [(e["date"], e["phase"], e["days"]) for e in data["entries"]] == [
        ("2021-11-22", "prep", 1),
        ("2021-11-23", "retreat", 1),
        ("2021-11-24", "retreat", 1),
        ("2021-11-25", "retreat", 1),
        ("2021-11-26", "retreat", 1),
    ]
    # The template is late: the engagement is late, whatever its phases say (one verdict).
    assert data["state"] == "late"
    assert data["reason"].startswith(
        "late: A template that will guide the development of the strategic plan 6 days late"
    )


def test_ijm_mid_week_48_write_up_at_risk(ijm_logged: Seed) -> None:
    data = report(ijm_logged, "--week", "2021-W48", "--as-of", "2021-11-30")
    writeup = phases(data)["writeup"]
    assert (writeup["used"], writeup["this_week"], writeup["percent"]) == (3, 3, 75.0)
    assert writeup["state"] == "at risk"
    assert writeup["reason"] == "at risk: 75% of budget used, 50% of the window elapsed"
    assert data["this_week"] == 3  # the entry of 1 December is after the as-of date
    assert len(data["entries"]) == 2
    assert data["state"] == "late"  # worse than the write-up at risk: the template is still owed


DEFENDERS_LOG = [
    ("2", "desk", "2023-09-04", "national laws"),
    ("2", "desk", "2023-09-05", "regional instruments"),
    ("1", "desk", "2023-09-06", "UN declaration on HRDs"),
    ("2", "framework", "2023-09-11", "mechanism options"),
    ("1", "framework", "2023-09-12", "risk tiers"),
    ("1", "legal", "2023-09-14", "Public Benefit Organisations Act"),
]


def test_defenders_week_37_by_hand(defenders: Seed) -> None:
    log_all(defenders, DEFENDERS_LOG)
    data = report(defenders, "--week", "2023-W37")
    assert (data["used"], data["this_week"]) == (9, 4)
    desk, framework, legal, draft = (phases(data)[k] for k in ("desk", "framework", "legal", "draft"))
    assert desk["state"] == "over"
    assert desk["reason"] == "over: 5.0 of 4 days used (125%)"
    assert (desk["remaining"], desk["this_week"]) == (-1, 0)
    assert framework["reason"] == "on track: 75% of budget used, 100% of the window elapsed"
    assert legal["reason"] == "on track: 33% of budget used, 67% of the window elapsed"
    assert draft["reason"] == "on track: not started, window opens 2023-09-19"
    assert [m["date"] for m in data["milestones"]] == ["2023-09-22", "2023-09-25", "2023-09-29"]
    assert data["state"] == "over"
    findings = next(s for s in data["sections"] if s["title"] == "Findings")
    assert ["error", "phase-over-budget", "Desk review: 5.0 of 4 days used — 1.0 over budget"] in findings[
        "rows"
    ]


def test_findings_of_a_past_week_ignore_later_work(defenders: Seed) -> None:
    log_all(defenders, DEFENDERS_LOG)
    log_all(defenders, [("3", "framework", "2023-09-19", "late rework")])  # week 38: framework overruns
    week37 = report(defenders, "--week", "2023-W37")
    rows = next(s for s in week37["sections"] if s["title"] == "Findings")["rows"]
    assert not any("Protection framework" in row[2] and row[1] == "phase-over-budget" for row in rows)
    assert phases(week37)["framework"]["used"] == 3
    week38 = report(defenders, "--week", "2023-W38")
    rows = next(s for s in week38["sections"] if s["title"] == "Findings")["rows"]
    assert any("Protection framework" in row[2] and row[1] == "phase-over-budget" for row in rows)


def test_budget_section_comes_from_the_budget_plugin_only(defenders: Seed) -> None:
    log_all(defenders, DEFENDERS_LOG)
    with_budget = invoke("-s", str(defenders.path), "status", "--week", "2023-W37", "--format", "json")
    without = invoke(
        "-s",
        str(defenders.path),
        "status",
        "--week",
        "2023-W37",
        "--format",
        "json",
        env={"ENGAGE_BLOCK_PLUGINS": "budget"},
    )
    # The seed's [fees] brings the fees plugin's section; Findings is the budget plugin's alone.
    assert [s["title"] for s in json.loads(with_budget.stdout)[0]["sections"]] == ["Fees", "Findings"]
    assert [s["title"] for s in json.loads(without.stdout)[0]["sections"]] == ["Fees"]
    assert json.loads(without.stdout)[0]["phases"] == json.loads(with_budget.stdout)[0]["phases"]


def test_default_week_is_this_week_in_the_engagement_time_zone(seed: Seed) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo("Africa/Nairobi")).date()
    data = json.loads(seed.run("status", "--format", "json").stdout)[0]
    year, week, _ = today.isocalendar()
    assert data["week"]["label"] == f"{year}-W{week:02d}"
    assert data["as_of"] == today.isoformat()


def portfolio(tmp_path: Path, ijm: Seed, defenders: Seed, fmt: str, *targets: str) -> str:
    log_all(ijm, IJM_LOG)
    log_all(defenders, DEFENDERS_LOG)
    result = invoke("status", "--week", "2021-W47", "--format", fmt, *(targets or (str(tmp_path),)))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_portfolio_of_both_seeds_from_a_folder(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    data = json.loads(portfolio(tmp_path, ijm, defenders, "json"))
    assert [r["id"] for r in data] == ["defenders-coalition-protection-policy-2023", "ijm-kenya-pap-2021"]
    assert (data[1]["used"], data[1]["this_week"]) == (9, 5)
    assert (data[0]["used"], data[0]["this_week"]) == (0, 0)  # 2021: before the Defenders work


def test_portfolio_plain_starts_with_the_summary(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    text = portfolio(tmp_path, ijm, defenders, "plain", str(ijm.path), str(defenders.path))
    assert text.startswith("Portfolio")
    summary = text.split("\n\n")[1]
    assert "9.0 / 20" in summary and "5.0" in summary and "2021-12-02 Draft Strategic Plan" in summary
    assert (
        text.index("Portfolio") < text.index("Facilitation and Consolidation") < text.index("Development of")
    )


def test_github_markdown_tables_are_well_formed(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    text = portfolio(tmp_path, ijm, defenders, "github")
    tables = re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.MULTILINE)
    assert len(tables) >= 7  # the portfolio, and per engagement phases, deliverables, and more
    for block in tables:
        rows = block.strip().splitlines()
        assert re.fullmatch(r"\|(:?-+:?\|)+", rows[1].replace(" ", ""))
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, block  # escaped pipes keep every row the same width
    assert "interviews \\| partners" not in text  # week 46 entries are not in week 47's table
    assert "## Phases" in text and "# Facilitation and Consolidation" in text


def test_markdown_escapes_pipes_and_newlines(ijm: Seed) -> None:
    log_all(ijm, [("1", "prep", "2021-11-17", "a | b\nc")])
    text = ijm.run("status", "--week", "2021-W46", "--format", "github").stdout
    assert "a \\| b<br>c" in text


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[str] = []
        self.rects = 0
        self.sources: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag in ("td", "th"):
            self._in_cell = True
            self.cells.append("")
        if tag == "rect" and attributes.get("class") == "used":
            self.rects += 1
        self.sources += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def test_html_is_one_self_contained_page_with_a_chart(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    log_all(ijm, [("1", "prep", "2021-11-22", "<script>alert(1)</script>")])
    text = portfolio(tmp_path, ijm, defenders, "html")
    page = Page()
    page.feed(text)
    assert page.tags.count("svg") == 2
    assert page.rects == 4 + 6  # one bar per phase, both seeds
    assert "script" not in page.tags and page.sources == []
    assert "<script>alert(1)</script>" in page.cells  # shown as text, escaped in the source
    assert "&lt;script&gt;" in text
    assert "<style>" in text and "@media print" in text
    assert "at risk" in text or "on track" in text


def test_csv_is_one_tidy_table_agreeing_with_json(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    rows = list(csv.DictReader(io.StringIO(portfolio(tmp_path, ijm, defenders, "csv"))))
    data = json.loads(invoke("status", "--week", "2021-W47", "--format", "json", str(tmp_path)).stdout)
    expected = [
        (r["id"], p["key"], p["used"], p["budget"], r["used"], p["state"]) for r in data for p in r["phases"]
    ]
    got = [
        (r["engagement_id"], r["phase_key"], float(r["phase_used"]), float(r["phase_budget"]),
         float(r["days_used"]), r["phase_state"])
        for r in rows
    ]  # fmt: skip
    assert got == expected  # one row per engagement and phase, the figures as numbers
    assert {r["week"] for r in rows} == {"2021-W47"} and all(r["phase_start"][:4].isdigit() for r in rows)


def test_csv_to_a_file_has_a_bom_and_formulas_stay_text(tmp_path: Path, ijm: Seed) -> None:
    log_all(ijm, [("1", "prep", "2021-11-17", "x")])
    ijm.rewrite('name = "Preparation"', 'name = "=SUM(A1:A3)"')
    target = tmp_path / "status.csv"
    assert ijm.run("status", "--week", "2021-W46", "--format", "csv", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["phase"] == "'=SUM(A1:A3)"


def test_workbook_sheets_agree_with_json(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    from openpyxl import load_workbook

    data = json.loads(portfolio(tmp_path, ijm, defenders, "json"))
    target = tmp_path / "status.xlsx"
    result = invoke("status", "--week", "2021-W47", "--format", "xlsx", "-o", str(target), str(tmp_path))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(target)
    assert book.sheetnames[:6] == [
        "Portfolio",
        "Phases",
        "Team",
        "Deliverables",
        "Meetings",
        "Entries this week",
    ]
    assert "Findings" in book.sheetnames  # the budget plugin's section, a sheet of its own
    for sheet in book:
        assert sheet.freeze_panes == "A2"
    summary = list(book["Portfolio"].iter_rows(values_only=True))
    assert summary[0][:7] == ("engagement", "client", "week", "as of", "days used", "cap", "this week")
    by_title = {row[0]: row for row in summary[1:]}
    for report in data:
        row = by_title[report["title"]]
        assert (row[4], row[5], row[6]) == (report["used"], report["max_days"], report["this_week"])
        assert (
            row[3].date().isoformat() == report["as_of"] and row[summary[0].index("state")] == report["state"]
        )
    phases = list(book["Phases"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1], r[4], r[8].date().isoformat()) for r in phases] == [
        (rep["id"], p["key"], p["used"], p["start"]) for rep in data for p in rep["phases"]
    ]
    assert book["Phases"].column_dimensions["C"].width >= len("Preparation")
    late = [r for r in book["Deliverables"].iter_rows(values_only=True) if r[4] == "late"]
    assert late and all(isinstance(r[7], int) and r[7] > 0 for r in late)


def test_markdown_is_github_by_its_own_name(ijm: Seed) -> None:
    markdown = ijm.run("status", "--week", "2021-W47", "--format", "markdown").stdout
    assert markdown == ijm.run("status", "--week", "2021-W47", "--format", "github").stdout
    assert markdown.startswith("# Facilitation") and "| key " in markdown
    one_line_error(ijm.run("status", "--format", "xlsx"), "-o FILE")


def test_output_file_and_bad_arguments(ijm: Seed, tmp_path: Path) -> None:
    target = tmp_path / "status.html"
    assert ijm.run("status", "--format", "html", "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("<!DOCTYPE html>")
    one_line_error(ijm.run("status", "--week", "2021-W60"), "no week 60")
    one_line_error(ijm.run("status", "--format", "pdf"), "'pdf'")
    one_line_error(ijm.run("status", str(tmp_path / "nowhere.toml")), "no such schedule file")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(ijm.run("status", str(empty)), "no .toml schedules")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs Debian's chromium)"
)
def test_html_renders_in_headless_chromium(tmp_path: Path, ijm: Seed, defenders: Seed) -> None:
    page = tmp_path / "status.html"
    page.write_text(portfolio(tmp_path, ijm, defenders, "html"))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 2 and "Draft Strategic Plan" in dom.stdout
    shot = tmp_path / "status.png"
    subprocess.run(
        [CHROMIUM, *flags, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


RISKS_PLUGIN = '''
import click
from engage import Section, hookimpl

@hookimpl
def engage_status_sections(engagement, week, today):
    return [Section("Risks", ("risk", "owner"), (("Retreat venue not confirmed", "IJM"),), note="")]

@hookimpl
def engage_register_commands(cli):
    @cli.command(name="risks")
    def risks():
        """List the organisation's risk register."""
        click.echo("risk register: 1 open")
'''


def test_a_third_party_adds_a_section_and_a_command(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "risks.py").write_text(RISKS_PLUGIN)
    args = ("-s", str(ijm.path), "--plugins-dir", str(folder))
    data = json.loads(invoke(*args, "status", "--week", "2021-W47", "--format", "json").stdout)[0]
    risks = next(s for s in data["sections"] if s["title"] == "Risks")
    assert risks["rows"] == [["Retreat venue not confirmed", "IJM"]]
    markdown = invoke(*args, "status", "--week", "2021-W47", "--format", "github").stdout
    assert "## Risks" in markdown and "| Retreat venue not confirmed | IJM" in markdown
    assert invoke(*args, "risks").stdout == "risk register: 1 open\n"
    assert "risks" in invoke(*args, "--help").stdout
    one_line_error(invoke("-s", str(ijm.path), "risks"), "No such command 'risks'")
