"""What makes large ledgers fast keeps every figure and every character of the output the same.

- ``Ledger.day_totals`` (what checks and reports add up) equals the sums of the entries;
- a report on a ledger read through its cache equals one on the same ledger read in full.

The other fast paths: output/test_fast_table.py (the plain-text table), plugins/fees/test_money_memo.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
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
        # a cut of a cut comes back whole: every record, whatever its date
        assert cut.until(dt.date(2021, 11, 10)).uncut() is ledger and ledger.uncut() is ledger
        assert len(cut.uncut().entries()) == len(ledger.entries())


def test_a_report_from_the_cache_is_the_report_from_a_full_read(ijm: Seed) -> None:
    for day, note in [("2021-11-16", "desk review"), ("2021-11-22", "tools"), ("2021-11-23", "retreat")]:
        assert ijm.run("log", "0.5", "-p", "prep", "-d", day, "-n", note).exit_code == 0
    cached = [ijm.run("status", "--week", "2021-W47", "--format", fmt).stdout for fmt in ("plain", "json")]
    for folder in Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*"):
        for file in folder.iterdir():
            file.unlink()
    full = [ijm.run("status", "--week", "2021-W47", "--format", fmt).stdout for fmt in ("plain", "json")]
    assert cached == full and "desk review" not in cached[0] and "tools" in cached[0]
