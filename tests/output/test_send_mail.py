"""engage's one mail path, ``send_mail``, against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

import engage
from helpers.calendar_checks import ORGANIZER
from helpers.servers import Inbox

PDF = b"%PDF-1.4\n% a timesheet\n" + bytes(range(256)) + b"\n%%EOF\n"


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Timesheet 2026-11: Ann Lead"
    message["From"] = ORGANIZER
    message["To"] = to
    message.set_content("Ann's timesheet for November, for your approval.\n")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="ann-2026-11.pdf")
    return message


def test_send_mail_delivers_an_attachment_whole_and_says_each_sent(smtp: Inbox) -> None:
    messages = [_message("supervisor@example.org"), _message("second@example.org")]
    accepted: list[EmailMessage] = []

    engage.send_mail(messages, sent=accepted.append)

    assert accepted == messages
    assert [to for to, _ in smtp.messages] == [["supervisor@example.org"], ["second@example.org"]]
    received = email.message_from_bytes(smtp.messages[0][1], policy=email.policy.default)
    assert received["Subject"] == "Timesheet 2026-11: Ann Lead"
    attachments = list(received.iter_attachments())  # type: ignore[attr-defined]
    assert [a.get_filename() for a in attachments] == ["ann-2026-11.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == PDF


def test_send_mail_refused_login_is_one_line_without_the_password(
    smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_SMTP_PASSWORD", "wrong-pa55")
    accepted: list[EmailMessage] = []
    with pytest.raises(engage.EngageError) as raised:
        engage.send_mail([_message("supervisor@example.org")], sent=accepted.append)
    text = str(raised.value)
    assert "refused the login of 'consultant'" in text and "\n" not in text
    assert "wrong-pa55" not in text
    assert accepted == [] and smtp.messages == []


def test_send_mail_without_a_server_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENGAGE_SMTP_HOST", raising=False)
    with pytest.raises(engage.EngageError, match="no SMTP server: set ENGAGE_SMTP_HOST"):
        engage.send_mail([_message("supervisor@example.org")])
