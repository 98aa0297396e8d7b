"""The ``engage status`` command: one engagement or a portfolio, in five formats."""

from __future__ import annotations

import click

from engage.hooktypes import Week
from engage.parsing import DATE_HELP, parse_date, parse_week
from engage.session import Session, pass_session

FORMATS = ["plain", "github", "html", "csv", "json"]


@click.command()
@click.argument("schedules", nargs=-1, metavar="[SCHEDULE|FOLDER]...")
@click.option("--week", "-w", help="The ISO week to report, e.g. 2021-W47 (default: this week).")
@click.option("--as-of", "as_of", help=f"Figures as of this date: {DATE_HELP}.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="plain", show_default=True)
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
    fmt: str,
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
    from dataclasses import replace
    from pathlib import Path

    from engage import EngageError
    from engage_status.formats import render
    from engage_status.report import as_of_for, build

    if by == "consultant" and fmt == "html":
        raise EngageError("--by consultant gives plain, github, csv or json; leave out --format html")
    span = parse_week(week) if week else None
    reports = []
    engagements = list(session.portfolio(schedules))
    ledger_path = session.chosen_ledger if schedules else session.ledger_path
    if ledger_path is not None and len(engagements) > 1:
        raise EngageError(
            f"--ledger/ENGAGE_LEDGER names one ledger ({ledger_path}) but the report covers "
            f"{len(engagements)} engagements, each with its ledger beside its schedule; "
            "drop --ledger (and unset ENGAGE_LEDGER), or report one schedule"
        )
    for engagement in engagements:
        today = session.today(engagement)
        given = parse_date(as_of, today) if as_of else None
        # The week asked for; else the week of --as-of; else this week.
        chosen = Week.of(span[0]) if span else Week.of(given or today)
        when = as_of_for(chosen, today, given)
        ledger = session.read_ledger(engagement, ledger_path).until(when)
        report = build(engagement, ledger, chosen, when)
        results = session.plugin_manager.hook.engage_status_sections(
            engagement=engagement, ledger=ledger, week=chosen, today=when
        )
        sections = tuple(section for result in results for section in (result or ()))
        cells = session.plugin_manager.hook.engage_portfolio_columns(
            engagement=engagement, ledger=ledger, today=when
        )
        columns = tuple((str(k), v) for result in cells for k, v in (result or {}).items())
        reports.append(replace(report, sections=sections, columns=columns))
    if by == "consultant":
        from engage_status.people import render as render_people

        text = render_people(reports, fmt)
    else:
        text = render(reports, fmt)
    if output:
        target = Path(output)
        if not target.parent.is_dir():
            raise EngageError(f"{target.parent}: no such folder for the report")
        target.write_text(
            text, encoding="utf-8", errors="surrogateescape", newline="" if fmt == "csv" else None
        )
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
