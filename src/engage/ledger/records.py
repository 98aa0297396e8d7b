"""The kinds of record a ledger holds, and the problems a reader reports about its lines."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple, Protocol

from engage.language import _
from engage.values import frozen


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
    by: str = ""  # who recorded it (``BY_FIELD``); "" on older records and where nobody was known

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by ``engage entries --format json`` (``at`` only where said)."""
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
        shape["by"] = self.by
        return shape


@frozen
class Void:
    """A correction: the record ``target`` no longer counts."""

    id: str
    target: str
    reason: str
    recorded_at: str
    line: int = 0
    by: str = ""  # who recorded it, where the record says


@frozen
class StatusChange:
    """A deliverable was submitted, returned with comments, or accepted on ``date``."""

    id: str
    deliverable: str
    status: str
    date: dt.date
    note: str
    recorded_at: str
    line: int = 0
    by: str = ""  # who recorded it, where the record says
    machine: str = ""  # the recording machine's id, where the record says: orders ties after a merge


@frozen
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
    by: str = ""  # who recorded it, where the record says
    machine: str = ""  # the recording machine's id, where the record says: orders ties after a merge


@frozen
class Closing:
    """The engagement ended on ``date``: completed or terminated. A void reopens it."""

    id: str
    outcome: str
    date: dt.date
    note: str
    recorded_at: str
    line: int = 0
    by: str = ""  # who recorded it, where the record says


@frozen
class TimesheetAction:
    """A step in a timesheet's approval: a consultant's sheet for ``start``..``end`` was submitted,
    approved, rejected or reopened on ``date``.

    ``digest`` is what the sheet held when the step was taken (:func:`engage.judging.timesheets.digest`);
    ``signature`` an SSH signature over it (``ssh-keygen -Y sign``) by ``signer``, whose key has
    ``fingerprint``; all three "" where the step was not signed. ``items``: each entry on the sheet
    as ``ID:HASH`` (:func:`engage.judging.timesheets.sheet_items`), so a later change is named.
    """

    id: str
    action: str
    consultant: str
    start: dt.date
    end: dt.date
    date: dt.date
    reason: str
    recorded_at: str
    line: int = 0
    actor: str = ""  # whom the step was taken as: a consultant's key, or "supervisor"
    by: str = ""  # who recorded it, as every record says
    machine: str = ""
    digest: str = ""
    signature: str = ""
    signer: str = ""
    fingerprint: str = ""
    items: tuple[str, ...] = ()  # each entry on the sheet as "ID:HASH", so a change can be named
    follows: str = ""  # the id of the step this one was taken after ("" for a sheet's first)


@frozen
class Commit:
    """The last line of a multi-record write: the ``count`` records of ``batch`` all landed."""

    id: str
    batch: str
    count: int
    recorded_at: str
    line: int = 0


@frozen
class Seal:
    """Marks what an interrupted write left behind as known and not counted, so it is not re-reported.

    ``batches`` are batch ids that never got their commit record; ``torn`` are
    digests of lines a killed writer left unfinished.
    """

    id: str
    batches: tuple[str, ...]
    torn: tuple[str, ...]
    recorded_at: str
    line: int = 0


class PluginRecord(Protocol):
    """A record of a kind a plugin registers (``engage_record_kinds``): what the core relies on."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def recorded_at(self) -> str: ...
    @property
    def line(self) -> int: ...


Record = Entry | Void | StatusChange | MeetingOutcome | Closing | TimesheetAction | PluginRecord
Bookkeeping = Commit | Seal


@frozen
class LedgerProblem:
    """Lines that could not be counted; reported to the user, never dropped or rewritten."""

    path: Path
    line: int
    content: str
    reason: str
    last_line: int = 0  # for a range of lines (an interrupted batch)

    def __str__(self) -> str:
        if self.last_line:
            return f"{self.path}:{self.line}-{self.last_line}: {self.reason}"
        shown = self.content if len(self.content) <= 120 else self.content[:117] + "..."
        return _("{path}:{line}: damaged line not counted ({reason}): {content}").format(
            path=self.path, line=self.line, reason=self.reason, content=repr(shown)
        )
