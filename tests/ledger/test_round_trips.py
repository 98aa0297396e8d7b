"""Properties checked with hypothesis: records round-trip, notes survive the ledger, JSON, CSV and import.

Example counts are kept small so the suite stays fast; HYPOTHESIS_PROFILE=thorough runs more (conftest.py
registers the profiles). That schedules export faithful ICS: plugins/calendar/test_export_property.py.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given
from hypothesis import strategies as st

from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append_batch
from engage.schedule.model import DELIVERABLE_STATUSES
from helpers import copy_seed

notes = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)  # any text a person can type
days = st.sampled_from(["0.25", "0.5", "1", "1.5", "2", "7", "31"])
dates = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
log = st.builds(lambda d, a, n: ("log", [(d, a, n)]), dates, days, notes)
imports = st.lists(st.tuples(dates, days, notes), min_size=2, max_size=5).map(lambda rows: ("import", rows))
voids = st.integers(min_value=0, max_value=50).map(lambda n: ("void", n))
delivers = st.tuples(
    st.sampled_from(["inception", "draft"]), st.sampled_from(DELIVERABLE_STATUSES), dates
).map(lambda t: ("deliver", t))


@given(st.lists(st.one_of(log, imports, voids, delivers), max_size=12))
def test_any_sequence_of_records_round_trips(operations: list) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "l.jsonl"
        expected: dict[str, tuple] = {}
        statuses: list[tuple] = []
        for kind, what in operations:
            if kind in ("log", "import"):
                records = [
                    new_record("entry", date=d.isoformat(), phase="prep", days=a, consultant="c", note=n)
                    for d, a, n in what
                ]
                append_batch(path, records, engagement="e")
                expected.update(
                    {r["id"]: (d, Fraction(a), n) for r, (d, a, n) in zip(records, what, strict=True)}
                )
            elif kind == "void" and expected:
                target = sorted(expected)[what % len(expected)]
                append_batch(path, [new_record("void", target=target, reason="")], engagement="e")
                del expected[target]
            elif kind == "deliver":
                key, status, day = what
                append_batch(
                    path,
                    [
                        new_record(
                            "deliverable", deliverable=key, status=status, date=day.isoformat(), note=""
                        )
                    ],
                    engagement="e",
                )
                statuses.append((key, status, day))
        read = Ledger.read(path, Fraction(8))
        assert read.problems == []
        assert {e.id: (e.date, e.days, e.note) for e in read.entries()} == expected
        assert [(c.deliverable, c.status, c.date) for c in read.status_changes()] == statuses


@given(notes)
def test_any_note_survives_ledger_json_csv_and_import(note: str) -> None:
    with TemporaryDirectory() as folder:
        source = copy_seed("ijm", Path(folder))
        assert source.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", note).exit_code == 0
        [entry] = json.loads(source.run("entries", "--format", "json").stdout)
        assert entry["note"] == note
        exported = source.run("entries", "--format", "csv").stdout_bytes  # .stdout would turn \r\n into \n
        (Path(folder) / "other").mkdir()
        target = copy_seed("ijm", Path(folder) / "other")
        sheet = Path(folder) / "sheet.csv"
        sheet.write_bytes(exported)
        imported = target.run("import", str(sheet))
        assert imported.exit_code == 0, imported.stderr
        assert [e["note"] for e in json.loads(target.run("entries", "--format", "json").stdout)] == [note]
