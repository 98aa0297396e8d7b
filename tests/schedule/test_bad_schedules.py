"""A hostile-input battery of bad schedules, each named by file and line.

Every bad schedule stops the command with exit 2, one line naming file and line,
nothing written. (Its twin for ledger lines: ledger/test_damaged_lines.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import copy_seed, invoke, one_line_error

# A good ledger line, there to show that a bad schedule writes nothing.
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

# (text in the IJM seed, replacement): each makes the schedule wrong in its own way.
BAD_SCHEDULES: list[tuple[str, str]] = [
    *[
        ("max_days = 20", f"max_days = {v}")
        for v in ["-1", "0", '"20"', "true", "1e400", "[]", "{a = 1}", "nan", "inf", "100001"]
    ],
    *[("hours_per_day = 8", f"hours_per_day = {v}") for v in ["0", "25", '"8"', "-1", "true", "[8]"]],
    *[
        ('timezone = "Africa/Nairobi"', f"timezone = {v}")
        for v in ['"Mars/Base"', "5", '""', '"../../etc/passwd"']
    ],
    *[('holidays = "KE"', f"holidays = {v}") for v in ['"Kenya"', "5", '"ZZ"', '"../x"', "true"]],
    *[
        ('working_days = ["mon", "tue", "wed", "thu", "fri"]', f"working_days = {v}")
        for v in ['["moon"]', '"mon"', "[]", "[1]", '["mon", "mon"]']
    ],
    *[
        ("days = 7\n", f"days = {v}\n")
        for v in ["-1", "0", '"seven"', "true", "1e400", "100000", "nan", "inf", "[7]"]
    ],
    *[('key = "prep"', f"key = {v}") for v in ['"Prep X"', '""', "5", '"retreat"']],
    *[('name = "Preparation"', f"name = {v}") for v in ["5", "[]"]],
    *[("end = 2021-11-22", f"end = {v}") for v in ['"soon"', "5", "2021-11-01", "true"]],
    *[('id = "ijm-kenya-pap-2021"', f"id = {v}") for v in ['"IJM Kenya"', '""', "5", '"../x"']],
    *[("start = 2021-11-16\n", f"start = {v}\n") for v in ['"2021"', "1", "true", "2021-11-16T25:00"]],
    *[('kind = "validation"', f"kind = {v}") for v in ['"party"', "5"]],
    ('due = "end of phase writeup"', 'due = "next week"'),
    ('due = "end of phase writeup"', "due = 5"),
    ('due = "end of phase writeup"', 'due = "end of phase nope"'),
    ('title = "', 'title = """'),
    ("[supervisor]\n", "[supervsor]\n"),
    ("max_days = 20", "max_days = 20\nmax_days = 21"),
    ("max_days = 20", "max_days = 20\nsurprise = 1"),
]


def test_the_schedule_battery_is_big_enough() -> None:
    assert len(BAD_SCHEDULES) >= 60 and len(set(BAD_SCHEDULES)) == len(BAD_SCHEDULES)


@pytest.mark.parametrize(("old", "new"), BAD_SCHEDULES, ids=[new for _, new in BAD_SCHEDULES])
def test_bad_schedule_names_file_and_line_and_writes_nothing(tmp_path: Path, old: str, new: str) -> None:
    seed = copy_seed("ijm", tmp_path)
    seed.rewrite(old, new)
    seed.ledger.write_bytes(json.dumps(GOOD).encode() + b"\n")
    before = (seed.text(), seed.ledger.read_bytes())
    message = one_line_error(seed.run("log", "1", "-p", "prep"), seed.path.name)
    assert "line " in message, message
    assert (seed.text(), seed.ledger.read_bytes()) == before
    assert invoke("-s", str(seed.path), "budget").exit_code == 2  # it cannot go on without a schedule
