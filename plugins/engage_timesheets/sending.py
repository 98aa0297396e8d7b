"""``timesheet submit --send``: the sheet as a PDF in the schedule's layout, mailed to whoever approves it.

The addresses and the mail server are checked before the submission is written; the sheet is made
and sent after, so it says "submitted", and a failure then is a warning: the submission is safe in
the ledger, and the approver learns of it through ``engage sync`` all the same.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from engage import (
    EngageError,
    Engagement,
    Ledger,
    Session,
    find_setting,
    format_days,
    frozen,
    period_name,
    person_name,
    send_mail,
    sheet_entries,
    speaking,
)
from engage_timesheets.catalogue import _
from engage_timesheets.identity import Actor
from engage_timesheets.lines import say
from engage_timesheets.settings import SUPERVISOR, TimesheetSettings


@frozen
class Mail:
    """Who the sheet goes to and comes from."""

    to: str
    sender: str


def addresses(engagement: Engagement, settings: TimesheetSettings, owner: str, actor: Actor) -> Mail:
    """The approver's address from the schedule and the sender's (``mail.from``, else the consultant's
    own in the schedule); one line saying what to add where one is missing, or the server is."""
    approver = settings.approver_of(owner)
    name = person_name(engagement, approver)
    if approver == SUPERVISOR:
        email, where = engagement.supervisor.email, "[supervisor]"
    else:
        person = engagement.consultant_of(approver)
        email = person.email if person else ""
        where = _("the [[consultants]] entry of {key}").format(key=approver)
    if not email:
        raise EngageError(
            _(
                '--send: {name} approves this sheet but has no email in the schedule; add email = "…" to '
                "{where}, or submit without --send; nothing written"
            ).format(name=name, where=where)
        )
    found = find_setting("mail.from")
    sender = found.value.strip() if found and found.value.strip() else actor.email
    if not sender:
        raise EngageError(
            _(
                "--send: no address to send from; set engage config mail.from you@example.org (or "
                "ENGAGE_MAIL_FROM), or add your email to the schedule; nothing written"
            )
        )
    host = find_setting("smtp.host")
    if host is None or not host.value.strip():
        raise EngageError(
            _("--send: no SMTP server; set ENGAGE_SMTP_HOST or engage config smtp.host; nothing written")
        )
    return Mail(formataddr((name, email)), formataddr((actor.name, sender)))


def send_sheet(
    session: Session,
    ledger: Ledger,
    owner: str,
    start: dt.date,
    end: dt.date,
    mail: Mail,
    command: str,
) -> None:
    """Make the sheet's PDF as the ledger now stands and mail it, with how to approve it: the sheet,
    the subject and the body in the engagement's language."""
    from engage_timesheets.formats.pdf import pdf_bytes
    from engage_timesheets.layouts.common import period_text
    from engage_timesheets.show import chosen_layout, configured, person_of, render_sheets

    engagement = session.engagement
    settings, offered = configured(session)
    layout = chosen_layout(offered, settings, None, str(engagement.source))
    person = person_of(engagement, owner)
    who = person.name or person.key
    with speaking(engagement):
        [document] = render_sheets(session, ledger, [person], start, end, layout, settings)
        period = period_text(start, end)
        entries = sheet_entries(engagement, ledger, owner, start, end)
        days = format_days(sum((e.days for e in entries), start=0))
        subject = _("Timesheet {period} of {name}: {title}").format(
            period=period, name=who, title=engagement.title
        )
        body = _(
            "{name} submitted their timesheet for {period} ({days} days) on {title} ({id}); it is "
            "attached, in the {layout} layout.\n"
            "\n"
            "In your copy of the engagement, after engage sync:\n"
            "\n"
            "  {approve}\n"
            "\n"
            "or, to send it back:\n"
            "\n"
            "  {reject} --reason TEXT\n"
        ).format(
            name=who,
            period=period,
            days=days,
            title=engagement.title,
            id=engagement.id,
            layout=layout.name,
            approve=command.replace("submit", "approve", 1),
            reject=command.replace("submit", "reject", 1),
        )
        attachment = pdf_bytes([document])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail.sender
    message["To"] = mail.to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="engage.invalid")
    message.set_content(body)
    filename = f"{engagement.id}-{owner}-{period_name(start, end).replace(' ', '')}.pdf"
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename=filename)
    send_mail([message])
    say(_("  mailed to {address}").format(address=mail.to))
