"""The ``engage calendar`` command group: the feed (default), ``send`` invitations, ``publish``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from engage import (
    N_,
    CalendarEvent,
    EngageError,
    Engagement,
    Session,
    current_language,
    machine,
    pass_session,
    setting,
    speaking,
    warn,
    write_file,
)
from engage_calendar.build import CONSULTANT, SUPERVISOR, Item, View, load_state, output_path, revise
from engage_calendar.catalogue import _, ngettext
from engage_calendar.settings import EMAIL, Settings, settings
from engage_calendar.state import State

if TYPE_CHECKING:
    from engage_calendar.mail import Outgoing

VIEW = "engage_calendar.view"  # the group's options, shared with send and publish through ctx.meta
NO_ORGANIZER = N_("set ENGAGE_MAIL_FROM or [calendar] organizer to the address invitations come from")


@dataclass
class Revised:
    """The engagement's items revised against the saved state, which is not yet written."""

    engagement: Engagement
    settings: Settings
    state: State
    items: list[Item]
    changed: bool
    undated: list[str]  # names of items with no date yet


def _collect(session: Session) -> Revised:
    """Events from every plugin, revised against the state; nothing is written yet.

    The plugins are asked for their events written for machines (English, ISO dates), which are
    fingerprinted, and, where the calendar speaks another language, again inside
    ``speaking(engagement)`` for the words people read (see :func:`revise`)."""
    from engage_calendar.events import TO_BE_AGREED, off_calendar

    engagement = session.engagement
    ledger = session.ledger()
    rendering = settings(engagement)
    verdict = session.verdict(engagement, ledger, session.today(engagement))

    def asked() -> list[CalendarEvent]:
        results = session.plugin_manager.hook.engage_calendar_events(
            engagement=engagement, ledger=ledger, verdict=verdict
        )
        return [event for result in results for event in (result or ())]

    with machine():
        events = asked()
    with speaking(engagement):
        shown = events if current_language().partition("_")[0] == "en" else asked()
    state = load_state(engagement)
    before = dict(state.events)
    off = off_calendar(verdict)
    items = revise(engagement, events, off, state, rendering, shown=shown)
    names = {f"meeting.{m.key}": m.name for m in engagement.meetings}
    names |= {f"deliverable.{d.key}": d.name for d in engagement.deliverables}
    undated = [names.get(key, key) for key, why in off.items() if why == TO_BE_AGREED]
    return Revised(engagement, rendering, state, items, state.events != before, undated)


@click.group(invoke_without_command=True)
@click.option("-o", "--output", metavar="FILE", help="Write the .ics here instead of standard output.")
@click.option(
    "--audience",
    type=click.Choice([SUPERVISOR, CONSULTANT]),
    default=SUPERVISOR,
    show_default=True,
    help="Supervisor: deadlines, due dates, meetings. Consultant: with phases and holidays.",
)
@click.option("--phases", is_flag=True, help="Add each phase's window as an all-day event.")
@click.pass_context
def calendar(ctx: click.Context, output: str | None, audience: str, phases: bool) -> None:
    """Write the calendar feed: one .ics to put at a fixed URL that calendars subscribe to.

    Items without a date, cancelled or removed are left out of the feed; invitations by mail
    (send) carry the cancellations.

    \b
    Examples:
      engage calendar -o /var/www/cal/milestones.ics
      engage calendar --audience consultant > my-plan.ics
      engage calendar send                 # invitations: new and changed events
      engage calendar send --to me@example.org --dry-run
      engage calendar publish https://dav.example.org/cal/ijm/
    """
    ctx.meta[VIEW] = View(audience, phases)
    if ctx.invoked_subcommand is not None:
        return
    from engage_calendar.ics import feed

    revised = _collect(ctx.obj)
    data = feed(revised.engagement, revised.items, ctx.meta[VIEW], revised.settings)
    if output:
        write_file(output_path(output), data, _("calendar"))
    else:
        click.echo(data, nl=False)
    if revised.changed:
        revised.state.save()
    if output:
        click.echo(_("Wrote {path}").format(path=output), err=True)
    if not revised.settings.organizer:
        warn(_("the feed has no ORGANIZER, so no METHOD:PUBLISH: {hint}").format(hint=_(NO_ORGANIZER)))


def calendar_recipients(engagement: Engagement) -> list[str]:
    """Who ``calendar send`` mails without --to: the supervisor, then each contact who receives
    the calendar (``receives = ["calendar"]``), each address once."""
    addresses = [
        engagement.supervisor.email,
        *(c.email for c in engagement.contacts if "calendar" in c.receives),
    ]
    found: list[str] = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found


@calendar.command()
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDRESS",
    help="Send to this address instead of the supervisor and contacts (repeatable).",
)
@click.option(
    "--all", "everything", is_flag=True, help="Send every event again, not only new and changed ones."
)
@click.option("--dry-run", is_flag=True, help="Print the messages instead of sending them; record nothing.")
@click.option(
    "--take-over", is_flag=True, help="Send from here from now on, where a teammate has sent so far."
)
@pass_session
def send(session: Session, to: tuple[str, ...], everything: bool, dry_run: bool, take_over: bool) -> None:
    """Mail invitations: one per new or changed event, a cancellation per event taken off.

    Each message carries its event inline as text/calendar (METHOD:REQUEST or CANCEL), the
    form mail clients that handle invitations (RFC 6047) act on. The sender is the
    ORGANIZER: ENGAGE_MAIL_FROM, else [calendar] organizer. SMTP from ENGAGE_SMTP_HOST,
    ENGAGE_SMTP_PORT, ENGAGE_SMTP_USER, ENGAGE_SMTP_PASSWORD, ENGAGE_SMTP_STARTTLS (1/0, default 1).

    A team shares the calendar state with engage sync and sends from one clone: the first to send
    is the sender, and a teammate's send is refused until they --take-over, so the supervisor never
    gets the same invitation from two laptops.
    """
    from engage_calendar.mail import outgoing, readable

    recipients = _send_recipients(session.engagement, to)
    revised = _collect(session)
    if not revised.settings.organizer:
        raise EngageError(_("no sender: {hint}").format(hint=_(NO_ORGANIZER)))
    me = setting("user.name") or ""
    sender = revised.state.sender
    if not dry_run and sender and me and sender != me and not take_over:
        raise EngageError(
            _(
                "invitations for {engagement} are sent by {sender} (so says {file}, shared by engage "
                "sync); ask {sender} to send them, or send from here from now on: "
                "engage calendar send --take-over"
            ).format(engagement=revised.engagement.id, sender=sender, file=revised.state.path.name)
        )
    view = click.get_current_context().meta[VIEW]
    messages = outgoing(
        revised.engagement, revised.items, view, revised.settings, recipients, revised.state, everything
    )
    if dry_run:
        for number, message in enumerate(messages, 1):
            click.echo(
                _("--- message {number} of {total}: {method} ---").format(
                    number=number, total=len(messages), method=message.method
                )
            )
            click.echo(readable(message.message))
    elif messages:
        revised.state.sender = me or sender
        _deliver_and_record(messages, revised.state)
    elif take_over and me:  # nothing to send now, but from here from now on
        revised.state.sender = me
        revised.state.save()
    invites = sum(1 for m in messages if m.method == "REQUEST")
    cancels = len(messages) - invites
    counts = [
        ngettext("{count} invitation", "{count} invitations", invites).format(count=invites)
        if invites
        else "",
        ngettext("{count} cancellation", "{count} cancellations", cancels).format(count=cancels)
        if cancels
        else "",
    ]
    addresses = ", ".join(recipients)
    if messages:
        what = (
            _("{first} and {second}").format(first=counts[0], second=counts[1])
            if all(counts)
            else "".join(counts)
        )
        sent = _("Would send {what} to {addresses}") if dry_run else _("Sent {what} to {addresses}")
        click.echo(sent.format(what=what, addresses=addresses), err=dry_run)
    else:
        click.echo(
            _(
                "Nothing new to send to {addresses}: every event is as last sent (--all sends all again)"
            ).format(addresses=addresses)
        )
    if revised.undated:
        undated = "; ".join(revised.undated)
        click.echo(
            _("No date yet, so no invitation until there is one: {names}").format(names=undated), err=dry_run
        )


def _send_recipients(engagement: Engagement, to: tuple[str, ...]) -> list[str]:
    """The addresses to send to: --to, else the calendar's recipients; an error when there are
    none or one is not an email address."""
    recipients = list(dict.fromkeys(to)) or calendar_recipients(engagement)
    if not recipients:
        raise EngageError(
            _(
                "the schedule gives no supervisor email (supervisor.email) and no contact receives the "
                "calendar; add one or pass --to ADDRESS"
            )
        )
    for address in recipients:
        if not EMAIL.fullmatch(address):
            raise EngageError(
                _("--to {address} is not an email address such as name@example.org").format(
                    address=repr(address)
                )
            )
    return recipients


def _deliver_and_record(messages: Sequence[Outgoing], state: State) -> None:
    """Send the messages, recording in ``state`` what each recipient was sent; the state is saved
    even when sending stops part way, so what went out is not sent twice."""
    from engage_calendar.mail import deliver

    delivered: list[Outgoing] = []

    def sent(message: Outgoing) -> None:
        delivered.append(message)
        for address in message.recipients:
            state.mail.setdefault(address.lower(), {})[message.item.uid] = message.item.revision.sequence

    try:
        deliver(messages, sent)
    finally:
        if delivered:
            try:
                state.save()
            except EngageError as exc:
                count = len(delivered)
                raise EngageError(
                    ngettext(
                        "{error}; {count} message went out but could not be recorded, so the next send "
                        "mails it again",
                        "{error}; {count} messages went out but could not be recorded, so the next send "
                        "mails them again",
                        count,
                    ).format(error=exc.message, count=count)
                ) from None


@calendar.command()
@click.argument("url")
@pass_session
def publish(session: Session, url: str) -> None:
    """Put the events on a CalDAV calendar at URL, as they are now.

    Only new and changed events are written, each conditionally (If-Match), so an edit made on
    the server is reported as a conflict, never overwritten; items taken off are deleted.
    Credentials from the URL (https://USER:PASSWORD@host/...; never printed or stored), else
    ENGAGE_CALDAV_USER and ENGAGE_CALDAV_PASSWORD, else ~/.netrc.
    """
    from engage_calendar.dav import publish as put
    from engage_calendar.dav import without_credentials

    url, credentials = without_credentials(url)  # never printed, never stored: used for this run
    view = click.get_current_context().meta[VIEW]
    revised = _collect(session)
    key = url if url.endswith("/") else url + "/"
    stored = revised.state.caldav.setdefault(key, {})
    before = dict(stored)
    try:
        outcome = put(revised.engagement, revised.items, view, revised.settings, url, stored, credentials)
    finally:
        if stored != before:  # only what the server accepted is recorded
            revised.state.save()
    click.echo(_("Published to {url}: {summary}").format(url=url, summary=outcome.summary()))
    for conflict in outcome.conflicts:
        warn(conflict)
    if outcome.conflicts:
        raise SystemExit(1)


def calendar_bytes(
    engagement: Engagement, events: Iterable[CalendarEvent], view: View, save: bool = True
) -> tuple[bytes, list[Item]]:
    """Revise and render the feed in one step (what ``engage calendar`` does), for benchmarks."""
    from engage_calendar.ics import feed
    from engage_calendar.settings import settings

    rendering = settings(engagement)
    state = load_state(engagement)
    before = dict(state.events)
    items = revise(engagement, events, {}, state, rendering)
    if save and state.events != before:
        state.save()
    return feed(engagement, items, view, rendering), items
