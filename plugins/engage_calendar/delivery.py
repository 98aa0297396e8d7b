"""Deliver a calendar: by email to the supervisor (SMTP), or onto a CalDAV calendar."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from engage import EngageError, Engagement
from engage.timeline import day_of
from engage_calendar.build import Item, View, render

SMTP_VARS = "ENGAGE_SMTP_HOST, ENGAGE_SMTP_PORT, ENGAGE_SMTP_USER, ENGAGE_SMTP_PASSWORD, ENGAGE_SMTP_STARTTLS"


def summary_text(engagement: Engagement, items: list[Item], today: dt.date) -> str:
    """The mail's text: the milestones from today on, one a line."""
    upcoming = [item for item in items if not item.revision.cancelled and day_of(item.event.start) >= today]
    lines = [f"{engagement.title}", f"Client: {engagement.client}", "", f"Milestones from {today}:"]
    lines += [f"  {_when(item)}  {item.event.title}" for item in upcoming] or ["  (none ahead)"]
    cancelled = [item for item in items if item.revision.cancelled]
    if cancelled:
        lines += ["", "Cancelled:"] + [f"  {_when(item)}  {item.event.title}" for item in cancelled]
    undated = [m.name for m in engagement.meetings if m.start is None]
    if undated:
        lines += ["", "Date to be agreed:"] + [f"  {name}" for name in undated]
    lines += [
        "",
        "The attached calendar (.ics) updates these events in place when imported again.",
        "Sent by engage.",
    ]
    return "\n".join(lines) + "\n"


def _when(item: Item) -> str:
    start = item.event.start
    if isinstance(start, dt.datetime):
        return f"{start:%Y-%m-%d %H:%M}"
    end = item.event.end
    return f"{start}" if not end or end == start else f"{start} – {end}"


def build_message(
    engagement: Engagement,
    items: list[Item],
    view: View,
    recipients: Sequence[str],
    sender: str,
    today: dt.date,
) -> EmailMessage:
    """A mail with a text summary and the calendar attached as text/calendar."""
    message = EmailMessage()
    message["Subject"] = f"Milestones: {engagement.title}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="engage-tracker")
    message.set_content(summary_text(engagement, items, today))
    message.add_attachment(
        render(engagement, items, view),
        maintype="text",
        subtype="calendar",
        params={"method": "PUBLISH", "charset": "utf-8"},
        filename=f"{engagement.id}.ics",
    )
    return message


def send(message: EmailMessage) -> None:
    """Send through the SMTP server the ENGAGE_SMTP_* variables name."""
    host = os.environ.get("ENGAGE_SMTP_HOST", "").strip()
    if not host:
        raise EngageError(f"no SMTP server: set ENGAGE_SMTP_HOST (and as needed {SMTP_VARS})")
    starttls = os.environ.get("ENGAGE_SMTP_STARTTLS", "1").strip()
    if starttls not in ("0", "1"):
        raise EngageError(f"ENGAGE_SMTP_STARTTLS must be 1 or 0, got {starttls!r}")
    port_text = os.environ.get("ENGAGE_SMTP_PORT", "587" if starttls == "1" else "25").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise EngageError(f"ENGAGE_SMTP_PORT must be a port number such as 587, got {port_text!r}")
    user = os.environ.get("ENGAGE_SMTP_USER", "")
    password = os.environ.get("ENGAGE_SMTP_PASSWORD", "")
    if not (user.isascii() and password.isascii()):
        # never show the password, nor a character of it or its position
        raise EngageError(
            "ENGAGE_SMTP_USER or ENGAGE_SMTP_PASSWORD holds characters other than ASCII, "
            "which SMTP login cannot send; use an ASCII password (an app password, say)"
        )
    where = f"{host}:{port_text}"
    try:
        with smtplib.SMTP(host, int(port_text), timeout=30) as smtp:
            if starttls == "1":
                smtp.starttls(context=ssl.create_default_context())
            if user:
                smtp.login(user, password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise EngageError(
            f"SMTP server {where} refused the login of {user!r}; check ENGAGE_SMTP_USER/PASSWORD"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise EngageError(
            f"SMTP server {where}: {exc}; set ENGAGE_SMTP_STARTTLS=0 if it has no TLS"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise EngageError(f"SMTP server {where} refused the recipients {', '.join(exc.recipients)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise EngageError(f"cannot send through SMTP server {where}: {exc}") from None


def publish(engagement: Engagement, items: list[Item], view: View, url: str) -> tuple[int, int]:
    """Put each event on a CalDAV calendar, replacing any with the same UID; returns (added, updated)."""
    from caldav.davclient import DAVClient
    from caldav.lib import error

    user = os.environ.get("ENGAGE_CALDAV_USER") or None
    password = os.environ.get("ENGAGE_CALDAV_PASSWORD") or None
    if not url.startswith(("http://", "https://")):
        raise EngageError(f"{url!r} is not a CalDAV calendar address; give an http(s):// URL")
    added = updated = 0
    try:
        client = DAVClient(url=url, username=user, password=password, timeout=30, require_tls=False)
        calendar = client.calendar(url=url)
        # One listing of what is there, rather than a search per event.
        existing = {str(event.icalendar_component.get("uid", "")): event for event in calendar.get_events()}
        for item in items:
            data = render(engagement, [item], view).decode("utf-8")
            if item.uid in existing:
                resource = existing[item.uid]
                resource.data = data
                resource.save(increase_seqno=False)
                updated += 1
            else:
                calendar.add_event(data, increase_seqno=False)
                added += 1
    except error.AuthorizationError:
        raise EngageError(
            f"{url}: the CalDAV server refused the credentials; check ENGAGE_CALDAV_USER/PASSWORD"
        ) from None
    except (error.DAVError, OSError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise EngageError(f"{url}: CalDAV publish failed: {type(exc).__name__}: {reason}") from None
    return added, updated
