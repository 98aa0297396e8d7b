"""A hostile-input battery of damaged ledger lines, each named by file and line.

Every damaged line is reported on one line with file:line, is not counted,
and leaves the rest working; nothing on disk changes. (Its twin for schedules:
schedule/test_bad_schedules.py.)
"""

from __future__ import annotations

import json

import pytest

from helpers import Seed, budget_exit

GOOD = {
    "id": "good1",
    "kind": "entry",
    "recorded_at": "2021-11-16T10:00:00Z",
    "date": "2021-11-16",
    "phase": "prep",
    "days": "1",
    "consultant": "c",
    "note": "first",
}


def line(**changes: object) -> bytes:
    """A damaged entry: the good one with fields changed (a value of ... drops the field)."""
    record = {**GOOD, "id": "dmg1", **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...}).encode()


DAMAGED: list[tuple[str, bytes]] = [
    *[
        (f"days {value!r}", line(days=value))
        for value in [
            "1e308",
            "1_000",
            "-1",
            "0",
            "32",
            "1e999999",
            1e308,
            True,
            None,
            [],
            {},
            "NaN",
            "inf",
            " 1",
            "1.",
            ".5",
            "0x10",
            "١",
            "1/0",
            "0.0001",
            "",
            "1,5",
            "99999999",
        ]
    ],
    *[(f"hours {value!r}", line(days=..., hours=value)) for value in ["745", "1e3", "-2", "0", "1_0"]],
    ("days and hours both", line(hours="8")),
    ("no amount", line(days=...)),
    *[
        (f"date {value!r}", line(date=value))
        for value in [
            "2021-13-45",
            "20211116",
            "2021-11-16T10:00",
            "1900-01-01",
            "2200-01-01",
            20211116,
            None,
            ...,
        ]
    ],
    *[(f"phase {value!r}", line(phase=value)) for value in ["", 5, None, ...]],
    *[(f"note {value!r}", line(note=value)) for value in [5, ["x"], {"a": 1}]],
    ("consultant 5", line(consultant=5)),
    *[(f"id {value!r}", line(id=value)) for value in ["", 5, ...]],
    *[(f"kind {value!r}", line(kind=value)) for value in ["entryx", ..., 5, "close-enough"]],
    *[(f"recorded_at {value!r}", line(recorded_at=value)) for value in [5, ...]],
    ("engagement 5", line(engagement=5)),
    ("batch 5", line(batch=5)),
    (
        "unknown status",
        b'{"id": "s1", "kind": "deliverable", "recorded_at": "r", "deliverable": "inception", "status": "done", "date": "2021-11-22"}',
    ),
    (
        "unknown outcome",
        b'{"id": "m1", "kind": "meeting", "recorded_at": "r", "meeting": "retreat", "outcome": "exploded", "date": "2021-11-23"}',
    ),
    ("void without target", b'{"id": "v1", "kind": "void", "recorded_at": "r"}'),
    ("void of an unknown id", b'{"id": "v1", "kind": "void", "recorded_at": "r", "target": "nosuch"}'),
    ("void of itself", b'{"id": "v1", "kind": "void", "recorded_at": "r", "target": "v1"}'),
    ("duplicate id", json.dumps({**GOOD, "note": "again"}).encode()),
    (
        "duplicate key",
        b'{"id": "d1", "kind": "entry", "recorded_at": "r", "date": "2021-11-16", "phase": "prep", "days": "1", "days": "2"}',
    ),
    ("NaN number", line(days=...)[:-1] + b', "days": NaN}'),
    ("array", b"[1, 2]"),
    ("null", b"null"),
    ("number", b"42"),
    ("string", b'"text"'),
    ("open brace", b"{"),
    ("empty object", b"{}"),
    ("merge marker", b"<<<<<<< HEAD"),
    ("merge separator", b"======="),
    ("deep nesting", b"[" * 100_000),
    ("deep object", b'{"a":' * 50_000),
    ("trailing garbage", line() + b" x"),
    ("two records on a line", line() + line(id="dmg2")),
    ("byte-order mark", b"\xef\xbb\xbf" + line()),
    ("not UTF-8", b'{"id": "\xff\xfe", "kind": "entry"}'),
    ("raw control character", line(note="x")[:-2] + b'\x01"}'),
    ("torn record", line()[:40]),
    ("commit of count 1", b'{"id": "c1", "kind": "commit", "recorded_at": "r", "batch": "b", "count": 1}'),
    ("seal with bad lists", b'{"id": "s9", "kind": "seal", "recorded_at": "r", "batches": "b"}'),
]


def test_the_battery_is_big_enough() -> None:
    assert len(DAMAGED) >= 60 and len({name for name, _ in DAMAGED}) == len(DAMAGED)


@pytest.mark.parametrize(("name", "damaged"), DAMAGED, ids=[name for name, _ in DAMAGED])
def test_damaged_line_is_named_not_counted_and_nothing_changes(ijm: Seed, name: str, damaged: bytes) -> None:
    last = json.dumps({**GOOD, "id": "good2", "date": "2021-11-17", "note": "last"}).encode()
    ijm.ledger.write_bytes(json.dumps(GOOD).encode() + b"\n" + damaged + b"\n" + last + b"\n")
    before = ijm.ledger.read_bytes()
    result = ijm.run("entries", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [e["note"] for e in json.loads(result.stdout)] == ["first", "last"]
    [warning] = result.stderr.strip().splitlines()
    assert f"{ijm.ledger.name}:2:" in warning and "Traceback" not in warning
    budget = ijm.run("budget", "--as-of", "2021-11-17", "--format", "json")
    listed = json.loads(budget.stdout)  # findings, not a crash
    assert budget.exit_code == budget_exit(listed), budget.stderr
    assert "damaged-line" in {f["code"] for f in listed} or "damaged" in budget.stderr, listed
    assert ijm.ledger.read_bytes() == before
