"""Commands that record progress: a deliverable's status, a meeting's outcome, the engagement's close."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import click

from engage.cli.completion import deliverable_keys, meeting_keys
from engage.errors import EngageError
from engage.judging.history import Progress, check_outcome, check_status
from engage.judging.words import state_text
from engage.language import _, ngettext
from engage.ledger import ledger as ledger_file
from engage.ledger.ledger import Ledger
from engage.parsing import DATE_HELP, parse_date
from engage.schedule.model import CLOSE_OUTCOMES, DELIVERABLE_STATUSES, MEETING_OUTCOMES, Deliverable, Meeting
from engage.session import Session, pass_session


@click.command()
@click.argument("key", shell_complete=deliverable_keys)
@click.option("--status", required=True, type=click.Choice(DELIVERABLE_STATUSES, case_sensitive=False))
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="A remark kept with the status.")
@pass_session
def deliver(session: Session, key: str, status: str, day: str, note: str) -> None:
    """Record a deliverable as submitted, returned (with comments) or accepted.

    Its life is submitted, then returned and submitted again as often as the
    client asks, then accepted; a status that skips a step is refused.

    \b
    Examples:
      engage deliver draft --status submitted --date 2021-12-02
      engage deliver draft --status returned --note "comments from the board"
      engage deliver draft --status submitted          # the revision
      engage deliver draft --status accepted
    """

    deliverable = _find(session.engagement.deliverables, key, "deliverable")
    key = deliverable.key
    status = status.lower()
    date, _today = _dated(session, day, f"{deliverable.name}: {state_text(status)}")

    def in_order(ledger: Ledger) -> None:  # under the ledger's lock: no other status slips in between
        check_status(Progress(ledger).history(key), status, date, deliverable.name)

    in_order(session.ledger())  # refused before anything is prepared, with the ledger as read
    record = ledger_file.new_record(
        "deliverable", deliverable=key, status=status, date=date.isoformat(), note=note
    )
    session.write([record], check=in_order)
    click.echo(
        _("{name}: {status} on {date} (record {id})").format(
            name=deliverable.name, status=state_text(status), date=date, id=record["id"]
        )
    )
    _say_verdict(session, f"deliverable {key}", date)


@click.command()
@click.argument("key", shell_complete=meeting_keys)
@click.option("--outcome", required=True, type=click.Choice(MEETING_OUTCOMES, case_sensitive=False))
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--to", "to", metavar="DATE", help="With --outcome postponed: the new first day, if agreed.")
@click.option("--note", "-n", default="", help="What was decided or asked for.")
@pass_session
def meeting(session: Session, key: str, outcome: str, day: str, to: str | None, note: str) -> None:
    """Record what came of a meeting: held, validated, changes requested, postponed or cancelled.

    A postponed meeting without --to is "date to be agreed"; with --to it
    moves, and the calendar moves the same event. The schedule is never
    rewritten.

    \b
    Examples:
      engage meeting validation --outcome changes-requested --note "add a budget"
      engage meeting validation --outcome postponed --to 2021-12-06
      engage meeting validation --outcome cancelled --note "board unavailable"
    """
    found = _find(session.engagement.meetings, key, "meeting")
    key = found.key
    outcome = outcome.lower()
    date, today = _dated(session, day, f"{found.name}: {state_text(outcome)}")
    fields: dict[str, object] = {"meeting": key, "outcome": outcome, "date": date.isoformat(), "note": note}
    if to is not None:
        if outcome != "postponed":
            raise EngageError(
                _("--to goes with --outcome postponed, not {outcome}; leave --to out").format(outcome=outcome)
            )
        moved = parse_date(to, today)
        if moved < date:
            raise EngageError(
                _("--to {moved} is before the postponement's date {date}; give a later day").format(
                    moved=moved, date=date
                )
            )
        fields["to"] = moved.isoformat()
    moved_to = dt.date.fromisoformat(str(fields["to"])) if "to" in fields else None

    def consistent(ledger: Ledger) -> None:  # under the lock, as for deliverables
        check_outcome(Progress(ledger).outcomes(key), outcome, date, moved_to, found.name)

    consistent(session.ledger())
    record = ledger_file.new_record("meeting", **fields)
    session.write([record], check=consistent)
    moved_text = (
        _(", moved to {date}").format(date=fields["to"])
        if "to" in fields
        else (_(", date to be agreed") if outcome == "postponed" else "")
    )
    click.echo(
        _("{name}: {outcome} on {date}{moved} (record {id})").format(
            name=found.name, outcome=state_text(outcome), date=date, moved=moved_text, id=record["id"]
        )
    )


@click.command()
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option(
    "--outcome",
    type=click.Choice(CLOSE_OUTCOMES, case_sensitive=False),
    default="completed",
    show_default=True,
    help="Completed as agreed, or terminated early.",
)
@click.option("--note", "-n", default="", help="Why, or what was handed over.")
@pass_session
def close(session: Session, day: str, outcome: str, note: str) -> None:
    """Record that the engagement ended. After it nothing grows: lateness stops at the close date.

    Void the closing record (engage void ID) to reopen the engagement.

    \b
    Examples:
      engage close --date 2021-12-10 --note "final plan adopted by the board"
      engage close --outcome terminated --note "funding withdrawn"
    """
    date, _today = _dated(session, day, _("close"))

    def open_still(ledger: Ledger) -> None:  # under the lock: two closes cannot both land
        closing = ledger.closing()
        if closing is not None:
            raise EngageError(
                _("already closed on {date} (record {id}); void that record to close again").format(
                    date=closing.date, id=closing.id
                )
            )

    open_still(session.ledger())
    record = ledger_file.new_record("close", outcome=outcome.lower(), date=date.isoformat(), note=note)
    session.write([record], check=open_still)
    click.echo(
        _("{name}: {outcome} on {date} (record {id})").format(
            name=session.engagement.title, outcome=state_text(outcome.lower()), date=date, id=record["id"]
        )
    )
    _say_verdict(session, "", date)


Item = TypeVar("Item", Deliverable, Meeting)


def _find(items: tuple[Item, ...], key: str, kind: str) -> Item:
    """The schedule's deliverable or meeting by key (any case) or name; refused naming the keys it has."""
    from engage.schedule.lookup import find_item

    return find_item(items, key, kind)


def _dated(session: Session, day: str, subject: str) -> tuple[dt.date, dt.date]:
    """The record's date, and today; a date in the future or before the engagement began is refused."""
    today = session.today()
    date = parse_date(day, today)
    _not_ahead(date, today, subject, session)
    return date, today


def _not_ahead(date: dt.date, today: dt.date, subject: str, session: Session | None = None) -> None:
    """Refuse a date in the future, or (given the session) before the engagement began."""
    if session is not None:
        first = session.timeline(session.engagement).start
        if date < first:
            raise EngageError(
                _("{subject}: {date} is before the engagement began on {first}; check the date").format(
                    subject=subject, date=date, first=first
                )
            )
    if date > today:
        raise EngageError(
            _("{subject}: {date} is in the future; record what has happened, dated today or earlier").format(
                subject=subject, date=date
            )
        )


def _say_verdict(session: Session, item: str, day: dt.date) -> None:
    """After a status or a close: the deliverable's state (or the engagement's) on the record's day,
    as every report gives it; a status recorded late is judged as of the day it happened.

    The record is written by now: whatever fails here is a warning that says so.
    """
    with session.after_write(_("the record")):
        verdict = session.verdict(session.engagement, session.ledger().until(day), day)
        if item.startswith("deliverable "):
            found = verdict.deliverable(item.split(" ", 1)[1])
            state = state_text(found.state)
            text = (
                found.reason
                if found.reason.startswith((found.state, state))
                else _("{state}: {reason}").format(state=state, reason=found.reason)
            )
            if found.days_late and "late" not in text and state_text("late") not in text:
                late = ngettext(
                    "{count} day late on the consultant's side",
                    "{count} days late on the consultant's side",
                    found.days_late,
                ).format(count=found.days_late)
                text += f"; {late}"
            click.echo(_("On {date}: {text}").format(date=day, text=text))
        else:
            click.echo(_("On {date}: {text}").format(date=day, text=verdict.reason))


COMMANDS = [deliver, meeting, close]
