"""The ledger cache: what the lines of a ledger held, so that a command reads only the lines added since.

Each ledger's cache has a folder of its own (:mod:`engage.ledger.cache.folders`).

A ledger is append-only, so a read that starts where the last one stopped
sees everything, as long as the lines it does not read are the very bytes the
cache was made from. The cache keeps, for the clean start of the file it
covers (every batch committed, the last line whole):

- the file's identity (device and inode), the byte offset and line count covered;
- XXH3 sums of the covered bytes, a MiB at a time (:mod:`engage.ledger.cache.sums`), and the CRC-32
  of their last 4 KiB;
- what a reader needs to go on: every id (for duplicates: in files of their own,
  written once, one for each save's new ids and merged as segments are), the text of the few
  records that are not time entries (read again each time), the damaged lines
  with their digests, seals, engagement ids, and the voids still waiting for
  their target;
- the days of live entries per (date, phase, consultant, place): every total
  and finding is a sum of these;
- the entries themselves, in segments of one ISO week each (and one for each
  save since), loaded only when a command lists them: a week's status loads
  that week's.

Before the cache is used, the last 4 KiB must match, and the whole covered
prefix must match its sums unless the file is exactly as the cache last saw it
(same size, modification and change times) and a later edit could not share
those times. That holds when the stat was taken long enough after the file's
last change (git's "racy clean" rule), or when engage itself wrote the file,
then set its modification time 1 ns back (``backdate``), took the stat, and
checked every byte: the clock had already passed the time it set, so any
later write gives the file a newer one, and the check sees any edit made
before. What no stat can show: another program's in-place edit of the same
size that puts the modification time back to the very nanosecond within the
same clock tick (4 ms here) as the backdate (Linux 6.13 and later give it a
new change time), and writes through a shared memory map that stamp no time:
on tmpfs any, on ext4 those to a page already written through the map and
not yet on disk. No stat-based check (git's, make's, rsync's) sees those.
On any doubt, and on any fault in the cache, the ledger is read in full and
the cache made again: the cache only ever saves time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import time
import zlib
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from engage.cachedir import checked, open_own, read_own, seal, trusted, write_atomically
from engage.ledger.cache.checked import Checked
from engage.ledger.cache.sums import BLOCK, matches, read_at
from engage.ledger.records import Entry
from engage.ledger.totals import Totals

FORMAT = 9  # 9: each segment and ids file sealed under its key and place, its seal in the index
RACY_NS = 2_000_000_000  # a stat taken this soon after a change may miss an edit in the same tick
TAIL = 4096
MAX_SEGMENTS = 16  # segments added since the last merge; then they are merged into one a week
WEEKLY_FROM = 1000  # more entries added at once than this are saved a week a segment
ORPHAN_SECONDS = 600  # a segment no index names is removed once this old (a reader may still use it)


@dataclass(eq=False)  # compared by identity: no __eq__ to compile at start-up
class Snapshot:
    """One ledger's cache, as loaded from (or about to be written to) its folder."""

    folder: Path
    key: str  # the ledger's path, hours per day, readers and engage's version: see ``place``
    offset: int = 0
    lines: int = 0
    blocks: list[int] = field(default_factory=list)  # XXH3 of each whole block of the covered bytes
    part_sum: int = 0  # and of the bytes after them
    tail_crc: int = 0
    stat: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # dev, ino, size, mtime_ns, ctime_ns
    saved_ns: int = 0  # when ``stat`` was taken (time.time_ns, just before): the racy rule weighs it
    backdated: bool = False  # ``stat`` was taken after engage wrote and backdated the file, then checked
    ids: bytes = b"\n"  # as ``id_lines`` writes them, after a first newline; not in the index but
    id_files: list[tuple[str, int, int]] = field(default_factory=list)  # in these files (name, bytes, seal)
    others: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of non-entry records
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, text, why, digest
    engagements: list[str] = field(default_factory=list)
    raw_engagements: list[str] = field(default_factory=list)  # named on any line, damaged ones too
    sealed_batches: list[str] = field(default_factory=list)
    sealed_torn: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    scale: int = 1
    totals: Totals = field(default_factory=dict)
    # name, first and last day (ordinals), count, seal
    segments: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    merged: int = 0  # how many of the segments are a week's each (the rest came one save each)

    def covers(self, fd: int, info: os.stat_result) -> str:
        """Whether the file open as ``fd`` still starts with the bytes this cache was made from.

        "" when it does not; "stat" when the file is as the cache last saw it, long after its last
        change; "bytes" when the covered bytes had to be (and were) checked.
        """
        if (info.st_dev, info.st_ino) != self.stat[:2] or info.st_size < self.offset:
            return ""
        if self.offset == 0:
            return "bytes"
        start = max(0, self.offset - TAIL)
        if zlib.crc32(read_at(fd, self.offset - start, start)) != self.tail_crc:
            return ""
        seen = stat_of(info)
        if Checked.knows(seen, self.offset, self.sums):
            return "stat"
        if seen == self.stat and (self.backdated or settled(info, self.saved_ns)):
            Checked.remember(seen, self.offset, self.sums)  # a write in this command then needs no check
            return "stat"
        if not matches(fd, self.offset, self.blocks, self.part_sum):
            return ""
        Checked.remember(seen, self.offset, self.sums)
        return "bytes"

    @property
    def sums(self) -> tuple[int, ...]:
        """What the covered bytes were: every block's sum and the rest's."""
        return (self.part_sum, *self.blocks)

    def well_formed(self) -> bool:
        """Whether every field has the shape this module writes (a cache edited by hand has not)."""
        ints = (self.offset, self.lines, self.part_sum, self.tail_crc, self.saved_ns, self.scale, self.merged)
        return (
            all(type(n) is int for n in (*ints, *self.blocks))
            and type(self.backdated) is bool
            and type(self.blocks) is list
            and len(self.blocks) == self.offset // BLOCK
            and self.scale > 0
            and type(self.ids) is bytes
            and all(_shaped(f, (str, int, int)) and f[0].startswith("ids-") for f in self.id_files)
            and _shaped(self.stat, (int,) * 5)
            and all(_shaped(o, (int, str)) for o in self.others)
            and all(_shaped(p, (int, str, str, str)) for p in self.problems)
            and all(type(x) is str for x in (*self.engagements, *self.raw_engagements, *self.pending))
            and all(type(x) is str for x in (*self.sealed_batches, *self.sealed_torn))
            and all(
                _shaped(k, (int, str, str, str)) and _shaped(v, (int, int)) for k, v in self.totals.items()
            )
            and all(_shaped(g, (str, int, int, int, int)) and g[0].startswith("seg-") for g in self.segments)
        )

    def entries(self, hours_per_day: Fraction, first: int | None, last: int | None) -> list[Entry]:
        """The cached entries dated from ``first`` to ``last`` (ordinals; None: no bound), voided ones too."""
        found: list[Entry] = []
        for segment in self.segments:
            _, low, high, _, _ = segment
            if (first is not None and high < first) or (last is not None and low > last):
                continue
            found.extend(_entries(_segment_rows(self, segment), hours_per_day, first, last))
        return found


def _segment_rows(snapshot: Snapshot, segment: tuple[str, int, int, int, int]) -> list[tuple[Any, ...]]:
    """The rows of a segment, if its file is the one the index names at this place (ValueError if not:
    a file swapped with another, copied from another ledger's cache or left from an older one)."""
    name, _, _, count, sealed = segment
    data = read_own(snapshot.folder / name)
    rows = marshal.loads(checked(data, _bound(snapshot.key, segment[:4])))
    if int.from_bytes(data[-4:], "little") != sealed or type(rows) is not list or len(rows) != count:
        raise ValueError(f"{name}: not the segment the ledger cache's index names")
    return rows


def _bound(key: str, place: tuple[object, ...]) -> bytes:
    """What a segment or ids file is sealed under: its ledger and reading (the key), and its place."""
    return "\0".join([key, *map(str, place)]).encode("utf-8", "surrogateescape")


def _shaped(value: Any, types: tuple[type, ...]) -> bool:
    return type(value) is tuple and len(value) == len(types) and all(map(isinstance, value, types))


def settled(info: os.stat_result, at_ns: int) -> bool:
    """Whether a file's stat taken at ``at_ns`` would show any later change (git's "racy clean" rule)."""
    return at_ns - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS


def backdate(fd: int) -> os.stat_result | None:
    """Set the modification time of the file open as ``fd`` 1 ns back, under the clock; its stat then.

    Called by a writer right after its write, under the lock. The file's
    modification time is then earlier than the clock already reads, so any
    later write, by any program, gives it a newer one: the stat returned stays
    true until the file changes, once the bytes are checked (an edit made
    before the backdate shows in no stat). None where times cannot be set
    through a descriptor (Windows) or by this user (a shared ledger someone
    else owns), or were rounded back up (a network file system): the racy
    rule then applies.
    """
    if os.utime not in os.supports_fd:
        return None
    try:
        info = os.fstat(fd)
        os.utime(fd, ns=(info.st_atime_ns, info.st_mtime_ns - 1))
        after = os.fstat(fd)
    except OSError:
        return None
    return after if after.st_mtime_ns < info.st_mtime_ns else None


def stat_of(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What changes in a stat when a file does: device, inode, size, modification and change times."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def load(folder: Path, key: str) -> Snapshot | None:
    """The cache in ``folder``, or None when there is none or it cannot be trusted as written (or the
    folder could have been written by another user)."""
    if not folder_trusted(folder):
        return None
    try:
        with open(open_own(folder / "index"), "rb") as index:
            seen = _index_seen(folder, key, os.fstat(index.fileno()))
            known = Checked.kept(seen)
            if isinstance(known, Snapshot):  # read (or written) already by this command, unchanged since
                return _copy(known)
            data = marshal.loads(checked(index.read()))
        if type(data) is not dict or data.get("format") != FORMAT or data.get("key") != key:
            return None
        del data["format"]
        snapshot = Snapshot(folder=folder, **data)
        if not snapshot.well_formed():
            return None
        snapshot.ids = b"".join(_id_bytes(folder, key, named) for named in snapshot.id_files)
        if len(snapshot.ids) != sum(size for _, size, _ in snapshot.id_files) or snapshot.ids[:1] != b"\n":
            return None
        Checked.keep(seen, _copy(snapshot))
        return snapshot
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return None


def _id_bytes(folder: Path, key: str, named: tuple[str, int, int]) -> memoryview:
    """An ids file's bytes, if it is the one the index names at this place (else ValueError)."""
    data = read_own(folder / named[0])
    if int.from_bytes(data[-4:], "little") != named[2]:
        raise ValueError(f"{named[0]}: not the ids file the ledger cache's index names")
    return checked(data, _bound(key, named[:2]))


def folder_trusted(folder: Path) -> bool:
    """:func:`engage.cachedir.trusted`, asked once a command: a read, a write and the cache brought
    up to date after it ask of the same folder."""
    seen = ("trusted", str(folder))
    known = Checked.kept(seen)
    if known is None:
        known = trusted(folder)
        Checked.keep(seen, known)
    return bool(known)


def _index_seen(folder: Path, key: str, info: os.stat_result) -> tuple[object, ...]:
    return ("ledger index", str(folder), key, *stat_of(info))


def _copy(snapshot: Snapshot) -> Snapshot:
    """A snapshot whose lists may be changed (saving adds segments) without changing the original."""
    return replace(snapshot, segments=list(snapshot.segments), id_files=list(snapshot.id_files))


def save(snapshot: Snapshot, new_entries: list[Entry], replace: bool) -> None:
    """Write the cache: ``new_entries`` as a new segment (all of them, by week, if ``replace``).

    Faults are swallowed: a cache that cannot be written is simply not used; nor is one in a folder
    another user could write (it would never be read).
    """
    if not folder_trusted(snapshot.folder):
        return
    try:
        snapshot.folder.mkdir(parents=True, exist_ok=True)
        rows = [_row(e) for e in new_entries]
        if replace:
            snapshot.segments, snapshot.merged = [], 0
            _add_by_week(snapshot, rows)
        elif len(snapshot.segments) - snapshot.merged >= MAX_SEGMENTS:
            try:
                _merge(snapshot, rows)
            except (OSError, ValueError, EOFError):  # a segment gone or damaged: make the cache anew
                (snapshot.folder / "index").unlink(missing_ok=True)
                return
        elif len(rows) > WEEKLY_FROM:  # an import: by week, so that a week's report loads its own
            merged = snapshot.merged
            _add_by_week(snapshot, rows)
            snapshot.merged = merged
        elif rows:
            _add_segment(snapshot, rows)
        _save_ids(snapshot)
        kept = [name for name in Snapshot.__dataclass_fields__ if name not in ("folder", "ids")]  # ids: files
        data = {name: getattr(snapshot, name) for name in kept}
        data["format"] = FORMAT
        index = snapshot.folder / "index"
        _write(index, marshal.dumps(data))
        Checked.keep(_index_seen(snapshot.folder, snapshot.key, os.stat(index)), _copy(snapshot))
        if snapshot.merged == len(snapshot.segments):
            _remove_orphans(snapshot)
    except Exception:  # a cache that cannot be written is not used; the command goes on
        return


def _merge(snapshot: Snapshot, rows: list[tuple[Any, ...]]) -> None:
    """Fold the segments added one save each (and ``rows``) into the week segments they belong to.

    Only the weeks they touch are written again: logging this week rewrites this week.
    """
    for segment in snapshot.segments[snapshot.merged :]:
        rows.extend(_segment_rows(snapshot, segment))
    touched = {(row[1] - 1) // 7 for row in rows}
    kept = []
    for segment in snapshot.segments[: snapshot.merged]:
        if (segment[1] - 1) // 7 in touched:
            rows.extend(_segment_rows(snapshot, segment))
        else:
            kept.append(segment)
    snapshot.segments = kept
    rows.sort(key=lambda row: row[9])  # in file order, as a full read finds them
    _add_by_week(snapshot, rows)


def _add_by_week(snapshot: Snapshot, rows: list[tuple[Any, ...]]) -> None:
    weeks: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        weeks.setdefault((row[1] - 1) // 7, []).append(row)  # ordinal 1 is a Monday: weeks start Mondays
    for _, week in sorted(weeks.items()):
        _add_segment(snapshot, week)
    snapshot.merged = len(snapshot.segments)


def _add_segment(snapshot: Snapshot, rows: list[tuple[Any, ...]]) -> None:
    name = f"seg-{os.urandom(8).hex()}"
    days = [row[1] for row in rows]
    place = (name, min(days), max(days), len(rows))
    sealed = _write(snapshot.folder / name, marshal.dumps(rows), _bound(snapshot.key, place))
    snapshot.segments.append((*place, sealed))


def _save_ids(snapshot: Snapshot) -> None:
    """Write the ids no file holds yet to a file of their own; all of them to one, past ``MAX_SEGMENTS``.

    A write beside 100,000 records then adds its one id, not the 1.3 MB of all of them.
    """
    held = sum(size for _, size, _ in snapshot.id_files)
    if len(snapshot.ids) == held:
        return
    if len(snapshot.id_files) >= MAX_SEGMENTS or len(snapshot.ids) < held:
        snapshot.id_files, held = [], 0
    name = f"ids-{os.urandom(8).hex()}"
    place = (name, len(snapshot.ids) - held)
    sealed = _write(snapshot.folder / name, snapshot.ids[held:], _bound(snapshot.key, place))
    snapshot.id_files.append((*place, sealed))


def forget(folder: Path) -> None:
    """Drop the index of a cache found not to hold what it names: the next read makes it anew."""
    with contextlib.suppress(OSError):
        (folder / "index").unlink(missing_ok=True)


def _remove_orphans(snapshot: Snapshot) -> None:
    named = {segment[0] for segment in snapshot.segments} | {named[0] for named in snapshot.id_files}
    cutoff = time.time() - ORPHAN_SECONDS
    for file in [*snapshot.folder.glob("seg-*"), *snapshot.folder.glob("ids-*")]:
        try:
            if file.name not in named and file.stat().st_mtime < cutoff:
                file.unlink()
        except OSError:
            continue


def _write(target: Path, payload: bytes, bound: bytes = b"") -> int:
    """Write a file whole, its seal under ``bound`` after it; the seal, which the index keeps.

    OSError if it could not be written (the index must not name it)."""
    sealed = seal(payload, bound)
    if not write_atomically(target, payload + sealed.to_bytes(4, "little")):
        raise OSError(f"{target}: cannot write the ledger cache")
    return sealed


def _row(e: Entry) -> tuple[Any, ...]:
    return (
        e.id,
        e.date.toordinal(),
        e.phase,
        e.amount.numerator,
        e.amount.denominator,
        e.unit,
        e.consultant,
        e.note,
        e.recorded_at,
        e.line,
        e.at,
        e.by,
    )


def _entries(
    rows: list[tuple[Any, ...]], hours_per_day: Fraction, first: int | None, last: int | None
) -> list[Entry]:
    dates: dict[int, dt.date] = {}
    amounts: dict[tuple[int, int, str], tuple[Fraction, Fraction]] = {}
    found = []
    for ident, day, phase, numerator, denominator, unit, consultant, note, recorded, line, at, by in rows:
        if (first is not None and day < first) or (last is not None and day > last):
            continue
        date = dates.get(day)
        if date is None:
            date = dates[day] = dt.date.fromordinal(day)
        pair = amounts.get((numerator, denominator, unit))
        if pair is None:
            amount = Fraction(numerator, denominator)
            pair = amounts[(numerator, denominator, unit)] = (
                amount,
                amount if unit == "days" else amount / hours_per_day,
            )
        found.append(
            Entry(ident, date, phase, pair[0], unit, pair[1], consultant, note, recorded, line, at, by)
        )
    return found
