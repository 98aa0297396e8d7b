"""klog files read by klog's own rules: continued summaries, hyphenated tags, negative durations."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from helpers import Seed, one_line_error
from helpers.trackers import entries, import_file, per_day

# --- klog ---------------------------------------------------------------------------------------------


def test_klog_summary_continued_on_a_line_starting_with_a_duration_is_one_entry(
    ijm: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "call.klg"
    path.write_text("2021-11-16\n    1h Call #prep\n        2h of slides were reviewed\n")
    out = import_file(ijm, "klog", path)
    assert "That is 1.00 hours (1h 00m)" in out  # klog: 1h
    [entry] = entries(ijm)
    assert entry["note"] == "Call #prep 2h of slides were reviewed"


def test_klog_second_level_must_be_twice_the_records_indentation(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "bad.klg"
    path.write_text("2021-11-16\n    1h Call #prep\n      half-indented\n")
    one_line_error(ijm.run("import", "--from", "klog", str(path)), "bad.klg:3", "indent")
    assert not ijm.ledger.exists()


def test_klog_tags_with_hyphens_are_read_whole(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "home.klg"
    path.write_text("2021-11-16\n    2h drafting #home-office\n    1h #home\n")
    refused = ijm.run("import", "--from", "klog", str(path), "--map", "home=writeup")
    one_line_error(refused, "'home-office'")
    import_file(ijm, "klog", path, "home=writeup", "home-office=prep")
    assert sorted((e["phase"], Fraction(str(e["days"]))) for e in entries(ijm)) == [
        ("prep", Fraction(1, 4)),
        ("writeup", Fraction(1, 8)),
    ]


CLOSED = """\
2021-11-16
Desk review #ijm
    8:00 - 12:30 Read the 2019 plan #reading
    -30m coffee
    1h15m Call with the supervisor #prep

2021-11-17
    <23:30 - 1:00 Late reading #reading
"""


def test_klog_negative_with_no_entry_of_its_tags_is_refused_not_moved(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "closed.klg"
    path.write_text(CLOSED)
    # klog: #reading 6h, #prep 1h15m, #ijm 5h15m; taking -30m (#ijm) off '#reading' would give 5h30m.
    line = one_line_error(
        ijm.run("import", "--from", "klog", str(path), "--map", "reading=prep", "--map", "ijm=prep"),
        "closed.klg:4",
        "-30m",
    )
    assert "same tags" in line
    assert not ijm.ledger.exists()


def test_klog_negative_comes_off_the_entries_of_its_own_tags_as_klog_totals_them(
    ijm: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "breaks.klg"
    path.write_text(
        "2021-11-16\n"
        "    -30m coffee #reading\n"  # a record may start with a negative (klog counts it)
        "    8:00 - 12:30 Read the 2019 plan #reading\n"
        "    1h15m Call with the supervisor #prep\n"
        "\n"
        "2021-11-17\n"
        "    <23:30 - 1:00 Late reading #reading\n"
    )
    out = import_file(ijm, "klog", path, "reading=writeup")
    # klog total --tag reading: 4h30m - 30m + 1h30m = 5h30m; --tag prep: 1h15m; total 6h45m.
    assert "That is 6.75 hours (6h 45m)" in out
    by_phase: dict[str, Fraction] = {}
    for e in entries(ijm):
        by_phase[e["phase"]] = by_phase.get(e["phase"], Fraction(0)) + Fraction(e["days"]) * 8
    assert by_phase == {"writeup": Fraction(11, 2), "prep": Fraction(5, 4)}
    assert per_day(ijm) == {"2021-11-16": Fraction(21, 4), "2021-11-17": Fraction(3, 2)}
    assert any("coffee" in e["note"] for e in entries(ijm))  # the break is not dropped without a word
