"""The ledger cache's block sums: kept up to date by appends alone, and any changed byte fails the check."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage import ledger_sums
from engage.ledger_sums import BLOCK, THREAD_FROM, extended, matches

SIZE = (THREAD_FROM + 2) * BLOCK + 12_345  # enough blocks for the check to use its second thread


@pytest.fixture
def data() -> bytes:
    return random.Random(7).randbytes(SIZE)


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(0, 3 * BLOCK + 99), max_size=6), size=st.integers(0, 3 * BLOCK + 99))
def test_sums_grown_by_appends_are_those_of_the_whole(cuts: list[int], size: int) -> None:
    whole = random.Random(size).randbytes(size)
    blocks, part, at = [], 0, 0
    for cut in sorted({min(c, size) for c in cuts} | {size}):
        blocks, part = extended(blocks, part, at, whole[at:cut])
        at = cut
    assert (blocks, part) == extended([], 0, 0, whole)
    assert len(blocks) == size // BLOCK


def _file(tmp_path: Path, data: bytes) -> int:
    path = tmp_path / "ledger"
    path.write_bytes(data)
    return os.open(path, os.O_RDWR)


@pytest.mark.parametrize("where", [0, BLOCK - 1, BLOCK * 3 + 5, SIZE - BLOCK, SIZE - 1])
def test_one_changed_byte_anywhere_fails_the_check(tmp_path: Path, data: bytes, where: int) -> None:
    blocks, part = extended([], 0, 0, data)
    fd = _file(tmp_path, data)
    try:
        assert matches(fd, SIZE, blocks, part)
        os.pwrite(fd, bytes([data[where] ^ 1]), where)  # in the first half (the second thread's) or the last
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)


def test_a_file_cut_short_fails_the_check(tmp_path: Path, data: bytes) -> None:
    blocks, part = extended([], 0, 0, data)
    fd = _file(tmp_path, data)
    try:
        os.ftruncate(fd, BLOCK + 10)
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)


def test_only_the_covered_bytes_are_checked(tmp_path: Path, data: bytes) -> None:
    blocks, part = extended([], 0, 0, data[: SIZE - 100])
    fd = _file(tmp_path, data)  # 100 bytes more: appended since
    try:
        assert matches(fd, SIZE - 100, blocks, part)
    finally:
        os.close(fd)


def test_without_pread_one_thread_checks_it_all(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no pread: lseek and read share the file's offset, so no second thread."""
    blocks, part = extended([], 0, 0, data)
    fd = _file(tmp_path, data)
    monkeypatch.delattr(ledger_sums.os, "pread")
    started: list[object] = []
    monkeypatch.setattr("threading.Thread.start", lambda self: started.append(self))
    try:
        assert matches(fd, SIZE, blocks, part)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"x")
        assert not matches(fd, SIZE, blocks, part)
    finally:
        os.close(fd)
    assert started == []
