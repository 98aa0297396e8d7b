"""One reader per record kind: which fields it has and what values they may take.

Statuses and outcomes are checked against the lists in :mod:`engage.schedule.model`,
so a status added there is accepted here. Plugins add kinds through the
``engage_record_kinds`` hook, handed in by the session (see :class:`Kinds`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from engage.language import ENGLISH, _, base, current
from engage.ledger.records import (
    Bookkeeping,
    Closing,
    Commit,
    Entry,
    MeetingOutcome,
    Record,
    Seal,
    StatusChange,
    TimesheetAction,
    Void,
)
from engage.parsing import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_DAYS_PER_ENTRY,
    MAX_HOURS_PER_ENTRY,
    MIN_DAYS_PER_ENTRY,
    MIN_HOURS_PER_ENTRY,
)
from engage.schedule import model

if TYPE_CHECKING:
    from engage.hooktypes import RecordKind

# An amount as engage stores it: "1.5", "4", or "4/3" for 1h20m. No sign, exponent, "_" or spaces.
_AMOUNT_TEXT = re.compile(r"(?:\d{1,4}(?:\.\d{1,6})?|\d{1,6}/\d{1,6})\Z", re.ASCII)


def kind_of(data: Any, kinds: dict[str, Reader]) -> str:
    """The kind of a decoded line, checked with the fields every record has."""
    if not isinstance(data, dict):
        raise TypeError(_("not a record object"))
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(_("unknown record kind {kind}").format(kind=repr(kind)))
    for key in ("id", "recorded_at"):
        if not isinstance(data[key], str) or not data[key]:
            raise TypeError(_("{field} must be text").format(field=key))
    for key in ("engagement", "batch"):
        if key in data and (not isinstance(data[key], str) or not data[key]):
            raise TypeError(_("{field} must be text").format(field=key))
    return str(kind)


# Field readers, public (engage.text_field, date_field, texts_field): a plugin's record reader checks
# its fields with the very rules the core's readers follow.
def text_field(data: dict[str, Any], key: str, required: bool = False) -> str:
    """The text at ``key`` ("" when absent); a TypeError when it is not text, a KeyError when
    ``required`` and empty."""
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TypeError(_("{field} must be text").format(field=key))
    if required and not value:
        raise KeyError(key)
    return value


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = text_field(data, key, required=True)
    if value not in allowed:
        raise ValueError(
            _("{field} {value} is not one of {choices}").format(
                field=key, value=repr(value), choices=", ".join(allowed)
            )
        )
    return value


@lru_cache(maxsize=8192)
def _day_text(text: str, key: str = "date") -> dt.date:
    day = dt.date.fromisoformat(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR or len(text) != 10:
        raise ValueError(
            _("{field} {value} is not a plausible YYYY-MM-DD date").format(field=key, value=repr(text))
        )
    return day


def date_field(data: dict[str, Any], key: str = "date") -> dt.date:
    """The YYYY-MM-DD date at ``key``, required, from 1970 to 2100; a ValueError naming it otherwise."""
    return _day_text(text_field(data, key, required=True), key)


def _day(data: dict[str, Any]) -> dt.date:
    return date_field(data)


@lru_cache(maxsize=4096)
def _amount_text(text: str, unit: str) -> Fraction:
    if not _AMOUNT_TEXT.match(text):
        raise ValueError(
            _("{field} {value} is not an amount engage writes (such as 1.5, 4 or 4/3)").format(
                field=unit, value=repr(text)
            )
        )
    value = Fraction(text)
    low, high = (
        (MIN_DAYS_PER_ENTRY, MAX_DAYS_PER_ENTRY)
        if unit == "days"
        else (MIN_HOURS_PER_ENTRY, MAX_HOURS_PER_ENTRY)
    )
    if not low <= value <= high:
        if unit == "days":
            said = _("days {value} is outside {low} to {high} days for one entry")
        else:
            said = _("hours {value} is outside {low} to {high} hours for one entry")
        raise ValueError(said.format(value=repr(text), low=f"{float(low):g}", high=high))
    return value


def stored_amount(text: str, unit: str) -> Fraction:
    """An amount as a record stores it ("1.5", "4/3"), read as the reader reads it; a ValueError
    naming it when the reader would count its line as damage."""
    return _amount_text(text, unit)


def _amount(value: Any, unit: str) -> Fraction:
    if type(value) is str:
        return _amount_text(value, unit)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(_("{field} must be a number written as text").format(field=unit))
    return _amount_text(value if isinstance(value, str) else repr(value), unit)


@lru_cache(maxsize=4096)
def _in_days(hours: Fraction, hours_per_day: Fraction) -> Fraction:
    return hours / hours_per_day


def _entry(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Entry:
    if "hours" in data and "days" in data:
        raise ValueError(_("an entry gives days or hours, not both"))
    if "hours" in data:
        amount, unit = _amount(data["hours"], "hours"), "hours"
        days = _in_days(amount, hours_per_day)
    else:
        amount = days = _amount(data["days"], "days")
        unit = "days"
    phase, consultant, note = data.get("phase"), data.get("consultant", ""), data.get("note", "")
    if type(phase) is not str or type(consultant) is not str or type(note) is not str:  # fast path
        phase, consultant, note = (
            text_field(data, "phase", required=True),
            text_field(data, "consultant"),
            text_field(data, "note"),
        )
    if not phase:
        raise KeyError("phase")
    at, by = data.get("at", ""), data.get("by", "")
    if type(at) is not str or type(by) is not str:
        at, by = text_field(data, "at"), text_field(data, "by")
    return Entry(
        data["id"], _day(data), phase, amount, unit, days, consultant, note, data["recorded_at"], line, at, by
    )


def _void(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Void:
    return Void(
        data["id"],
        text_field(data, "target", required=True),
        text_field(data, "reason"),
        data["recorded_at"],
        line,
        text_field(data, "by"),
    )


def _status(data: dict[str, Any], line: int, hours_per_day: Fraction) -> StatusChange:
    return StatusChange(
        data["id"],
        text_field(data, "deliverable", required=True),
        *_dated_choice(data, line, "status", model.DELIVERABLE_STATUSES),
        text_field(data, "by"),
        text_field(data, "machine"),
    )


def _outcome(data: dict[str, Any], line: int, hours_per_day: Fraction) -> MeetingOutcome:
    to = data.get("to")
    return MeetingOutcome(
        data["id"],
        text_field(data, "meeting", required=True),
        *_dated_choice(data, line, "outcome", model.MEETING_OUTCOMES),
        None if to is None else date_field(data, "to"),
        text_field(data, "by"),
        text_field(data, "machine"),
    )


def _closing(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Closing:
    return Closing(
        data["id"], *_dated_choice(data, line, "outcome", model.CLOSE_OUTCOMES), text_field(data, "by")
    )


def _dated_choice(
    data: dict[str, Any], line: int, key: str, allowed: tuple[str, ...]
) -> tuple[str, dt.date, str, str, int]:
    """What a status, an outcome and a close each end with: the choice made, its date, a note, when
    it was recorded and its line, checked in that order."""
    return _choice(data, key, allowed), _day(data), text_field(data, "note"), data["recorded_at"], line


TIMESHEET_ACTIONS = ("submit", "approve", "reject", "reopen")


def _timesheet(data: dict[str, Any], line: int, hours_per_day: Fraction) -> TimesheetAction:
    start, end = date_field(data, "start"), date_field(data, "end")
    if end < start:
        raise ValueError(_("end {end} comes before start {start}").format(end=end, start=start))
    consultant = text_field(data, "consultant", required=True)
    return TimesheetAction(
        data["id"],
        _choice(data, "action", TIMESHEET_ACTIONS),
        consultant,
        start,
        end,
        _day(data),
        text_field(data, "reason"),
        data["recorded_at"],
        line,
        text_field(data, "actor"),
        text_field(data, "by"),
        text_field(data, "machine"),
        text_field(data, "digest"),
        text_field(data, "signature"),
        text_field(data, "signer"),
        text_field(data, "fingerprint"),
        texts_field(data, "items", empty=False),
        text_field(data, "follows"),
    )


def _commit(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Commit:
    count = data["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 2:
        raise ValueError(_("a commit's count must be a whole number of at least 2"))
    return Commit(data["id"], text_field(data, "batch", required=True), count, data["recorded_at"], line)


def texts_field(data: dict[str, Any], key: str, empty: bool = True) -> tuple[str, ...]:
    """The list of text at ``key`` (() when absent); with ``empty=False`` no item may be empty."""
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and (empty or v) for v in values):
        raise TypeError(_("{field} must be a list of text").format(field=key))
    return tuple(values)


def _seal(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Seal:
    return Seal(
        data["id"], texts_field(data, "batches"), texts_field(data, "torn"), data["recorded_at"], line
    )


Reader = Callable[[dict[str, Any], int, Fraction], Record | Bookkeeping]

# One reader per record kind: a new kind is one more row. Plugins add theirs through
# the ``engage_record_kinds`` hook, handed in by the session (see :class:`Kinds`).
KINDS: dict[str, Reader] = {
    "entry": _entry,
    "void": _void,
    "deliverable": _status,
    "meeting": _outcome,
    "close": _closing,
    "timesheet": _timesheet,
    "commit": _commit,
    "seal": _seal,
}


class Kinds:
    """The kinds of record ledgers are read with: the core's, and those plugins register.

    The session makes it from the loaded plugins (``engage_record_kinds``) and hands it to every
    read and write of a ledger (``Ledger.read``, ``append_batch``): the ledger layer knows nothing
    of plugins. Without it a ledger reads the core's kinds only (:data:`CORE_KINDS`), and a
    plugin's record counts as damage, named and never dropped.
    """

    def __init__(self, plugin_kinds: Iterable[RecordKind] = (), stamp: str = "") -> None:
        self._plugin_kinds = tuple(plugin_kinds)
        self._stamp = stamp  # the state of the plugins' files: a reader's helpers may change too
        readers = dict(KINDS)
        for kind in self._plugin_kinds:
            readers[kind.name] = _plugin_reader(kind.read)
        self.readers: dict[str, Reader] = readers
        self.after_close = AFTER_CLOSE | {kind.name for kind in self._plugin_kinds if kind.after_close}

    @property
    def fingerprint(self) -> str:
        """What decides how a line reads: the kinds, their readers' code, the model's lists, the bounds.

        The ledger cache is keyed on it, so that a reader changed by an upgrade,
        an edited plugin or a status added to the model reads every line again.
        """
        parts = [
            repr((model.DELIVERABLE_STATUSES, model.MEETING_OUTCOMES, model.CLOSE_OUTCOMES)),
            repr(TIMESHEET_ACTIONS),
            repr((MIN_DAYS_PER_ENTRY, MAX_DAYS_PER_ENTRY, MIN_HOURS_PER_ENTRY, MAX_HOURS_PER_ENTRY)),
            self._stamp if self._plugin_kinds else "",
            self._sources,
        ]
        language = current()
        if base(language) != ENGLISH:  # the damage a cache keeps is named in the language it was read in
            parts.append(language)
        return "\n".join(parts)

    @cached_property
    def _sources(self) -> str:
        """Where each reader's code is, once per set of kinds: a command reads its ledger up to 3 times."""
        readers: list[tuple[str, Callable[..., Any]]] = list(KINDS.items())
        readers += [(kind.name, kind.read) for kind in self._plugin_kinds]
        return "\n".join(_source(name, read) for name, read in sorted(readers, key=lambda r: r[0]))


# Core kinds that may follow a close: a timesheet of the last month is submitted and approved after it.
AFTER_CLOSE = frozenset({"void", "close", "timesheet", "commit", "seal"})
CORE_KINDS = Kinds()  # what a ledger is read with when no plugin registers a kind


def _source(name: str, read: Callable[..., Any]) -> str:
    """Where a reader's code is, and that file's size and time."""
    module = sys.modules.get(getattr(read, "__module__", None) or type(read).__module__)
    source = str(getattr(module, "__file__", "") or "")
    try:
        info = os.stat(source)
    except OSError:
        return f"{name}:{source}:{getattr(read, '__qualname__', type(read).__qualname__)}"
    return f"{name}:{source}:{info.st_size}:{info.st_mtime_ns}"


def _plugin_reader(read: Callable[[dict[str, Any], int], Any]) -> Reader:
    def reader(data: dict[str, Any], line: int, hours_per_day: Fraction) -> Any:
        record = read(data, line)
        if record.id != data["id"] or not isinstance(record.date, dt.date):
            raise ValueError(_("the plugin's reader gave a record without its id or date"))

        return record

    return reader
