"""The plugin contract: every hook engage calls, with its arguments, return value and timing.

A plugin is a module (or any object) with functions marked ``@engage.hookimpl``
and named after the hooks below. Register it in the ``engage`` entry-point
group of your package, or drop a ``.py`` file into the folder named by
``--plugins-dir`` / ``ENGAGE_PLUGINS_DIR``::

    [project.entry-points.engage]
    my_rules = "my_rules"

An implementation may accept any subset of a hook's arguments, by name.
All hooks collect: every plugin's result is used, in registration order
reversed (``tryfirst``/``trylast`` adjust it); a plugin returns None to add
nothing. Keep heavy imports inside hook bodies: a plugin's module is imported
when one of its hooks is first called, and the quick ``engage log`` calls several.

The guide for plugin authors, with a working example of every hook, is
``docs/plugins.md``; ``examples/engage-donor-report/`` is a complete plugin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from engage.hooktypes import (
        CalendarEvent,
        DayOff,
        Exporter,
        Finding,
        Importer,
        MergeDriver,
        RecordKind,
        Section,
        TimesheetLayout,
        Week,
    )
    from engage.judging.timeline import Timeline
    from engage.judging.verdict import Verdict
    from engage.ledger.ledger import Ledger
    from engage.ledger.records import Entry
    from engage.schedule.model import Engagement, Location

PROJECT = "engage"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------
# Start-up
# ---------------------------------------------------------------------------


@hookspec
def engage_register_commands(cli: click.Group) -> None:
    """Add commands to the ``engage`` command line.

    Called once, when the command line starts, after all plugins are loaded: of a plugin
    that only adds commands, when one of its commands (or the list of all) is asked for;
    of one that looks at the commands already there (to add an option to ``show``, say),
    with every command there, on every command line.

    :param cli: the top-level click group; call ``cli.add_command(command)``.
        A command reaches the chosen schedule and ledger through
        ``engage.session.pass_session`` (see the built-in plugins).
    :return: nothing.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------


@hookspec
def engage_non_working_days(
    engagement: Engagement, start: dt.date, end: dt.date, place: Location
) -> Iterable[DayOff] | None:
    """Name the days between ``start`` and ``end`` (inclusive) on which nobody works at ``place``.

    Called when phase windows are planned and when checks ask whether a date
    is a working day, once per calendar year that is looked at. Weekends are
    not given here: the schedule's ``working_days`` already says them.
    It is called while the timeline is being planned: read the engagement's
    settings (``holidays``, ``holidays_subdivision``), not a verdict.

    :param engagement: the engagement being planned.
    :param start: first day asked about.
    :param end: last day asked about.
    :param place: where the work happens: a ``[locations]`` entry, or the
        engagement's own (key ``""``); its ``holidays`` holds region codes
        such as ``"KE"`` or ``"CH-GE"``. A plugin that does not take it
        gives the same days everywhere.
    :return: ``DayOff(date, name)`` values, such as public holidays (the
        first plugin to name a date wins); None to add none.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 ``place``.
    """


# ---------------------------------------------------------------------------
# The ledger: records a plugin stores
# ---------------------------------------------------------------------------


@hookspec
def engage_record_kinds() -> Iterable[RecordKind] | None:
    """Register kinds of ledger record this plugin writes (expenses, invoices).

    Called each time a ledger is read. The strict reader refuses a line whose
    ``kind`` nobody registered (it is reported as damage, never dropped), so a
    plugin that stores records in the ledger registers them here, with a
    reader that validates every field. Registered records carry the core's
    ``id``, ``recorded_at`` and ``engagement`` fields, are written with
    ``Session.write`` (atomic, locked), can be voided with ``engage void``,
    and are left out of ``Ledger.until(day)`` when dated after ``day``. Read
    them back with ``ledger.live(cls)``.

    :return: ``RecordKind(name, read, describe)`` values; None to add none.
        A name already taken (by the core or another plugin) is refused.

    .. versionadded:: 0.3
    """


@hookspec
def engage_void_blockers(engagement: Engagement, ledger: Ledger, record: object) -> Iterable[str] | None:
    """Say why a record may not be voided: something this plugin recorded depends on it.

    Called by ``engage void``, with the ledger as it stands under the write
    lock, before the void is written. A void that would leave a plugin's
    records pointing at nothing (an invoice covering a voided entry, a payment
    of a voided invoice) is refused with the first reason given, and nothing is
    written; the user voids the dependent record first.

    :param engagement: the engagement whose ledger it is.
    :param ledger: the ledger as it stands, read under the lock.
    :param record: the record to be voided: an ``Entry``, a status, an outcome,
        a closing, or a plugin's own record.
    :return: reasons, each a sentence naming the dependent record and what to
        void first; None or nothing when the void is fine.

    .. versionadded:: 0.3
    """


# ---------------------------------------------------------------------------
# Logging time
# ---------------------------------------------------------------------------


@hookspec
def engage_after_log(
    engagement: Engagement, entry: Entry, ledger: Ledger, timeline: Timeline
) -> Iterable[str] | None:
    """Tell the consultant something about a new entry, shown right after it is written.

    Called by ``engage log`` once per entry, just before the entry is written,
    so that a bad setting in the plugin's table stops the command with nothing
    written: raise :class:`engage.errors.EngageError` for that. What the hook
    returns is printed once the entry is safely in the ledger. Any other
    exception cannot lose the entry either: it is written, and the plugin is
    named in a warning. The write itself may still fail (the lock held too
    long, a full disk), so do not act on the world outside engage here.

    :param engagement: the engagement logged against.
    :param entry: the entry about to be written.
    :param ledger: the ledger as it will be once the entry is written, the entry included.
    :param timeline: the engagement laid out in time, holidays included: phase windows, working
        days, ``holiday(day, place)``. ``log`` judges nothing more, to stay quick.
    :return: lines to print (a warning before a phase overruns, say); None
        or an empty list to say nothing.

    .. versionadded:: 0.1
    .. versionchanged:: 0.4 ``timeline``.
    """


# ---------------------------------------------------------------------------
# Checking budgets and schedules
# ---------------------------------------------------------------------------


@hookspec
def engage_budget_checks(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterable[Finding] | None:
    """Report what is wrong, or about to be, with an engagement's budget or schedule.

    Called by ``engage budget`` and wherever findings are shown (the status
    report's findings section).

    :param engagement: the engagement checked.
    :param ledger: its ledger as of ``today``: records dated later are left out.
    :param today: the date to judge as of (``--as-of``; default today in the
        engagement's time zone).
    :param verdict: the command's one verdict on the engagement as of ``today``: read its
        ``timeline``, ``phases``, ``deliverables``, ``meetings`` and ``team`` rather than working
        them out again. Its ``findings``, ``state`` and ``reason`` are made from what this hook
        returns, so a check that reads them is refused, and the error names the plugin.
    :return: ``Finding`` values; None when all is well.

    .. versionadded:: 0.1
    .. versionchanged:: 0.4 ``verdict``.
    """


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


@hookspec
def engage_calendar_events(
    engagement: Engagement, ledger: Ledger, verdict: Verdict
) -> Iterable[CalendarEvent] | None:
    """Add events to the supervisor's calendar.

    Called each time a calendar is built (``engage calendar``, ``send``,
    ``publish``). The calendar plugin itself adds deadlines, deliverables and
    meetings this way.

    :param engagement: the engagement whose calendar is built.
    :param ledger: its ledger (for statuses to show in descriptions).
    :param verdict: the verdict as of today in the engagement's time zone: due dates after
        returns (``deliverable.deadline``), postponed meetings' ``span``, the timeline.
    :return: ``CalendarEvent`` values. Keys must be stable between runs and
        unique in the engagement: the event's UID is made from them, so that
        a re-sent calendar updates events in place.

    .. versionadded:: 0.1
    .. versionchanged:: 0.4 ``verdict``.
    """


# ---------------------------------------------------------------------------
# Status reports
# ---------------------------------------------------------------------------


@hookspec
def engage_status_sections(
    engagement: Engagement,
    ledger: Ledger,
    week: Week,
    today: dt.date,
    verdict: Verdict,
    command: str,
    period: tuple[dt.date, dt.date],
) -> Iterable[Section] | None:
    """Add titled tables to an engagement's weekly status report, or to its close-out report.

    Called by ``engage status`` for each engagement in the report, and by ``engage report``,
    in every output format. A section's ``note`` is always shown (the workbook included);
    ``status --format csv`` is one tidy table of phases: it names on stderr the sections it
    leaves out. See :class:`engage.Section` for typed cells and the workbook's rules.

    :param engagement: the engagement reported on.
    :param ledger: its ledger as of ``today``: records dated later are left out.
    :param week: the reported ISO week (``week.start`` Monday, ``week.end``
        Sunday, ``week.label`` such as ``2021-W47``).
    :param today: the as-of date of the report.
    :param verdict: the report's verdict on the engagement as of ``today``.
    :param command: ``"status"`` or ``"report"``: which report the section goes into.
    :param period: the first and last day the report covers: the week for ``status``; for
        ``report`` its ``--from``/``--to`` (else the engagement's first day to ``today``).
    :return: ``Section(title, headers, rows)`` values, cells being plain
        values (text, numbers, dates); None to add none.

    .. versionadded:: 0.1
    .. versionchanged:: 0.4 ``verdict``, ``command``, ``period``.
    """


@hookspec
def engage_portfolio_columns(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Mapping[str, object] | None:
    """Add cells to an engagement's row of the portfolio summary (``engage status`` of several).

    Called by ``engage status`` once per live engagement when it reports on
    more than one. A column is shown when any engagement has a cell for it;
    the others show an empty cell. Columns come before the ``state`` column,
    in the order plugins give them.

    :param engagement: the engagement of the row.
    :param ledger: its ledger as of ``today``: records dated later are left out.
    :param today: the as-of date of the report.
    :param verdict: the report's verdict on the engagement as of ``today``.
    :return: a mapping of column title to a plain value (text, number, date),
        such as ``{"invoiced / ceiling": "$2,250.00 / $4,500.00"}``; None to add none.

    .. versionadded:: 0.3
    .. versionchanged:: 0.4 ``verdict``.
    """


# ---------------------------------------------------------------------------
# Moving time in and out: other trackers' files
# ---------------------------------------------------------------------------


@hookspec
def engage_importers() -> Iterable[Importer] | None:
    """Offer file formats that ``engage import --from NAME FILE`` reads.

    Called by ``engage import --from`` (to find the named format), by its
    ``--help`` and by ``engage plugins``. An importer only reads: engage maps
    what it returns to phases (``--map``) and consultants, converts dates to
    the engagement's time zone, leaves out what is already imported, and
    writes through the same path as its own CSV import, all or nothing.

    :return: ``Importer(name, summary, read, map_by)`` values; ``read(path)``
        gives ``ImportedTime`` values, or raises ``EngageError`` naming the
        file and the line or record it cannot read. None to offer none.

    .. versionadded:: 0.2
    """


@hookspec
def engage_exporters() -> Iterable[Exporter] | None:
    """Offer formats that ``engage entries --format NAME`` writes.

    Called by ``engage entries`` when ``--format`` is not one of its own
    (plain, json, csv), and by ``engage plugins``.

    :return: ``Exporter(name, summary, write)`` values; ``write(engagement,
        entries)`` gives the whole text, entries being the live ``Entry``
        values chosen, oldest first. None to offer none.

    .. versionadded:: 0.2
    """


# ---------------------------------------------------------------------------
# A team's files over git
# ---------------------------------------------------------------------------


@hookspec
def engage_merge_drivers() -> Iterable[MergeDriver] | None:
    """Say how git merges a file your plugin keeps beside the schedule (``engage sync``).

    When a team shares the engagement's folder over git, two clones may both change such a file.
    Called by ``engage sync`` (which registers each driver in the clone's git config and names its
    pattern in ``.gitattributes``) and by git itself, through engage's driver, when two clones
    changed such a file. The ledger's own driver is the core's.

    :return: ``MergeDriver(name, pattern, summary, merge)`` values. None to offer none.

    .. versionadded:: 0.5
    """


# ---------------------------------------------------------------------------
# Timesheets
# ---------------------------------------------------------------------------


@hookspec
def engage_timesheet_layouts() -> Iterable[TimesheetLayout] | None:
    """Offer funders' timesheet layouts that ``engage timesheet --layout NAME`` renders.

    Called by ``engage timesheet`` (to find the layout named by ``--layout``, else by the schedule's
    ``[timesheets] layout``, else ``plain``; and to check the ``[timesheets]`` table with every
    layout's keys), and by ``engage plugins``. A layout only lays the sheet out: engage picks the
    consultant, the period and the entries, and prints the document in every format (plain,
    Markdown, CSV, JSON, xlsx, HTML, PDF).

    :return: ``TimesheetLayout(name, summary, render, keys, unit)`` values; ``render(request)``
        gets a ``TimesheetRequest`` (the engagement, the verdict, the consultant, the period, the
        sheet's entries, its ``SheetState``, the ``[timesheets]`` table) and gives a
        ``TimesheetDocument``. The first layout of a name wins: the built-in layouts are
        ``trylast``, so a plugin's layout of the same name replaces them. None to offer none.

    .. versionadded:: 0.6
    """
