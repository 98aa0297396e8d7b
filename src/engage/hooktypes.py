"""Values that plugins return from hooks: findings, events, sections, days off, importers, exporters,
timesheet layouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from engage.language import _
from engage.values import frozen

if TYPE_CHECKING:
    from engage.judging.timesheets import SheetState
    from engage.judging.verdict import Verdict
    from engage.ledger.records import Entry
    from engage.schedule.model import Consultant, Engagement

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@frozen
class DayOff:
    """A date on which nobody is expected to work, with the reason (a holiday's name)."""

    date: dt.date
    name: str


@frozen
class Finding:
    """What a budget or schedule check reports.

    ``code`` is stable (``phase-over-budget``) so scripts and tests can rely on
    it; ``message`` is for people. ``phase``, ``deliverable`` and ``date`` say
    where the finding applies, each None where it does not. ``records`` names the ledger records a
    collision is about (two records machines made apart that contradict each other after a merge:
    the one the figures count, then the one they leave out); in the JSON only where given.
    """

    severity: Severity
    code: str
    message: str
    phase: str | None = None
    deliverable: str | None = None
    date: dt.date | None = None
    records: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by ``engage budget --format json``."""
        shape: dict[str, object] = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "phase": self.phase,
            "deliverable": self.deliverable,
            "date": self.date.isoformat() if self.date else None,
        }
        if self.records:
            shape["records"] = list(self.records)
        return shape


@frozen
class CalendarEvent:
    """One event for the supervisor's calendar.

    ``key`` is unique within the engagement and never changes for the same
    item: the calendar's UID is made from it, so re-sent calendars update in
    place. All-day events have ``date`` values and an inclusive ``end``; timed
    events have ``datetime`` values in the engagement's time zone (naive values
    are read in that zone).
    """

    key: str
    title: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    description: str = ""
    location: str = ""
    attendees: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    alarm: bool = False


@frozen
class Section:
    """A titled table for a status report: headers, rows of cells, and a note.

    Cells are plain values: text, numbers, dates, or the typed cells :class:`Days` and
    :class:`Money`, which print as people read them and land in the workbook as numbers. The note
    is always shown: below the table, in its place when there are no rows, and in the workbook's
    Notes sheet. The workbook gives each title (and each set of headers under one title) a sheet
    whose rows name their engagement; JSON keeps headers, rows and note; ``status --format csv`` is
    one tidy table of phases and leaves sections out, saying so on stderr.
    """

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    note: str = ""
    optional: tuple[str, ...] = ()  # columns a narrow terminal may leave out, least needed first


@frozen
class Days:
    """A number of days in a section's cell: "1.5" in text, a number in the workbook and JSON."""

    value: Fraction

    def __str__(self) -> str:
        from engage.language.choice import decimal_text

        text = f"{float(self.value):.2f}"
        return decimal_text(text[:-1] if text.endswith("0") else text)


@frozen
class Money:
    """An amount in a section's cell: its ``text`` in print ("€1,250.00"; else "EUR 1,250.00"), and in
    the workbook a number in its currency's format; JSON keeps the text."""

    amount: Decimal
    currency: str
    text: str = ""

    def __str__(self) -> str:
        if self.text:
            return self.text
        from engage.language.formats import number_text

        return f"{self.currency} {number_text(self.amount)}"


@frozen
class Week:
    """An ISO week: Monday to Sunday, both inclusive."""

    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, day: dt.date) -> Week:
        """The ISO week that holds ``day``."""
        year, number, weekday = day.isocalendar()
        monday = day - dt.timedelta(days=weekday - 1)
        return cls(f"{year}-W{number:02d}", monday, monday + dt.timedelta(days=6))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@frozen
class ImportedTime:
    """One piece of time read from another tracker's file, before engage maps it to a phase.

    Give ``start`` (an instant: aware, or naive in the file's zone) when the
    tracker records clock times, else ``day``; engage turns either into a date
    in the engagement's time zone. With ``start``, give ``end`` too when the
    tracker keeps it: engage then splits the time at the engagement's midnight,
    as ``timew summary`` and ``watson report`` split it by day (``hours`` is
    then worked out from the two). ``keys`` are what ``--map SOURCE=PHASE``
    matches (a tag, ``project+tag``, an account); they must agree on one
    phase. ``fallback`` keys are tried only when no key matched (a Watson
    project without its tag). ``ref`` identifies the item in its tracker so
    that a re-import adds nothing; empty, the item's content is used.
    """

    where: str  # "frames: record 3", "work.klg:12": named in every error about it
    hours: Fraction
    start: dt.datetime | None = None
    day: dt.date | None = None
    keys: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    person: str = ""
    note: str = ""
    ref: str = ""
    end: dt.datetime | None = None


@frozen
class Importer:
    """A file format ``engage import --from NAME`` reads.

    ``read(path)`` returns every piece of time in the file, or raises
    ``EngageError`` naming the file and line (or record) it cannot read;
    it never writes anything. ``map_by`` says, for ``--help`` and errors,
    what ``--map`` matches (``"project or project+tag"``).
    """

    name: str
    summary: str
    read: Callable[[Path], Iterable[ImportedTime]]
    map_by: str = "tag"


@frozen
class Exporter:
    """A format ``engage entries --format NAME`` writes: ``write(engagement, entries)`` gives the text."""

    name: str
    summary: str
    write: Callable[[Engagement, Sequence[Entry]], str]


@frozen
class MergeDriver:
    """How git merges a file a plugin keeps beside the schedule, for ``engage sync``
    (``engage_merge_drivers``).

    ``pattern`` is a ``.gitattributes`` pattern (``*.calendar.json``); ``merge(ancestor, ours,
    theirs)`` gives the merged bytes, the same whichever side is ours, or raises ``ValueError`` with a
    message when it cannot merge (git then leaves the file unmerged and ``engage sync`` says so).
    ``name`` is git's driver name: prefix it with ``engage-``.
    """

    name: str
    pattern: str
    summary: str
    merge: Callable[[bytes, bytes, bytes], bytes]


@frozen
class RecordKind:
    """A kind of ledger record a plugin stores (``engage_record_kinds``).

    ``name`` is the record's ``kind`` field; prefix it with your plugin's name
    (``fees.expense``) so that it cannot collide with a core kind or another
    plugin's. ``read(data, line)`` turns one decoded JSON line into a frozen
    record with at least ``id``, ``date`` (a ``datetime.date``),
    ``recorded_at`` and ``line`` attributes, or raises ``ValueError``,
    ``TypeError`` or ``KeyError`` saying which field is wrong: the strict
    reader then reports the line as damage, as for any core record.
    ``describe(record)`` gives one line for ``engage void`` to confirm with.
    ``after_close``: True for records that may be dated after the engagement's
    close (an invoice, a payment); the others are refused then, as time is.
    """

    name: str
    read: Callable[[dict[str, Any], int], Any]
    describe: Callable[[Any], str] | None = None
    after_close: bool = False


def finding_problem(value: object) -> str:
    """What is wrong with ``value`` as a budget check's finding; "" when it is a good Finding."""
    if not isinstance(value, Finding):
        return _("{type} {value} where a Finding belongs").format(
            type=type(value).__name__, value=_shown(value)
        )
    if value.severity not in SEVERITY_ORDER:
        return _("a Finding of severity {severity}; give error, warning or info").format(
            severity=repr(value.severity)
        )
    if value.date is not None and (
        not isinstance(value.date, dt.date) or isinstance(value.date, dt.datetime)
    ):
        return _("a Finding dated {value}; give a date (a Resolved's .day), or None").format(
            value=_shown(value.date)
        )
    return ""


def section_problem(value: object) -> str:
    """What is wrong with ``value`` as a report section; "" when it is a good Section."""
    if not isinstance(value, Section):
        return _("{type} {value} where a Section belongs").format(
            type=type(value).__name__, value=_shown(value)
        )
    width = len(value.headers)
    for number, row in enumerate(value.rows, start=1):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != width:
            cells = len(row) if isinstance(row, Sequence) else type(row).__name__
            return _("section {title}: row {number} has {cells} cells for {width} headers").format(
                title=repr(value.title), number=number, cells=cells, width=width
            )
    return ""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------
# Timesheet layouts (``engage_timesheet_layouts``)
# ---------------------------------------------------------------------------

TimesheetUnit = Literal["days", "hours"]


@frozen
class TimesheetRequest:
    """What a timesheet layout is handed: one consultant's sheet for ``start``..``end``.

    ``consultant`` is the schedule's :class:`Consultant`; on a schedule that names no team, one made
    of the name as logged (key and name alike). ``entries`` are the sheet's live entries, by date;
    ``state`` where its approval stands; ``settings`` the schedule's ``[timesheets]`` table as
    written (your layout's own keys included); ``unit`` the unit the sheet counts in (the layout's);
    ``signatures``: what each signed step's signature is worth, by step id, as the timesheets plugin
    checked it ("signed by X on D, key SHA256:…", or "NOT TRUSTED: …"); None, or a signature not
    checked there, is said to be so; ``trusted``: the ids of those steps whose signature holds.
    """

    engagement: Engagement
    verdict: Verdict
    consultant: Consultant
    start: dt.date
    end: dt.date
    entries: tuple[Entry, ...]
    state: SheetState
    settings: Mapping[str, object]
    unit: TimesheetUnit = "days"
    signatures: Mapping[str, str] | None = None
    trusted: frozenset[str] = frozenset()

    @property
    def days(self) -> list[dt.date]:
        """Every date of the period, first to last."""
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def amount(self, entry: Entry) -> Fraction:
        """An entry in the sheet's unit: its days, or its hours at the schedule's hours a day."""
        return entry.days * self.engagement.hours_per_day if self.unit == "hours" else entry.days

    def ledger_says(self, action: str) -> str:
        """What the ledger says of the sheet's ``submit`` or ``approve`` step, for a signature line:
        "signed by Ann on 2026-12-02, key SHA256:…", "approved on 2026-12-02, not signed", or ""
        where the step is not in force (the paper is signed in ink)."""
        step = self.state.submitted if action == "submit" else self.state.approved
        if step is None:
            return ""
        from engage.language.formats import date_text

        if step.signature:
            checked = (self.signatures or {}).get(step.id)
            if checked:
                return checked
            who, day = step.signer or step.actor, date_text(step.date)
            if step.fingerprint:
                return _("signed by {name} on {date}, key {fingerprint} (not checked)").format(
                    name=who, date=day, fingerprint=step.fingerprint
                )
            return _("signed by {name} on {date} (not checked)").format(name=who, date=day)
        if action == "submit":
            return _("submitted on {date}, not signed").format(date=date_text(step.date))
        return _("approved on {date}, not signed").format(date=date_text(step.date))

    @property
    def status(self) -> str:
        """Where the sheet stands, as one line: "approved by X on D (signed)", "(not signed)",
        "(signature NOT TRUSTED)", "submitted 3 days ago (D)", "rejected by X on D: reason"."""
        said = self.state.describe(self.engagement, self.verdict.as_of)
        approval = self.state.approved
        if approval is None:
            return said
        if not approval.signature:
            return _("{state} (not signed)").format(state=said)
        if approval.id in self.trusted:
            return _("{state} (signed)").format(state=said)
        return _("{state} (signature NOT TRUSTED)").format(state=said)


@frozen
class TimesheetTable:
    """A table of a timesheet: ``columns``, ``rows`` of cells (numbers as numbers, dates as dates,
    text, :class:`Money`), and a ``totals`` row as wide as the columns (empty: none). A column headed
    by a date is a day of a grid: formats print it as short as they must ("02", "Mo 02") and keep
    the date where they can (JSON, CSV, the workbook)."""

    title: str
    columns: tuple[str | dt.date, ...]
    rows: tuple[tuple[object, ...], ...]
    totals: tuple[object, ...] = ()


@frozen
class SignatureLine:
    """A place to sign: the ``role`` ("Consultant", "Supervisor"), the ``name`` printed under it, and
    what the ledger says (``TimesheetRequest.ledger_says``); ``signed`` "" leaves a line for ink."""

    role: str
    name: str
    signed: str = ""


@frozen
class TimesheetDocument:
    """A sheet as a layout lays it out, in no format yet: each format (plain, Markdown, CSV, JSON,
    xlsx, HTML, PDF) prints the ``title``, the header ``fields`` as (label, value) pairs, the
    ``tables``, the ``notes`` (flags such as "2026-11-12: 9 h, more than 8 h a day") and the
    ``signatures``, in that order."""

    title: str
    fields: tuple[tuple[str, object], ...] = ()
    tables: tuple[TimesheetTable, ...] = ()
    notes: tuple[str, ...] = ()
    signatures: tuple[SignatureLine, ...] = ()


@frozen
class TimesheetLayout:
    """A funder's timesheet layout that ``engage timesheet --layout NAME`` renders
    (``engage_timesheet_layouts``).

    ``render(request)`` gives a :class:`TimesheetDocument`, or raises ``EngageError`` (one line, exit 2)
    on a bad setting. ``keys``: the ``[timesheets]`` keys the layout reads, so the table is checked
    with them; ``unit``: what its cells count, ``"days"`` or ``"hours"``.
    """

    name: str
    summary: str
    render: Callable[[TimesheetRequest], TimesheetDocument]
    keys: tuple[str, ...] = ()
    unit: TimesheetUnit = "days"


def layout_problem(value: object) -> str:
    """What is wrong with ``value`` as a timesheet layout; "" when it is a good TimesheetLayout."""
    if not isinstance(value, TimesheetLayout):
        return _("{type} {value} where a TimesheetLayout belongs").format(
            type=type(value).__name__, value=_shown(value)
        )
    if value.unit not in ("days", "hours"):
        return _("layout {name}: unit {unit}; give days or hours").format(
            name=repr(value.name), unit=repr(value.unit)
        )
    if not callable(value.render):
        return _("layout {name}: render is not callable").format(name=repr(value.name))

    return ""
