"""Commands that write time: ``log`` and ``void`` (``entries`` and ``import`` have their own modules)."""

from __future__ import annotations

import click

from engage.cli.completion import phase_keys
from engage.cli.log_entry import days_count, log_time
from engage.errors import EngageError
from engage.judging.usage import usage_of
from engage.judging.words import state_text
from engage.language import _
from engage.ledger import ledger as ledger_file
from engage.ledger.ledger import Ledger
from engage.ledger.records import Closing, Entry, MeetingOutcome, Record, StatusChange, TimesheetAction, Void
from engage.output.formats import terminal_text
from engage.parsing import DATE_HELP
from engage.schedule.lookup import CONSULTANT_VAR, check_place, find_phase, resolve_consultant
from engage.session import Session, pass_session

# importers read these here too
__all__ = ["CONSULTANT_VAR", "check_place", "find_phase", "resolve_consultant"]


@click.command()
@click.argument("days", metavar="DAYS")
@click.option(
    "--phase",
    "-p",
    required=True,
    help="The phase: its key (see 'engage show') or its name.",
    shell_complete=phase_keys,
)
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="What the time was spent on.")
@click.option(
    "--consultant",
    "-c",
    help="Who worked: a key or name from the schedule (default: $ENGAGE_CONSULTANT, else its only one).",
)
@click.option("--at", "at", help="Where the work was done: a [locations] key (default: the phase's, …).")
@pass_session
def log(
    session: Session, days: str, phase: str, day: str, note: str, consultant: str | None, at: str | None
) -> None:
    """Log time against a phase: DAYS is 1, 0.5, .25, or hours such as 4h, 30m, 1h30m.

    The entry is always recorded, even past the budget; warnings say so.

    \b
    Examples:
      engage log 1.5 --phase prep --note "desk review"
      engage log 4h --phase prep --date yesterday
    """
    log_time(session, days, phase, day, note, consultant, at)


@click.command()
@click.argument("record_id", metavar="ENTRY_ID")
@click.option("--reason", "-r", default="", help="Why it is voided (kept in the ledger).")
@pass_session
def void(session: Session, record_id: str, reason: str) -> None:
    """Cancel an entry (or a deliverable status, or a meeting outcome) by its id.

    Nothing is deleted: a void record is appended, so the history stays.

    \b
    Example:
      engage void 3f2a9c1b --reason "logged twice"
    """
    engagement = session.engagement
    ledger = session.ledger()
    record = ledger.find(record_id)

    def still_voidable(current: Ledger) -> None:  # under the lock: two voids of one id cannot both land
        found = current.find(record.id)
        if isinstance(found, Void):
            raise EngageError(
                _("{id} is itself a void; to restore {target}, log it again").format(
                    id=found.id, target=found.target
                )
            )
        if isinstance(found, TimesheetAction):
            raise EngageError(
                _(
                    "{id} is a timesheet's {action}, which is not voided: the approver runs "
                    "'engage timesheet reopen' (or 'reject') with a reason, and the history stays"
                ).format(id=found.id, action=state_text(found.action))
            )
        if current.is_void(found.id):
            raise EngageError(
                _("{id} is already voided (by {void})").format(id=found.id, void=current.voids[found.id].id)
            )
        blockers = [
            reason
            for reasons in session.plugin_manager.hook.engage_void_blockers(
                engagement=engagement, ledger=current, record=found
            )
            for reason in (reasons or ())
        ]
        if blockers:
            raise EngageError(_("{id} cannot be voided: {reason}").format(id=found.id, reason=blockers[0]))
        later = _later_steps(current, found)
        if later:  # voiding a middle step would leave a history that deliver and meeting refuse
            raise EngageError(
                _("{id} is followed by {later}; void the later record(s) first, latest first").format(
                    id=found.id, later=", ".join(later)
                )
            )

    still_voidable(ledger)
    assert not isinstance(record, Void)
    session.write([ledger_file.new_record("void", target=record.id, reason=reason)], check=still_voidable)
    click.echo(terminal_text(_("Voided {record}").format(record=describe_record(record))))
    with session.after_write(_("the void of {id}").format(id=record.id)):
        if isinstance(record, Entry) and record.phase in {p.key for p in engagement.phases}:
            click.echo(usage_of(engagement, session.ledger(), record.phase).summary())


def _later_steps(ledger: Ledger, record: Record) -> list[str]:
    """The live statuses or outcomes recorded after this one for the same deliverable or meeting."""
    from engage.judging.history import Progress

    progress = Progress(ledger)
    if isinstance(record, StatusChange):
        steps = [(c.id, c.status) for c in progress.history(record.deliverable)]
    elif isinstance(record, MeetingOutcome):
        steps = [(o.id, o.outcome) for o in progress.outcomes(record.meeting)]
    else:
        return []
    ids = [ident for ident, _ in steps]
    if record.id not in ids:
        return []
    return [f"{ident} ({state_text(what)})" for ident, what in steps[ids.index(record.id) + 1 :]]


def describe_record(record: Record) -> str:
    """One line about a record, for confirmations."""
    if isinstance(record, Entry):
        return _("entry {id}: {days} on {phase}, {date}").format(
            id=record.id, days=days_count(record.days), phase=record.phase, date=record.date
        )
    if isinstance(record, StatusChange):
        return _("status {id}: {deliverable} {status} on {date}").format(
            id=record.id, deliverable=record.deliverable, status=state_text(record.status), date=record.date
        )
    if isinstance(record, Closing):
        return _("closing {id}: {outcome} on {date} (the engagement is open again)").format(
            id=record.id, outcome=state_text(record.outcome), date=record.date
        )
    if isinstance(record, TimesheetAction):
        return _("timesheet {id}: {consultant} {start} to {end} {action}").format(
            id=record.id,
            consultant=record.consultant,
            start=record.start,
            end=record.end,
            action=state_text(record.action),
        )
    if isinstance(record, MeetingOutcome):
        return _("outcome {id}: {meeting} {outcome} on {date}").format(
            id=record.id, meeting=record.meeting, outcome=state_text(record.outcome), date=record.date
        )
    from engage.plugin.manager import get_plugin_manager, plugin_record_kinds

    for kind in plugin_record_kinds(get_plugin_manager()).values():
        if kind.describe is not None and kind.name == getattr(record, "kind", None):
            return str(kind.describe(record))
    return _("record {id}").format(id=record.id)


COMMANDS = [log, void]
