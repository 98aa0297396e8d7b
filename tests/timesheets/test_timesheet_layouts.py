"""engage timesheet on a team (UNDP SREPGen): every layout's fields read back from the workbook, the
PDF's text, CSV and JSON, with the figures the logged entries make."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import Seed
from helpers.timesheets import allow, keygen

TIMESHEETS = """
[fees]
currency = "USD"
basis = "days"
rate = 500

[fees.rates]
national = 250

[fees.invoicing]
bank = "Banque Cantonale de Genève, IBAN CH93 0076 2011 6238 5295 7"

[timesheets]
contract_number = "IC-2017-0412"
certifying_officer = "Nasrin Ahmed, Operations Manager"
action_number = "101112131"
beneficiary = "Société d'Énergie Renouvelable, Peñalolén <b>&</b>"
work_packages = { inception = "WP1", mission = "WP2" }
"""


@pytest.fixture
def team(undp: Seed) -> Seed:
    """The UNDP review with fees and a [timesheets] table, and June 2017 logged by two of its team:
    the lead 1 day, 9 hours (a long day), a mission day in Dhaka and one worked from home; the
    national consultant two mission days."""
    undp.path.write_text(undp.text() + TIMESHEETS, encoding="utf-8")
    for args in (
        ("1", "-p", "inception", "-d", "2017-06-01", "-c", "lead"),
        ("9h", "-p", "inception", "-d", "2017-06-04", "-c", "lead"),
        ("1", "-p", "mission", "-d", "2017-06-11", "-c", "lead"),
        ("1", "-p", "mission", "-d", "2017-06-12", "-c", "lead", "--at", "home"),
        ("1", "-p", "mission", "-d", "2017-06-11", "-c", "national"),
        ("0.5", "-p", "mission", "-d", "2017-06-13", "-c", "national"),
    ):
        result = undp.run("log", *args)
        assert result.exit_code == 0, result.stderr
    return undp


def workbook_rows(path: Path, sheet: str | None = None) -> list[list[object]]:
    book = load_workbook(path)
    found = []
    for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:  # a row as wide as the widest: what was written, no more
            cells.pop()
        found.append(cells)
    return found


def field(rows: list[list[object]], label: str) -> object:
    found = [row[1] for row in rows if len(row) > 1 and row[0] == label]
    assert found, f"no {label!r} in {rows[:14]}"
    return found[0]


def test_eu_workbook_holds_the_six_fields_and_hours_per_work_package(team: Seed, tmp_path: Path) -> None:
    target = tmp_path / "lead.xlsx"
    result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "--layout", "eu", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    rows = workbook_rows(target, "International Consultant")
    assert rows[0][0] == "Time record 2017-06"
    assert field(rows, "Action title").startswith("Midterm review of SREPGen")
    assert field(rows, "Action number") == "101112131"
    assert field(rows, "Beneficiary") == "Société d'Énergie Renouvelable, Peñalolén <b>&</b>"
    assert field(rows, "Person working for the action") == "International Consultant"
    assert field(rows, "Hours worked for the action") == 33  # 8 + 9 + 8 + 8, a number
    wp1 = next(row for row in rows if row and str(row[0]).startswith("WP1"))
    wp2 = next(row for row in rows if row and str(row[0]).startswith("WP2"))
    assert wp1[1] == 8 and wp1[4] == 9 and wp1[-1] == 17  # hours on the 1st and the 4th
    assert wp2[11] == 8 and wp2[12] == 8 and wp2[-1] == 16
    header = next(row for row in rows if row and row[0] == "Work package")
    assert header[1].date().isoformat() == "2017-06-01" and len(header) == 32  # 30 days, label, total
    assert ["2017-06-04: 9 h, more than 8 h a day"] in [[c for c in row if c] for row in rows]
    signatures = [row for row in rows if row and row[0] in ("Person working for the action", "Supervisor")]
    assert [row[0] for row in signatures][-2:] == ["Person working for the action", "Supervisor"]
    assert "UNDP Bangladesh, Commissioning Unit" in str(signatures[-1][1])
    assert signatures[-1][2] == "(signed in ink)"  # nothing approved: a line for ink


def test_undp_certification_states_fee_countries_days_and_bank(team: Seed, tmp_path: Path) -> None:
    target = tmp_path / "cop.xlsx"
    result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "undp", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    rows = workbook_rows(target)
    assert field(rows, "Contract number") == "IC-2017-0412"
    assert field(rows, "Name of individual contractor") == "International Consultant"
    assert field(rows, "Dates worked") == "2017-06-01, 2017-06-04, 2017-06-11 to 2017-06-12"
    assert field(rows, "Countries visited") == "Bangladesh"  # Dhaka; Geneva is the lead's home
    assert field(rows, "Days worked") == pytest.approx(4.125)
    assert field(rows, "Total amount payable") == pytest.approx(2062.5)  # 4.125 days at $500
    assert field(rows, "Final report").startswith("not accepted")
    assert field(rows, "Bank details").startswith("Banque Cantonale de Genève")
    fee = next(row for row in rows if row and str(row[0]).startswith("Days worked at"))
    assert fee[0] == "Days worked at $500.00 a day" and fee[2] == pytest.approx(2062.5)
    roles = [
        row[0]
        for row in rows
        if row and row[0] in ("Individual contractor", "Supervisor", "Certifying officer")
    ]
    assert roles == ["Individual contractor", "Supervisor", "Certifying officer"]
    assert ["Certifying officer", "Nasrin Ahmed, Operations Manager", "(signed in ink)"] in rows


def test_undp_fee_is_the_consultants_own_rate(team: Seed) -> None:
    result = team.run("timesheet", "--month", "2017-06", "-c", "national", "-l", "undp", "--format", "json")
    sheet = json.loads(result.stdout)["sheets"][0]
    fields = {f["label"]: f["value"] for f in sheet["fields"]}
    assert fields["Days worked"] == 1.5
    assert fields["Total amount payable"] == {"amount": 375.0, "currency": "USD", "text": "$375.00"}
    assert fields["Countries visited"].startswith("none")  # the national consultant is based in Dhaka


def test_worldbank_splits_home_and_field_days_and_flags_long_days(team: Seed) -> None:
    result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "worldbank", "--format", "json")
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(result.stdout)["sheets"][0]
    staff = sheet["tables"][0]
    assert staff["columns"] == ["Month", "Home days", "Field days", "Total days"]
    assert staff["rows"] == [["2017-06", 3.125, 1, 4.125]]  # the mission day worked from home is home
    assert staff["totals"] == ["Total", 3.125, 1, 4.125]
    assert sheet["flags"] == ["2017-06-04: 9 h, more than 8 h a day"]
    worked = sheet["tables"][1]["rows"]
    assert [row[3] for row in worked] == ["home", "home", "field", "home"]


def test_plain_csv_parses_with_days_as_numbers_and_iso_dates(team: Seed) -> None:
    result = team.run("timesheet", "--month", "2017-06", "-c", "national", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    header = next(row for row in rows if row and row[0] == "Phase")
    assert header[1] == "2017-06-01" and header[-1] == "Total"
    mission = next(row for row in rows if row and row[0] == "Mission in Dhaka with field visits")
    assert mission[11] == "1" and mission[13] == "0.5" and mission[-1] == "1.5"
    assert ["Total", *[""] * 10, "1", "", "0.5", *[""] * 17, "1.5"] in rows


def test_pdf_text_has_the_eu_fields_the_grid_and_the_signature_block(team: Seed, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed here (.ci/run installs it)")
    target = tmp_path / "lead.pdf"
    result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "eu", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True).stdout
    for words in (
        "Time record 2017-06",
        "Action number",
        "101112131",
        "Société d'Énergie Renouvelable, Peñalolén <b>&</b>",  # accents drawn, markup shown as text
        "WP1: Desk review",
        "2017-06-04: 9 h, more than 8 h a day",
        "Person working for the action",
        "Supervisor",
        "Signature and date",
    ):
        assert words in " ".join(text.split()) or words in text, words
    size = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert "842 x 595" in size or "841.89 x 595.276" in size  # A4 landscape for the month's grid


def test_all_gives_a_sheet_per_consultant(team: Seed, tmp_path: Path) -> None:
    target = tmp_path / "team.xlsx"
    result = team.run("timesheet", "--month", "2017-06", "--all", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(target)
    assert book.sheetnames == [
        "International Consultant",
        "National Consultant",
        "Field enumerator 1",
        "Field enumerator 2",
    ]
    national = [list(r) for r in book["National Consultant"].iter_rows(values_only=True)]
    assert next(r for r in national if r[0] == "Total")[-1] == 1.5
    if shutil.which("pdftotext") is None:
        return
    pdf = tmp_path / "team.pdf"
    assert team.run("timesheet", "--month", "2017-06", "--all", "-o", str(pdf)).exit_code == 0
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    titles = [p for p in pages if "Timesheet 2017-06:" in p]
    assert [t.split("Timesheet 2017-06: ")[1].splitlines()[0] for t in titles] == [
        "International Consultant",
        "National Consultant",
        "Field enumerator 1",
        "Field enumerator 2",
    ]


def test_html_is_standalone_escaped_and_printable(team: Seed, tmp_path: Path) -> None:
    target = tmp_path / "lead.html"
    result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "eu", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4 landscape" in page
    assert "Peñalolén &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page
    assert '<tr class=totals><td class="">Total</td>' in page


def test_markdown_has_a_table_per_part(team: Seed) -> None:
    result = team.run(
        "timesheet", "--month", "2017-06", "-c", "lead", "-l", "worldbank", "--format", "markdown"
    )
    assert result.exit_code == 0, result.stderr
    assert "# Staff input 2017-06: International Consultant" in result.stdout
    assert "| Month   |   Home days |" in result.stdout or "| Month " in result.stdout
    assert "- **Field days:** 1" in result.stdout


def test_signature_lines_say_what_the_ledger_holds(team: Seed, tmp_path: Path) -> None:
    """A sheet submitted with a real signature, approved unsigned, then changed by a hand edit: the
    signature lines and the flags say so."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed (it comes with OpenSSH)")
    key = keygen(tmp_path, "lead")
    allow(team.path, "lead", key)
    month = ("--month", "2017-06")
    assert team.run("timesheet", "submit", *month, "--as", "lead", "--key", str(key)).exit_code == 0
    approved = team.run("timesheet", "approve", *month, "-c", "lead", "--as", "supervisor", "--key", "none")
    assert approved.exit_code == 0, approved.stderr
    steps = [r for r in map(json.loads, team.ledger.read_text().splitlines()) if r["kind"] == "timesheet"]
    submitted, approval = steps
    text = team.ledger.read_text()
    line = next(x for x in text.splitlines() if '"date": "2017-06-01"' in x)
    team.ledger.write_text(text.replace(line, line.replace('"days": "1"', '"days": "0.5"')))
    result = team.run("timesheet", *month, "-c", "lead", "-l", "eu", "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)["sheets"][0]
    assert found["signatures"] == [
        {
            "role": "Person working for the action",
            "name": "International Consultant",
            "signed": f"signed by lead on {submitted['date']}, key {submitted['fingerprint']}",
        },
        {
            "role": "Supervisor",
            "name": "UNDP Bangladesh, Commissioning Unit (MTR manager)",
            "signed": f"approved on {approval['date']}, not signed",
        },
    ]
    assert submitted["fingerprint"].startswith("SHA256:")
    status = {f["label"]: f["value"] for f in found["fields"]}["Status"]
    assert status.startswith("approved") and "not signed" in status
    assert any(
        flag.startswith(f"the entries changed since the sheet was approved on {approval['date']}")
        for flag in found["flags"]
    )


@pytest.mark.parametrize("dejavu", [True, False])
def test_pdf_draws_what_its_font_holds_and_marks_the_rest(
    team: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dejavu: bool
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed here (.ci/run installs it)")
    from engage_timesheets.formats import pdf

    if not dejavu:  # a system without DejaVu: Helvetica, whose characters are Windows-1252's
        monkeypatch.setattr(pdf, "FONT_FILES", ())
    pdf.fonts.cache_clear()
    try:
        team.rewrite('beneficiary = "Société', 'beneficiary = "Ωmega 漢字 Société')
        target = tmp_path / "sheet.pdf"
        result = team.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "eu", "-o", str(target))
        assert result.exit_code == 0, result.stderr
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    finally:
        pdf.fonts.cache_clear()
    assert "Société d'Énergie Renouvelable, Peñalolén" in text  # French and Spanish either way
    assert ("Ωmega" in text) if dejavu else ("?mega ?? Société" in text)
