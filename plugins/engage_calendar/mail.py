"""Invitations by mail: one iTIP message per new, changed or cancelled event (RFC 6047), over SMTP.

Each message is ``multipart/alternative``: a readable text part, then the calendar inline as
``text/calendar; method=REQUEST`` (or ``CANCEL``), the form Outlook, Gmail and Apple Mail act on.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from zoneinfo import ZoneInfo

from engage import Engagement, current_language, date_text, frozen, send_mail, speaking
from engage_calendar.build import Item, View
from engage_calendar.catalogue import _
from engage_calendar.events import TO_BE_AGREED, cancellation_note
from engage_calendar.ics import CANCEL, REQUEST, invitation, span
from engage_calendar.settings import Settings
from engage_calendar.state import State
from engage_calendar.text import multiline, one_line


@frozen
class Outgoing:
    """One message to send: the item, REQUEST or CANCEL, and the addresses it goes to."""

    item: Item
    method: str
    recipients: tuple[str, ...]
    message: EmailMessage


def outgoing(
    engagement: Engagement,
    items: Sequence[Item],
    view: View,
    settings: Settings,
    recipients: Sequence[str],
    state: State,
    everything: bool = False,
) -> list[Outgoing]:
    """The messages to send: REQUEST for events a recipient lacks in their latest form, CANCEL
    for events a recipient was invited to that are off the calendar now; with ``everything``,
    every event again (cancellations only to those who were invited)."""
    found = []
    for item in items:
        if not view.shows(item.event):
            continue
        sequence = item.revision.sequence
        sent = {address: state.mail.get(address.lower(), {}).get(item.uid) for address in recipients}
        if item.on:
            method, had = REQUEST, [a for a in recipients if sent[a] is not None]
            due = list(recipients) if everything else [a for a in recipients if sent[a] != sequence]
        else:
            method, had = CANCEL, [a for a in recipients if sent[a] is not None]
            due = had if everything else [a for a in had if sent[a] != sequence]
        if due:
            message = build_message(engagement, item, settings, method, due, bool(had))
            found.append(Outgoing(item, method, tuple(due), message))
    return found


def build_message(
    engagement: Engagement,
    item: Item,
    settings: Settings,
    method: str,
    recipients: Sequence[str],
    update: bool,
) -> EmailMessage:
    """A text part and the inline ``text/calendar`` part, as ``multipart/alternative``; its subject
    and text in the engagement's language."""
    with speaking(engagement):
        title = one_line(item.event.title) or _("(untitled)")
        dates, when = when_parts(item, settings, engagement.timezone)
        if method == CANCEL:
            cancelled = (
                _("Date to be agreed: {title}") if item.off == TO_BE_AGREED else _("Cancelled: {title}")
            )
            subject = cancelled.format(title=title)
        else:
            invited = _("Updated: {title} ({when})") if update else _("Invitation: {title} ({when})")
            subject = invited.format(title=title, when=dates)
        body = body_text(engagement, item, method, when, update)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.organizer
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="engage-tracker")
    message.set_content(body)
    message.add_alternative(
        invitation(engagement, item, settings, method, recipients),
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
    )
    return message


def body_text(engagement: Engagement, item: Item, method: str, when: str, update: bool) -> str:
    """The readable part: what, when (with its time zone), where, and what a later change does; in
    the language in force."""
    event = item.event
    # The labels in a column, their values lined up after the longest and one space.
    was, when_label, where, for_ = _("Was:"), _("When:"), _("Where:"), _("For:")
    width = max(len(label) for label in (was, when_label, where, for_)) + 1
    labels = (when_label, where, for_, was)
    lines = [one_line(event.title) or _("(untitled)"), ""]
    if method == CANCEL:
        lines += [cancellation_note(item.off), f"{was.ljust(width)}{when}"]
    else:
        lines += [f"{when_label.ljust(width)}{when}"]
        if one_line(event.location):
            lines += [f"{where.ljust(width)}{one_line(event.location)}"]
    lines += [f"{for_.ljust(width)}{one_line(engagement.title)} ({one_line(engagement.client)})"]
    if multiline(event.description) and method != CANCEL:
        lines += ["", multiline(event.description)]
    lines += [""]
    if method == CANCEL:
        lines += [_("This cancels the invitation sent earlier for this event.")]
    else:
        lines += [
            (
                _("This updates the invitation sent earlier (version {sequence}).").format(
                    sequence=item.revision.sequence
                )
                if update
                else _("This is an invitation; its calendar part adds the event to your calendar.")
            ),
            _("A later change or cancellation of this item is sent as an update to this same event."),
        ]
    lines += [_("Sent by engage.")]
    wrapped = (
        lines[:1]
        + [  # the title stays one line, to be found as it is in the calendar
            textwrap.fill(line, 76, subsequent_indent=" " * width if line.startswith(labels) else "") or line
            for text in lines[1:]
            for line in text.split("\n")
        ]
    )
    return "\n".join(wrapped) + "\n"


def when_text(item: Item, settings: Settings, timezone: str) -> str:
    """``Mon 15 Nov 2021, 17:00–17:30 EAT (Africa/Nairobi, UTC+03:00)``, or a date, or dates."""
    return when_parts(item, settings, timezone)[1]


def when_parts(item: Item, settings: Settings, timezone: str) -> tuple[str, str]:
    """The dates alone (``Mon 15 Nov 2021``, for a subject) and :func:`when_text`, in the language in
    force."""
    start, end = span(item.event, settings, ZoneInfo(timezone))
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        offset = start.strftime("%z")
        zone = f"{start.tzname()} ({timezone}, UTC{offset[:3]}:{offset[3:]})"
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)}, {end:%H:%M}"
        return _day(start), f"{_day(start)}, {start:%H:%M}–{until} {zone}"
    last = end - dt.timedelta(days=1)
    dates = _day(start) if last == start else f"{_day(start)} – {_day(last)}"
    return dates, _("{dates}, all day").format(dates=dates)


def _day(day: dt.date) -> str:
    """``Mon 15 Nov 2021``; ``lun. 15 nov. 2021`` in French."""
    if current_language().partition("_")[0] == "en":
        return f"{day:%a} {day.day} {day:%b %Y}"
    return date_text(day, "EEE d MMM y")


def readable(message: EmailMessage) -> str:
    """A message as a person reads it: its headers, the text, then the calendar part decoded."""
    lines = [f"{name}: {message[name]}" for name in ("Subject", "From", "To")]
    for part in message.iter_parts():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)
            lines += [f"[{part['Content-Type']}]", text.replace("\r\n", "\n")]
        else:
            lines += ["", part.get_content().rstrip("\n"), ""]
    return "\n".join(lines)


def deliver(messages: Sequence[Outgoing], sent: Callable[[Outgoing], None]) -> None:
    """Send through engage's one mail path (:func:`engage.send_mail`: the smtp settings, STARTTLS,
    login); ``sent`` after each message accepted."""
    by_message = {id(item.message): item for item in messages}
    send_mail([item.message for item in messages], sent=lambda message: sent(by_message[id(message)]))
