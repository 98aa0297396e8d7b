"""The append-only ledger: time entries, voids, deliverable statuses, meeting outcomes, closing.

One JSON object per line, so the file is plain text that people can read and
git can merge. A record is never rewritten: a correction is a new ``void``
record naming the id it cancels.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from engage.errors import EngageError
from engage.language import _
from engage.ledger.records import Closing, Entry, LedgerProblem, MeetingOutcome, Record, StatusChange, Void
from engage.ledger.totals import DayTotal, Totals, add_entries, day_totals, regroup

if TYPE_CHECKING:
    from engage.ledger.cache.reading import Cached
    from engage.ledger.kinds import Kinds
    from engage.ledger.reader import Reading

R = TypeVar("R")

BY_FIELD = "by"  # who recorded a record: the acting consultant's key (or name), on records since 2026
MACHINE_FIELD = "machine"  # the recording machine's random id (engage.settings.machine)

__all__ = ["BY_FIELD", "MACHINE_FIELD", "Ledger", "entry_fields", "new_entry_amount", "new_record"]


class Ledger:
    """What a ledger file holds, read once; figures are derived from it on demand.

    Entries may stay in the ledger cache (:mod:`engage.ledger.cache.store`) until
    asked for: totals come from the cached sums per day, and ``entries()``
    loads only the dates it is asked for.
    """

    def __init__(self, path: Path, records: list[Record], problems: list[LedgerProblem]) -> None:
        self.path = path
        self.problems = problems
        self._records: list[Record] | None = records
        self._others: list[Record] = [r for r in records if not isinstance(r, Entry)]
        self._held: list[Entry] = [r for r in records if isinstance(r, Entry)]  # entries in memory
        self._cached: Cached | None = None  # entries still in the cache
        self._cut: dt.date | None = None  # entries and records dated after it do not count
        self.voids: dict[str, Void] = {r.target: r for r in self._others if isinstance(r, Void)}
        self.engagements: frozenset[str] = frozenset()  # engagement ids the records carry
        self.named_engagements: frozenset[str] = frozenset()  # ids named on any line, damaged ones too
        self.dead_batches: dict[str, tuple[int, int]] = {}  # interrupted writes not yet sealed
        self.torn: tuple[str, ...] = ()  # digests of an unfinished last line, not yet sealed
        self.line_count = 0  # lines in the file, an unfinished last one included
        self._by_phase: dict[dt.date | None, dict[str, Fraction]] = {}
        self._uncut: Ledger | None = None
        self._views: dict[dt.date, Ledger] = {}  # until(day), made once a day

    @property
    def records(self) -> list[Record]:
        """Every record that counts (voids included), in the order of the file."""
        if self._records is None:
            records: list[Record] = [*self._others, *self._entries_between(None, None)]
            records.sort(key=_line)
            self._records = records
        return self._records

    @classmethod
    def read(cls, path: str | Path, hours_per_day: Fraction, kinds: Kinds | None = None) -> Ledger:
        """Read a ledger file, from where the cache stopped when it can; a missing file is an empty ledger.

        ``kinds`` are the record kinds to read (the session's: the core's and its plugins'); without
        them, the core's only.
        """
        from engage.ledger.cache.reading import read
        from engage.ledger.kinds import CORE_KINDS

        return read(cls, Path(path), hours_per_day, kinds or CORE_KINDS)

    @classmethod
    def parse(cls, path: Path, raw: bytes, hours_per_day: Fraction, kinds: Kinds | None = None) -> Ledger:
        """A ledger from the bytes of its file (see :mod:`engage.ledger.reader`)."""
        from engage.ledger.kinds import CORE_KINDS
        from engage.ledger.reader import named_engagements, read_lines

        reading = read_lines(path, raw, hours_per_day, kinds=kinds or CORE_KINDS)
        return cls.from_reading(path, reading, named_engagements=frozenset(named_engagements(raw)))

    @classmethod
    def from_reading(
        cls,
        path: Path,
        reading: Reading,
        *,
        earlier: Sequence[Record] = (),
        problems: list[LedgerProblem] | None = None,
        engagements: frozenset[str] = frozenset(),
        named_engagements: frozenset[str] = frozenset(),
        cached: Cached | None = None,
    ) -> Ledger:
        """A ledger from what the strict reader found: the public constructor the cache uses too.

        ``earlier`` are records kept before the lines read (the cache's), ``cached`` the entries
        left in the cache; ``problems`` replace the reading's, and ``engagements`` add to them.
        """
        ledger = cls(path, [*earlier, *reading.records], reading.problems if problems is None else problems)
        if cached is not None:
            ledger._records = None  # in file order once the cached entries are loaded, if ever
            ledger._cached = cached
        ledger.engagements = engagements | reading.engagements
        ledger.named_engagements = named_engagements
        ledger.dead_batches = reading.dead_batches
        ledger.torn = tuple(reading.torn)
        ledger.line_count = reading.line_count
        return ledger

    @property
    def held_entries(self) -> list[Entry]:
        """The entries read into memory (not left in the cache), voided ones too, in file order."""
        return self._held

    def _view(self) -> Ledger:
        """A copy sharing this ledger's records, to be narrowed or added to."""
        view = Ledger(self.path, [], self.problems)
        view._records = None
        view._others, view._held, view._cached = self._others, self._held, self._cached
        view._cut, view.voids = self._cut, self.voids
        view.engagements, view.named_engagements = self.engagements, self.named_engagements
        view.line_count, view._uncut = self.line_count, self._uncut
        return view

    def until(self, day: dt.date) -> Ledger:
        """The ledger as of ``day``: records dated after it left out; voids all kept.

        A void is a correction of the record it names, so it applies whenever
        it was made: a report on a past week shows the corrected figures.
        """
        if day == self._cut:
            return self  # already as of that day: one object, so the verdict on it is judged once
        known = self._views.get(day)
        if known is not None:
            return known
        view = self._views[day] = self._view()
        view._cut = day if self._cut is None else min(day, self._cut)
        view._others = [r for r in self._others if isinstance(r, Void) or r.date <= day]
        view._uncut = self
        return view

    def uncut(self) -> Ledger:
        """The ledger this one was cut from (``until``): every record, whatever its date; itself when
        not cut. What a close-out needs of the records made after its date (the invoices and payments
        that settle a closed engagement)."""
        return self if self._uncut is None else self._uncut.uncut()

    def plus(self, entry: Entry) -> Ledger:
        """This ledger with one more entry, as it will read once the entry is written."""
        view = self._view()
        view._held = [*self._held, entry]
        return view

    def beyond_totals(self) -> list[DayTotal]:
        """:meth:`day_totals` of the entries dated after the cut (``until``), in date order."""
        if self._uncut is None or self._cut is None:
            return []
        cut = self._cut
        return [t for t in self._uncut.day_totals() if t.date > cut]

    def is_void(self, record_id: str) -> bool:
        """True when a later record voided this one."""
        return record_id in self.voids

    def entries(
        self, include_voided: bool = False, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Entry]:
        """Time entries in date order (then in the order they were recorded), from ``start`` to ``end``."""
        if start is None and end is None and not include_voided:
            return list(self._live_entries)
        found = self._entries_between(start, end)
        if not include_voided:
            found = [e for e in found if e.id not in self.voids]
        return sorted(found, key=_entry_order)

    def _entries_between(self, start: dt.date | None, end: dt.date | None) -> list[Entry]:
        if self._cut is not None and (end is None or end > self._cut):
            end = self._cut
        found = self._cached_entries(start, end)
        found.extend(e for e in self._held if not (start and e.date < start) and not (end and e.date > end))
        return found

    def _cached_entries(self, start: dt.date | None, end: dt.date | None) -> list[Entry]:
        if self._cached is None:
            return []
        from engage.ledger.cache.reading import cached_entries

        return cached_entries(self.path, self._cached, start, end)

    @cached_property
    def _live_entries(self) -> tuple[Entry, ...]:
        live = [e for e in self._entries_between(None, None) if e.id not in self.voids]
        return tuple(sorted(live, key=_entry_order))

    @cached_property
    def fine_totals(self) -> tuple[int, Totals]:
        """Days of live entries per (date, phase, consultant, place), in whole 1/scale days, with counts:
        what the cache keeps, and what every total is summed from."""
        snapshot = self._cached.snapshot if self._cached else None
        scale, totals = (snapshot.scale, snapshot.totals) if snapshot else (1, {})
        return add_entries(scale, totals, [e for e in self._held if e.id not in self.voids], self._cut)

    def day_totals(self) -> list[DayTotal]:
        """Live entries summed per (date, phase, consultant, place), in date order: what totals add up."""
        return list(self._day_totals)

    @cached_property
    def _day_totals(self) -> tuple[DayTotal, ...]:
        return tuple(day_totals(*self.fine_totals))

    @cached_property
    def _units(self) -> tuple[int, dict[tuple[str, dt.date], int]]:
        """Days per (phase, date) as whole numbers of 1/scale day, voided entries excluded."""
        scale, totals = self.fine_totals
        return scale, regroup(totals, lambda date, phase, _: (phase, date))  # type: ignore[return-value]

    @cached_property
    def _consultant_units(self) -> dict[tuple[str, str, dt.date], int]:
        """Days per (consultant, phase, date) in the same whole units as ``_units``."""
        return regroup(self.fine_totals[1], lambda date, phase, who: (who, phase, date))  # type: ignore[return-value]

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
        pool = self.records if issubclass(Entry, kind) else self._others
        return [r for r in pool if isinstance(r, kind) and r.id not in self.voids]

    def every(self, kind: type[R]) -> list[R]:
        """Records of one class other than entries, voided or not, in the order they were written (a
        timesheet's steps: a void does not undo one, so a void written by hand is reported, not obeyed)."""
        return [r for r in self._others if isinstance(r, kind)]

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
        for r in self._others:
            if isinstance(r, StatusChange) and r.id not in self.voids:
                index.setdefault(r.deliverable, []).append(r)
        return index

    def meeting_outcomes(self, meeting: str | None = None) -> list[MeetingOutcome]:
        """Meeting outcome records that still count, oldest first."""
        return [
            r
            for r in self._others
            if isinstance(r, MeetingOutcome)
            and r.id not in self.voids
            and (meeting is None or r.meeting == meeting)
        ]

    def closing(self) -> Closing | None:
        """The record that closed the engagement, unless voided (the latest, if closed twice)."""
        closings = [r for r in self._others if isinstance(r, Closing) and r.id not in self.voids]
        return max(closings, key=lambda c: (c.date, c.recorded_at, c.id)) if closings else None

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
                _(
                    "no record with id {id} in {path}; "
                    "give an id (or its first 4+ characters) as shown by 'engage entries --all'"
                ).format(id=repr(prefix), path=self.path)
            )
        if len(matches) > 1:
            ids = ", ".join(r.id for r in matches[:5])
            raise EngageError(
                _("id {id} matches several records ({ids}); give more characters").format(
                    id=repr(prefix), ids=ids
                )
            )
        return matches[0]


def new_record(kind: str, **fields: object) -> dict[str, object]:
    """A record ready to append: a fresh id and the time it is recorded come first."""
    recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    # 48 random bits from the OS, as secrets.token_hex(6) would give, without importing secrets.
    return {"id": os.urandom(6).hex(), "kind": kind, "recorded_at": recorded_at, **fields}


def entry_fields(amount: Fraction, unit: str) -> dict[str, str]:
    """How an amount is stored, exactly: "1.5" days, "4" hours, or "4/3" hours for 1h20m."""
    decimal = str(float(amount))
    text = decimal if Fraction(decimal) == amount else f"{amount.numerator}/{amount.denominator}"
    return {unit: text.removesuffix(".0")}


def new_entry_amount(amount: Fraction, unit: str, typed: str) -> dict[str, str]:
    """How a new entry stores ``amount``, checked first: the one check of every way time comes in.

    ``log``, a CSV import and another tracker's import all take the same amounts: in the range
    ``log`` takes (:func:`engage.parsing.check_amount`), and stored as the strict reader will
    read them back (``1e-07`` or seven decimals would be a damaged line). An EngageError naming
    ``typed``, the amount as the user or the file gave it, otherwise.
    """
    from engage.ledger.kinds import stored_amount
    from engage.parsing import check_amount

    check_amount(amount, unit, typed)
    fields = entry_fields(amount, unit)
    try:
        stored_amount(fields[unit], unit)
    except ValueError:
        from engage.language.choice import decimal_text

        raise EngageError(
            _(
                "{typed} is more precise than engage keeps; give at most 6 decimals (such as {example}), "
                "or whole minutes"
            ).format(typed=repr(typed), example=decimal_text(f"{float(amount):.6f}"))
        ) from None

    return fields


def _entry_order(entry: Entry) -> tuple[dt.date, str, bool, int]:
    """Date order, then as recorded, then as in the file (an entry not yet written, line 0, last)."""
    return entry.date, entry.recorded_at, entry.line == 0, entry.line


def _line(record: Record) -> tuple[bool, int]:
    """File order; a record not yet written (line 0) comes last."""
    return record.line == 0, record.line
