"""The ledger cache's block sums: kept up to date by appends alone, and any changed byte fails the check."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.ledger.cache import sums as ledger_sums
from engage.ledger.cache.sums import BLOCK, CHUNK, extended, matches, sums

SIZE = 5 * BLOCK + CHUNK + 12_345  # whole blocks, and a last one of two reads


@pytest.fixture
def data() -> bytes:
    return random.Random(7).randbytes(SIZE)


def _file(tmp_path: Path, data: bytes) -> int:
    path = tmp_path / "ledger"
    path.write_bytes(data)
    return os.open(path, os.O_RDWR)


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(0, 3 * BLOCK + 99), max_size=6), size=st.integers(0, 3 * BLOCK + 99))
def test_sums_grown_by_appends_are_those_of_the_whole(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[int], size: int
) -> None:
    whole = random.Random(size).randbytes(size)
    fd = _file(tmp_path_factory.mktemp("sums"), whole)
    try:
        blocks, part, at = [], 0, 0
        for cut in sorted({min(c, size) for c in cuts} | {size}):
            grown = extended(fd, blocks, part, at, whole[at:cut])
            assert grown is not None
            (blocks, part), at = grown, cut
        assert (blocks, part) == sums(whole)
        assert len(blocks) == size // BLOCK
        assert matches(fd, size, blocks, part)
    finally:
        os.close(fd)


def test_an_append_that_fills_a_block_after_a_change_to_its_covered_bytes_is_refused(
    tmp_path: Path, data: bytes
) -> None:
    """Filling a block reads its covered bytes back, for its XXH3 sum: changed, they give no sums."""
    covered = data[: 2 * BLOCK + 500]
    blocks, part = sums(covered)
    fd = _file(tmp_path, covered)
    try:
        filler = b"x" * BLOCK
        assert extended(fd, blocks, part, len(covered), filler) == sums(covered + filler)
        os.pwrite(fd, b"x" if covered[2 * BLOCK + 7] != ord("x") else b"y", 2 * BLOCK + 7)
        assert extended(fd, blocks, part, len(covered), filler) is None
        os.ftruncate(fd, 2 * BLOCK + 100)  # cut short
        assert extended(fd, blocks, part, len(covered), filler) is None
    finally:
        os.close(fd)


def test_a_ledger_under_one_block_is_summed_without_xxhash(tmp_path: Path) -> None:
    """xxhash costs 1 ms of a log's start: a ledger under 1 MiB never loads it."""
    import subprocess
    import sys

    probe = (
        "import os, sys; from engage.ledger.cache.sums import sums, extended, matches; "
        f"data = b'x' * {BLOCK - 10}; fd = os.open({str(tmp_path / 'l')!r}, os.O_RDWR | os.O_CREAT); "
        "os.write(fd, data); blocks, part = sums(data[:100]); "
        "grown = extended(fd, blocks, part, 100, data[100:]); "
        f"assert grown and matches(fd, {BLOCK - 10}, *grown); print('xxhash' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("where", [0, BLOCK - 1, BLOCK * 3 + 5, SIZE - CHUNK - 100, SIZE - 1])
def test_one_changed_byte_anywhere_fails_the_check(tmp_path: Path, data: bytes, where: int) -> None:
    blocks, part = sums(data)
    fd = _file(tmp_path, data)
    try:
        assert matches(fd, SIZE, blocks, part)
        os.pwrite(fd, bytes([data[where] ^ 1]), where)
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)


def test_a_file_cut_short_fails_the_check(tmp_path: Path, data: bytes) -> None:
    blocks, part = sums(data)
    fd = _file(tmp_path, data)
    try:
        os.ftruncate(fd, BLOCK + 10)
        assert not matches(fd, SIZE, blocks, part)
        os.ftruncate(fd, 5 * BLOCK)  # the whole blocks are there, not the rest
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)


def test_only_the_covered_bytes_are_checked(tmp_path: Path, data: bytes) -> None:
    blocks, part = sums(data[: SIZE - 100])
    fd = _file(tmp_path, data)  # 100 bytes more: appended since
    try:
        assert matches(fd, SIZE - 100, blocks, part)
        assert matches(fd, 0, [], 0)
        assert not matches(fd, SIZE - 100, blocks[:-1], part)  # sums of another length
    finally:
        os.close(fd)


def test_without_pread_the_check_reads_the_same(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no pread nor preadv: the check seeks and reads."""
    blocks, part = sums(data)
    fd = _file(tmp_path, data)
    monkeypatch.delattr(ledger_sums.os, "pread")
    monkeypatch.delattr(ledger_sums.os, "preadv")
    try:
        assert matches(fd, SIZE, blocks, part)
        assert extended(fd, blocks, part, SIZE, b"more") is not None
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, bytes([data[0] ^ 1]))
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)
