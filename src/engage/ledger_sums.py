"""XXH3 sums of the bytes a ledger cache covers, one per block of 1 MiB, so that a check is fast.

Whoever trusts a ledger's cache after a write must check every covered byte
(see :mod:`engage.ledger_cache`): 22 MB beside 100,000 records. XXH3 (the
``xxhash`` package) hashes them in 1 ms where zlib's CRC-32 took 7; reading
them is the rest, in pieces that stay in the CPU's cache while they are
hashed. One sum per whole block, and one for the bytes after the last, are
kept as lines are appended; a block's sum cannot be carried on from a digest
as a CRC's can, so an append reads the covered part of its last block again
(at most 1 MiB) and checks it on the way. Read with ``pread``, never through a
memory map: a file cut short while it is read would kill the process with SIGBUS.
"""

from __future__ import annotations

import os

from xxhash import xxh3_64, xxh3_64_intdigest

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
    blocks = [xxh3_64_intdigest(view[at : at + BLOCK]) for at in range(0, whole, BLOCK)]
    return blocks, _part(view[whole:])


def extended(fd: int, blocks: list[int], part: int, offset: int, data: bytes) -> tuple[list[int], int] | None:
    """The sums of ``offset`` covered bytes (``blocks`` and ``part``) followed by ``data``.

    None when the covered bytes of the last block, read again from ``fd``, no
    longer have the sum ``part``: the file changed under the cache.
    """
    start = offset - offset % BLOCK
    head = read_exactly(fd, start, offset - start)
    if head is None or _part(head) != part:
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
    whole = len(blocks) * BLOCK
    spans = [(at, BLOCK, expected) for at, expected in zip(range(0, whole, BLOCK), blocks, strict=True)]
    return _check(fd, [*spans, (whole, size - whole, part)])


def _check(fd: int, spans: list[tuple[int, int, int]]) -> bool:
    """Whether each span (start, length, sum) of the file has its sum."""
    view = memoryview(bytearray(CHUNK))
    for start, length, expected in spans:
        state = xxh3_64()
        for at in range(start, start + length, CHUNK):
            want = min(CHUNK, start + length - at)
            if not _read_into(fd, view[:want], at):
                return False  # the file is shorter now
            state.update(view[:want])
        if (state.intdigest() if length else 0) != expected:
            return False
    return True


def _part(data: bytes | bytearray | memoryview) -> int:
    """The sum of the bytes after the last whole block: 0 for none."""
    return xxh3_64_intdigest(data) if len(data) else 0


def read_exactly(fd: int, offset: int, size: int) -> bytearray | None:
    """``size`` bytes from ``offset``; None when the file ends first."""
    buffer = bytearray(size)
    return buffer if _read_into(fd, memoryview(buffer), offset) else None


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
