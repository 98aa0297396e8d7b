"""The append-only ledger: time entries, voids, deliverable statuses, meeting outcomes, closing.

One JSON object per line, so the file is plain text that people can read and
git can merge. A record is never rewritten: a correction is a new ``void``
record naming the id it cancels.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import os
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from engage.errors import EngageError

LOCK_TIMEOUT_SECONDS = 15


class Entry(NamedTuple):
    """Time logged against a phase on a date; ``days`` is worked out from hours where needed.

    A NamedTuple rather than a frozen dataclass, unlike the other records:
    ledgers hold many thousands of entries, and a tuple is built several
    times faster; it is just as immutable.
    """

    id: str
    date: dt.date
    phase: str
    amount: Fraction
    unit: str  # "days" or "hours", as typed
    days: Fraction
    consultant: str
    note: str
    recorded_at: str
    line: int = 0
    at: str = ""  # the location key where the work was done (``log --at``); "" where not said

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by ``engage entries --format json``."""
        shape: dict[str, object] = {
            "id": self.id,
            "date": self.date.isoformat(),
            "phase": self.phase,
            "days": float(self.days),
            "consultant": self.consultant,
            "note": self.note,
            "recorded_at": self.recorded_at,
        }
        if self.at:
            shape["at"] = self.at
        return shape


@dataclass(frozen=True)
class Void:
    """A correction: the record ``target`` no longer counts."""

    id: str
    target: str
    reason: str
    recorded_at: str
    line: int = 0


@dataclass(frozen=True)
class StatusChange:
    """A deliverable was submitted, returned with comments, or accepted on ``date``."""

    id: str
    deliverable: str
    status: str
    date: dt.date
    note: str
    recorded_at: str
    line: int = 0


@dataclass(frozen=True)
class MeetingOutcome:
    """What came of a meeting (held, validated, changes requested, postponed, cancelled)."""

    id: str
    meeting: str
    outcome: str
    date: dt.date
    note: str
    recorded_at: str
    line: int = 0
    to: dt.date | None = None  # a postponed meeting's new first day, where one was agreed


@dataclass(frozen=True)
class Closing:
    """The engagement ended on ``date``: completed or terminated. A void reopens it."""

    id: str
    outcome: str
    date: dt.date
    note: str
    recorded_at: str
    line: int = 0


Record = Entry | Void | StatusChange | MeetingOutcome | Closing


@dataclass(frozen=True)
class LedgerProblem:
    """A line that could not be read; reported to the user, never dropped or rewritten."""

    path: Path
    line: int
    content: str
    reason: str

    def __str__(self) -> str:
        shown = self.content if len(self.content) <= 120 else self.content[:117] + "..."
        return f"{self.path}:{self.line}: damaged line not counted ({self.reason}): {shown!r}"


class Ledger:
    """What a ledger file holds, read once; figures are derived from it on demand."""

    def __init__(self, path: Path, records: list[Record], problems: list[LedgerProblem]) -> None:
        self.path = path
        self.records = records
        self.problems = problems
        self.voids: dict[str, Void] = {r.target: r for r in records if isinstance(r, Void)}
        self._by_phase: dict[dt.date | None, dict[str, Fraction]] = {}
        # Entries dated after the day this ledger was cut at (``until``): not counted, but reported.
        self.beyond: tuple[Entry, ...] = ()

    @classmethod
    def read(cls, path: str | Path, hours_per_day: Fraction) -> Ledger:
        """Read a ledger file; a missing file is an empty ledger."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path, [], [])
        except OSError as exc:
            raise EngageError(f"{path}: cannot read ledger: {exc.strerror or exc}") from None
        undecodable: set[int] = set()
        try:
            lines = raw.decode("utf-8").split("\n")
        except UnicodeDecodeError:  # some line is not UTF-8: find which, keep the rest
            lines = []
            for number, chunk in enumerate(raw.split(b"\n"), start=1):
                try:
                    lines.append(chunk.decode("utf-8"))
                except UnicodeDecodeError:
                    lines.append(chunk.decode("utf-8", "replace"))
                    undecodable.add(number)
        numbered = [(n, line.rstrip("\r")) for n, line in enumerate(lines, start=1) if line.strip()]
        parsed = None if undecodable else _parse_all(numbered)
        records: list[Record] = []
        problems: list[LedgerProblem] = []
        for index, (number, line) in enumerate(numbered):
            try:
                if number in undecodable:
                    raise ValueError("not UTF-8 text")
                data = parsed[index] if parsed is not None else _decode(line)
                records.append(_record(data, number, hours_per_day))
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(LedgerProblem(path, number, line, _why(exc)))
        return cls(path, records, problems)

    def until(self, day: dt.date) -> Ledger:
        """The ledger as of ``day``: records dated after it left out; voids all kept.

        A void is a correction of the record it names, so it applies whenever
        it was made: a report on a past week shows the corrected figures.
        """
        kept = [r for r in self.records if isinstance(r, Void) or r.date <= day]
        ledger = Ledger(self.path, kept, self.problems)
        ledger.beyond = tuple(e for e in self.entries() if e.date > day)
        return ledger

    def is_void(self, record_id: str) -> bool:
        """True when a later record voided this one."""
        return record_id in self.voids

    def entries(self, include_voided: bool = False) -> list[Entry]:
        """Time entries in date order (then in the order they were recorded)."""
        if not include_voided:
            return list(self._live_entries)
        return sorted((r for r in self.records if isinstance(r, Entry)), key=_entry_order)

    @cached_property
    def _live_entries(self) -> tuple[Entry, ...]:
        live = [r for r in self.records if isinstance(r, Entry) and r.id not in self.voids]
        return tuple(sorted(live, key=_entry_order))

    @cached_property
    def _units(self) -> tuple[int, dict[tuple[str, dt.date], int]]:
        """Days per (phase, date) as whole numbers of 1/scale day, voided entries excluded.

        Adding Fractions one entry at a time made large portfolios slow. Every
        amount is a multiple of 1/scale, scale being the common denominator of
        the few distinct amounts, so integers add up exactly and fast.
        """
        live = self._live_entries
        distinct = {id(e.days): e.days for e in live}  # equal amounts are mostly one cached object
        scale = math.lcm(*(f.denominator for f in distinct.values())) if distinct else 1
        weight = {key: f.numerator * (scale // f.denominator) for key, f in distinct.items()}
        units: dict[tuple[str, dt.date], int] = {}
        for entry in live:
            key = (entry.phase, entry.date)
            units[key] = units.get(key, 0) + weight[id(entry.days)]
        return scale, units

    @cached_property
    def _consultant_units(self) -> dict[tuple[str, str, dt.date], int]:
        """Days per (consultant, phase, date) in the same whole units as ``_units``."""
        scale = self._units[0]
        units: dict[tuple[str, str, dt.date], int] = {}
        for entry in self._live_entries:
            key = (entry.consultant, entry.phase, entry.date)
            weight = entry.days.numerator * (scale // entry.days.denominator)
            units[key] = units.get(key, 0) + weight
        return units

    def used_by_consultant(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> dict[tuple[str, str], Fraction]:
        """Days per (consultant as logged, phase), voided entries excluded, within dates if given."""
        scale = self._units[0]
        sums: dict[tuple[str, str], int] = {}
        for (consultant, phase, date), value in self._consultant_units.items():
            if not (start and date < start) and not (end and date > end):
                sums[(consultant, phase)] = sums.get((consultant, phase), 0) + value
        return {key: Fraction(value, scale) for key, value in sums.items()}

    @cached_property
    def daily(self) -> dict[tuple[str, dt.date], Fraction]:
        """Days logged per (phase, date), voided entries excluded."""
        scale, units = self._units
        return {key: Fraction(value, scale) for key, value in units.items()}

    def status_changes(self, deliverable: str | None = None) -> list[StatusChange]:
        """Deliverable status records that still count, oldest first."""
        if deliverable is None:
            return sorted(
                (c for changes in self._status_index.values() for c in changes), key=lambda c: c.line
            )
        return list(self._status_index.get(deliverable, ()))

    @cached_property
    def _status_index(self) -> dict[str, list[StatusChange]]:
        index: dict[str, list[StatusChange]] = {}
        for r in self.records:
            if isinstance(r, StatusChange) and r.id not in self.voids:
                index.setdefault(r.deliverable, []).append(r)
        return index

    def current_status(self, deliverable: str) -> StatusChange | None:
        """The latest status of a deliverable (by its date, then when recorded)."""
        changes = self.status_changes(deliverable)
        return max(changes, key=lambda c: (c.date, c.recorded_at)) if changes else None

    def meeting_outcomes(self, meeting: str | None = None) -> list[MeetingOutcome]:
        """Meeting outcome records that still count, oldest first."""
        return [
            r
            for r in self.records
            if isinstance(r, MeetingOutcome)
            and r.id not in self.voids
            and (meeting is None or r.meeting == meeting)
        ]

    def closing(self) -> Closing | None:
        """The record that closed the engagement, unless voided (the latest, if closed twice)."""
        closings = [r for r in self.records if isinstance(r, Closing) and r.id not in self.voids]
        return max(closings, key=lambda c: (c.date, c.recorded_at)) if closings else None

    def used_by_phase(self, until: dt.date | None = None) -> dict[str, Fraction]:
        """Days per phase, counting entries up to ``until`` (inclusive) if given."""
        cached = self._by_phase.get(until)
        if cached is None:
            scale, units = self._units
            sums: dict[str, int] = {}
            for (phase, date), value in units.items():
                if until is None or date <= until:
                    sums[phase] = sums.get(phase, 0) + value
            cached = self._by_phase[until] = {phase: Fraction(v, scale) for phase, v in sums.items()}
        return dict(cached)

    def days_used(
        self,
        phase: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Fraction:
        """Days logged (voided entries excluded), for one phase and a date range if given."""
        scale, units = self._units
        total = 0
        for (entry_phase, date), value in units.items():
            if (
                (phase is None or entry_phase == phase)
                and not (start and date < start)
                and not (end and date > end)
            ):
                total += value
        return Fraction(total, scale)

    def find(self, prefix: str) -> Record:
        """The record whose id is ``prefix`` or starts with it (at least 4 characters)."""
        prefix = prefix.strip().lower()
        exact = [r for r in self.records if r.id == prefix]
        matches = exact or ([r for r in self.records if r.id.startswith(prefix)] if len(prefix) >= 4 else [])
        if not matches:
            raise EngageError(
                f"no record with id {prefix!r} in {self.path}; "
                "give an id (or its first 4+ characters) as shown by 'engage entries --all'"
            )
        if len(matches) > 1:
            ids = ", ".join(r.id for r in matches[:5])
            raise EngageError(f"id {prefix!r} matches several records ({ids}); give more characters")
        return matches[0]


def new_record(kind: str, **fields: object) -> dict[str, object]:
    """A record ready to append: a fresh id and the time it is recorded come first."""
    recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    # 48 random bits from the OS, as secrets.token_hex(6) would give, without importing secrets.
    return {"id": os.urandom(6).hex(), "kind": kind, "recorded_at": recorded_at, **fields}


def append(path: str | Path, records: Iterable[dict[str, object]]) -> None:
    """Append records as whole lines, under a lock, then fsync.

    Every record of one call goes out in a single write, so an import lands
    whole or not at all. A line left unfinished by a killed writer is not
    continued: the next record starts on a fresh line, and the torn one is
    reported as damaged on reading.
    """
    from filelock import FileLock, Timeout  # only writers pay for it

    path = Path(path)
    payload = b"".join(_encode(record) for record in records)
    if not payload:
        return
    if not path.parent.is_dir():
        raise EngageError(f"{path}: the ledger's folder does not exist; create it or pass --ledger FILE")
    lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS)
    try:
        with lock:
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            fd = os.open(path, flags, 0o644)
            try:
                if _ends_unterminated(fd):
                    payload = b"\n" + payload
                written = os.write(fd, payload)
                while written < len(payload):  # rare: a short write on a full pipe or disk
                    written += os.write(fd, payload[written:])
                os.fsync(fd)
            finally:
                os.close(fd)
    except Timeout:
        raise EngageError(
            f"{path}: another engage process has held the ledger lock for "
            f"{LOCK_TIMEOUT_SECONDS}s; try again, or remove {path}.lock if no engage is running"
        ) from None
    except OSError as exc:
        raise EngageError(f"{path}: cannot write the ledger: {exc.strerror or exc}") from None


def _ends_unterminated(fd: int) -> bool:
    size = os.fstat(fd).st_size
    if size == 0:
        return False
    return os.pread(fd, 1, size - 1) != b"\n" if hasattr(os, "pread") else _last_byte(fd) != b"\n"


def _last_byte(fd: int) -> bytes:
    os.lseek(fd, -1, os.SEEK_END)
    return os.read(fd, 1)


def _encode(record: dict[str, object]) -> bytes:
    try:
        text = json.dumps(record, ensure_ascii=False)
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates from an odd terminal: keep them, escaped
        return json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n"


@lru_cache(maxsize=4096)
def _fraction(text: str) -> Fraction:
    value = Fraction(text)
    if value <= 0:
        raise ValueError(f"amount must be positive, got {text}")
    return value


@lru_cache(maxsize=4096)
def _hours_to_days(hours: str, hours_per_day: Fraction) -> Fraction:
    return _fraction(hours) / hours_per_day


_entry_order = operator.attrgetter("date", "recorded_at")  # date order, then as recorded


_decode = json.JSONDecoder().decode


def _parse_all(numbered: list[tuple[int, str]]) -> list[Any] | None:
    """All lines parsed in one call of the C parser, or None if any line is not one JSON value.

    Parsing the file as one JSON array is over twice as fast as line by line;
    a damaged line makes the array invalid (or its length wrong), and then
    the lines are read one by one so that each problem is named.
    """
    try:
        values = json.loads("[" + ",".join(line for _, line in numbered) + "]")
    except ValueError:
        return None
    return values if len(values) == len(numbered) else None


@lru_cache(maxsize=8192)
def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text")
    return value


def _record(data: Any, line: int, hours_per_day: Fraction) -> Record:
    if not isinstance(data, dict):
        raise TypeError("not a record object")
    ident, kind, recorded_at = data["id"], data["kind"], data["recorded_at"]
    if not (isinstance(ident, str) and ident and isinstance(recorded_at, str)):
        raise TypeError("id and recorded_at must be text")
    if kind == "entry":
        hours = data.get("hours")
        if hours is not None:
            amount, unit = _fraction(str(hours)), "hours"
            days = _hours_to_days(str(hours), hours_per_day)
        else:
            amount = days = _fraction(str(data["days"]))
            unit = "days"
        phase, consultant, note = data["phase"], data.get("consultant", ""), data.get("note", "")
        if type(phase) is not str or not phase or type(consultant) is not str or type(note) is not str:
            raise TypeError("phase, consultant and note must be text")
        at = data.get("at", "")
        if type(at) is not str:
            raise TypeError("at must be text")
        return Entry(
            ident, _day(data["date"]), phase, amount, unit, days, consultant, note, recorded_at, line, at
        )
    if kind == "void":
        target = _text(data, "target") or _missing("target")
        return Void(ident, target, _text(data, "reason"), recorded_at, line)
    if kind == "deliverable":
        return StatusChange(
            ident,
            _text(data, "deliverable") or _missing("deliverable"),
            _text(data, "status") or _missing("status"),
            _day(data["date"]),
            _text(data, "note"),
            recorded_at,
            line,
        )
    if kind == "meeting":
        to = data.get("to")
        return MeetingOutcome(
            ident,
            _text(data, "meeting") or _missing("meeting"),
            _text(data, "outcome") or _missing("outcome"),
            _day(data["date"]),
            _text(data, "note"),
            recorded_at,
            line,
            _day(to) if to is not None else None,
        )
    if kind == "close":
        return Closing(
            ident,
            _text(data, "outcome") or _missing("outcome"),
            _day(data["date"]),
            _text(data, "note"),
            recorded_at,
            line,
        )
    raise ValueError(f"unknown record kind {kind!r}")


def _missing(key: str) -> str:
    raise KeyError(key)


def _why(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return "not a complete JSON record"
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc)
