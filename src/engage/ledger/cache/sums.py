"""Sums of the bytes a ledger cache covers, one per block of 1 MiB, so that a check of them is fast.

Whoever trusts a ledger's cache after a write must check every covered byte
(see :mod:`engage.ledger.cache.store`): 22 MB beside 100,000 records. Each whole
block has an XXH3 sum (the ``xxhash`` package), which hashes 22 MB in 1 ms
where zlib's CRC-32 took 7; reading them is the rest, in pieces that stay in
the CPU's cache while they are hashed. The bytes after the last whole block
have a CRC-32, which an append carries on from without reading anything
again; when they fill a block, that block is read back once, checked against
its CRC-32, and given its XXH3 sum. So a ledger under 1 MiB never loads
xxhash. Read with ``pread``, never through a memory map: a file cut short
while it is read would kill the process with SIGBUS.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

BLOCK = 1 << 20
CHUNK = 256 << 10  # read at a time: hashed while still in the CPU's cache


def read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes from ``offset`` (``os.pread`` where the system has it: not Windows)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def sums(data: bytes | bytearray) -> tuple[list[int], int]:
    """The sums of ``data`` from the start of a file: one per whole block, and of the bytes after them."""
    view = memoryview(data)
    whole = len(data) - len(data) % BLOCK
    digest = _xxh3().xxh3_64_intdigest if whole else None
    blocks = [digest(view[at : at + BLOCK]) for at in range(0, whole, BLOCK)] if digest else []
    return blocks, zlib.crc32(view[whole:])


def extended(fd: int, blocks: list[int], part: int, offset: int, data: bytes) -> tuple[list[int], int] | None:
    """The sums of ``offset`` covered bytes (``blocks`` and ``part``) followed by ``data``.

    None when ``data`` fills the last block and its covered bytes, read back
    from ``fd``, no longer have the CRC-32 ``part``: the file changed under the cache.
    """
    filled = offset % BLOCK
    if filled + len(data) < BLOCK:
        return blocks, zlib.crc32(data, part)
    head = read_exactly(fd, offset - filled, filled)
    if head is None or zlib.crc32(head) != part:
        return None
    grown, part = sums(head + data)
    return [*blocks, *grown], part


def matches(fd: int, size: int, blocks: list[int], part: int) -> bool:
    """Whether the first ``size`` bytes of the file open as ``fd`` have these sums.

    In one thread: a second one, checking half, took as long in ``engage log`` on this project's
    machine (a CPU shared with other work), though it halved the time on its own.
    """
    if len(blocks) != size // BLOCK:
        return False
    view = memoryview(bytearray(CHUNK))
    whole = len(blocks) * BLOCK
    for start, expected in zip(range(0, whole, BLOCK), blocks, strict=True):
        state = _xxh3().xxh3_64()  # imported once: only ledgers past 1 MiB get here
        if not _each_chunk(fd, view, start, BLOCK, state.update):
            return False
        if state.intdigest() != expected:
            return False
    crc = 0

    def add(chunk: memoryview) -> None:
        nonlocal crc
        crc = zlib.crc32(chunk, crc)

    return _each_chunk(fd, view, whole, size - whole, add) and crc == part


def read_exactly(fd: int, offset: int, size: int) -> bytearray | None:
    """``size`` bytes from ``offset``; None when the file ends first."""
    buffer = bytearray(size)
    return buffer if _read_into(fd, memoryview(buffer), offset) else None


def _xxh3() -> Any:
    """The xxhash module, imported when a ledger first passes 1 MiB (1 ms of a ``log``'s start)."""
    import xxhash

    return xxhash


def _each_chunk(fd: int, view: memoryview, start: int, length: int, take: Any) -> bool:
    """Read ``length`` bytes from ``start`` a chunk at a time, handing each to ``take``; False if the file
    ends first."""
    for at in range(start, start + length, len(view)):
        want = min(len(view), start + length - at)
        if not _read_into(fd, view[:want], at):
            return False
        take(view[:want])
    return True


def _read_into(fd: int, view: memoryview, offset: int) -> bool:
    """Fill ``view`` from ``offset``; False when the file ends first."""
    got = 0
    while got < len(view):
        if hasattr(os, "preadv"):
            n = os.preadv(fd, [view[got:]], offset + got)
        else:
            chunk = read_at(fd, len(view) - got, offset + got)
            n = len(chunk)
            view[got : got + n] = chunk
        if n <= 0:
            return False
        got += n
    return True
