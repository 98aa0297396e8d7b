"""Commands that record progress: a deliverable's status, a meeting's outcome."""

from __future__ import annotations

import click

from engage import ledger as ledger_file
from engage.errors import EngageError
from engage.model import DELIVERABLE_STATUSES, MEETING_OUTCOMES
from engage.parsing import DATE_HELP, parse_date
from engage.session import Session, pass_session


@click.command()
@click.argument("key")
@click.option("--status", required=True, type=click.Choice(DELIVERABLE_STATUSES))
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="A remark kept with the status.")
@pass_session
def deliver(session: Session, key: str, status: str, day: str, note: str) -> None:
    """Record a deliverable as submitted, returned (with comments) or accepted.

    \b
    Example:
      engage deliver inception --status submitted --date 2021-11-22
    """
    names = {d.key: d.name for d in session.engagement.deliverables}
    _record(session, "deliverable", key, names, {"status": status}, day, note)


@click.command()
@click.argument("key")
@click.option("--outcome", required=True, type=click.Choice(MEETING_OUTCOMES))
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="What was decided or asked for.")
@pass_session
def meeting(session: Session, key: str, outcome: str, day: str, note: str) -> None:
    """Record what came of a meeting (a validation meeting asking for changes, say).

    \b
    Example:
      engage meeting validation --outcome changes-requested --note "add a results framework"
    """
    engagement = session.engagement
    try:
        found = engagement.meeting(key)
    except KeyError:
        keys = ", ".join(m.key for m in engagement.meetings) or "(none in this schedule)"
        raise EngageError(f"unknown meeting {key!r}; meetings: {keys}") from None
    date = parse_date(day, session.today())
    record = ledger_file.new_record("meeting", meeting=key, outcome=outcome, date=date.isoformat(), note=note)
    session.write([record])
    click.echo(f"{found.name}: {outcome} on {date} (record {record['id']})")


def _record(
    session: Session, kind: str, key: str, names: dict[str, str], change: dict[str, str], day: str, note: str
) -> None:
    """Append a deliverable status or a meeting outcome for an item the schedule has."""
    if key not in names:
        known = ", ".join(names) or "(none in this schedule)"
        raise EngageError(f"unknown {kind} {key!r}; {kind}s: {known}")
    date = parse_date(day, session.today())
    record = ledger_file.new_record(kind, **{kind: key}, **change, date=date.isoformat(), note=note)
    session.write([record])
    click.echo(f"{names[key]}: {next(iter(change.values()))} on {date} (record {record['id']})")


COMMANDS = [deliver, meeting]
