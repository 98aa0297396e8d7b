"""The strict ledger reader: every line parsed on its own, every field checked, damage named by line.

Which fields a record kind has, and what values they may take, is the table
``KINDS`` in :mod:`engage.ledger.kinds`: one reader per kind. A read may start
where an earlier one stopped (``Prior``), which is how the ledger cache reads
only the lines added since.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from engage.language import _
from engage.ledger.kinds import CORE_KINDS, KINDS, Kinds, kind_of
from engage.ledger.records import (
    Commit,
    Entry,
    LedgerProblem,
    Record,
    Seal,
    Void,
)
from engage.values import frozen


@dataclass(eq=False)  # compared by identity: no __eq__ to compile at start-up
class Reading:
    """What a ledger file holds: the records that count, the problems, and what a writer must seal."""

    records: list[Record] = field(default_factory=list)
    problems: list[LedgerProblem] = field(default_factory=list)
    engagements: set[str] = field(default_factory=set)
    dead_batches: dict[str, tuple[int, int]] = field(default_factory=dict)  # batch -> (first, last) line
    torn: list[str] = field(default_factory=list)  # digests of unfinished lines not yet sealed
    unterminated: bool = False  # the file does not end with a newline
    # What an incremental read (``prior``) and the ledger cache need besides:
    ids: list[str] = field(default_factory=list)  # every id read, bookkeeping's too, in line order
    texts: dict[int, str] = field(default_factory=dict)  # line -> text of each counted non-entry record
    digests: dict[int, str] = field(default_factory=dict)  # line -> digest of each damaged line
    sealed_batches: set[str] = field(default_factory=set)
    sealed_torn: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)  # ids voided before they appeared (a merge)
    doubt: bool = False  # the new lines touch the lines already read: read the whole file instead
    line_count: int = 0  # lines in the file, an unfinished last one included

    @property
    def clean(self) -> bool:
        """Whether every batch is committed and the last line whole: a start the cache may keep."""
        return not (self.unterminated or self.dead_batches or self.torn)


@frozen
class Prior:
    """What the lines before ``raw`` held, for reading only the lines added since (the cache)."""

    lines: int  # how many lines came before
    ids: bytes  # their ids as ``id_lines`` writes them, after a first newline
    sealed_batches: frozenset[str]
    sealed_torn: frozenset[str]
    pending: frozenset[str]  # ids their voids name but that never came

    def knows(self, many: bool) -> Callable[[str], bool]:
        """Whether an id was among them: a scan of the bytes for a few ids, a set for ``many``."""
        if many:
            lines = set(self.ids.split(b"\n"))
            return lambda ident: id_line(ident) in lines
        ids = self.ids
        return lambda ident: b"\n" + id_line(ident) + b"\n" in ids


def id_line(ident: str) -> bytes:
    """An id as the cache lists it: on one line, a newline (or backslash) in it escaped.

    Any lone surrogate is kept (surrogatepass): a JSON ``"\\ud800"`` reads as one.
    """
    return ident.replace("\\", "\\\\").replace("\n", "\\n").encode("utf-8", "surrogatepass")


def id_lines(ids: list[str]) -> bytes:
    """Ids as the cache lists them, each on its line."""
    return b"".join(id_line(ident) + b"\n" for ident in ids)


def digest(line: bytes) -> str:
    """How a seal names a damaged line: the first 16 hex digits of its SHA-256."""
    import hashlib  # only for damaged lines: a clean read does not pay for it

    return hashlib.sha256(line.rstrip(b"\r")).hexdigest()[:16]


def read_lines(
    path: Path, raw: bytes, hours_per_day: Fraction, prior: Prior | None = None, kinds: Kinds = CORE_KINDS
) -> Reading:
    """Every line of a ledger read on its own; see the module docstring.

    With ``prior``, ``raw`` is what follows lines already read: it is numbered
    on from them, and anything that would change how those lines count (an
    id they hold again, a void of one of them, a record one of their voids
    waited for) sets ``doubt``: the caller then reads the whole file.
    """
    reading = Reading(unterminated=bool(raw) and not raw.endswith(b"\n"))
    good: list[tuple[int, str, Record, dict[str, Any]]] = []
    damaged: list[tuple[int, str, str]] = []
    commits: dict[str, int] = {}  # batch -> the count its commit names
    sealed_batches = reading.sealed_batches
    sealed_torn = reading.sealed_torn
    batch_sizes: dict[str, int] = {}
    first_at: dict[str, int] = {}
    lines, not_utf8 = _lines(raw)
    readers = kinds.readers
    before = prior.lines if prior else 0
    not_utf8 = {number + before for number in not_utf8}  # numbered in the file, as the lines are
    reading.line_count = before + len(lines)
    known = prior.knows(many=len(lines) > 64) if prior is not None else None
    # The hot loop of every ledger read: kept in one piece, its state in local names (benchmarks/run.py).
    for number, line in enumerate(lines, start=before + 1):
        text = line.strip()
        if not text:
            continue
        try:
            if number in not_utf8:
                raise ValueError(_("not UTF-8 text"))
            data = _decode(text)
            record = readers[kind_of(data, readers)](data, number, hours_per_day)
        except RecursionError:
            damaged.append((number, line, _("nested too deeply to be a record")))
            continue
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            damaged.append((number, line, _why(exc)))
            continue
        if record.id in first_at:
            said = _("duplicate id {id}, first at line {line}").format(
                id=repr(record.id), line=first_at[record.id]
            )
            damaged.append((number, line, said))
            continue
        if known is not None and (known(record.id) or record.id in prior.pending):  # type: ignore[union-attr]
            reading.doubt = True
            return reading
        first_at[record.id] = number
        if isinstance(record, Commit):
            commits[record.batch] = record.count
        elif isinstance(record, Seal):
            sealed_batches.update(record.batches)
            sealed_torn.update(record.torn)
        else:
            batch = data.get("batch")
            if batch is not None:
                batch_sizes[batch] = batch_sizes.get(batch, 0) + 1
            good.append((number, line, record, data))
    reading.ids = list(first_at)
    if prior is not None:
        sealed_batches |= prior.sealed_batches
        sealed_torn |= prior.sealed_torn
    if damaged:
        _report_damage(reading, path, raw, damaged, before)
    _count(reading, path, good, commits, batch_sizes, known)
    return reading


def _report_damage(
    reading: Reading, path: Path, raw: bytes, damaged: list[tuple[int, str, str]], before: int
) -> None:
    """Each damaged line as a problem, with its digest; an unfinished last line is torn too."""
    last_number = reading.line_count if reading.unterminated else 0
    chunks = raw.split(b"\n")  # the bytes as they are: a torn line may end mid-character
    for number, line, reason in damaged:
        hashed = digest(chunks[number - before - 1])
        if hashed in reading.sealed_torn:
            continue  # an interrupted write, sealed: known, not counted, not reported again
        if number == last_number:
            reading.torn.append(hashed)
        reading.digests[number] = hashed
        reading.problems.append(LedgerProblem(path, number, line.rstrip("\r"), reason))


def _count(
    reading: Reading,
    path: Path,
    good: list[tuple[int, str, Record, dict[str, Any]]],
    commits: dict[str, int],
    batch_sizes: dict[str, int],
    known: Callable[[str], bool] | None,
) -> None:
    """The records that count: those of batches their commit completes (or alone), voids checked last."""
    targets: dict[str, Record] = {}
    voids: list[tuple[Void, str]] = []
    records = reading.records
    engagements = reading.engagements
    sealed_batches = reading.sealed_batches
    for number, line, record, data in good:
        if batch_sizes:
            batch = data.get("batch")
            # A sealed batch never counts, even if its writer, stopped (Ctrl-Z) rather than killed,
            # commits it later: the seal told the user to run the import again, and they may have.
            if batch is not None and (batch in sealed_batches or commits.get(batch) != batch_sizes[batch]):
                if batch not in sealed_batches:
                    first, _last = reading.dead_batches.get(batch, (number, number))
                    reading.dead_batches[batch] = (first, number)
                continue
        engagement = data.get("engagement")
        if engagement is not None:
            engagements.add(engagement)
        if isinstance(record, Void):
            voids.append((record, line.rstrip("\r")))
        else:
            targets[record.id] = record
        if not isinstance(record, Entry):
            reading.texts[number] = line.rstrip("\r")
        records.append(record)
    for batch, (first, last) in reading.dead_batches.items():
        reading.problems.append(
            LedgerProblem(
                path,
                first,
                "",
                _(
                    "an interrupted write (batch {batch}, no commit record) is not counted; "
                    "it lands whole or not at all: run the import again "
                    "(the next write, or engage repair, seals these lines)"
                ).format(batch=batch),
                last,
            )
        )
    _apply_voids(reading, path, voids, targets, known)


def _apply_voids(
    reading: Reading,
    path: Path,
    voids: list[tuple[Void, str]],
    targets: dict[str, Record],
    known: Callable[[str], bool] | None,
) -> None:
    """Each void against its target, after all records: a merged ledger may hold a void before it."""
    voided: dict[str, Void] = {}
    for void, text in voids:
        if known is not None and known(void.target):
            reading.doubt = True  # a correction of a line read before: count everything again
            return
        problem = _void_problem(void, targets, voided)
        if problem:
            if void.target not in targets and void.target != void.id:
                reading.pending.add(void.target)
            del reading.texts[void.line]
            reading.problems.append(LedgerProblem(path, void.line, text, problem))
            reading.records.remove(void)
        else:
            voided[void.target] = void
    reading.problems.sort(key=lambda p: p.line)


def read_written(records: list[dict[str, Any]], hours_per_day: Fraction, prior: Prior) -> Reading | None:
    """What :func:`read_lines` would find in lines just written, read from the records themselves.

    Only time entries, one alone or a batch with its commit (what ``log`` and
    ``import`` write), each passing the entry reader; None for anything else,
    which is then read back from the file instead.
    """
    reading = Reading(sealed_batches=set(prior.sealed_batches), sealed_torn=set(prior.sealed_torn))
    known = prior.knows(many=len(records) > 64)
    seen: set[str] = set()
    batches: dict[str, int] = {}
    commits: dict[str, int] = {}
    number = prior.lines
    for data in records:
        number += 1
        kind = kind_of(data, KINDS)
        if kind == "commit":
            commit = KINDS["commit"](data, number, hours_per_day)
            assert isinstance(commit, Commit)
            commits[commit.batch] = commit.count
        elif kind == "entry":
            entry = KINDS["entry"](data, number, hours_per_day)
            assert isinstance(entry, Entry)
            if "batch" in data:
                batches[data["batch"]] = batches.get(data["batch"], 0) + 1
            if "engagement" in data:
                reading.engagements.add(data["engagement"])
            reading.records.append(entry)
        else:
            return None
        if data["id"] in seen or known(data["id"]) or data["id"] in prior.pending:
            return None
        seen.add(data["id"])
        reading.ids.append(data["id"])
    if batches != {batch: commits.get(batch) for batch in batches} or set(commits) - set(batches):
        return None
    if set(batches) & reading.sealed_batches:  # a writer that finished after its batch was sealed
        return None
    reading.line_count = number + 1  # as the file splits: the empty text after the last newline
    return reading


def _void_problem(void: Void, targets: dict[str, Record], voided: dict[str, Void]) -> str:
    if void.target == void.id:
        return _("a void cannot void itself")
    if void.target in voided:
        return _("{target} is already voided by {void}").format(
            target=void.target, void=voided[void.target].id
        )
    if void.target not in targets:
        return _("voids {target}, which is no entry, status or outcome in this ledger").format(
            target=repr(void.target)
        )
    return ""


def read_known(
    texts: list[tuple[int, str]], hours_per_day: Fraction, kinds: Kinds = CORE_KINDS
) -> list[Record]:
    """Records read before and kept by the cache as text: read again, by the same readers."""
    readers = kinds.readers
    found = []
    for number, text in texts:
        data = _decode(text)
        found.append(readers[kind_of(data, readers)](data, number, hours_per_day))
    return found  # type: ignore[return-value]  # bookkeeping is never kept as text


# Within one line: a line torn inside the value must not run on into the next record.
_ENGAGEMENT_FIELD = re.compile(rb'"engagement"[ \t]*:[ \t]*"((?:[^"\\\r\n]|\\.)*)"')


def named_engagements(raw: bytes) -> set[str]:
    """Every engagement id named in these bytes, on damaged lines too: a writer refuses a stranger's."""
    return {m.decode("utf-8", "replace") for m in _ENGAGEMENT_FIELD.findall(raw)}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _v in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(_("key {key} given twice").format(key=repr(twice)))
    return data


def _no_constant(name: str) -> None:
    raise ValueError(_("{name} is not a number engage writes").format(name=name))


_decode_text = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant).decode


_scan = json.JSONDecoder(parse_constant=_no_constant).scan_once  # type: ignore[attr-defined]
_LOOSE_KEY_END = re.compile(r'"\s+:')


def _lines(raw: bytes) -> tuple[list[str], set[int]]:
    """The file's lines as text, and the numbers of those that are not UTF-8 (kept, replaced)."""
    try:
        return raw.decode("utf-8").split("\n"), set()
    except UnicodeDecodeError:
        lines, bad = [], set()
        for number, chunk in enumerate(raw.split(b"\n"), start=1):
            try:
                lines.append(chunk.decode("utf-8"))
            except UnicodeDecodeError:
                lines.append(chunk.decode("utf-8", "replace"))
                bad.add(number)
        return lines, bad


def _decode(text: str) -> Any:
    """One line as JSON; duplicate keys, NaN and Infinity are damage.

    A line with no more ``":`` than its object has keys cannot repeat a key,
    so only lines where that count differs (a note holding ``":``, or damage)
    pay for the slower parse that looks at every key.
    """
    try:
        data, end = _scan(text, 0)
    except StopIteration:
        raise ValueError(_("not a JSON record")) from None
    if end != len(text):
        raise ValueError(_("not a complete JSON record, or more than one on the line"))
    if type(data) is dict and text.count('":') == len(data) and not _LOOSE_KEY_END.search(text):
        return data
    return _decode_text(text)


def _why(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return _("not a complete JSON record")
    if isinstance(exc, KeyError):
        return _("missing field {field}").format(field=repr(exc.args[0]))

    return str(exc)
