"""The ledger cache never serves stale data: after any change to the file, a read equals a full re-read.

Changes are made the ways they happen: another process appending (the installed
``engage``), a truncation, the file replaced, a line edited in the middle (same
length, mtime put back), damaged lines, voids of old entries, and random
sequences of all of these. Each read through the cache is compared with a read
of the file's bytes from scratch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.ledger.cache import reading as ledger_cached
from engage.ledger.kinds import Kinds
from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
from engage.session import Session
from helpers import Seed

ENGAGE = str(Path(sys.executable).with_name("engage"))
HOURS = Fraction(8)


def entry(note: str, day: str = "2021-11-16", phase: str = "prep", days: str = "0.25") -> dict[str, object]:
    return new_record("entry", date=day, phase=phase, days=days, consultant="k", note=note)


def facts(ledger: Ledger) -> dict[str, object]:
    """Everything a command reads from a ledger."""
    return {
        "records": [(type(r).__name__, r.id, r.line) for r in ledger.records],
        "entries": [
            (e.id, e.date, e.phase, e.days, e.line, e.note) for e in ledger.entries(include_voided=True)
        ],
        "live": [e.id for e in ledger.entries()],
        "problems": [(p.line, p.last_line, p.reason, p.content) for p in ledger.problems],
        "by_phase": ledger.used_by_phase(),
        "used": ledger.days_used(),
        "daily": ledger.daily,
        "totals": ledger.day_totals(),
        "voids": sorted(ledger.voids),
        "engagements": ledger.engagements,
        "named": ledger.named_engagements,
        "dead": ledger.dead_batches,
        "torn": ledger.torn,
        "lines": ledger.line_count,
        "statuses": [c.id for c in ledger.status_changes()],
        "week": [e.id for e in ledger.entries(start=ledger_day(16), end=ledger_day(17))],
        "cut": ledger.until(ledger_day(17)).day_totals(),
        "beyond": ledger.until(ledger_day(17)).beyond_totals(),
    }


def ledger_day(day: int) -> object:
    import datetime as dt

    return dt.date(2021, 11, day)


def same_as_full_read(path: Path, kinds: Kinds | None = None) -> Ledger:
    """The ledger read through its cache, checked against a full parse; ``kinds`` those it was written
    with (a command's, the plugins' included; else the core's)."""
    cached = Ledger.read(path, HOURS, kinds)
    full = Ledger.parse(path, path.read_bytes(), HOURS, kinds)
    assert facts(cached) == facts(full)
    return cached


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bytes each read parsed: proof that the cache spared the rest (the real reader still runs)."""
    sizes: list[int] = []
    real = ledger_cached.read_lines

    def spy(path: Path, raw: bytes, *args: object) -> object:
        sizes.append(len(raw))
        return real(path, raw, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger_cached, "read_lines", spy)
    return sizes


def test_a_read_parses_only_what_was_added(tmp_path: Path, parsed: list[int]) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text("".join(json.dumps(entry(f"n{i}")) + "\n" for i in range(500)))  # by another program
    same_as_full_read(path)
    assert parsed[-1] == path.stat().st_size  # the first read parses everything
    size = path.stat().st_size
    with path.open("ab") as handle:  # a line added by another program (engage's writer caches its own)
        handle.write(json.dumps(entry("one more")).encode() + b"\n")
    assert same_as_full_read(path).entries()[-1].note == "one more"
    assert parsed[-1] == path.stat().st_size - size  # the second only the line added
    same_as_full_read(path)
    assert parsed[-1] == 0


def test_what_a_writer_appends_is_cached_without_reading_it_back(
    ijm: Seed, tmp_path: Path, parsed: list[int]
) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    sheet = tmp_path / "t.csv"
    rows = [f"2021-11-{16 + n % 5},prep,2,Test Consultant,row {n}" for n in range(300)]
    sheet.write_text("date,phase,hours,consultant,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert ijm.run("import", str(sheet)).exit_code == 0
    parsed.clear()
    kinds = Session().record_kinds  # the command's: the writer cached its lines under them
    read = same_as_full_read(ijm.ledger, kinds)
    assert parsed[0] == 0  # the import's 300 rows and its commit were cached by the writer
    assert len(read.entries()) == 301 and read.days_used() == Fraction(1) + Fraction(300 * 2, 8)
    assert ijm.run("log", "0.5", "-p", "prep", "-d", "2021-11-17", "-n", "after").exit_code == 0
    parsed.clear()
    assert same_as_full_read(ijm.ledger, kinds).records[-1].note == "after" and parsed[0] == 0  # type: ignore[union-attr]


def test_append_by_another_process(ijm: Seed, tmp_path: Path) -> None:
    for n in range(3):
        assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", f"here {n}").exit_code == 0
    same_as_full_read(ijm.ledger)
    env = {k: v for k, v in os.environ.items() if k != "ENGAGE_LEDGER"}
    for n in range(2):
        done = subprocess.run(
            [ENGAGE, "-s", str(ijm.path), "log", "0.5", "-p", "prep", "-d", "2021-11-17", "-n", f"there {n}"],
            capture_output=True, text=True, env={**env, "ENGAGE_CONSULTANT": "Test Consultant"}, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        read = same_as_full_read(ijm.ledger)
        assert read.entries()[-1].note == f"there {n}"
    assert ijm.run("status", "--week", "2021-W46").exit_code == 0
    assert read.days_used() == Fraction(4)


def test_truncated_replaced_and_edited_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}") for i in range(200)])  # the edit below is far before the last 4 KiB
    first = same_as_full_read(path)
    assert first.days_used() == 50

    lines = path.read_bytes().splitlines(keepends=True)
    with path.open("r+b") as handle:  # truncated: cut back by ten lines (and the commit)
        handle.truncate(sum(map(len, lines[:190])))
    assert same_as_full_read(path).entries() == []  # the batch lost its commit: nothing counts
    assert same_as_full_read(path).problems

    path.write_bytes(b"".join(lines))  # the whole file back, same inode
    same_as_full_read(path)
    info = path.stat()
    middle = lines[20].replace(b'"days": "0.25"', b'"days": "0.50"')
    assert len(middle) == len(lines[20])
    path.write_bytes(b"".join([*lines[:20], middle, *lines[21:]]))  # same size, one line edited
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the modification time put back
    assert same_as_full_read(path).days_used() == Fraction(201, 4)

    other = tmp_path / "other.jsonl"
    append(other, [entry("replaced", days="2")])
    os.replace(other, path)  # a new file under the old name (git checkout, a sync tool)
    assert same_as_full_read(path).days_used() == 2

    append(path, [entry("x")])
    same_as_full_read(path)
    edited = path.read_bytes().replace(b'"days": "2"', b'"days": "3"')
    path.write_bytes(edited + json.dumps(entry("y")).encode() + b"\n")  # an edit and an append at once
    assert same_as_full_read(path).days_used() == Fraction(7, 2)


def test_damaged_lines_are_reported_on_every_read(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    append(path, [entry("a")])
    with path.open("ab") as handle:
        handle.write(b'{"kind": "entry", "oops"\n')
    append(path, [entry("b")])
    for _ in range(3):
        read = same_as_full_read(path)
        assert [p.line for p in read.problems] == [2]
    with path.open("ab") as handle:
        handle.write(b"half a line")  # torn at the end: not cached, read again each time
    assert len(same_as_full_read(path).problems) == 2
    append(path, [entry("c")])  # the next write seals it
    assert [p.line for p in same_as_full_read(path).problems] == [2]


def test_voids_duplicates_and_late_targets_read_again_in_full(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    old = entry("old")
    append(path, [old, entry("other")])
    same_as_full_read(path)
    append(path, [new_record("void", target=old["id"], reason="wrong")])  # a void of an earlier entry
    assert [e.note for e in same_as_full_read(path).entries()] == ["other"]
    with path.open("ab") as handle:  # the same id again, as a bad merge leaves it
        handle.write(json.dumps({**entry("again"), "id": old["id"]}).encode() + b"\n")
    assert "duplicate id" in same_as_full_read(path).problems[-1].reason
    waiting = new_record("void", target="feedfacecafe", reason="merged first")
    append(path, [waiting])
    same_as_full_read(path)
    append(path, [{**entry("late"), "id": "feedfacecafe"}])  # its target arrives: the void now counts
    read = same_as_full_read(path)
    assert "feedfacecafe" in read.voids and "late" not in [e.note for e in read.entries()]


def test_the_cache_is_keyed_on_hours_per_day_and_a_broken_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    append(path, [new_record("entry", date="2021-11-16", phase="prep", hours="4", consultant="", note="")])
    assert Ledger.read(path, Fraction(8)).days_used() == Fraction(1, 2)
    assert Ledger.read(path, Fraction(4)).days_used() == 1
    cache = Path(os.environ["ENGAGE_CACHE_DIR"]) / "ledgers"
    for index in cache.glob("*/index"):
        index.write_bytes(b"\x00garbage")
    for segment in cache.glob("*/seg-*"):
        segment.unlink()
    assert same_as_full_read(path).days_used() == Fraction(1, 2)


OPERATIONS = st.lists(
    st.sampled_from(["entry", "batch", "void", "damage", "torn", "truncate", "edit", "replace", "read"]),
    min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS, seed=st.integers(0, 10_000))
def test_any_sequence_of_changes_reads_as_a_full_read(
    tmp_path: Path, operations: list[str], seed: int
) -> None:
    import random

    rng = random.Random(seed)
    path = tmp_path / f"l{seed}-{len(operations)}.jsonl"
    path.unlink(missing_ok=True)
    append(path, [entry(f"start {i}", days="0.25") for i in range(60)])  # edits land before the last 4 KiB
    for op in operations:
        ids = [e.id for e in Ledger.parse(path, path.read_bytes(), HOURS).entries()] if path.exists() else []
        day = f"2021-11-{rng.randint(14, 19)}"
        if op == "entry":
            append(path, [entry(f"e{rng.random()}", day=day, days=rng.choice(["0.25", "1", "0.5"]))])
        elif op == "batch":
            append(path, [entry(f"b{i}", day=day) for i in range(rng.randint(2, 4))])
        elif op == "void" and ids:
            append(path, [new_record("void", target=rng.choice(ids), reason="")])
        elif op in ("damage", "torn"):
            with path.open("ab") as handle:
                handle.write(b'{"kind": "nope"}\n' if op == "damage" else b'{"kind": "ent')
        elif op == "truncate" and path.exists() and path.stat().st_size:
            with path.open("r+b") as handle:
                handle.truncate(rng.randint(0, path.stat().st_size))
        elif op == "edit" and path.exists():
            data, info = path.read_bytes(), path.stat()
            path.write_bytes(data.replace(b'"0.25"', b'"0.75"', 1))  # same size, the first one found
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        elif op == "replace" and path.exists():
            data = path.read_bytes()
            temporary = path.with_suffix(".new")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        if path.exists():
            same_as_full_read(path)


def test_a_segment_removed_under_a_reader_is_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}", day=f"2021-11-{10 + i % 20}") for i in range(100)])
    Ledger.read(path, HOURS)
    read = Ledger.read(path, HOURS)  # from the cache, entries not yet loaded
    for segment in Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/seg-*"):
        segment.unlink()  # as a merge by another engage, ten minutes on, would
    full = Ledger.parse(path, path.read_bytes(), HOURS)
    assert read.entries() == full.entries()
    assert read.entries(start=ledger_day(12), end=ledger_day(13)) == full.entries(
        start=ledger_day(12), end=ledger_day(13)
    )


def test_an_unwritable_cache_folder_costs_time_not_results(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = ijm.path.with_name("not-a-folder")
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(blocker / "cache"))
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "kept").exit_code == 0
    status = ijm.run("status", "--week", "2021-W46")
    assert status.exit_code == 0 and "kept" in status.stdout
    same_as_full_read(ijm.ledger)


def test_an_edit_between_two_commands_is_seen_by_the_second(ijm: Seed, tmp_path: Path) -> None:
    sheet = tmp_path / "t.csv"
    rows = [f"2021-11-{16 + n % 5},prep,1,Test Consultant,note {n:03d}" for n in range(80)]
    sheet.write_text("date,phase,hours,consultant,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert ijm.run("import", str(sheet)).exit_code == 0
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "last").exit_code == 0
    data, info = ijm.ledger.read_bytes(), ijm.ledger.stat()
    edited = data.replace(b"note 003", b"NOTE 003", 1)  # an early line: far before the last 4 KiB
    assert len(edited) == len(data) and data.index(b"note 003") < len(data) - 4096
    ijm.ledger.write_bytes(edited)
    os.utime(ijm.ledger, ns=(info.st_atime_ns, info.st_mtime_ns))
    notes = [e["note"] for e in json.loads(ijm.run("entries", "--format", "json").stdout)]
    assert "NOTE 003" in notes and "note 003" not in notes


def test_many_small_writes_are_folded_into_their_weeks(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(
        "".join(json.dumps(entry(f"w{i}", day=f"2021-11-{1 + i % 28:02d}")) + "\n" for i in range(300))
    )
    same_as_full_read(path)  # the cache is made a week a segment
    for i in range(40):  # more single writes than MAX_SEGMENTS, on a few days
        append(path, [entry(f"log {i}", day=f"2021-11-{16 + i % 3}")])
        if i % 7 == 0:
            same_as_full_read(path)
    read = same_as_full_read(path)
    assert len(read.entries()) == 340
    import marshal

    from engage.ledger.cache.store import MAX_SEGMENTS

    index = marshal.loads(next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/index")).read_bytes())
    assert len(index["segments"]) <= 5 + MAX_SEGMENTS  # a segment a week, and the writes since the last fold


def test_a_cache_tampered_into_another_shape_is_not_believed(tmp_path: Path) -> None:
    import marshal

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}") for i in range(30)])
    Ledger.read(path, HOURS)
    index = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/index"))
    data = marshal.loads(index.read_bytes())
    for field, value in [
        ("offset", "12"),
        ("totals", {"x": 1}),
        ("segments", [("seg-x", "a", 1, 2, 0)]),
        ("id_files", [("ids-x", "a", 0)]),
        ("id_files", [("ids-gone", 12, 0)]),
    ]:
        index.write_bytes(marshal.dumps({**data, field: value}))
        assert same_as_full_read(path).days_used() == Fraction(30, 4)


def test_week_segments_stay_folded_as_single_writes_follow(tmp_path: Path) -> None:
    """Each write keeps the count of week segments: only the writes since are folded, not every week."""
    import marshal

    path = tmp_path / "l.jsonl"
    path.write_text(
        "".join(json.dumps(entry(f"w{i}", day=f"2021-11-{1 + i % 28:02d}")) + "\n" for i in range(300))
    )
    Ledger.read(path, HOURS)
    index = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/index"))
    weeks = marshal.loads(index.read_bytes())["merged"]
    for i in range(5):
        append(path, [entry(f"log {i}", day="2021-11-16")])
        Ledger.read(path, HOURS)
        assert marshal.loads(index.read_bytes())["merged"] == weeks  # the weeks stay folded


def test_without_pread_the_cache_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.pread: the cache seeks and reads instead, with the same results."""
    monkeypatch.delattr(os, "pread")
    path = tmp_path / "l.jsonl"
    path.write_text("".join(json.dumps(entry(f"n{i}")) + "\n" for i in range(200)))
    same_as_full_read(path)
    append(path, [entry("more")])
    with path.open("ab") as handle:
        handle.write(json.dumps(entry("by hand")).encode() + b"\n")
    assert same_as_full_read(path).days_used() == Fraction(202, 4)


def test_a_fault_while_caching_what_was_written_does_not_fail_the_write(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry is safe once written: a bug in bringing the cache up to date must not make log fail."""
    from engage.ledger import reader as ledger_read

    def broken(*args: object) -> object:
        raise AssertionError("a reader bug")

    monkeypatch.setattr(ledger_cached, "read_written", broken)
    done = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "kept")
    assert done.exit_code == 0 and "Logged" in done.stdout
    assert [e.note for e in ledger_read.read_lines(ijm.ledger, ijm.ledger.read_bytes(), HOURS).records] == [
        "kept"
    ]
    assert same_as_full_read(ijm.ledger).entries()[0].note == "kept"


def test_a_cache_segment_changed_on_disk_is_not_believed(tmp_path: Path) -> None:
    """A segment changed on disk that still unmarshals (found by trial 16)."""
    import marshal

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"note {i}", day=f"2021-11-{10 + i % 20}") for i in range(200)])
    Ledger.read(path, HOURS)
    folder = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*"))
    segment = sorted(folder.glob("seg-*"))[0]
    data = bytearray(segment.read_bytes())
    at = data.find(b"note ")
    data[at : at + 4] = b"NOTE"
    marshal.loads(bytes(data[:-4]))  # still well-formed
    segment.write_bytes(data)
    full = Ledger.parse(path, path.read_bytes(), HOURS)
    assert facts(Ledger.read(path, HOURS)) == facts(full)  # the segment's entries come from the file


def test_a_cache_index_changed_on_disk_is_not_believed(tmp_path: Path) -> None:
    """Totals in the index that still unmarshal, but are not what its checksum says (trial 16)."""
    import marshal

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"note {i}", day=f"2021-11-{10 + i % 20}") for i in range(200)])
    Ledger.read(path, HOURS)
    full = Ledger.parse(path, path.read_bytes(), HOURS)
    index = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/index"))
    data = index.read_bytes()
    kept = marshal.loads(data[:-4])
    kept["totals"] = {key: (days * 2, scale) for key, (days, scale) in kept["totals"].items()}
    index.write_bytes(marshal.dumps(kept) + data[-4:])  # well-formed, but not what its checksum says
    assert facts(Ledger.read(path, HOURS)) == facts(full)


def test_an_id_holding_an_escaped_lone_surrogate_reads_through_the_cache(ijm: Seed) -> None:
    r"""A valid JSON line whose id is "\ud800" (a hand edit, another tool's merge) (found by trial 16)."""
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17")
    with ijm.ledger.open("a", encoding="utf-8") as stream:
        stream.write(
            '{"id": "\\ud800", "kind": "entry", "recorded_at": "2021-11-16T09:00:00Z", "date": "2021-11-17", '
            '"phase": "prep", "days": "1", "consultant": "Test Consultant", "note": "x", '
            '"engagement": "ijm-kenya-pap-2021"}\n'
        )
    for args in (["entries", "--format", "json"], ["status"], ["log", "1", "-p", "prep", "-d", "2021-11-18"]):
        result = ijm.run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    full = Ledger.parse(ijm.ledger, ijm.ledger.read_bytes(), HOURS)
    assert facts(Ledger.read(ijm.ledger, HOURS)) == facts(full)
    assert full.days_used() == 3


def test_the_racy_rule_weighs_when_the_stat_was_taken_not_when_the_cache_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that takes long (a big ledger, a slow disk) must not make the stat it took before
    look settled: an edit in the same tick as the last change would then go unseen (trial 16)."""
    import time
    import types

    from engage.ledger.cache import store as ledger_cache
    from engage.ledger.cache.folders import place
    from engage.ledger.cache.store import load, settled
    from engage.ledger.kinds import CORE_KINDS

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"note {i}") for i in range(50)])
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    now = [changed + 10**8]  # a tenth of a second after the last change: the stat is racy
    fake = types.SimpleNamespace(time_ns=lambda: now[0], time=time.time)
    monkeypatch.setattr(ledger_cached, "time", fake)
    monkeypatch.setattr(ledger_cache, "time", fake)
    parse = ledger_cached.read_lines

    def slow_parse(*args: object, **kwargs: object) -> object:
        now[0] += 10 * 10**9  # the parse takes 10 s
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger_cached, "read_lines", slow_parse)
    Ledger.read(path, HOURS)
    snapshot = load(*place(path, HOURS, CORE_KINDS.fingerprint))
    assert snapshot is not None
    assert not settled(path.stat(), snapshot.saved_ns)  # the next command checks the bytes


@pytest.fixture
def byte_checks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Who checked covered prefixes byte by byte (a reader, or the writer after its write), and their
    sizes (the real check still runs)."""
    from engage.ledger.cache import store as ledger_cache

    checks: list[tuple[str, int]] = []
    for module, who in ((ledger_cache, "reader"), (ledger_cached, "writer")):

        def spy(fd: int, size: int, *args: object, real: Any = module.matches, who: str = who) -> bool:
            checks.append((who, size))
            return real(fd, size, *args)  # type: ignore[no-any-return]

        monkeypatch.setattr(module, "matches", spy)
    return checks


def test_after_engage_writes_the_next_command_checks_no_bytes(
    ijm: Seed, byte_checks: list[tuple[str, int]]
) -> None:
    """The writer sets the ledger's modification time 1 ns back, under the clock, takes the stat and
    checks the bytes: that stat can then be trusted, and no command after it checks them again."""
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    info = ijm.ledger.stat()
    assert info.st_mtime_ns < info.st_ctime_ns  # backdated after the write
    byte_checks.clear()
    assert ijm.run("log", "0.5", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    assert byte_checks == [("writer", info.st_size)]  # what it covered before its own line
    byte_checks.clear()
    assert ijm.run("status", "--week", "2021-W46").exit_code == 0
    assert ijm.run("entries").exit_code == 0
    assert byte_checks == []
    same_as_full_read(ijm.ledger)


def test_an_edit_right_after_engage_writes_is_seen(ijm: Seed) -> None:
    """Within the same clock tick as the write: the edit's modification time is newer than the
    backdated one, whatever the tick."""
    sheet = ijm.path.with_name("t.csv")
    rows = [f"2021-11-{16 + n % 5},prep,1,Test Consultant,note {n:03d}" for n in range(80)]
    sheet.write_text("date,phase,hours,consultant,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert ijm.run("import", str(sheet)).exit_code == 0
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "last").exit_code == 0
    with ijm.ledger.open("r+b") as handle:  # in place, same size, far before the last 4 KiB
        data = handle.read()
        handle.seek(data.index(b"note 003"))
        handle.write(b"NOTE 003")
    notes = [e["note"] for e in json.loads(ijm.run("entries", "--format", "json").stdout)]
    assert "NOTE 003" in notes and "note 003" not in notes


def test_where_times_cannot_be_set_the_next_command_checks_the_bytes(
    ijm: Seed, byte_checks: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared ledger owned by someone else: setting its times is refused, so the stat the writer
    took is racy, and the next command checks the covered bytes (and sees an edit made meanwhile)."""

    import marshal

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    sheet = ijm.path.with_name("t.csv")
    rows = [f"2021-11-{16 + n % 5},prep,1,Test Consultant,note {n:03d}" for n in range(80)]
    sheet.write_text("date,phase,hours,consultant,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert ijm.run("import", str(sheet)).exit_code == 0
    utime = os.utime
    monkeypatch.setattr(os, "utime", refused)
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "last").exit_code == 0
    info = ijm.ledger.stat()
    assert info.st_mtime_ns == info.st_ctime_ns  # not backdated, and the cache does not say it was:
    index = marshal.loads(
        next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*/index")).read_bytes()[:-4]
    )
    assert index["stat"][2:4] == (info.st_size, info.st_mtime_ns) and index["backdated"] is False
    data = ijm.ledger.read_bytes()
    ijm.ledger.write_bytes(data.replace(b"note 003", b"NOTE 003"))  # far before the last 4 KiB
    utime(ijm.ledger, ns=(info.st_atime_ns, info.st_mtime_ns))  # the time put back, as a sync tool does
    byte_checks.clear()
    notes = [e["note"] for e in json.loads(ijm.run("entries", "--format", "json").stdout)]
    assert "NOTE 003" in notes and "note 003" not in notes
    assert byte_checks == [("reader", len(data))]  # the stat was not trusted


def test_idle_caches_and_a_ledgers_caches_from_other_versions_are_removed(tmp_path: Path) -> None:
    """Each is 13 MB beside 100,000 records: an upgrade of engage must not leave one behind for good."""
    import time

    from engage.ledger.cache.folders import place
    from engage.ledger.kinds import CORE_KINDS

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}") for i in range(20)])
    Ledger.read(path, HOURS)
    folder, _ = place(path, HOURS, CORE_KINDS.fingerprint)
    same_ledger = folder.name.split("-")[0]

    def cache(name: str, idle_days: float) -> Path:
        other = folder.parent / name
        other.mkdir()
        (other / "index").write_bytes(b"made by another engage")
        then = time.time() - idle_days * 86400
        os.utime(other, (then, then))
        return other

    old_version = cache(f"{same_ledger}-{'0' * 16}", 2)
    new_version = cache(f"{same_ledger}-{'1' * 16}", 0.5)  # another engage may be using it today
    idle = cache(f"{'2' * 16}-{'3' * 16}", 31)
    used = cache(f"{'4' * 16}-{'5' * 16}", 29)
    same_as_full_read(path)  # the cache is trusted: nothing made anew, nothing tidied
    assert old_version.exists() and idle.exists()
    (folder / "index").unlink()
    same_as_full_read(path)  # made anew, and the others tidied
    assert not old_version.exists() and not idle.exists()
    assert new_version.exists() and used.exists() and (folder / "index").exists()
    idle_too = cache(f"{'6' * 16}-{'7' * 16}", 31)
    (folder / "index").unlink()
    same_as_full_read(path)  # made anew within the hour: not tidied again (a portfolio makes hundreds)
    assert idle_too.exists()
    marker = folder.parent / ".tidied"
    an_hour_ago = time.time() - 3601
    os.utime(marker, (an_hour_ago, an_hour_ago))
    (folder / "index").unlink()
    same_as_full_read(path)
    assert not idle_too.exists()
    assert time.time() - marker.stat().st_mtime < 60


def test_ids_are_kept_apart_from_the_index_and_a_write_adds_only_its_own(tmp_path: Path) -> None:
    """Beside 100,000 records the ids are 1.3 MB: a write must not write them all again."""
    import marshal

    from engage.ledger.cache.store import MAX_SEGMENTS

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}") for i in range(300)])
    Ledger.read(path, HOURS)
    folder = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*"))

    def id_files() -> dict[str, int]:
        index = marshal.loads((folder / "index").read_bytes()[:-4])
        assert "ids" not in index
        return {name: (folder / name).stat().st_mtime_ns for name, _, _ in index["id_files"]}

    before = id_files()
    append(path, [entry("one more")])
    after = id_files()
    assert before.items() <= after.items() and len(after) == len(before) + 1  # the old ones untouched
    (added,) = set(after) - set(before)
    assert (folder / added).stat().st_size == len("0123456789ab\n") + 4  # one id, and its checksum
    for i in range(2 * MAX_SEGMENTS):
        append(path, [entry(f"more {i}")])
    assert len(id_files()) <= MAX_SEGMENTS  # merged into one now and then
    same_as_full_read(path)


@pytest.mark.parametrize("change", ["flip", "remove"])
def test_an_ids_file_changed_or_gone_is_not_believed(tmp_path: Path, change: str) -> None:
    """The ids find duplicates: one lost from the cache would let a copied line count twice."""
    import marshal

    path = tmp_path / "l.jsonl"
    append(path, [entry(f"n{i}") for i in range(50)])
    Ledger.read(path, HOURS)
    folder = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("ledgers/*"))
    (name, _, _), *_ = marshal.loads((folder / "index").read_bytes()[:-4])["id_files"]
    first = Ledger.parse(path, path.read_bytes(), HOURS).entries()[0]
    if change == "flip":
        data = bytearray((folder / name).read_bytes())
        at = data.index(first.id.encode())
        data[at] ^= 1  # the first entry's id, no longer what the checksum says
        (folder / name).write_bytes(data)
    else:
        (folder / name).unlink()
    line = path.read_bytes().splitlines(keepends=True)[0]
    with path.open("ab") as handle:
        handle.write(line)  # the first line again, as a bad merge leaves it: a duplicate
    read = same_as_full_read(path)
    assert len(read.entries()) == 50 and read.problems
