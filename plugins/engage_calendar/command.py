"""The ``engage calendar`` command group: export (default), ``send`` and ``publish``."""

from __future__ import annotations

import click

from engage import Engagement
from engage.session import Session, pass_session
from engage_calendar.build import CONSULTANT, SUPERVISOR, Item, View, calendar_bytes, output_path

VIEW = "engage_calendar.view"  # the group's options, shared with send and publish through ctx.meta


def _collect(session: Session, view: View, save: bool = True) -> tuple[Engagement, bytes, list[Item]]:
    """Events from every plugin, revised against the last export of this view."""
    engagement = session.engagement
    ledger = session.ledger()
    results = session.plugin_manager.hook.engage_calendar_events(engagement=engagement, ledger=ledger)
    events = [event for result in results for event in (result or ())]
    data, items = calendar_bytes(engagement, events, view, save=save)
    return engagement, data, items


@click.group(invoke_without_command=True)
@click.option("-o", "--output", metavar="FILE", help="Write the .ics here instead of standard output.")
@click.option(
    "--audience",
    type=click.Choice([SUPERVISOR, CONSULTANT]),
    default=SUPERVISOR,
    show_default=True,
    help="Supervisor: milestones, with the supervisor as attendee. Consultant: with phases and holidays.",
)
@click.option("--phases", is_flag=True, help="Add each phase's window as an all-day event.")
@click.pass_context
def calendar(ctx: click.Context, output: str | None, audience: str, phases: bool) -> None:
    """Export the milestones as an iCalendar (.ics) file that updates in place when re-imported.

    \b
    Examples:
      engage calendar -o milestones.ics
      engage calendar --audience consultant > my-plan.ics
      engage calendar send --to programs@example.org
      engage calendar publish https://dav.example.org/cal/ijm/
    """
    ctx.meta[VIEW] = View(audience, phases)
    if ctx.invoked_subcommand is not None:
        return
    _, data, _ = _collect(ctx.obj, ctx.meta[VIEW])
    if output:
        output_path(output).write_bytes(data)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data, nl=False)


@calendar.command()
@click.option(
    "--to", "extra", multiple=True, metavar="ADDRESS", help="Also send to this address (repeatable)."
)
@click.option("--dry-run", is_flag=True, help="Print the message instead of sending it.")
@pass_session
def send(session: Session, extra: tuple[str, ...], dry_run: bool) -> None:
    """Mail the calendar to the supervisor: a summary of upcoming milestones, the .ics attached.

    SMTP from ENGAGE_SMTP_HOST, ENGAGE_SMTP_PORT, ENGAGE_SMTP_USER, ENGAGE_SMTP_PASSWORD,
    ENGAGE_SMTP_STARTTLS (1/0, default 1) and ENGAGE_MAIL_FROM.
    """
    import os
    import re

    from engage import EngageError
    from engage_calendar.delivery import build_message
    from engage_calendar.delivery import send as deliver

    engagement = session.engagement
    recipients = ([engagement.supervisor.email] if engagement.supervisor.email else []) + list(extra)
    if not recipients:
        raise EngageError(
            "the schedule gives no supervisor email (supervisor.email); add it or pass --to ADDRESS"
        )
    for address in recipients:
        if not re.fullmatch(r"[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+", address):
            raise EngageError(f"--to {address!r} is not an email address such as name@example.org")
    sender = os.environ.get("ENGAGE_MAIL_FROM", "").strip()
    if not sender and not dry_run:
        raise EngageError("no sender: set ENGAGE_MAIL_FROM to the address the calendar is sent from")
    view = click.get_current_context().meta[VIEW]
    engagement, _, items = _collect(session, view, save=not dry_run)
    message = build_message(
        engagement, items, view, recipients, sender or "engage@localhost", session.today()
    )
    if dry_run:
        click.echo(message.as_string())
        return
    deliver(message)
    click.echo(f"Sent {len(items)} events to {', '.join(recipients)}")


@calendar.command()
@click.argument("url")
@pass_session
def publish(session: Session, url: str) -> None:
    """Put the events on a CalDAV calendar at URL, replacing earlier versions by UID.

    Credentials from ENGAGE_CALDAV_USER and ENGAGE_CALDAV_PASSWORD.
    """
    from engage_calendar.delivery import publish as put

    view = click.get_current_context().meta[VIEW]
    engagement, _, items = _collect(session, view)
    added, updated = put(engagement, items, view, url)
    click.echo(f"Published {len(items)} events to {url}: {added} added, {updated} updated")
