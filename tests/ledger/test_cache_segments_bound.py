"""Attacks on the ledger cache's segment files: each is bound to its ledger, its place and the index.

A segment holds a week's entries; the index names it with its dates, count and seal. A segment
swapped with another, copied from another ledger's cache, cut short or with a bit flipped was
believed when its own checksum held (two swapped: ``entries --week`` listed 0 of 382 entries, and
stayed so). Now each is answered with the figures a full read gives, and the cache is made anew.
"""

from __future__ import annotations

import datetime as dt
import json
import marshal
import os
import shutil
import zlib
from pathlib import Path

import pytest

from engage.ledger.cache.folders import _digest
from helpers import Seed, copy_seed

WEEKS = {"2021-W44": 135, "2021-W45": 133, "2021-W46": 114}  # 382 entries, a quarter hour each


def filled(folder: Path) -> Seed:
    """The IJM seed with 382 entries over three weeks, its ledger cache made anew: a segment a week."""
    folder.mkdir(exist_ok=True)
    seed = copy_seed("ijm", folder)
    rows = ["date,phase,hours,consultant,note"]
    rows += [
        f"{dt.date(2021, 11, 1) + dt.timedelta(days=n % 20)},prep,0.25,Test Consultant,row {n}"
        for n in range(382)
    ]
    (folder / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    imported = seed.run("import", str(folder / "t.csv"))
    assert "Imported 382 entries, 11.94 days" in imported.stdout, imported.stderr
    shutil.rmtree(cache_folder(seed))
    assert listed(seed) == 382  # a full read: the cache made anew, a segment a week
    return seed


def cache_folder(seed: Seed) -> Path:
    """The ledger's cache folder (its name starts with a digest of the ledger's path)."""
    (index,) = Path(os.environ["ENGAGE_CACHE_DIR"]).glob(
        f"ledgers/{_digest(str(seed.ledger.absolute()))}-*/index"
    )
    return index.parent


def segments(seed: Seed) -> list[Path]:
    """The segment files, in the order the index names them (by week)."""
    folder = cache_folder(seed)
    named = marshal.loads((folder / "index").read_bytes()[:-4])["segments"]
    return [folder / segment[0] for segment in named]


def listed(seed: Seed, *args: str) -> int:
    result = seed.run("entries", "--format", "csv", *args)
    assert result.exit_code == 0, result.stderr
    return len(result.stdout.splitlines()) - 1  # the header


def weeks(seed: Seed) -> dict[str, int]:
    return {week: listed(seed, "--week", week) for week in WEEKS}


def test_two_segment_files_swapped_are_found_out_and_rebuilt(tmp_path: Path) -> None:
    seed = filled(tmp_path)
    first, second = segments(seed)[:2]
    held = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(held)
    assert weeks(seed) == WEEKS  # was {W44: 0, W45: 0, W46: 114}, and stayed so
    assert len(segments(seed)) == 3 and weeks(seed) == WEEKS  # the cache made anew, and right


def test_a_segment_copied_from_another_ledgers_cache_is_not_believed(tmp_path: Path) -> None:
    seed = filled(tmp_path / "one")
    other = filled(tmp_path / "two")  # the same weeks, the same count: only the ledger differs
    other.run("log", "1", "-p", "prep", "-d", "2021-11-02", "-n", "only in two")
    shutil.rmtree(cache_folder(other))
    assert listed(other) == 383
    ours, theirs = segments(seed)[0], segments(other)[0]
    ours.write_bytes(theirs.read_bytes())
    assert weeks(seed) == WEEKS
    notes = seed.run("entries", "--week", "2021-W44", "--format", "csv").stdout
    assert "only in two" not in notes and notes.count("row ") == 135


@pytest.mark.parametrize("damage", ["cut short", "a bit flipped", "emptied", "an older copy of the index"])
def test_a_damaged_segment_or_stale_index_gives_the_full_reads_figures(tmp_path: Path, damage: str) -> None:
    seed = filled(tmp_path)
    target = segments(seed)[1]
    data = bytearray(target.read_bytes())
    if damage == "cut short":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "a bit flipped":
        data[len(data) // 3] ^= 0x10
        target.write_bytes(data)
    elif damage == "emptied":
        target.write_bytes(b"")
    else:  # the index as it was, beside segments written since: a log then a fold
        index = cache_folder(seed) / "index"
        old = index.read_bytes()
        for n in range(20):
            seed.run("log", "0.25", "-p", "prep", "-d", "2021-11-09", "-n", f"more {n}")
        index.write_bytes(old)
        assert weeks(seed) == {**WEEKS, "2021-W45": 153}
        assert listed(seed) == 402
        return
    assert weeks(seed) == WEEKS
    assert listed(seed) == 382
    assert weeks(seed) == WEEKS  # and again, from the cache made anew


def forge_totals(seed: Seed) -> None:
    """Every day's total in the cache's index made ten times what it is, sealed as engage seals it."""
    index = cache_folder(seed) / "index"
    data = marshal.loads(index.read_bytes()[:-4])
    data["totals"] = {key: (units * 10, count) for key, (units, count) in data["totals"].items()}
    payload = marshal.dumps(data)
    index.write_bytes(payload + zlib.crc32(payload).to_bytes(4, "little"))


@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_a_ledger_cache_in_a_folder_others_can_write_is_not_believed(
    tmp_path: Path, mode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    gid = os.getgid()
    monkeypatch.setattr(os, "getgid", lambda: gid + 4242)  # the folder's group is shared, not the user's own
    seed = filled(tmp_path)
    forge_totals(seed)
    Path(os.environ["ENGAGE_CACHE_DIR"]).chmod(mode)
    shown = seed.run("show")
    assert "State:       over: 11.94 of 7 days used (171%)" in shown.stdout  # not 119.4
    assert shown.stderr.count("caches not used") == 1
    assert weeks(seed) == WEEKS


def test_an_ids_file_copied_from_another_ledgers_cache_lets_no_duplicate_count(tmp_path: Path) -> None:
    """The ids find duplicates: another ledger's, of the very same size, would let a copied line count."""
    seed, other = filled(tmp_path / "one"), filled(tmp_path / "two")
    ids = marshal.loads((cache_folder(seed) / "index").read_bytes()[:-4])["id_files"]
    theirs = marshal.loads((cache_folder(other) / "index").read_bytes()[:-4])["id_files"]
    assert [size for _, size, *_ in ids] == [size for _, size, *_ in theirs]  # 382 ids of 12 digits each
    (cache_folder(seed) / ids[0][0]).write_bytes((cache_folder(other) / theirs[0][0]).read_bytes())
    first = json.loads(next(line for line in seed.ledger.read_bytes().splitlines() if b'"entry"' in line))
    del first["batch"]  # as log writes an entry: no import batch to wait for
    with seed.ledger.open("ab") as handle:
        handle.write(json.dumps(first).encode() + b"\n")  # an entry again, as a bad merge leaves it
    assert listed(seed) == 382  # not 383
    shown = seed.run("show")
    assert "11.94 of 7 days used" in shown.stdout  # not 11.97
    assert "damaged line not counted (duplicate id" in shown.stderr
