"""CRC-32 sums of the bytes a ledger cache covers, one per block, so that two threads can check them.

A command run soon after a write must check every covered byte (the racy-clean
rule in :mod:`engage.ledger_cache`): 22 MB beside 100,000 records. One sum
per block of 1 MiB, and one for the bytes after the last whole block, are
kept up to date as lines are appended, without reading anything again; a
check reads the blocks in two halves, one in a second thread (``zlib.crc32``
and ``os.pread`` let other threads run), which halves its time where a second
CPU is free. Read in chunks, never through a memory map: a file cut short
while it is read would kill the process with SIGBUS.
"""

from __future__ import annotations

import os
import zlib

BLOCK = 1 << 20
THREAD_FROM = 4  # blocks: below this, a second thread costs more than it saves


def read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes from ``offset`` (``os.pread`` where the system has it: not Windows)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def extended(blocks: list[int], part: int, offset: int, data: bytes) -> tuple[list[int], int]:
    """The sums of ``offset`` covered bytes (``blocks`` and ``part``) followed by ``data``."""
    blocks = list(blocks)
    view = memoryview(data)
    at, filled = 0, offset % BLOCK
    while at < len(data):
        take = min(BLOCK - filled, len(data) - at)
        part = zlib.crc32(view[at : at + take], part)
        at, filled = at + take, filled + take
        if filled == BLOCK:
            blocks.append(part)
            part, filled = 0, 0
    return blocks, part


def matches(fd: int, size: int, blocks: list[int], part: int) -> bool:
    """Whether the first ``size`` bytes of the file open as ``fd`` have these sums."""
    whole = len(blocks) * BLOCK
    spans = [(i * BLOCK, BLOCK, crc) for i, crc in enumerate(blocks)] + [(whole, size - whole, part)]
    if len(spans) <= THREAD_FROM or not hasattr(os, "pread"):  # lseek and read: one thread only
        return _check(fd, spans)
    import threading

    half = len(spans) // 2
    found = [False]
    other = threading.Thread(target=lambda: found.__setitem__(0, _check(fd, spans[:half])), daemon=True)
    other.start()
    mine = _check(fd, spans[half:])
    other.join()
    return mine and found[0]


def _check(fd: int, spans: list[tuple[int, int, int]]) -> bool:
    """Whether each span of the file has its CRC; read into one buffer, not a new one each block.

    A fresh buffer for every MiB costs a page fault every 4 KiB: about as much as the CRC.
    """
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    for start, length, crc in spans:
        got = 0
        while got < length:
            if hasattr(os, "preadv"):
                n = os.preadv(fd, [view[got:length]], start + got)
            else:
                chunk = read_at(fd, length - got, start + got)
                n = len(chunk)
                view[got : got + n] = chunk
            if n <= 0:
                return False  # the file is shorter now
            got += n
        if zlib.crc32(view[:length]) != crc:
            return False
    return True
