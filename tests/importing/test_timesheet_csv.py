"""CSV import that cannot swallow rows: strict quotes, named rows, agreeing amounts, stdin, encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

HEADER = "date,phase,days,consultant,note\n"


def notes(seed: Seed) -> list[str]:
    return [e["note"] for e in json.loads(seed.run("entries", "--format", "json").stdout)]


BAD = [
    (
        HEADER + '2021-11-16,prep,1,,one\n2021-11-17,prep,1,,"unbalanced\n2021-11-18,prep,1,,three\n'
        '2021-11-19,prep,1,,four\n2021-11-20,prep,1,,"five"\n',
        ["row 3", "quote"],
    ),
    (HEADER + '2021-11-16,prep,1,,"never closed\n2021-11-17,prep,1,,two\n', ["row 2", "quote"]),
    (HEADER + '2021-11-16,prep,1,,"closed" then text\n', ["row 2"]),
    ("date,phase,days,days,note\n2021-11-16,prep,1,2,x\n", ["'days' appears twice"]),
    ("date,phase,days,hours,note\n2021-11-16,prep,1,4,x\n", ["row 2", "disagree"]),
    (HEADER + "2021-11-16,prep,1,," + "x" * 200_000 + "\n", ["row 2", "128 KB"]),
    (HEADER + "2021-11-16,prep,0.0000001,,x\n", ["row 2", "less than a minute"]),
]


@pytest.mark.parametrize(("text", "fragments"), BAD)
def test_bad_timesheet_names_the_row_and_writes_nothing(
    ijm: Seed, tmp_path: Path, text: str, fragments
) -> None:
    sheet = tmp_path / "t.csv"
    sheet.write_text(text, encoding="utf-8")
    one_line_error(ijm.run("import", str(sheet)), "t.csv", *fragments)
    assert not ijm.ledger.exists()


def test_days_and_hours_that_agree_are_taken(ijm: Seed, tmp_path: Path) -> None:
    sheet = tmp_path / "t.csv"
    sheet.write_text("date,phase,days,hours,note\n2021-11-16,prep,0.5,4,x\n", encoding="utf-8")
    assert ijm.run("import", str(sheet)).exit_code == 0
    assert json.loads(ijm.run("entries", "--format", "json").stdout)[0]["days"] == 0.5


def test_stdin_and_a_byte_order_mark(ijm: Seed) -> None:
    text = "\ufeff" + HEADER + "2021-11-16,prep,1,,from stdin\n"
    result = ijm.run("import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    assert notes(ijm) == ["from stdin"]


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ((HEADER + "2021-11-16,prep,1,,café\n").encode("latin-1"), ["line 2", "not UTF-8"]),
        ((HEADER + "2021-11-16,prep,1,,x\n").encode("utf-16"), ["UTF-16"]),
    ],
)
def test_other_encodings_get_a_clear_error(ijm: Seed, tmp_path: Path, data: bytes, fragments) -> None:
    sheet = tmp_path / "t.csv"
    sheet.write_bytes(data)
    one_line_error(ijm.run("import", str(sheet)), *fragments)
    assert not ijm.ledger.exists()


def test_multi_line_notes_and_quotes_survive_export_and_import(
    ijm: Seed, defenders: Seed, tmp_path: Path
) -> None:
    hostile = ["two\nlines", 'say "hi"', "=SUM(A1)", "'=quoted", "-0.75", "semi;colon, comma", "\x1b[2J"]
    for note in hostile:
        ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", note)
    exported = ijm.run("entries", "--format", "csv").stdout
    other = tmp_path / "other"
    other.mkdir()
    from helpers import copy_seed

    target = copy_seed("ijm", other)
    sheet = tmp_path / "round.csv"
    sheet.write_text(exported, encoding="utf-8", newline="")
    assert target.run("import", str(sheet)).exit_code == 0
    assert notes(target) == hostile


def _mixed_sheet(rows: int) -> str:
    """Rows that repeat a few phases, dates and amounts, as a real timesheet does, and odd notes."""
    amounts = ["0.5,", ",4", ",1h20m", "0.25,2", "1,"]
    notes = ["plain", "café, «quoted»", 'say "hi"', "\\ back \\ slash", "tab\there", "100% done %s"]
    lines = ["date,phase,days,hours,consultant,note"]
    for i in range(rows):
        phase = ("prep", "Retreat", "writeup")[i % 3]
        note = notes[i % len(notes)].replace('"', '""')
        lines.append(f'2021-11-{16 + i % 5},{phase},{amounts[i % len(amounts)]},Ana,"{note} {i}"')
    return "\n".join(lines) + "\n"


def test_a_large_import_says_what_a_full_re_read_counts(ijm: Seed, tmp_path: Path) -> None:
    from fractions import Fraction

    from engage.ledger.ledger import Ledger

    assert ijm.run("log", "1.5", "-p", "prep", "-d", "2021-11-15").exit_code == 0
    sheet = tmp_path / "t.csv"
    sheet.write_text(_mixed_sheet(3000), encoding="utf-8")
    result = ijm.run("import", str(sheet))
    assert result.exit_code == 0, result.stderr
    ledger = Ledger.read(ijm.ledger, Fraction(8))
    entries = ledger.entries()
    assert len(entries) == 3001 and ledger.problems == []
    assert len({e.id for e in entries}) == 3001  # every record its own id
    imported = sum((e.days for e in entries if e.note != ""), start=Fraction(0))
    from engage.parsing import format_days

    assert f"Imported 3000 entries, {format_days(imported)} days" in result.stdout
    used = format_days(ledger.days_used())
    assert f"Engagement: {used} of 20 days used" in result.stdout
    by_note = {e.note: e for e in entries}
    assert by_note["café, «quoted» 1"].phase == "retreat" and by_note["café, «quoted» 1"].unit == "hours"
    assert by_note['say "hi" 2'].amount == Fraction(4, 3) and by_note["tab\there 4"].consultant == "Ana"
    lines = ijm.ledger.read_text(encoding="utf-8").splitlines()
    for line in lines:  # written exactly as json.dumps writes a record, non-ASCII kept readable
        assert line == json.dumps(json.loads(line), ensure_ascii=False)
    assert "«quoted»" in lines[2]


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("2021-11-16,nowhere,1,,Ana,x", "unknown phase 'nowhere'"),
        ("2021-11-16,prep,-1,,Ana,x", "'-1'"),
        ("2021-13-40,prep,1,,Ana,x", "cannot read '2021-13-40' as a date"),
    ],
)
def test_a_bad_row_deep_in_a_repetitive_sheet_is_named(
    ijm: Seed, tmp_path: Path, bad: str, fragment: str
) -> None:
    lines = _mixed_sheet(2500).splitlines()
    lines.insert(1800, bad)  # line 1801 of the file; its cells unlike the rows around it
    lines.append(bad)  # and again at the end: the first one is named
    sheet = tmp_path / "t.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one_line_error(ijm.run("import", str(sheet)), "t.csv: row 1801:", fragment)
    assert not ijm.ledger.exists()


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "2021-11-16,prep,1,,one\n\n2021-11-17,prep,1,,two\n",
        HEADER + "2021-11-16,prep,1,,one\n   \n,,,,\n\t\n2021-11-17,prep,1,, two \n\n\n",
        HEADER + "2021-11-16,prep,1,,no newline at the end",
        "date;phase;days;note\n2021-11-16;prep;1;a, b\n2021-11-17;prep;1;c\u2028d\x0be\x0cf\n",
        "date\tphase\tdays\n2021-11-16\tprep\t1\t\textra\n;;\n",
        "\n",
        "   ",
        "\n\ndate,phase,days\n",
        "date,phase,days,\n2021-11-16,prep,1,\n",
    ],
)
def test_a_file_without_quotes_is_split_as_the_csv_module_reads_it(text: str) -> None:
    from engage.importing import timesheet

    delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
    fast = timesheet._split_rows(text, delimiter)
    assert fast is not None  # the quick path was taken
    assert fast == timesheet._csv_rows(text, delimiter, Path("t.csv"))
