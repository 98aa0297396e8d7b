"""Invitations by mail, received by a real SMTP sink (aiosmtpd) and parsed back; a password never shown."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from icalendar import Calendar

from helpers import Seed, one_line_error
from helpers.calendar_checks import libical_errors, only_event, received, require_libical
from helpers.seed_edits import move, remove_last_deliverable, with_supervisor_email
from helpers.servers import ORGANIZER, PASSWORD, USER, Inbox, TlsInbox, free_port


def test_send_one_invitation_per_event_then_only_changes(seed: Seed, smtp: Inbox) -> None:
    supervisor = with_supervisor_email(seed)
    seed.run("calendar")  # revised long ago, sent now: the messages are stamped when they are made
    state = seed.path.with_name(seed.path.stem + ".calendar.json")
    state.write_text(re.sub(r'"revised": "\d{8}T\d{6}Z"', '"revised": "20200101T000000Z"', state.read_text()))
    sent_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = seed.run("calendar", "send")
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    first = received(smtp)
    feed = Calendar.from_ical(seed.run("calendar").stdout_bytes)
    assert len(first) == len(feed.walk("VEVENT")) > 1  # one message per event
    uids = set()
    for recipients, message, calendar in first:
        assert recipients == [supervisor]
        assert message["From"] == ORGANIZER and message["Subject"].strip().startswith("Invitation: ")
        assert calendar["METHOD"] == "REQUEST"
        event = only_event(calendar)
        assert str(event["ORGANIZER"]) == f"mailto:{ORGANIZER}"
        assert str(event["ATTENDEE"]) == f"mailto:{supervisor}"
        assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
        assert event.decoded("DTSTAMP") >= sent_at
        assert "DTEND" in event
        body = message.get_body(("plain",)).get_content()
        assert str(event["SUMMARY"]) in body and "When:" in body
        uids.add(str(event["UID"]))
    assert uids == {str(e["UID"]) for e in feed.walk("VEVENT")}
    if seed.name == "ijm":  # the COB deadline: its time carries its zone
        [body] = [
            m.get_body(("plain",)).get_content()
            for _, m, c in first
            if "proposal" in str(only_event(c)["UID"])
        ]
        assert "Mon 15 Nov 2021, 17:00–17:30 EAT (Africa/Nairobi, UTC+03:00)" in body

    again = seed.run("calendar", "send")
    assert again.exit_code == 0 and "Nothing new to send" in again.stdout
    assert smtp.messages == []

    key = {"ijm": "meeting.retreat", "defenders": "meeting.validation"}[seed.name]
    move(seed)
    assert seed.run("calendar", "send").exit_code == 0
    [(_, message, calendar)] = received(smtp)
    moved = only_event(calendar)
    assert str(moved["UID"]).startswith(key + ".") and moved["SEQUENCE"] == 1
    assert message["Subject"].strip().startswith("Updated: ")

    assert seed.run("calendar", "send", "--all").exit_code == 0
    assert len(received(smtp)) == len(first)


def test_removed_and_undated_items_are_cancelled_then_reinvited(seed: Seed, smtp: Inbox) -> None:
    with_supervisor_email(seed)
    assert seed.run("calendar", "send").exit_code == 0
    sent = {str(only_event(c)["UID"]).split(".")[1]: only_event(c) for _, _, c in received(smtp)}
    text = seed.text()
    start = text.rindex("[[deliverables]]")
    end = text.index("[[meetings]]", start)
    removed = text[start:end].split('key = "', 1)[1].split('"', 1)[0]
    meeting = {"ijm": "retreat", "defenders": "validation"}[seed.name]
    dates = {
        "ijm": "start = 2021-11-23\nend = 2021-11-26\n# The ToR",
        "defenders": 'start = "start of phase feedback"\n',
    }
    undated = text[:start] + text[end:]
    undated = undated.replace(dates[seed.name], "# The ToR" if seed.name == "ijm" else "", 1)
    seed.path.write_text(undated)
    assert seed.run("calendar", "send").exit_code == 0
    cancels = {str(only_event(c)["UID"]).split(".")[1]: (m, c) for _, m, c in received(smtp)}
    assert sorted(cancels) == sorted([removed, meeting])
    for key, (_message, calendar) in cancels.items():
        assert calendar["METHOD"] == "CANCEL"
        event = only_event(calendar)
        assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == sent[key]["SEQUENCE"] + 1
        assert str(event["UID"]) == str(sent[key]["UID"])
        assert not event.walk("VALARM")
    assert cancels[meeting][0]["Subject"].strip().startswith("Date to be agreed: ")
    assert "a new invitation follows" in cancels[meeting][0].get_body(("plain",)).get_content()
    assert "removed from the schedule" in cancels[removed][0].get_body(("plain",)).get_content()
    assert cancels[removed][0]["Subject"].strip().startswith("Cancelled: ")
    assert seed.run("calendar", "send").exit_code == 0 and smtp.messages == []  # cancelled once

    seed.path.write_text(text)  # both back, dated: invited again under the same UID, later SEQUENCE
    assert seed.run("calendar", "send").exit_code == 0
    back = {str(only_event(c)["UID"]).split(".")[1]: only_event(c) for _, _, c in received(smtp)}
    assert sorted(back) == sorted([removed, meeting])
    assert all(
        e["SEQUENCE"] == sent[k]["SEQUENCE"] + 2 and e["STATUS"] == "CONFIRMED" for k, e in back.items()
    )


def test_to_replaces_the_supervisor(defenders: Seed, smtp: Inbox) -> None:
    assert (
        defenders.run("calendar", "send", "--to", "me@example.org", "--to", "pm@example.org").exit_code == 0
    )
    messages = received(smtp)
    assert messages and all(r == ["me@example.org", "pm@example.org"] for r, _, _ in messages)
    attendees = [str(a) for a in only_event(messages[0][2])["ATTENDEE"]]
    assert attendees == ["mailto:me@example.org", "mailto:pm@example.org"]
    # the supervisor has received nothing yet: a plain send now invites them to everything
    assert defenders.run("calendar", "send").exit_code == 0
    assert len(received(smtp)) == len(messages)


def test_wrong_password_is_refused_in_one_line_and_never_shown(seed: Seed, smtp: Inbox, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_SMTP_PASSWORD", "wrong-guess")
    line = one_line_error(seed.run("calendar", "send", "--to", "x@example.org"), "refused the login", USER)
    assert "wrong-guess" not in line
    assert smtp.messages == []


def test_non_ascii_smtp_password_is_not_shown(defenders: Seed, monkeypatch) -> None:
    secret = "hunter2-ß-secret"
    for name, value in {
        "ENGAGE_SMTP_HOST": "127.0.0.1",
        "ENGAGE_SMTP_PORT": "9",
        "ENGAGE_SMTP_STARTTLS": "0",
        "ENGAGE_SMTP_USER": "me",
        "ENGAGE_SMTP_PASSWORD": secret,
        "ENGAGE_MAIL_FROM": "me@example.org",
    }.items():
        monkeypatch.setenv(name, value)
    line = one_line_error(defenders.run("calendar", "send", "--to", "x@example.org"), "ASCII")
    assert "ß" not in line and "hunter2" not in line and "position" not in line


def test_no_server_is_one_line_and_saves_nothing(seed: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", "c@example.org")
    one_line_error(seed.run("calendar", "send", "--to", "x@example.org"), "ENGAGE_SMTP_HOST")
    monkeypatch.setenv("ENGAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ENGAGE_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("ENGAGE_SMTP_STARTTLS", "0")
    one_line_error(
        seed.run("calendar", "send", "--to", "x@example.org"), "cannot send through SMTP server 127.0.0.1"
    )
    assert not seed.path.with_name(seed.path.stem + ".calendar.json").exists()
    monkeypatch.delenv("ENGAGE_MAIL_FROM")
    one_line_error(
        seed.run("calendar", "send", "--to", "x@example.org"), "ENGAGE_MAIL_FROM or [calendar] organizer"
    )


def test_dry_run_prints_the_messages_and_sends_nothing(defenders: Seed, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)
    result = defenders.run("calendar", "send", "--dry-run")
    assert result.exit_code == 0
    assert "To: procurement@defenderscoalition.org" in result.stdout
    assert "--- message 1 of 4: REQUEST ---" in result.stdout
    assert "METHOD:REQUEST" in result.stdout and "ORGANIZER:mailto:consultant@example.org" in result.stdout
    assert "Would send 4 invitations to procurement@defenderscoalition.org" in result.stderr
    assert not defenders.path.with_name(defenders.path.stem + ".calendar.json").exists()


def test_libical_method_rules_pass_for_publish_request_and_cancel(defenders: Seed, smtp: Inbox) -> None:
    require_libical()
    feed = defenders.run("calendar").stdout_bytes
    assert libical_errors(feed) == []
    assert defenders.run("calendar", "send").exit_code == 0
    remove_last_deliverable(defenders)
    assert defenders.run("calendar", "send").exit_code == 0
    parts = {}
    for _, raw in smtp.messages:
        part = email.message_from_bytes(raw, policy=email.policy.default).get_payload()[1]
        parts[part.get_param("method")] = part.get_payload(decode=True)
    assert sorted(parts) == ["CANCEL", "REQUEST"]
    for data in parts.values():
        assert libical_errors(data) == []
    # the checker is not a rubber stamp: the old form (ATTENDEE in PUBLISH, no ORGANIZER) fails it
    old = feed.replace(b"ORGANIZER:mailto:consultant@example.org\r\n", b"ATTENDEE:mailto:x@example.org\r\n")
    assert any("ATTENDEE" in error or "ORGANIZER" in error for error in libical_errors(old))


def test_starttls_checks_the_certificate_against_the_systems_trust_store(
    defenders: Seed, smtp_tls: TlsInbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real STARTTLS server whose authority no system trusts is refused in one line; once the system's
    store holds it (SSL_CERT_FILE, read by OpenSSL's store as truststore uses it on Linux), mail goes."""
    with_supervisor_email(defenders)
    refused = defenders.run("calendar", "send")
    one_line_error(refused, "certificate is not trusted", "127.0.0.1")
    assert smtp_tls.messages == []
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_tls.authority))
    sent = defenders.run("calendar", "send")
    assert sent.exit_code == 0, sent.stderr
    assert len(smtp_tls.messages) > 1


def test_a_certificate_error_without_a_verify_message_is_still_one_line(
    defenders: Seed, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """truststore's Windows backend raises SSLCertVerificationError with no verify_message."""
    import smtplib
    import ssl

    def untrusted(self: object, *args: object, **kwargs: object) -> None:
        raise ssl.SSLCertVerificationError(1, "certificate verify failed: the chain ends in an unknown root")

    monkeypatch.setenv("ENGAGE_SMTP_STARTTLS", "1")
    monkeypatch.setattr(smtplib.SMTP, "starttls", untrusted)
    with_supervisor_email(defenders)
    refused = defenders.run("calendar", "send")
    one_line_error(refused, "certificate is not trusted", "unknown root")
    assert smtp.messages == []
