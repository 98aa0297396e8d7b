"""engage: track consultancy engagements; the public API that plugins import.

Everything a plugin needs is imported from here, as the built-in plugins do: an ``import-linter``
contract in ``pyproject.toml`` forbids them (and so any plugin that follows them) every other module,
which may change. ``docs/plugins.md`` describes each name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engage.version import __version__ as __version__

# The public API, imported on first use: ``engage log`` and ``engage --version`` pay only for
# what they touch. Each name and the module it comes from.
_HOME = {
    # Errors
    "EngageError": "engage.errors",
    "PluginError": "engage.errors",
    # The hook markers
    "hookimpl": "engage.hookspecs",
    # What hooks return
    "CalendarEvent": "engage.hooktypes",
    "DayOff": "engage.hooktypes",
    "Days": "engage.hooktypes",
    "Exporter": "engage.hooktypes",
    "Finding": "engage.hooktypes",
    "ImportedTime": "engage.hooktypes",
    "Money": "engage.hooktypes",
    "Importer": "engage.hooktypes",
    "MergeDriver": "engage.hooktypes",
    "RecordKind": "engage.hooktypes",
    "Section": "engage.hooktypes",
    "SignatureLine": "engage.hooktypes",
    "TimesheetDocument": "engage.hooktypes",
    "TimesheetLayout": "engage.hooktypes",
    "TimesheetRequest": "engage.hooktypes",
    "TimesheetTable": "engage.hooktypes",
    "Week": "engage.hooktypes",
    "finding_problem": "engage.hooktypes",
    "section_problem": "engage.hooktypes",
    "layout_problem": "engage.hooktypes",
    # The schedule: what the ToR says
    "Consultant": "engage.schedule.model",
    "Contact": "engage.schedule.model",
    "Deadline": "engage.schedule.model",
    "Deliverable": "engage.schedule.model",
    "Engagement": "engage.schedule.model",
    "Location": "engage.schedule.model",
    "Meeting": "engage.schedule.model",
    "Person": "engage.schedule.model",
    "Phase": "engage.schedule.model",
    # Who logs: --consultant, else $ENGAGE_CONSULTANT or the settings, as engage log resolves it
    "resolve_consultant": "engage.schedule.lookup",
    # Relative dates
    "DateRule": "engage.schedule.rules",
    "parse_rule": "engage.schedule.rules",
    "rule_words": "engage.schedule.rules",
    # Errors naming a schedule's file, line and key
    "key_lines": "engage.schedule.toml_values",
    "where_in": "engage.schedule.toml_values",
    # The ledger: what happened
    "Ledger": "engage.ledger.ledger",
    "new_record": "engage.ledger.ledger",
    "Entry": "engage.ledger.records",
    "MeetingOutcome": "engage.ledger.records",
    "StatusChange": "engage.ledger.records",
    "Closing": "engage.ledger.records",
    "TimesheetAction": "engage.ledger.records",
    "DayTotal": "engage.ledger.totals",
    # The timeline: windows, due dates, working days
    "Resolved": "engage.judging.timeline",
    "Span": "engage.judging.timeline",
    "Timeline": "engage.judging.timeline",
    "Window": "engage.judging.timeline",
    "day_of": "engage.judging.timeline",
    # Days used and left
    "PhaseUsage": "engage.judging.usage",
    "phase_usage": "engage.judging.usage",
    "usage_of": "engage.judging.usage",
    # The one verdict
    "STATE_ORDER": "engage.judging.verdict",
    "DeliverableVerdict": "engage.judging.verdict",
    "MeetingVerdict": "engage.judging.verdict",
    "Milestone": "engage.judging.verdict",
    "PhaseVerdict": "engage.judging.verdict",
    "Verdict": "engage.judging.verdict",
    "judge": "engage.judging.verdict",
    "ConsultantVerdict": "engage.judging.team",
    "state_text": "engage.judging.words",
    "severity_text": "engage.judging.words",
    "kind_text": "engage.judging.words",
    "outcome_text": "engage.judging.words",
    "weekday_text": "engage.language.formats",
    # Timesheets: each sheet, its approval, its digest
    "SheetState": "engage.judging.timesheets",
    "month_end": "engage.parsing",
    "months_between": "engage.judging.timesheets",
    "overlapping_sheet": "engage.judging.timesheets",
    "period_name": "engage.parsing",
    "person_name": "engage.judging.timesheets",
    "replay_sheets": "engage.judging.timesheets",
    "sheet_digest": "engage.judging.timesheets",
    "sheet_entries": "engage.judging.timesheets",
    "sheet_items": "engage.judging.timesheets",
    "changes_since": "engage.judging.timesheets",
    "sheet_owner": "engage.judging.timesheets",
    "step_allowed": "engage.judging.timesheets",
    "step_holds": "engage.judging.timesheets",
    "ShareVerdict": "engage.judging.team",
    # What users type, and days as people read them
    "DATE_HELP": "engage.parsing",
    "decimal_comma": "engage.parsing",
    "fold": "engage.parsing",
    "read_decimal_comma": "engage.parsing",
    "format_budget": "engage.parsing",
    "format_days": "engage.parsing",
    "parse_date": "engage.parsing",
    "parse_month": "engage.parsing",
    "parse_week": "engage.parsing",
    "plural": "engage.parsing",
    "today_in": "engage.parsing",
    # Reading a plugin's own records, and an importer's file
    "date_field": "engage.ledger.kinds",
    "text_field": "engage.ledger.kinds",
    "texts_field": "engage.ledger.kinds",
    "read_file": "engage.importing.files",
    # Values
    "frozen": "engage.values",
    # Output: tables, terminal, colour, workbooks
    "chosen_format": "engage.output.formats",
    "csv_text": "engage.output.formats",
    "json_text": "engage.output.formats",
    "markdown_cell": "engage.output.formats",
    "plain": "engage.output.formats",
    "table": "engage.output.formats",
    "terminal_text": "engage.output.formats",
    "write_output": "engage.output.files",
    "output_target": "engage.output.files",
    "heading": "engage.output.terminal",
    "labelled": "engage.output.terminal",
    "label_text": "engage.output.terminal",
    "output_width": "engage.output.terminal",
    "wrap": "engage.output.terminal",
    "echo": "engage.output.colour",
    "Sheet": "engage.output.workbook",
    "write_workbook": "engage.output.workbook",
    "steps": "engage.output.progress_bar",
    "send_mail": "engage.output.mail",
    # Commands: the session a plugin's command works on, and warnings
    "Session": "engage.session",
    "pass_session": "engage.session",
    "warn": "engage.session",
    # The cache folder
    "cache_dir": "engage.cachedir",
    "read_checked": "engage.cachedir",
    "write_atomically": "engage.cachedir",
    "write_checked": "engage.cachedir",
    # A file the user keeps, written whole (a file held open on Windows waited for)
    "write_file": "engage.storage.atomic",
    "remove_file": "engage.storage.atomic",
    # Settings: option > environment variable > local file > user's file
    "setting": "engage.settings.lookup",
    "find_setting": "engage.settings.lookup",
    # Languages: a plugin's own catalogue, documents in their engagement's language, forms by locale
    "catalogue": "engage.language.catalogue",
    "Catalogue": "engage.language.catalogue",
    "N_": "engage.language.catalogue",
    "speaking": "engage.language",
    "using": "engage.language.choice",
    "plural_count": "engage.language.choice",
    "current_language": "engage.language.choice",
    "machine": "engage.language.formats",
    "date_text": "engage.language.formats",
    "month_text": "engage.language.formats",
    "babel_locale": "engage.language.formats",
    "number_text": "engage.language.formats",
    "money_text": "engage.language.formats",
    "decimal_text": "engage.language.choice",
    # Installed distributions
    "installed_version": "engage.plugin.startup_cache",
}

if TYPE_CHECKING:
    from engage.cachedir import cache_dir, read_checked, write_atomically, write_checked
    from engage.errors import EngageError, PluginError
    from engage.hookspecs import hookimpl
    from engage.hooktypes import (
        CalendarEvent,
        DayOff,
        Days,
        Exporter,
        Finding,
        ImportedTime,
        Importer,
        MergeDriver,
        Money,
        RecordKind,
        Section,
        SignatureLine,
        TimesheetDocument,
        TimesheetLayout,
        TimesheetRequest,
        TimesheetTable,
        Week,
        finding_problem,
        layout_problem,
        section_problem,
    )
    from engage.importing.files import read_file
    from engage.judging.team import ConsultantVerdict, ShareVerdict
    from engage.judging.timeline import Resolved, Span, Timeline, Window, day_of
    from engage.judging.timesheets import (
        SheetState,
        changes_since,
        months_between,
        overlapping_sheet,
        person_name,
        replay_sheets,
        sheet_digest,
        sheet_entries,
        sheet_items,
        sheet_owner,
        step_allowed,
        step_holds,
    )
    from engage.judging.usage import PhaseUsage, phase_usage, usage_of
    from engage.judging.verdict import (
        STATE_ORDER,
        DeliverableVerdict,
        MeetingVerdict,
        Milestone,
        PhaseVerdict,
        Verdict,
        judge,
    )
    from engage.judging.words import kind_text, outcome_text, severity_text, state_text
    from engage.language import speaking
    from engage.language.catalogue import N_, Catalogue, catalogue
    from engage.language.choice import current_language, decimal_text, plural_count, using
    from engage.language.formats import (
        babel_locale,
        date_text,
        machine,
        money_text,
        month_text,
        number_text,
        weekday_text,
    )
    from engage.ledger.kinds import date_field, text_field, texts_field
    from engage.ledger.ledger import Ledger, new_record
    from engage.ledger.records import Closing, Entry, MeetingOutcome, StatusChange, TimesheetAction
    from engage.ledger.totals import DayTotal
    from engage.output.colour import echo
    from engage.output.files import output_target, write_output
    from engage.output.formats import (
        chosen_format,
        csv_text,
        json_text,
        markdown_cell,
        plain,
        table,
        terminal_text,
    )
    from engage.output.mail import send_mail
    from engage.output.progress_bar import steps
    from engage.output.terminal import heading, label_text, labelled, output_width, wrap
    from engage.output.workbook import Sheet, write_workbook
    from engage.parsing import (
        DATE_HELP,
        decimal_comma,
        fold,
        format_budget,
        format_days,
        month_end,
        parse_date,
        parse_month,
        parse_week,
        period_name,
        plural,
        read_decimal_comma,
        today_in,
    )
    from engage.plugin.startup_cache import installed_version
    from engage.schedule.lookup import resolve_consultant
    from engage.schedule.model import (
        Consultant,
        Contact,
        Deadline,
        Deliverable,
        Engagement,
        Location,
        Meeting,
        Person,
        Phase,
    )
    from engage.schedule.rules import DateRule, parse_rule, rule_words
    from engage.schedule.toml_values import key_lines, where_in
    from engage.session import Session, pass_session, warn
    from engage.settings.lookup import find_setting, setting
    from engage.storage.atomic import remove_file, write_file
    from engage.values import frozen


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'engage' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "DATE_HELP",
    "N_",
    "STATE_ORDER",
    "CalendarEvent",
    "Catalogue",
    "Closing",
    "Consultant",
    "ConsultantVerdict",
    "Contact",
    "DateRule",
    "DayOff",
    "DayTotal",
    "Days",
    "Deadline",
    "Deliverable",
    "DeliverableVerdict",
    "EngageError",
    "Engagement",
    "Entry",
    "Exporter",
    "Finding",
    "ImportedTime",
    "Importer",
    "Ledger",
    "Location",
    "Meeting",
    "MeetingOutcome",
    "MeetingVerdict",
    "MergeDriver",
    "Milestone",
    "Money",
    "Person",
    "Phase",
    "PhaseUsage",
    "PhaseVerdict",
    "PluginError",
    "RecordKind",
    "Resolved",
    "Section",
    "Session",
    "ShareVerdict",
    "Sheet",
    "SheetState",
    "SignatureLine",
    "Span",
    "StatusChange",
    "Timeline",
    "TimesheetAction",
    "TimesheetDocument",
    "TimesheetLayout",
    "TimesheetRequest",
    "TimesheetTable",
    "Verdict",
    "Week",
    "Window",
    "__version__",
    "babel_locale",
    "cache_dir",
    "catalogue",
    "changes_since",
    "chosen_format",
    "csv_text",
    "current_language",
    "date_field",
    "date_text",
    "day_of",
    "decimal_comma",
    "decimal_text",
    "echo",
    "find_setting",
    "finding_problem",
    "fold",
    "format_budget",
    "format_days",
    "frozen",
    "heading",
    "hookimpl",
    "installed_version",
    "json_text",
    "judge",
    "key_lines",
    "kind_text",
    "label_text",
    "labelled",
    "layout_problem",
    "machine",
    "markdown_cell",
    "money_text",
    "month_end",
    "month_text",
    "months_between",
    "new_record",
    "number_text",
    "outcome_text",
    "output_target",
    "output_width",
    "overlapping_sheet",
    "parse_date",
    "parse_month",
    "parse_rule",
    "parse_week",
    "pass_session",
    "period_name",
    "person_name",
    "phase_usage",
    "plain",
    "plural",
    "plural_count",
    "read_checked",
    "read_decimal_comma",
    "read_file",
    "remove_file",
    "replay_sheets",
    "resolve_consultant",
    "rule_words",
    "section_problem",
    "send_mail",
    "setting",
    "severity_text",
    "sheet_digest",
    "sheet_entries",
    "sheet_items",
    "sheet_owner",
    "speaking",
    "state_text",
    "step_allowed",
    "step_holds",
    "steps",
    "table",
    "terminal_text",
    "text_field",
    "texts_field",
    "today_in",
    "usage_of",
    "using",
    "warn",
    "weekday_text",
    "where_in",
    "wrap",
    "write_atomically",
    "write_checked",
    "write_file",
    "write_output",
    "write_workbook",
]
