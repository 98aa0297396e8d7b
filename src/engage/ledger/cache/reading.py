"""Reading a ledger through its cache: only the lines added since the last read are parsed.

See :mod:`engage.ledger.cache.store` for what is kept and when it is trusted. The
result is always the ledger a full read would give; a test compares the two
after appends by another process, truncation, replacement and edits.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import zlib
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from engage.errors import EngageError
from engage.language import _
from engage.ledger.cache.checked import Checked
from engage.ledger.cache.folders import place, tidy
from engage.ledger.cache.store import (
    TAIL,
    Snapshot,
    backdate,
    folder_trusted,
    forget,
    load,
    read_at,
    save,
    settled,
    stat_of,
)
from engage.ledger.cache.sums import extended, matches, read_exactly, sums
from engage.ledger.files import open_regular
from engage.ledger.kinds import CORE_KINDS, Kinds
from engage.ledger.reader import (
    Prior,
    Reading,
    id_lines,
    named_engagements,
    read_known,
    read_lines,
    read_written,
)
from engage.ledger.records import Entry, LedgerProblem

if TYPE_CHECKING:
    from engage.ledger.ledger import Ledger


class Cached(NamedTuple):
    """Entries a ledger left in its cache, and how to read their hours."""

    snapshot: Snapshot
    hours_per_day: Fraction
    kinds: Kinds = CORE_KINDS


def read(cls: type[Ledger], path: Path, hours_per_day: Fraction, kinds: Kinds = CORE_KINDS) -> Ledger:
    """The ledger at ``path``, read from where its cache stopped when the cache can be trusted."""
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return cls(path, [], [])
    except OSError as exc:
        raise EngageError(cannot_read(path, exc)) from None
    try:
        at, info = time.time_ns(), os.fstat(fd)  # when the stat was taken: what the racy rule weighs
        folder, key = place(path, hours_per_day, kinds.fingerprint)
        snapshot = load(folder, key)
        if snapshot is not None:
            try:
                ledger = _from_cache(cls, path, fd, (info, at), Cached(snapshot, hours_per_day, kinds))
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError):
                ledger = None  # a cache tampered with into another shape: read the file instead
            if ledger is not None:
                return ledger
        raw = _read_from(fd, 0)
    except OSError as exc:
        raise EngageError(cannot_read(path, exc)) from None
    finally:
        os.close(fd)
    reading = read_lines(path, raw, hours_per_day, None, kinds)
    ledger = cls.from_reading(path, reading, named_engagements=frozenset(named_engagements(raw)))
    if raw and reading.clean:
        snapshot = Snapshot(
            folder,
            key,
            offset=len(raw),
            lines=raw.count(b"\n"),
            tail_crc=zlib.crc32(raw[-TAIL:]),
            stat=stat_of(info),
            saved_ns=at,
            ids=b"\n" + id_lines(reading.ids),
            others=sorted(reading.texts.items()),
            pending=sorted(reading.pending),
        )
        snapshot.blocks, snapshot.part_sum = sums(raw)
        _fill(snapshot, ledger, reading)
        save(snapshot, ledger.held_entries, replace=True)
        if folder_trusted(folder):
            tidy(folder)
    return ledger


def _from_cache(
    cls: type[Ledger], path: Path, fd: int, seen: tuple[os.stat_result, int], cached: Cached
) -> Ledger | None:
    """The ledger from the cache and the lines after it; None when the cache cannot be used."""
    snapshot = cached.snapshot
    checked = snapshot.covers(fd, seen[0])
    if not checked:
        return None
    delta = _read_from(fd, snapshot.offset)
    reading = read_lines(path, delta, cached.hours_per_day, _prior(snapshot), cached.kinds)
    if reading.doubt:
        return None
    return _compose(cls, path, fd, seen, cached, delta, reading, checked)


def remember_written(
    path: Path,
    fd: int,
    before: os.stat_result,
    written: bytes,
    records: list[dict[str, Any]],
    hours_per_day: Fraction,
    cls: type[Ledger],
    kinds: Kinds,
) -> None:
    """Bring the cache up to date with what a writer just appended, from the records it wrote.

    Called under the lock, right after the write: the next command then reads
    nothing new, and an import of 100,000 rows is not parsed back line by line.
    Only what :func:`engage.ledger.reader.read_written` can read exactly is
    taken; anything else is left for the next reader to parse.
    """
    try:
        folder, key = place(path, hours_per_day, kinds.fingerprint)
        start = before.st_size
        snapshot = load(folder, key) if start else Snapshot(folder, key)
        if snapshot is None or snapshot.offset != start:
            return
        at = time.time_ns()
        stamped = backdate(fd)
        info = stamped or os.fstat(fd)
        if not start:
            snapshot.stat, snapshot.saved_ns = stat_of(info), at
        if stamped:  # its stat is trusted from now on, so every byte is checked now, after it was taken:
            # another program's edit made between the write and the backdate shows in no stat
            if not matches(fd, start, snapshot.blocks, snapshot.part_sum):
                return
            if read_exactly(fd, start, len(written)) != written:
                return
            Checked.remember(stat_of(info), start, snapshot.sums)
        elif Checked.knows(stat_of(before), start, snapshot.sums):  # checked under the lock, before the write
            Checked.remember(stat_of(info), start, snapshot.sums)
        if not snapshot.covers(fd, info):
            return
        reading = read_written(records, hours_per_day, _prior(snapshot))
        if reading is not None and info.st_size == start + len(written):
            seen, cached = (info, at), Cached(snapshot, hours_per_day, kinds)
            _compose(cls, path, fd, seen, cached, written, reading, "bytes", stamped is not None)
    except Exception:  # the record is written: a cache left behind only costs time
        return


def _prior(snapshot: Snapshot) -> Prior:
    return Prior(
        snapshot.lines,
        snapshot.ids,
        frozenset(snapshot.sealed_batches),
        frozenset(snapshot.sealed_torn),
        frozenset(snapshot.pending),
    )


def _compose(
    cls: type[Ledger],
    path: Path,
    fd: int,
    seen: tuple[os.stat_result, int],
    cached: Cached,
    delta: bytes,
    reading: Reading,
    checked: str,
    backdated: bool = False,
) -> Ledger | None:
    """The ledger from the cache and what the lines after it hold; the cache grown to cover them.

    ``seen``: the file's stat and when it was taken (before: what a later change is weighed against);
    ``backdated``: taken after this process wrote the lines and backdated the file (see ``backdate``).
    """
    info, at = seen
    snapshot = cached.snapshot
    try:
        earlier = read_known(snapshot.others, cached.hours_per_day, cached.kinds)
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return None
    kept = [p for p in snapshot.problems if p[3] not in reading.sealed_torn]
    ledger = cls.from_reading(
        path,
        reading,
        earlier=earlier,
        problems=sorted(
            [LedgerProblem(path, line, text, why) for line, text, why, _digest in kept] + reading.problems,
            key=lambda p: p.line,
        ),
        engagements=frozenset(snapshot.engagements),
        named_engagements=frozenset(snapshot.raw_engagements) | named_engagements(delta),
        cached=cached,
    )
    if delta and reading.clean:
        summed = extended(fd, snapshot.blocks, snapshot.part_sum, snapshot.offset, delta)
        if summed is None:  # the covered bytes of the last block changed under the cache
            return None
        grown = _grown(snapshot, fd, seen, delta, reading, kept, backdated)
        grown.blocks, grown.part_sum = summed
        _fill(grown, ledger, reading)
        save(grown, ledger.held_entries, replace=False)
        Checked.remember(stat_of(info), grown.offset, grown.sums)  # checked, and the rest just read
    elif checked == "bytes" and not delta and settled(info, at):
        snapshot.stat, snapshot.saved_ns = stat_of(info), at  # checked, and long unchanged: trust its stat
        snapshot.backdated = False
        save(snapshot, [], replace=False)
    return ledger


def _grown(
    snapshot: Snapshot,
    fd: int,
    seen: tuple[os.stat_result, int],
    delta: bytes,
    reading: Reading,
    kept: list[tuple[int, str, str, str]],
    backdated: bool,
) -> Snapshot:
    """The cache as it stands once it covers ``delta`` too: ``kept``, the problems it still holds."""
    info, at = seen
    return Snapshot(
        snapshot.folder,
        snapshot.key,
        offset=snapshot.offset + len(delta),
        lines=snapshot.lines + delta.count(b"\n"),
        tail_crc=zlib.crc32(_tail(fd, snapshot.offset + len(delta), delta)),
        stat=stat_of(info),
        saved_ns=at,
        backdated=backdated,
        ids=snapshot.ids + id_lines(reading.ids),
        others=[*snapshot.others, *sorted(reading.texts.items())],
        problems=kept,
        pending=sorted(set(snapshot.pending) | reading.pending),
        segments=list(snapshot.segments),  # its own list: the ledger keeps reading the old one
        id_files=list(snapshot.id_files),
        merged=snapshot.merged,
    )


def _fill(snapshot: Snapshot, ledger: Ledger, reading: Reading) -> None:
    """What the cache keeps besides the entries: problems found now, seals, engagements, totals."""
    snapshot.problems = [
        *snapshot.problems,
        *((p.line, p.content, p.reason, reading.digests.get(p.line, "")) for p in reading.problems),
    ]
    snapshot.engagements = sorted(ledger.engagements)
    snapshot.raw_engagements = sorted(ledger.named_engagements)
    snapshot.sealed_batches = sorted(reading.sealed_batches)
    snapshot.sealed_torn = sorted(reading.sealed_torn)
    snapshot.scale, snapshot.totals = ledger.fine_totals


def _tail(fd: int, end: int, delta: bytes) -> bytes:
    if len(delta) >= TAIL:
        return delta[-TAIL:]
    start = max(0, end - TAIL)
    return read_at(fd, end - start, start)


def _read_from(fd: int, offset: int) -> bytes:
    chunks = []
    while chunk := read_at(fd, 1 << 22, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def cached_entries(path: Path, cached: Cached, start: dt.date | None, end: dt.date | None) -> list[Entry]:
    """The cache's entries dated from ``start`` to ``end``, voided ones too; from the file if need be.

    A segment may be gone (another engage tidied the cache) or damaged; the
    file holds the same entries in its first ``snapshot.offset`` bytes, which
    were checked when the ledger was read.
    """
    snapshot, hours_per_day = cached.snapshot, cached.hours_per_day
    try:
        return snapshot.entries(
            hours_per_day, start.toordinal() if start else None, end.toordinal() if end else None
        )
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        forget(snapshot.folder)  # a segment gone, damaged or not the one named: the next read heals it
        try:
            raw = path.read_bytes()[: snapshot.offset]
        except OSError as exc:
            raise EngageError(cannot_read(path, exc)) from None
        return [
            r
            for r in read_lines(path, raw, hours_per_day, None, cached.kinds).records
            if isinstance(r, Entry) and not (start and r.date < start) and not (end and r.date > end)
        ]


def cannot_read(path: Path, exc: OSError) -> str:
    """``FILE: cannot read ledger: why``."""
    return _("{path}: cannot read ledger: {reason}").format(path=path, reason=exc.strerror or exc)
