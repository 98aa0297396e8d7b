"""The append-only ledger: time entries, voids, deliverable statuses, meeting outcomes, closing.

One JSON object per line, so the file is plain text that people can read and
git can merge. A record is never rewritten: a correction is a new ``void``
record naming the id it cancels.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import os
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from engage.errors import EngageError
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

R = TypeVar("R")

__all__ = [
    "Bookkeeping",
    "Closing",
    "Commit",
    "Entry",
    "Ledger",
    "LedgerProblem",
    "MeetingOutcome",
    "Record",
    "Seal",
    "StatusChange",
    "Void",
    "append",
    "append_batch",
    "new_record",
]


class Ledger:
    """What a ledger file holds, read once; figures are derived from it on demand."""

    def __init__(self, path: Path, records: list[Record], problems: list[LedgerProblem]) -> None:
        self.path = path
        self.records = records
        self.problems = problems
        self.voids: dict[str, Void] = {r.target: r for r in records if isinstance(r, Void)}
        self.engagements: frozenset[str] = frozenset()  # engagement ids the records carry
        self.dead_batches: dict[str, tuple[int, int]] = {}  # interrupted writes not yet sealed
        self.torn: tuple[str, ...] = ()  # digests of an unfinished last line, not yet sealed
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
        return cls.parse(path, raw, hours_per_day)

    @classmethod
    def parse(cls, path: Path, raw: bytes, hours_per_day: Fraction) -> Ledger:
        """A ledger from the bytes of its file (see :mod:`engage.ledger_read`)."""
        from engage.ledger_read import read_lines

        reading = read_lines(path, raw, hours_per_day)
        ledger = cls(path, reading.records, reading.problems)
        ledger.engagements = frozenset(reading.engagements)
        ledger.dead_batches = reading.dead_batches
        ledger.torn = tuple(reading.torn)
        return ledger

    def until(self, day: dt.date) -> Ledger:
        """The ledger as of ``day``: records dated after it left out; voids all kept.

        A void is a correction of the record it names, so it applies whenever
        it was made: a report on a past week shows the corrected figures.
        """
        kept = [r for r in self.records if isinstance(r, Void) or r.date <= day]
        ledger = Ledger(self.path, kept, self.problems)
        ledger.engagements = self.engagements
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

    def live(self, kind: type[R]) -> list[R]:
        """Records of one class (a plugin's, say) that no void cancels, in the order they were written."""
        return [r for r in self.records if isinstance(r, kind) and r.id not in self.voids]

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


def append_batch(
    path: str | Path,
    records: list[dict[str, object]],
    *,
    engagement: str | None = None,
    hours_per_day: Fraction = Fraction(8),
    check: Callable[[Ledger], None] | None = None,
) -> list[LedgerProblem]:
    """Append records so that they land whole or not at all; see :mod:`engage.ledger_write`.

    ``check`` is called with the ledger as it stands, under the lock, before
    anything is written: the place for duplicate checks. Returns what an
    interrupted earlier write had left, now sealed.
    """
    from engage.ledger_write import append_batch as write

    return write(path, records, engagement=engagement, hours_per_day=hours_per_day, check=check)


def append(path: str | Path, records: Iterable[dict[str, object]]) -> None:
    """Append records, all or none, with no engagement check (for scripts and tests)."""
    append_batch(path, list(records))


_entry_order = operator.attrgetter("date", "recorded_at")  # date order, then as recorded
