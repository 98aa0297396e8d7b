"""A donor-style quarterly summary for engage: a ``donor-report`` command and a status section."""

from __future__ import annotations

import datetime as dt
import re

import click

from engage import EngageError, Engagement, Ledger, Section, Week, hookimpl, judge
from engage.session import Session, pass_session

__version__ = "0.1.0"


def quarter_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar quarter holding ``day``: its label (2021-Q4), first and last day."""
    index = (day.month - 1) // 3
    first = dt.date(day.year, 3 * index + 1, 1)
    after = dt.date(day.year + (index == 3), (3 * index + 3) % 12 + 1, 1)
    return f"{day.year}-Q{index + 1}", first, after - dt.timedelta(days=1)


def parse_quarter(text: str) -> tuple[str, dt.date, dt.date]:
    """Read ``2021-Q4`` (or ``2021q4``)."""
    match = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text)
    if not match:
        raise EngageError(f"cannot read {text!r} as a quarter; give one such as 2021-Q4")
    return quarter_of(dt.date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1))


def donor_summary(engagement: Engagement, ledger: Ledger, day: dt.date) -> Section:
    """Days per phase in the quarter of ``day`` and to date, and the deliverables accepted."""
    label, first, last = quarter_of(day)
    rows: list[tuple[object, ...]] = []
    for phase in engagement.phases:
        in_quarter = ledger.days_used(phase.key, first, last)
        to_date = ledger.days_used(phase.key, end=last)
        rows.append((phase.name, float(in_quarter), float(to_date), float(phase.days)))
    accepted = []
    # The deliverables' states as every engage report gives them (the one verdict).
    for deliverable in judge(engagement, ledger.until(last), last).deliverables:
        if deliverable.state == "accepted" and deliverable.since and first <= deliverable.since <= last:
            accepted.append(f"{deliverable.name} ({deliverable.since})")
    note = "Accepted this quarter: " + ("; ".join(accepted) if accepted else "none")
    return Section(
        f"Donor summary {label}", ("phase", "days this quarter", "days to date", "budget"), tuple(rows), note
    )


@click.command("donor-report")
@click.option("--quarter", "-q", help="A calendar quarter such as 2021-Q4 (default: this quarter).")
@click.option("--format", "fmt", type=click.Choice(["plain", "csv"]), default="plain", show_default=True)
@pass_session
def donor_report(session: Session, quarter: str | None, fmt: str) -> None:
    """Days per phase in a quarter and to date, and deliverables accepted, as donors ask for them.

    \b
    Example:
      engage donor-report --quarter 2021-Q4 --format csv
    """
    from engage.output.formats import csv_text, table

    engagement = session.engagement
    day = parse_quarter(quarter)[1] if quarter else session.today()
    section = donor_summary(engagement, session.ledger(), day)
    if fmt == "csv":
        click.echo(csv_text(section.headers, section.rows), nl=False)
        return
    click.echo(f"{engagement.title}\n{section.title}")
    click.echo(table(section.headers, section.rows))
    click.echo(section.note)


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    cli.add_command(donor_report)


@hookimpl
def engage_status_sections(engagement: Engagement, ledger: Ledger, week: Week) -> list[Section]:
    return [donor_summary(engagement, ledger, week.end)]
