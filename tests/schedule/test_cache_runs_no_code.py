"""The schedule cache runs no code: it keeps no pickles, and reads nothing from a folder others can write.

A pickle put into a world-writable ``ENGAGE_CACHE_DIR`` ran code on the next ``engage show``. The
marker file each attack's pickle would write must never appear, and ``show`` must print what the
schedule says.
"""

from __future__ import annotations

import marshal
import os
import pickle
import zlib
from pathlib import Path

import pytest

from engage.schedule import cache as schedule_cache
from helpers import Seed

CAP = "Cap:         20 days (phase budgets add up to 20); 8 hours a day; time zone Africa/Nairobi"
PREP = "prep     Preparation   7     2021-11-16 – 2021-11-22"


def seal(payload: bytes, key: bytes) -> int:
    """As :func:`engage.cachedir.seal` seals: the CRC-32 of the key, then of what the file holds."""
    return zlib.crc32(payload, zlib.crc32(key))


class Payload:
    """What an attacker pickles: unpickling it writes ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def kept_file(seed: Seed) -> Path:
    return schedule_cache._place(seed.path)


def shown(seed: Seed) -> str:
    result = seed.run("show")
    assert result.exit_code == 0, result.stderr
    assert CAP in result.stdout and PREP in result.stdout
    return result.stdout


def plant(seed: Seed, marker: Path, sealed_as: str) -> None:
    """A pickle in the schedule's cache file: sealed as engage once sealed (a CRC-32 of what it holds),
    or as it seals now, under the schedule's key (the identity the kept file names)."""
    file = kept_file(seed)
    payload = pickle.dumps((b"", Payload(marker)))
    if sealed_as == "crc":
        trailer = zlib.crc32(payload)
    else:
        identity = marshal.loads(file.read_bytes()[:-4])[0]
        trailer = seal(payload, identity)
    file.write_bytes(payload + trailer.to_bytes(4, "little"))


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_pickle_in_a_cache_folder_others_can_write_runs_nothing(
    ijm: Seed, tmp_path: Path, mode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    gid = os.getgid()
    monkeypatch.setattr(os, "getgid", lambda: gid + 4242)  # the folder's group is shared, not the user's own
    before = shown(ijm)  # fills the cache
    marker = tmp_path / "marker"
    plant(ijm, marker, "crc")
    cache = Path(os.environ["ENGAGE_CACHE_DIR"])
    target = cache if mode != 0o757 else cache / "schedules"  # or a folder within it
    target.chmod(mode)
    result = ijm.run("show")
    assert not marker.exists()  # 0 code executed
    assert result.exit_code == 0 and result.stdout == before
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and "caches not used" in warning[0] and str(target) in warning[0]
    assert ("every user" if mode & 0o002 else "its group") in warning[0]


def test_a_pickle_in_a_folder_above_the_cache_that_others_can_write_runs_nothing(
    ijm: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(shared / "engage"))
    before = shown(ijm)
    marker = tmp_path / "marker"
    plant(ijm, marker, "crc")
    shared.chmod(0o777)  # anyone could move engage/ aside and put their own in its place
    result = ijm.run("show")
    assert not marker.exists() and result.stdout == before
    assert f"{shared}: writable by every user" in result.stderr


@pytest.mark.parametrize("sealed_as", ["crc", "key"])
def test_a_pickle_in_the_users_own_cache_folder_runs_nothing(
    ijm: Seed, tmp_path: Path, sealed_as: str
) -> None:
    """Even where the folder is the user's own (another program of theirs, a restored backup): no pickles."""
    before = shown(ijm)
    marker = tmp_path / "marker"
    plant(ijm, marker, sealed_as)
    result = ijm.run("show")
    assert not marker.exists()  # 0 code executed
    assert result.exit_code == 0 and result.stdout == before and result.stderr == ""
    assert shown(ijm) == before  # kept again, as data


def test_a_sealed_kept_schedule_naming_another_class_is_not_decoded(ijm: Seed, tmp_path: Path) -> None:
    """Well-formed plain data that names a class outside engage's model is a fault, not an object."""
    before = shown(ijm)
    file = kept_file(ijm)
    identity, _ = marshal.loads(file.read_bytes()[:-4])
    forged = (6, "Popen", (0, "touch", str(tmp_path / "marker")))
    payload = marshal.dumps((identity, forged))
    file.write_bytes(payload + seal(payload, identity).to_bytes(4, "little"))
    assert shown(ijm) == before and not (tmp_path / "marker").exists()


def test_an_edit_to_what_is_kept_without_its_seal_is_not_believed(ijm: Seed) -> None:
    """A budget changed inside the kept file (marshal edited, old seal kept) is read from the schedule."""
    before = shown(ijm)
    file = kept_file(ijm)
    data = file.read_bytes()
    identity, kept = marshal.loads(data[:-4])
    text = marshal.dumps((identity, kept)).replace(b"Preparation", b"Hacked prep")
    file.write_bytes(text + data[-4:])
    assert shown(ijm) == before


def test_kept_schedules_are_decoded_into_what_the_reader_gives(ijm: Seed) -> None:
    from engage.plugin.manager import available_plugin_names, get_plugin_manager
    from engage.schedule.loader import load_schedule

    get_plugin_manager()
    read = load_schedule(ijm.path, available_plugin_names())
    again = schedule_cache.decode(marshal.loads(marshal.dumps(schedule_cache.encode(read))))
    assert again == read and pickle.dumps(again) == pickle.dumps(read)
    assert (again.dates, again.locations, again.settings, again.source) == (
        read.dates,
        read.locations,
        read.settings,
        read.source,
    )
