"""What makes large ledgers fast keeps every figure and every character of the output the same.

- ``Ledger.day_totals`` (what checks and reports add up) equals the sums of the entries;
- the plain-text table's one-line-a-row path gives what the wrapping path gives;
- the money memo gives babel's text, and a second report does not import babel;
- a report on a ledger read through its cache equals one on the same ledger read in full.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
from engage.output import terminal as layout
from helpers import Seed

HOURS = Fraction(8)


def test_day_totals_are_the_sums_of_the_live_entries(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    records = [
        new_record("entry", date=f"2021-11-{16 + i % 4}", phase=("prep", "final")[i % 2], days="0.25",
                   consultant=("a", "b", "")[i % 3], note=str(i), **({"at": "nbo"} if i % 5 == 0 else {}))
        for i in range(60)
    ]  # fmt: skip
    append(path, records)
    append(path, [new_record("void", target=str(records[7]["id"]), reason="")])
    for ledger in (Ledger.read(path, HOURS), Ledger.read(path, HOURS)):  # built, then from the cache
        sums: dict[tuple[object, ...], Fraction] = defaultdict(Fraction)
        counts: dict[tuple[object, ...], int] = defaultdict(int)
        for e in ledger.entries():
            sums[(e.date, e.phase, e.consultant, e.at)] += e.days
            counts[(e.date, e.phase, e.consultant, e.at)] += 1
        totals = ledger.day_totals()
        assert {(t.date, t.phase, t.consultant, t.at): t.days for t in totals} == sums
        assert {(t.date, t.phase, t.consultant, t.at): t.entries for t in totals} == counts
        assert sum(t.entries for t in totals) == 59
        cut = ledger.until(dt.date(2021, 11, 17))
        assert sum(t.days for t in cut.day_totals()) == cut.days_used()
        later = [e for e in ledger.entries() if e.date > dt.date(2021, 11, 17)]
        assert sum(t.days for t in cut.beyond_totals()) == sum(e.days for e in later)
        assert sum(t.entries for t in cut.beyond_totals()) == len(later) > 0


cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8), width=st.integers(20, 120)
)
def test_the_fast_table_is_the_table_row_by_row(rows: list[list[str]], width: int) -> None:
    headers = ["date", "note", "days"]
    fast = layout.fit_table(headers, rows, width)
    widths, _ = layout._layout(headers, rows, width)
    slow = [*layout._row_lines(headers, widths), "  ".join("-" * w for w in widths)]
    for row in rows:
        slow += layout._row_lines(row, widths)
    assert fast.split("\n")[: len(slow)] == slow
    floors = [
        max([layout._floor(column[0], 0), *(layout._floor(c) for c in column[1:])])
        for column in zip(headers, *rows, strict=True)
    ]
    assert [layout._column_floor(c) for c in zip(headers, *rows, strict=True)] == floors


def test_money_is_babels_and_a_second_report_does_not_load_babel(ijm: Seed) -> None:
    from babel.numbers import format_currency

    from engage_fees import money

    for amount, currency in [("1500", "KES"), ("-687903750.00", "KES"), ("0.5", "USD"), ("12", "UGX")]:
        money.money.cache_clear()
        assert money.money(__import__("decimal").Decimal(amount), currency, "en") == format_currency(
            __import__("decimal").Decimal(amount), currency, locale="en"
        )
    probe = (
        "import sys; from engage.cli import cli; "
        f"cli.main(['-s', {str(ijm.path)!r}, 'status', '--week', '2021-W47'], standalone_mode=False); "
        "print('babel loaded' if 'babel' in sys.modules else 'babel not loaded', file=sys.stderr)"
    )
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert "KES" in first.stdout and first.stdout == second.stdout
    assert "babel loaded" in first.stderr and "babel not loaded" in second.stderr
    memory = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("money-*.json"))
    memory.write_text("{not json", encoding="utf-8")  # a damaged memo is asked again, not believed
    third = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert third.stdout == first.stdout and json.loads(memory.read_text(encoding="utf-8"))


def test_a_report_from_the_cache_is_the_report_from_a_full_read(ijm: Seed) -> None:
    for day, note in [("2021-11-16", "desk review"), ("2021-11-22", "tools"), ("2021-11-23", "retreat")]:
        assert ijm.run("log", "0.5", "-p", "prep", "-d", day, "-n", note).exit_code == 0
    cached = [ijm.run("status", "--week", "2021-W47", "--format", fmt).stdout for fmt in ("plain", "json")]
    for folder in Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*"):
        for file in folder.iterdir():
            file.unlink()
    full = [ijm.run("status", "--week", "2021-W47", "--format", fmt).stdout for fmt in ("plain", "json")]
    assert cached == full and "desk review" not in cached[0] and "tools" in cached[0]
