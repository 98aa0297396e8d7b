"""The ``engage status`` command: one engagement or a portfolio, in five formats."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engage import (
    DATE_HELP,
    EngageError,
    Session,
    Week,
    chosen_format,
    machine,
    output_target,
    parse_date,
    parse_week,
    pass_session,
    section_problem,
    speaking,
    warn,
    write_output,
)
from engage_status.catalogue import _
from engage_status.voices import shared

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from engage import Engagement, Ledger, Section, Verdict
    from engage_status.report import Report

    Voice = Callable[[Engagement], AbstractContextManager[None]]

FORMATS = ["plain", "markdown", "github", "html", "csv", "json", "xlsx"]
MACHINE_FORMATS = ("csv", "json")  # written for programs: English words, ISO dates, decimal points


@click.command()
@click.argument("schedules", nargs=-1, metavar="[SCHEDULE|FOLDER]...")
@click.option("--week", "-w", help="The ISO week to report, e.g. 2021-W47 (default: this week).")
@click.option("--as-of", "as_of", help=f"Figures as of this date: {DATE_HELP}.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default=None,
    help="github is markdown; csv is one tidy table (a row per engagement and phase); xlsx needs -o.",
)
@click.option("-o", "--output", metavar="FILE", help="Write the report here instead of standard output.")
@click.option(
    "--by",
    type=click.Choice(["engagement", "consultant"]),
    default="engagement",
    show_default=True,
    help="consultant: each consultant's week across the engagements they appear in.",
)
@pass_session
def status(
    session: Session,
    schedules: tuple[str, ...],
    week: str | None,
    as_of: str | None,
    fmt: str | None,
    output: str | None,
    by: str,
) -> None:
    """Weekly status: phases, deliverables, what is coming, the week's time.

    Give schedule files or folders for a portfolio report; without any, the
    chosen schedule is reported. Ledgers are read from beside each schedule;
    --ledger (or ENGAGE_LEDGER) applies only when one schedule is reported.

    \b
    Examples:
      engage status --week 2021-W47
      engage status --week 2021-W47 --format html -o status.html schedules/
      engage status --by consultant schedules/
    """
    fmt = chosen_format(fmt, output, FORMATS)
    if fmt == "xlsx" and not output:
        raise EngageError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
    if by == "consultant" and fmt in ("html", "xlsx"):
        raise EngageError(
            _("--by consultant gives plain, markdown, csv or json; leave out --format {format}").format(
                format=fmt
            )
        )
    span = parse_week(week) if week else None
    engagements = list(session.portfolio(schedules))
    ledger_path = session.chosen_ledger if schedules else session.ledger_path
    if ledger_path is not None and len(engagements) > 1:
        raise EngageError(
            _(
                "--ledger/ENGAGE_LEDGER names one ledger ({ledger}) but the report covers {count} "
                "engagements, each with its ledger beside its schedule; drop --ledger (and unset "
                "ENGAGE_LEDGER), or report one schedule"
            ).format(ledger=ledger_path, count=len(engagements))
        )
    from engage import steps

    # Each engagement's section is judged and written in its own language; the consultants' view,
    # across engagements, in the user's (or --lang's); CSV and JSON for programs.
    voice: Voice = speaking if by == "engagement" else _users
    if fmt in MACHINE_FORMATS:
        voice = _for_programs
    summary = len(engagements) > 1 and voice is speaking  # a portfolio's summary: as the consultants' view
    reports = [
        _report(session, engagement, span, as_of, ledger_path, voice, summary)
        for engagement in steps(engagements, _("Reading engagements"), more_than=20)
    ]
    _emit(reports, fmt, output, by)


def _users(engagement: Engagement) -> AbstractContextManager[None]:
    """--lang, else the user's language, whatever the engagement's."""
    return shared([engagement])


def _for_programs(engagement: Engagement) -> AbstractContextManager[None]:
    """English words, ISO dates, decimal points: CSV and JSON."""
    return machine()


def _report(
    session: Session,
    engagement: Engagement,
    span: tuple[dt.date, dt.date] | None,
    as_of: str | None,
    ledger_path: Path | None,
    voice: Voice,
    summary: bool,
) -> Report:
    """One engagement's report for the week asked for (else the week of --as-of, else this week),
    with the plugins' sections and portfolio cells, all read from one verdict, judged in the
    language ``voice`` gives; a portfolio's ``summary`` figures (its state's reason, what is left
    open, the plugins' cells) are judged in the user's language, or --lang's."""
    from dataclasses import replace

    from engage_status.report import Overview, as_of_for, build

    today = session.today(engagement)
    given = parse_date(as_of, today) if as_of else None
    chosen = Week.of(span[0]) if span else Week.of(given or today)
    when = as_of_for(chosen, today, given)
    ledger = session.read_ledger(engagement, ledger_path).until(when)
    with voice(engagement):
        verdict = session.verdict(engagement, ledger, when)
        sections = session.collect(
            "engage_status_sections",
            section_problem,
            engagement=engagement,
            ledger=ledger,
            week=chosen,
            today=when,
            verdict=verdict,
            command="status",
            period=(chosen.start, chosen.end),
        )
        built = replace(build(verdict, chosen), sections=tuple(sections))
        if not summary:
            return replace(built, columns=_columns(session, engagement, ledger, when, verdict))
    # The session keeps a verdict per language: the same one where both languages are one.
    with _users(engagement):
        overall = session.verdict(engagement, ledger, when)
        return replace(
            built,
            columns=_columns(session, engagement, ledger, when, overall),
            overview=Overview(overall.reason, tuple(overall.open_items)),
        )


def _columns(
    session: Session, engagement: Engagement, ledger: Ledger, when: dt.date, verdict: Verdict
) -> tuple[tuple[str, object], ...]:
    """The plugins' cells for the engagement's row of a portfolio (``engage_portfolio_columns``)."""
    cells = session.plugin_manager.hook.engage_portfolio_columns(
        engagement=engagement, ledger=ledger, today=when, verdict=verdict
    )
    return tuple((str(k), v) for result in cells for k, v in (result or {}).items())


def _emit(reports: list[Report], fmt: str, output: str | None, by: str) -> None:
    """The reports in ``fmt``: a workbook, the consultants' view, or the report as text."""
    if fmt == "xlsx":
        from engage import write_workbook
        from engage_status.sheets import workbook_sheets

        assert output is not None
        write_workbook(output_target(output, "workbook"), workbook_sheets(reports))
        click.echo(_("Wrote {path}").format(path=output), err=True)
        return
    if by == "consultant":
        from engage_status.people import render as render_people

        text = render_people(reports, "github" if fmt == "markdown" else fmt)
    else:
        from engage_status.formats import render

        text = render(reports, fmt)
    write_output(text, output, "report", bom=fmt == "csv", coloured=fmt == "plain")
    if fmt == "csv":
        _say_sections_left_out((s for r in reports for s in r.sections), _("phases"))


@click.command()
@click.option(
    "--from", "since", metavar="DATE", help=f"The period's first day (default: the start); {DATE_HELP}."
)
@click.option("--to", "until", metavar="DATE", help="The period's last day (default: the close, else today).")
@click.option("--as-of", "as_of", help="States as of this date (default: the close date, else today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plain", "markdown", "github", "html", "csv", "json", "xlsx"], case_sensitive=False),
    default=None,
)
@click.option("-o", "--output", metavar="FILE", help="Write the report here (xlsx needs it).")
@pass_session
def report(
    session: Session,
    since: str | None,
    until: str | None,
    as_of: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """The close-out (or period) report an organisation files: days by phase,
    consultant and month; each deliverable's history; meeting outcomes; what is left open.

    \b
    Examples:
      engage report --format html -o close-out.html
      engage report --from 2021-11-01 --to 2021-11-30 -o november.xlsx
    """

    from engage_status.closeout import build_closeout
    from engage_status.closeout_formats import render_closeout, write_closeout

    fmt = chosen_format(fmt, output, FORMATS)
    if fmt == "xlsx" and not output:
        raise EngageError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
    engagement = session.engagement
    today = session.today()
    ledger = session.ledger()
    closing = ledger.closing()
    when = parse_date(as_of, today) if as_of else (closing.date if closing else today)
    first = parse_date(since, today) if since else None
    last = parse_date(until, today) if until else None
    if first and last and first > last:
        raise EngageError(
            _("--from {first} is after --to {last}; give a period that runs forward").format(
                first=first, last=last
            )
        )
    cut = ledger.until(when)
    # The report is the engagement's document: judged and written in its language (CSV and JSON
    # for programs); what engage says about it, in the user's.
    with machine() if fmt in MACHINE_FORMATS else speaking(engagement):
        verdict = session.verdict(engagement, cut, when)
        built = build_closeout(verdict, first, last)
        extra = session.collect(
            "engage_status_sections",
            section_problem,
            engagement=engagement,
            ledger=cut,
            week=Week.of(when),
            today=when,
            verdict=verdict,
            command="report",
            period=(built.start, built.end),
        )
        from dataclasses import replace

        built = replace(built, sections=built.sections + tuple(extra))
        if fmt == "xlsx":
            assert output is not None
            write_closeout(built, output_target(output, "workbook"))
        else:
            text = render_closeout(built, fmt)
    if fmt == "xlsx":
        click.echo(_("Wrote {path}").format(path=output), err=True)
        return
    write_output(text, output, "report", bom=fmt == "csv", coloured=fmt == "plain")
    if fmt == "csv":
        _say_sections_left_out(extra, _("days by phase, consultant and month"))


def _say_sections_left_out(sections: Iterable[Section], table: str) -> None:
    """CSV is one tidy table: the sections it leaves out (with rows or a note) are named, never
    dropped in silence."""
    left = list(dict.fromkeys(s.title for s in sections if s.rows or s.note))
    if left:
        warn(
            _(
                "--format csv is one table of {table}; these sections are left out: {sections} "
                "(--format json or xlsx has them)"
            ).format(table=table, sections=", ".join(left))
        )
