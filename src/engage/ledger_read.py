"""The strict ledger reader: every line parsed on its own, every field checked, damage named by line.

Which fields a record kind has, and what values they may take, is the table
``KINDS``: one reader per kind. Statuses and outcomes are checked against the
lists in :mod:`engage.model`, so a status added there is accepted here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from engage import model
from engage.parsing import MAX_DAYS_PER_ENTRY, MAX_HOURS_PER_ENTRY, MIN_DAYS_PER_ENTRY, MIN_HOURS_PER_ENTRY
from engage.records import (
    Bookkeeping,
    Closing,
    Commit,
    Entry,
    LedgerProblem,
    MeetingOutcome,
    Record,
    Seal,
    StatusChange,
    Void,
)

# An amount as engage stores it: "1.5", "4", or "4/3" for 1h20m. No sign, exponent, "_" or spaces.
_AMOUNT_TEXT = re.compile(r"(?:\d{1,4}(?:\.\d{1,6})?|\d{1,6}/\d{1,6})\Z", re.ASCII)


@dataclass
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


@dataclass(frozen=True)
class Prior:
    """What the lines before ``raw`` held, for reading only the lines added since (the cache)."""

    lines: int  # how many lines came before
    ids: bytes  # their ids, each between newlines
    sealed_batches: frozenset[str]
    sealed_torn: frozenset[str]
    pending: frozenset[str]  # ids their voids name but that never came

    def knows(self) -> Callable[[str], bool]:
        """Whether an id was among them: a scan of the bytes for a few ids, a set for many."""
        ids = self.ids
        cache: dict[str, bool] = {}

        def known(ident: str) -> bool:
            found = cache.get(ident)
            if found is None:
                found = cache[ident] = b"\n" + ident.encode("utf-8", "surrogateescape") + b"\n" in ids
            return found

        return known

    def id_set(self) -> set[str]:
        """Every id before, as a set (faster than scanning once many new lines are read)."""
        return set(self.ids.decode("utf-8", "surrogateescape").split("\n"))


def digest(line: bytes) -> str:
    """How a seal names a damaged line: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(line.rstrip(b"\r")).hexdigest()[:16]


def read_lines(path: Path, raw: bytes, hours_per_day: Fraction, prior: Prior | None = None) -> Reading:
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
    kinds = all_kinds()
    before = prior.lines if prior else 0
    reading.line_count = before + len(lines)
    last_number = before + len(lines) if reading.unterminated else 0
    known: Callable[[str], bool] | None = None
    if prior is not None:
        known = prior.id_set().__contains__ if len(lines) > 64 else prior.knows()
    for number, line in enumerate(lines, start=before + 1):
        text = line.strip()
        if not text:
            continue
        try:
            if number in not_utf8:
                raise ValueError("not UTF-8 text")
            data = _decode(text)
            record = kinds[_kind(data, kinds)](data, number, hours_per_day)
        except RecursionError:
            damaged.append((number, line, "nested too deeply to be a record"))
            continue
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            damaged.append((number, line, _why(exc)))
            continue
        if record.id in first_at:
            damaged.append((number, line, f"duplicate id {record.id!r}, first at line {first_at[record.id]}"))
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
        chunks = raw.split(b"\n")  # the bytes as they are: a torn line may end mid-character
        for number, line, reason in damaged:
            hashed = digest(chunks[number - before - 1])
            if hashed in sealed_torn:
                continue  # an interrupted write, sealed: known, not counted, not reported again
            if number == last_number:
                reading.torn.append(hashed)
            reading.digests[number] = hashed
            reading.problems.append(LedgerProblem(path, number, line.rstrip("\r"), reason))
    targets: dict[str, Record] = {}
    voided: dict[str, Void] = {}
    voids: list[tuple[Void, str]] = []
    records = reading.records
    engagements = reading.engagements
    for number, line, record, data in good:
        if batch_sizes:
            batch = data.get("batch")
            if batch is not None and commits.get(batch) != batch_sizes[batch]:
                if batch not in sealed_batches:
                    first, _ = reading.dead_batches.get(batch, (number, number))
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
                f"an interrupted write (batch {batch}, no commit record) is not counted; "
                "it lands whole or not at all: run the import again "
                "(the next write, or engage repair, seals these lines)",
                last,
            )
        )
    for void, text in voids:  # after all records: a merged ledger may hold a void before its target
        if known is not None and known(void.target):
            reading.doubt = True  # a correction of a line read before: count everything again
            return reading
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
    return reading


def read_written(records: list[dict[str, Any]], hours_per_day: Fraction, prior: Prior) -> Reading | None:
    """What :func:`read_lines` would find in lines just written, read from the records themselves.

    Only time entries, one alone or a batch with its commit (what ``log`` and
    ``import`` write), each passing the entry reader; None for anything else,
    which is then read back from the file instead.
    """
    reading = Reading(sealed_batches=set(prior.sealed_batches), sealed_torn=set(prior.sealed_torn))
    known = prior.id_set().__contains__ if len(records) > 64 else prior.knows()
    seen: set[str] = set()
    batches: dict[str, int] = {}
    commits: dict[str, int] = {}
    number = prior.lines
    for data in records:
        number += 1
        kind = _kind(data, KINDS)
        if kind == "commit":
            commit = _commit(data, number, hours_per_day)
            commits[commit.batch] = commit.count
        elif kind == "entry":
            record = _entry(data, number, hours_per_day)
            if "batch" in data:
                batches[data["batch"]] = batches.get(data["batch"], 0) + 1
            if "engagement" in data:
                reading.engagements.add(data["engagement"])
            reading.records.append(record)
        else:
            return None
        if data["id"] in seen or known(data["id"]) or data["id"] in prior.pending:
            return None
        seen.add(data["id"])
        reading.ids.append(data["id"])
    if batches != {batch: commits.get(batch) for batch in batches} or set(commits) - set(batches):
        return None
    reading.line_count = number + 1  # as the file splits: the empty text after the last newline
    return reading


def _void_problem(void: Void, targets: dict[str, Record], voided: dict[str, Void]) -> str:
    if void.target == void.id:
        return "a void cannot void itself"
    if void.target in voided:
        return f"{void.target} is already voided by {voided[void.target].id}"
    if void.target not in targets:
        return f"voids {void.target!r}, which is no entry, status or outcome in this ledger"
    return ""


def read_known(texts: list[tuple[int, str]], hours_per_day: Fraction) -> list[Record]:
    """Records read before and kept by the cache as text: read again, by the same readers."""
    kinds = all_kinds()
    found = []
    for number, text in texts:
        data = _decode(text)
        found.append(kinds[_kind(data, kinds)](data, number, hours_per_day))
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
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"key {twice!r} given twice")
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number engage writes")


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
        raise ValueError("not a JSON record") from None
    if end != len(text):
        raise ValueError("not a complete JSON record, or more than one on the line")
    if type(data) is dict and text.count('":') == len(data) and not _LOOSE_KEY_END.search(text):
        return data
    return _decode_text(text)


def _kind(data: Any, kinds: dict[str, Reader]) -> str:
    if not isinstance(data, dict):
        raise TypeError("not a record object")
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(f"unknown record kind {kind!r}")
    for key in ("id", "recorded_at"):
        if not isinstance(data[key], str) or not data[key]:
            raise TypeError(f"{key} must be text")
    for key in ("engagement", "batch"):
        if key in data and (not isinstance(data[key], str) or not data[key]):
            raise TypeError(f"{key} must be text")
    return str(kind)


def _text(data: dict[str, Any], key: str, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text")
    if required and not value:
        raise KeyError(key)
    return value


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = _text(data, key, required=True)
    if value not in allowed:
        raise ValueError(f"{key} {value!r} is not one of {', '.join(allowed)}")
    return value


@lru_cache(maxsize=8192)
def _day_text(text: str) -> dt.date:
    day = dt.date.fromisoformat(text)
    if not 1970 <= day.year <= 2100 or len(text) != 10:
        raise ValueError(f"date {text!r} is not a plausible YYYY-MM-DD date")
    return day


def _day(data: dict[str, Any]) -> dt.date:
    return _day_text(_text(data, "date", required=True))


@lru_cache(maxsize=4096)
def _amount_text(text: str, unit: str) -> Fraction:
    if not _AMOUNT_TEXT.match(text):
        raise ValueError(f"{unit} {text!r} is not an amount engage writes (such as 1.5, 4 or 4/3)")
    value = Fraction(text)
    low, high = (
        (MIN_DAYS_PER_ENTRY, MAX_DAYS_PER_ENTRY)
        if unit == "days"
        else (MIN_HOURS_PER_ENTRY, MAX_HOURS_PER_ENTRY)
    )
    if not low <= value <= high:
        raise ValueError(f"{unit} {text!r} is outside {float(low):g} to {high} {unit} for one entry")
    return value


def _amount(value: Any, unit: str) -> Fraction:
    if type(value) is str:
        return _amount_text(value, unit)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"{unit} must be a number written as text")
    return _amount_text(value if isinstance(value, str) else repr(value), unit)


@lru_cache(maxsize=4096)
def _in_days(hours: Fraction, hours_per_day: Fraction) -> Fraction:
    return hours / hours_per_day


def _entry(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Entry:
    if "hours" in data and "days" in data:
        raise ValueError("an entry gives days or hours, not both")
    if "hours" in data:
        amount, unit = _amount(data["hours"], "hours"), "hours"
        days = _in_days(amount, hours_per_day)
    else:
        amount = days = _amount(data["days"], "days")
        unit = "days"
    phase, consultant, note = data.get("phase"), data.get("consultant", ""), data.get("note", "")
    if type(phase) is not str or type(consultant) is not str or type(note) is not str:  # fast path
        phase, consultant, note = (
            _text(data, "phase", required=True),
            _text(data, "consultant"),
            _text(data, "note"),
        )
    if not phase:
        raise KeyError("phase")
    at = data.get("at", "")
    if type(at) is not str:
        at = _text(data, "at")
    return Entry(
        data["id"], _day(data), phase, amount, unit, days, consultant, note, data["recorded_at"], line, at
    )


def _void(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Void:
    return Void(
        data["id"], _text(data, "target", required=True), _text(data, "reason"), data["recorded_at"], line
    )


def _status(data: dict[str, Any], line: int, hours_per_day: Fraction) -> StatusChange:
    return StatusChange(
        data["id"],
        _text(data, "deliverable", required=True),
        _choice(data, "status", model.DELIVERABLE_STATUSES),
        _day(data),
        _text(data, "note"),
        data["recorded_at"],
        line,
    )


def _outcome(data: dict[str, Any], line: int, hours_per_day: Fraction) -> MeetingOutcome:
    to = data.get("to")
    return MeetingOutcome(
        data["id"],
        _text(data, "meeting", required=True),
        _choice(data, "outcome", model.MEETING_OUTCOMES),
        _day(data),
        _text(data, "note"),
        data["recorded_at"],
        line,
        None if to is None else _day_text(_text(data, "to", required=True)),
    )


def _closing(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Closing:
    return Closing(
        data["id"],
        _choice(data, "outcome", model.CLOSE_OUTCOMES),
        _day(data),
        _text(data, "note"),
        data["recorded_at"],
        line,
    )


def _commit(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Commit:
    count = data["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 2:
        raise ValueError("a commit's count must be a whole number of at least 2")
    return Commit(data["id"], _text(data, "batch", required=True), count, data["recorded_at"], line)


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{key} must be a list of text")
    return tuple(values)


def _seal(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Seal:
    return Seal(data["id"], _strings(data, "batches"), _strings(data, "torn"), data["recorded_at"], line)


Reader = Callable[[dict[str, Any], int, Fraction], Record | Bookkeeping]

# One reader per record kind: a new kind is one more row. Plugins add theirs through
# the ``engage_record_kinds`` hook (see :func:`all_kinds`).
KINDS: dict[str, Reader] = {
    "entry": _entry,
    "void": _void,
    "deliverable": _status,
    "meeting": _outcome,
    "close": _closing,
    "commit": _commit,
    "seal": _seal,
}


def all_kinds() -> dict[str, Reader]:
    """The core's record kinds and those the loaded plugins register (``engage_record_kinds``)."""
    from engage.plugins import get_plugin_manager, plugin_record_kinds

    registered = plugin_record_kinds(get_plugin_manager())
    if not registered:
        return KINDS
    kinds = dict(KINDS)
    for kind in registered.values():
        kinds[kind.name] = _plugin_reader(kind.read)
    return kinds


def reader_fingerprint() -> str:
    """What decides how a line reads: the kinds, their readers' code, the model's lists, the bounds.

    The ledger cache is keyed on it, so that a reader changed by an upgrade,
    an edited plugin or a status added to the model reads every line again.
    """
    from engage.plugins import get_plugin_manager, plugin_record_kinds

    readers: list[tuple[str, Callable[..., Any]]] = list(KINDS.items())
    readers += [(kind.name, kind.read) for kind in plugin_record_kinds(get_plugin_manager()).values()]
    parts = [
        repr((model.DELIVERABLE_STATUSES, model.MEETING_OUTCOMES, model.CLOSE_OUTCOMES)),
        repr((MIN_DAYS_PER_ENTRY, MAX_DAYS_PER_ENTRY, MIN_HOURS_PER_ENTRY, MAX_HOURS_PER_ENTRY)),
    ]
    for name, read in sorted(readers, key=lambda pair: pair[0]):
        module = sys.modules.get(getattr(read, "__module__", None) or type(read).__module__)
        source = str(getattr(module, "__file__", "") or "")
        try:
            info = os.stat(source)
            parts.append(f"{name}:{source}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:{source}:{getattr(read, '__qualname__', type(read).__qualname__)}")
    return "\n".join(parts)


def _plugin_reader(read: Callable[[dict[str, Any], int], Any]) -> Reader:
    def reader(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Any:
        record = read(data, line)
        if record.id != data["id"] or not isinstance(record.date, dt.date):
            raise ValueError("the plugin's reader gave a record without its id or date")
        return record

    return reader


def _why(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return "not a complete JSON record"
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)
