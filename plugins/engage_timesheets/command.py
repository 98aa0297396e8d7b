"""The ``engage timesheet`` command: a sheet shown in a layout, and the steps of its approval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from engage import Session, pass_session

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("plain", "markdown", "csv", "json", "xlsx", "html", "pdf")


def period_options(command: F) -> F:
    """--month, --week, --from and --to, and --consultant: which sheet."""
    for option in reversed(
        (
            click.option("--month", "-m", help="A month, e.g. 2026-11 (default: the last full month)."),
            click.option("--week", "-w", help="An ISO week, e.g. 2026-W47."),
            click.option("--from", "since", help="The first day, with --to (e.g. 2026-11-01)."),
            click.option("--to", "until", help="The last day, with --from (e.g. 2026-11-15)."),
            click.option(
                "--consultant", "-c", help="Whose sheet: a key or name from the schedule (default: yours)."
            ),
        )
    ):
        command = option(command)
    return command


def actor_options(command: F) -> F:
    """--as and --key: who takes the step, and the SSH key that signs it."""
    command = click.option(
        "--key",
        "key",
        help="Sign with this SSH key (default: timesheet.signing_key, else git's user.signingkey "
        "where gpg.format is ssh); --key none records the step unsigned.",
    )(command)
    return click.option(
        "--as",
        "acting",
        help="Who takes the step: 'supervisor', or a key, name or email of the schedule's people "
        "(default: $ENGAGE_CONSULTANT, else your engage or git identity).",
    )(command)


@click.group(invoke_without_command=True)
@period_options
@click.option("--layout", "-l", help="The funder's layout: plain, eu, undp, worldbank, or a plugin's.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: plain).")
@click.option("--output", "-o", help="Write to this file (the format from its extension).")
@click.option("--all", "everyone", is_flag=True, help="Every consultant's sheet, one after another.")
@click.pass_context
def timesheet(ctx: click.Context, **given: Any) -> None:
    """Show a consultant's timesheet for a period, in the funder's layout; submit and approve it.

    \b
    Examples:
      engage timesheet --month 2026-11 --layout eu -o ann-2026-11.pdf
      engage timesheet submit --month 2026-11
      engage timesheet approve --month 2026-11 --consultant ann --as supervisor
      engage timesheet verify --month 2026-11 --consultant ann
    """
    if ctx.invoked_subcommand is not None:
        return
    from engage_timesheets.show import show

    show(ctx.ensure_object(Session), **given)


@timesheet.command()
@period_options
@actor_options
@click.option("--note", "-n", default="", help="A note for the approver.")
@click.option("--send", is_flag=True, help="Mail the sheet (PDF attached) to whoever approves it.")
@pass_session
def submit(session: Session, **given: Any) -> None:
    """Submit your sheet for a period to whoever approves it (the supervisor, unless the schedule says).

    \b
    Example:
      engage timesheet submit --month 2026-11 --send
    """
    from engage_timesheets.workflow import step

    step(session, "submit", **given)


@timesheet.command()
@period_options
@actor_options
@click.option("--note", "-n", default="", help="A note kept with the approval.")
@pass_session
def approve(session: Session, **given: Any) -> None:
    """Approve a submitted sheet: its days are locked until it is reopened.

    \b
    Example:
      engage timesheet approve -m 2026-11 -c ann --key ~/.ssh/id_ed25519
    """
    from engage_timesheets.workflow import step

    step(session, "approve", **given)


@timesheet.command()
@period_options
@actor_options
@click.option("--reason", "-r", "note", required=True, help="What must change (the consultant reads it).")
@pass_session
def reject(session: Session, **given: Any) -> None:
    """Send a submitted sheet back, saying why; the consultant fixes it and submits again.

    \b
    Example:
      engage timesheet reject -m 2026-11 -c ann --reason "12 Nov: 9 h, over 8"
    """
    from engage_timesheets.workflow import step

    step(session, "reject", **given)


@timesheet.command()
@period_options
@actor_options
@click.option("--reason", "-r", "note", required=True, help="Why it is reopened (kept in the ledger).")
@pass_session
def reopen(session: Session, **given: Any) -> None:
    """Reopen an approved (or submitted) sheet: its days can change again, and it is submitted anew.

    \b
    Example:
      engage timesheet reopen -m 2026-11 -c ann --reason "wrong phase"
    """
    from engage_timesheets.workflow import step

    step(session, "reopen", **given)


@timesheet.command()
@period_options
@pass_session
def verify(session: Session, **given: Any) -> None:
    """Say whether an approved sheet still matches the ledger, and who signed it (exit 1 if not).

    \b
    Example:
      engage timesheet verify --month 2026-11 --consultant ann
    """
    from engage_timesheets.workflow import verify_sheets

    verify_sheets(session, **given)
