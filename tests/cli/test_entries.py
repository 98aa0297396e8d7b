"""``engage entries`` as typed, filtered by period, phase and consultant; markdown, tidy CSV and a workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

LOGS = [
    ("4h", "prep", "2021-11-16", "Ann", "desk review"),
    ("1.5", "prep", "2021-11-22", "Ben", "calls | notes"),
    ("1h30m", "retreat", "2021-11-23", "Ann", "=SUM(A1)"),
    ("1", "retreat", "2021-12-01", "Ben", "write-up"),
]


@pytest.fixture
def logged(ijm: Seed) -> Seed:
    ijm.rewrite("consultants = []", 'consultants = ["Ann", "Ben"]')
    for amount, phase, day, who, note in LOGS:
        result = ijm.run("log", amount, "-p", phase, "-d", day, "-c", who, "-n", note)
        assert result.exit_code == 0, result.stderr
    return ijm


def _dates(seed: Seed, *args: str) -> list[str]:
    return [e["date"] for e in json.loads(seed.run("entries", "--format", "json", *args).stdout)]


def test_filters_combine(logged: Seed) -> None:
    assert _dates(logged) == [d for _, _, d, _, _ in LOGS]
    assert _dates(logged, "--month", "2021-11") == ["2021-11-16", "2021-11-22", "2021-11-23"]
    assert _dates(logged, "--from", "2021-11-20", "--to", "2021-11-30") == ["2021-11-22", "2021-11-23"]
    assert _dates(logged, "--from", "22/11/2021") == ["2021-11-22", "2021-11-23", "2021-12-01"]
    assert _dates(logged, "--consultant", "ann") == ["2021-11-16", "2021-11-23"]
    assert _dates(logged, "--phase", "Retreat", "--consultant", "Ben") == ["2021-12-01"]
    assert _dates(logged, "--week", "2021-W47", "--consultant", "Ann") == ["2021-11-23"]
    assert _dates(logged, "--month", "2021-12", "--phase", "prep") == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--month", "2021-13"], ["'2021-13'", "YYYY-MM"]),
        (["--month", "November"], ["YYYY-MM"]),
        (["--from", "2021-12-01", "--to", "2021-11-01"], ["empty", "--from/--to"]),
        (["--consultant", "Zoe"], ["'Zoe' is not a consultant", "Ann"]),
        (["--format", "xlsx"], ["-o FILE"]),
        (["--format", "xml"], ["'xml'", "markdown", "xlsx", "timedot"]),
    ],
)
def test_bad_filters_are_refused(logged: Seed, args: list[str], fragments: list[str]) -> None:
    one_line_error(logged.run("entries", *args), *fragments)


def test_plain_shows_time_as_typed(logged: Seed) -> None:
    text = logged.run("entries").stdout
    assert "4h (0.5 d)" in text and "1h30m (0.19 d)" in text
    assert "4 entries, 3.19 days" in text
    assert "1 entry, 0.5 days" in logged.run("entries", "--consultant", "Ann", "--phase", "prep").stdout


def test_markdown_table(logged: Seed) -> None:
    for fmt in ("markdown", "github"):
        lines = logged.run("entries", "--format", fmt).stdout.splitlines()
        assert lines[0].startswith("| id ") and set(lines[1]) <= set("|-: ")
        rows = [line for line in lines[2:] if line.startswith("|")]
        assert len(rows) == 4 and all(row.count(" | ") == lines[0].count(" | ") for row in rows)
        assert "calls \\| notes" in lines[3]


def test_tidy_csv_with_a_bom_when_written_to_a_file(logged: Seed, tmp_path: Path) -> None:
    target = tmp_path / "entries.csv"
    assert logged.run("entries", "--format", "csv", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["days"], r["hours"]) for r in rows] == [
        ("0.5", "4"),
        ("1.5", ""),
        ("0.1875", "1.5"),
        ("1", ""),
    ]
    assert rows[2]["note"] == "'=SUM(A1)"
    piped = logged.run("entries", "--format", "csv").stdout
    assert not piped.startswith("\ufeff")


def test_workbook_reads_back_with_real_numbers_and_dates(logged: Seed, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "entries.xlsx"
    result = logged.run("entries", "--format", "xlsx", "-o", str(target), "--month", "2021-11")
    assert result.exit_code == 0 and "Wrote" in result.stderr
    sheet = load_workbook(target).active
    assert sheet.title == "Entries" and sheet.freeze_panes == "A2"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("id", "date", "phase", "days", "hours", "consultant", "by", "note")
    assert [(r[1].date(), r[3], r[4]) for r in values[1:]] == [
        (dt.date(2021, 11, 16), 0.5, 4),
        (dt.date(2021, 11, 22), 1.5, None),
        (dt.date(2021, 11, 23), 0.1875, 1.5),
    ]
    assert values[3][7] == "=SUM(A1)"  # kept as text, not a formula
    assert sheet.cell(4, 8).data_type == "s"
    assert sheet.column_dimensions["H"].width >= len("desk review")
    as_json = json.loads(logged.run("entries", "--format", "json", "--month", "2021-11").stdout)
    assert [r[3] for r in values[1:]] == [e["days"] for e in as_json]
