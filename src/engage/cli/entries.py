"""The ``engage entries`` command: logged time as typed, filtered by dates, phase and consultant."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

import click

from engage.cli.completion import phase_keys
from engage.cli.log_entry import days_count
from engage.errors import EngageError
from engage.language import N_, _, ngettext, speaking
from engage.language.formats import date_text, machine
from engage.ledger.ledger import Ledger
from engage.ledger.records import Entry
from engage.output.files import output_target, write_output
from engage.output.formats import chosen_format, csv_text, json_text, table
from engage.parsing import DATE_HELP, format_amount, parse_date, parse_month, parse_week
from engage.schedule.lookup import consultant_filter, find_phase
from engage.session import Session, pass_session

if TYPE_CHECKING:
    from engage.hooktypes import Exporter

BUILT_IN = ("plain", "markdown", "github", "json", "csv", "xlsx")


@click.command()
@click.option("--week", "-w", help="Only this ISO week, e.g. 2021-W47.")
@click.option("--month", "-m", help="Only this month, e.g. 2021-11.")
@click.option("--from", "since", metavar="DATE", help=f"Only from this date on: {DATE_HELP}.")
@click.option("--to", "until", metavar="DATE", help="Only up to this date (included).")
@click.option(
    "--phase", "-p", help="Only this phase (its key or name, in any case).", shell_complete=phase_keys
)
@click.option("--consultant", "-c", help="Only this consultant's entries (a key or name, any case).")
@click.option("--all", "-a", "show_all", is_flag=True, help="Include voided entries.")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="plain, markdown (or github), json, csv, xlsx (with -o), "
    "or another tracker's: timedot, taskjuggler, watson (see 'engage plugins').",
)
@click.option("-o", "--output", metavar="FILE", help="Write here instead of standard output (xlsx needs it).")
@pass_session
def entries(
    session: Session,
    week: str | None,
    month: str | None,
    since: str | None,
    until: str | None,
    phase: str | None,
    consultant: str | None,
    show_all: bool,
    fmt: str | None,
    output: str | None,
) -> None:
    """List logged time, oldest first, as typed (4h shows as "4h (0.5 d)"); voided entries only with --all.

    Filters combine: --month 2021-11 --phase prep --consultant Ann.

    \b
    Examples:
      engage entries --week 2021-W46 --format csv > week46.csv
      engage entries --from 2021-11-01 --to 2021-11-15 --consultant Ann
      engage entries --month 2021-11 --format xlsx -o november.xlsx
      engage entries --format timedot > engage.timedot    # for hledger
    """
    engagement = session.engagement
    fmt = chosen_format(fmt, output, BUILT_IN)
    exporter = None if fmt in BUILT_IN else _exporter(session, fmt, show_all)
    if fmt == "xlsx" and not output:
        raise EngageError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
    today = session.today()
    first, last = _period(week, month, since, until, today)
    if phase is not None:
        phase = find_phase(engagement, phase)
    who = consultant_filter(engagement, consultant)
    ledger = session.ledger()
    chosen = [
        e
        for e in ledger.entries(include_voided=show_all, start=first, end=last)  # only those dates loaded
        if (phase is None or e.phase == phase) and (who is None or who(e.consultant))
    ]
    if exporter is not None:  # another tracker's format: for its program
        with machine():
            _emit(exporter.write(engagement, chosen), output)
    elif fmt in ("json", "csv"):
        with machine():
            _write(fmt, chosen, ledger, show_all, today, output)
    else:  # a table or a workbook for people: in the engagement's language
        with speaking(engagement):
            _write(fmt, chosen, ledger, show_all, today, output)
    if fmt == "xlsx":
        count = ngettext("{count} entry", "{count} entries", len(chosen)).format(count=len(chosen))
        click.echo(_("Wrote {file} ({count})").format(file=output, count=count), err=True)


def _exporter(session: Session, fmt: str, show_all: bool) -> Exporter:
    """The plugin format ``--format`` names; refused when there is none, or with ``--all``."""
    from engage.importing.items import exporters

    known = exporters(session.plugin_manager)
    exporter = known.get(fmt)
    if exporter is None or show_all:
        raise EngageError(
            _("--format {format}: give one of {formats}").format(
                format=repr(fmt), formats=f"{', '.join(BUILT_IN)}, {', '.join(sorted(known))}"
            )
            if exporter is None
            else _("--format {format} writes only entries that count; leave out --all").format(format=fmt)
        )
    return exporter


def _write(
    fmt: str, chosen: list[Entry], ledger: Ledger, show_all: bool, today: dt.date, output: str | None
) -> None:
    """The chosen entries in a built-in format, to ``output`` or standard output."""
    if fmt == "json":
        _emit(json_text([_json(e, ledger, show_all) for e in chosen]) + "\n", output)
    elif fmt == "csv":
        headers, rows = _tidy(chosen, ledger, show_all)
        _emit(csv_text(headers, rows), output, bom=output is not None)
    elif fmt == "xlsx":
        from engage.output.workbook import write_workbook

        assert output is not None
        headers, rows = _tidy(chosen, ledger, show_all, people=True)
        write_workbook(output_target(output, _("workbook")), [(_("Entries"), headers, rows)])
    else:
        markdown = fmt in ("markdown", "github")
        _text(chosen, ledger, show_all, today, "github" if markdown else "simple", output)


def _period(
    week: str | None, month: str | None, since: str | None, until: str | None, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last days asked for (None: open), every filter applied; refused when empty."""
    first: dt.date | None = parse_date(since, today) if since else None
    last: dt.date | None = parse_date(until, today) if until else None
    spans = []
    if week:
        spans.append(parse_week(week))
    if month:
        spans.append(parse_month(month))
    for start, end in spans:
        first = start if first is None else max(first, start)
        last = end if last is None else min(last, end)
    if first is not None and last is not None and first > last:
        raise EngageError(
            _("the period asked for is empty ({first} is after {last}); widen --from/--to").format(
                first=first, last=last
            )
        )
    return first, last


def _json(entry: Entry, ledger: Ledger, show_all: bool) -> dict[str, object]:
    data = entry.as_dict()
    return {**data, "voided": ledger.is_void(entry.id)} if show_all else data


def _tidy(
    chosen: list[Entry], ledger: Ledger, show_all: bool, people: bool = False
) -> tuple[list[str], list[list[object]]]:
    """One row per entry, numbers as numbers: days always, hours where hours were typed.

    For a program (CSV) the headers are the fields' names; for people (a workbook) in their language.
    """
    headers = ["id", "date", "phase", "days", "hours", "consultant", "by", "note"] + (
        ["voided"] if show_all else []
    )
    voided = _("voided") if people else "voided"
    if people:
        headers = [_(header) for header in TIDY_HEADERS[: len(headers)]]
    rows: list[list[object]] = [
        [e.id, e.date, e.phase, e.days, e.amount if e.unit == "hours" else None, e.consultant, e.by, e.note]
        + ([voided if ledger.is_void(e.id) else ""] if show_all else [])
        for e in chosen
    ]
    return headers, rows


# The workbook's column headers, for people (the CSV keeps the fields' names).
TIDY_HEADERS = (
    N_("id"),
    N_("date"),
    N_("phase"),
    N_("days"),
    N_("hours"),
    N_("consultant"),
    N_("by"),
    N_("note"),
    N_("voided"),
)


def _text(
    chosen: list[Entry], ledger: Ledger, show_all: bool, today: dt.date, tablefmt: str, output: str | None
) -> None:
    # "recorded by" only where someone logged for another (a lead for the field staff), and only when
    # it says something: a narrow terminal leaves it out after the id.
    others = any(e.by and e.by != e.consultant for e in chosen)
    recorded = _("recorded by")
    headers = [
        _("id"),
        _("date"),
        _("phase"),
        _("time"),
        _("consultant"),
        *([recorded] if others else []),
        _("note"),
    ] + ([_("voided")] if show_all else [])
    voided = _("voided")
    rows = [
        [
            e.id,
            date_text(e.date),
            e.phase,
            format_amount(e.amount, e.unit, e.days),
            e.consultant,
            *([e.by if e.by != e.consultant else ""] if others else []),
            _note(e.note, tablefmt),
        ]
        + ([voided if ledger.is_void(e.id) else ""] if show_all else [])
        for e in chosen
    ]
    if not rows:
        _emit(_("No entries.") + "\n", output)
        return
    lines = [table(headers, rows, tablefmt, optional=(headers[0], recorded))]
    live = [e for e in chosen if not ledger.is_void(e.id)]
    total = sum((e.days for e in live), start=Fraction(0))
    lines.append("\n" + _("{entries}, {days}").format(entries=_entries(len(chosen)), days=days_count(total)))
    ahead = [e for e in live if e.date > today]
    if ahead:  # counted as status and budget count them: from their date on
        days = days_count(sum((e.days for e in ahead), start=Fraction(0)))
        lines.append(
            _(
                "{entries} ({days}) dated after today ({today}): "
                "not counted by status or budget until their date"
            ).format(entries=_entries(len(ahead)), days=days, today=date_text(today))
        )
    _emit("\n".join(lines) + "\n", output)


def _entries(count: int) -> str:
    return ngettext("{count} entry", "{count} entries", count).format(count=count)


def _note(note: str, tablefmt: str) -> str:
    if tablefmt == "github":
        return note  # escaped, line breaks and all, by table()
    return note.replace("\n", " ⏎ ")


def _emit(text: str, output: str | None, bom: bool = False) -> None:
    write_output(text, output, bom=bom)


COMMANDS = [entries]
