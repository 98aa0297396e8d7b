"""Attacks on the ledger cache that once found faults, kept so that they stay fixed.

- a plugin reader whose verdict comes from a helper module: the ledger cache must read old lines
  again when the helper changes;
- a segment file gone from the ledger cache: the cache must heal, not stop advancing;
- a ledger truncated in place during a read: no SIGBUS from the prefix check;
- an id holding a newline: the cache must still find it, and its duplicate count once;
- a line not in UTF-8 added after the cache: damage, as in a full read.

The attacks on the other caches: plugin/test_startup_cache_attack.py (the plugin start-up cache),
plugins/fees/test_money_memo.py (the money memo).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

from engage.ledger.cache.folders import place
from engage.ledger.cache.store import load
from engage.ledger.kinds import CORE_KINDS
from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
from helpers import IJM
from helpers.processes import engage_in

HOURS = Fraction(8)

MILEAGE = """
\"\"\"Kilometres driven, kept in the ledger; the limit lives in a helper module.\"\"\"
import datetime as dt
import os
import sys
from dataclasses import dataclass
from typing import ClassVar

from engage import RecordKind, hookimpl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "helpers"))
from mileage_limits import MAX_KM


@dataclass(frozen=True)
class Trip:
    kind: ClassVar[str] = "mileage.trip"
    id: str
    date: dt.date
    km: int
    recorded_at: str
    line: int = 0


def read(data, line):
    km = data["km"]
    if type(km) is not int or not 0 < km < MAX_KM:
        raise ValueError(f"km must be below {MAX_KM}")
    return Trip(data["id"], dt.date.fromisoformat(data["date"]), km, data["recorded_at"], line)


@hookimpl
def engage_record_kinds():
    return [RecordKind(Trip.kind, read, lambda trip: f"trip {trip.id}")]
"""


def test_a_plugin_reader_changed_through_its_helper_module_reads_old_lines_again(tmp_path: Path) -> None:
    """The fingerprint watches only the file the reader is defined in; the limit here lives elsewhere."""
    shutil.copy(IJM, tmp_path / "engage.toml")
    folder = tmp_path / "plugins"
    (folder / "helpers").mkdir(parents=True)
    (folder / "mileage.py").write_text(textwrap.dedent(MILEAGE), encoding="utf-8")
    limits = folder / "helpers" / "mileage_limits.py"
    limits.write_text("MAX_KM = 100\n", encoding="utf-8")
    ledger = tmp_path / "engage.ledger.jsonl"
    trip = new_record("mileage.trip", date="2021-11-18", km=200)
    day = new_record("entry", date="2021-11-16", phase="prep", days="1", consultant="", note="")
    ledger.write_text(json.dumps(day) + "\n" + json.dumps(trip) + "\n", encoding="utf-8")
    env = {"ENGAGE_PLUGINS_DIR": str(folder)}

    first = engage_in(tmp_path, "budget", **env)  # exit 1: the damage is a finding
    assert "km must be below 100" in first.stderr  # damage, as the reader says

    limits.write_text("MAX_KM = 5000\n", encoding="utf-8")  # a plugin upgrade: 200 km is fine now
    fresh = engage_in(tmp_path, "budget", **env, ENGAGE_CACHE_DIR=str(tmp_path / "fresh"))
    assert "damaged" not in fresh.stderr, fresh.stderr
    cached = engage_in(tmp_path, "budget", **env)
    assert cached.stderr == fresh.stderr  # fails: the cache still reports the line as damaged


def test_a_segment_gone_from_the_ledger_cache_does_not_stop_it_from_following_the_file(
    tmp_path: Path,
) -> None:
    """A segment can go (another engage's tidy-up after a merge races a reader's save; a cleaner).

    The answers stay right (the file is parsed instead) but the cache should heal; today its
    index stops advancing for good, so every command parses every line added since.
    """
    path = tmp_path / "engage.ledger.jsonl"
    for day in (16, 17, 18):
        append(path, [new_record("entry", date=f"2021-11-{day}", phase="prep", days="1")])
    Ledger.read(path, HOURS)
    folder, key = place(path, HOURS, CORE_KINDS.fingerprint)
    segments = sorted(folder.glob("seg-*"))
    assert segments
    segments[0].unlink()
    for n in range(2 * 16 + 2):
        append(path, [new_record("entry", date="2021-11-19", phase="prep", days="0.25", note=str(n))])
        Ledger.read(path, HOURS)
    snapshot = load(folder, key)
    assert snapshot is not None
    assert snapshot.offset == path.stat().st_size  # fails: stuck where the merge first failed


RACE = """
import os, sys, zlib
from fractions import Fraction
from pathlib import Path
from engage.ledger.cache import sums as ledger_sums
from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append

path = Path(sys.argv[1])
for n in range(60):  # past the last 4 KiB the tail check reads
    append(path, [new_record("entry", date="2021-11-16", phase="prep", days="0.25", note=str(n))])
Ledger.read(path, Fraction(8))


class Racing:
    '''zlib, but the file is rewritten in place (nano, cp) while the cache checks its bytes.'''

    def __getattr__(self, name):
        return getattr(zlib, name)

    def crc32(self, data, *start):
        os.truncate(path, 10)  # under the check of the covered prefix
        return zlib.crc32(data, *start)


ledger_sums.zlib = Racing()
try:
    Ledger.read(path, Fraction(8))
except Exception as exc:  # an EngageError would do; a signal would not
    print(type(exc).__name__)
print("survived")
"""


def test_a_ledger_rewritten_in_place_during_a_read_is_no_bus_error(tmp_path: Path) -> None:
    """The prefix check maps the file; a truncation under the map kills engage with SIGBUS.

    Seen for real: ``engage budget`` over 100,000 records while ``cp`` rewrote the ledger
    in place died with "Bus error" in 4 runs of 60 (exit 135, no message). In ``log`` the
    same check runs after the write, so the entry is in and the user, seeing a crash, logs
    it again.
    """
    path = tmp_path / "engage.ledger.jsonl"
    env = {**os.environ, "ENGAGE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, (done.returncode, done.stderr)  # fails: -7, SIGBUS
    assert "survived" in done.stdout


def test_an_id_holding_a_newline_is_not_counted_twice_through_the_cache(tmp_path: Path) -> None:
    """The cache keeps ids newline-separated; past 64 new lines they are split into a set.

    An id with a newline in it (a hand-made or merged line: the reader takes any text as an id)
    then no longer matches itself, and its duplicate, which a full read reports as damage, counts.
    """
    path = tmp_path / "engage.ledger.jsonl"
    odd = new_record("entry", date="2021-11-16", phase="prep", days="1", note="odd")
    odd["id"] = "abc\ndef"

    def entries(count: int) -> list[str]:
        return [
            json.dumps(new_record("entry", date="2021-11-17", phase="prep", days="0.25"))
            for _ in range(count)
        ]

    path.write_text("\n".join([json.dumps(odd), *entries(3)]) + "\n", encoding="utf-8")
    Ledger.read(path, HOURS)
    with open(path, "a", encoding="utf-8") as stream:  # a merge brings the line again, and more
        stream.write("\n".join([json.dumps(odd), *entries(70)]) + "\n")
    full = Ledger.parse(path, path.read_bytes(), HOURS)
    assert full.days_used() == 1 + Fraction(73, 4)
    assert Ledger.read(path, HOURS).days_used() == full.days_used()  # fails: the odd day counts twice


def test_a_line_not_in_utf8_appended_after_the_cache_is_damage_as_in_a_full_read(tmp_path: Path) -> None:
    """A note typed in a Latin-1 editor (é as one byte 0xE9) on a line added by hand.

    ``_lines`` numbers the bad lines from 1 within the new bytes, ``read_lines`` looks them
    up by their number in the file: the bad line counts (with U+FFFD in it), and a good line
    whose file number matches is dropped as "not UTF-8 text".
    """
    path = tmp_path / "engage.ledger.jsonl"
    for _ in range(3):
        append(path, [new_record("entry", date="2021-11-16", phase="prep", days="1")])
    Ledger.read(path, HOURS)
    latin = json.dumps(new_record("entry", date="2021-11-17", phase="prep", days="1", note="caf@")).encode()
    with open(path, "ab") as stream:
        stream.write(latin.replace(b"@", b"\xe9") + b"\n")
    full = Ledger.parse(path, path.read_bytes(), HOURS)
    assert [p.reason for p in full.problems] == ["not UTF-8 text"]
    cached = Ledger.read(path, HOURS)
    assert [p.reason for p in cached.problems] == ["not UTF-8 text"]  # fails: none
    assert cached.days_used() == full.days_used() == 3  # fails: 4
