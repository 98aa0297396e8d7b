"""Calendar delivery against real servers started on 127.0.0.1: SMTP (aiosmtpd) and CalDAV (Radicale)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from calendar_checks import libical_errors, parse_everywhere, require_libical
from conftest import Seed, one_line_error
from test_calendar import make_hostile, remove_last_deliverable

ORGANIZER = "consultant@example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


USER, PASSWORD = "consultant", "s3cret-pa55"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        return AuthResult(success=ok, handled=False)

    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    for name, value in {
        "ENGAGE_SMTP_HOST": "127.0.0.1",
        "ENGAGE_SMTP_PORT": str(port),
        "ENGAGE_SMTP_STARTTLS": "0",
        "ENGAGE_SMTP_USER": USER,
        "ENGAGE_SMTP_PASSWORD": PASSWORD,
        "ENGAGE_MAIL_FROM": ORGANIZER,
    }.items():
        monkeypatch.setenv(name, value)
    try:
        yield inbox
    finally:
        controller.stop()


def received(inbox: Inbox) -> list[tuple[list[str], email.message.EmailMessage, Calendar]]:
    """Every message in the sink: envelope recipients, the message, its calendar part parsed back."""
    found = []
    for recipients, raw in inbox.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message.get_content_type() == "multipart/alternative"
        text, part = message.get_payload()
        assert text.get_content_type() == "text/plain"
        assert part.get_content_type() == "text/calendar"
        assert part.get_content_disposition() is None  # inline, not an attachment
        method = part.get_param("method")
        calendar = parse_everywhere(part.get_payload(decode=True), method)
        found.append((recipients, message, calendar))
    inbox.messages.clear()
    return found


def only_event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


SUPERVISOR = {"ijm": "adp@example.org", "defenders": "procurement@defenderscoalition.org"}


def with_supervisor_email(seed: Seed) -> str:
    if seed.name == "ijm":
        seed.rewrite('role = "Associate Director, Programs"', 'role = "Associate Director, Programs"\nemail = "adp@example.org"')
    return SUPERVISOR[seed.name]


def test_send_one_invitation_per_event_then_only_changes(seed: Seed, smtp: Inbox) -> None:
    supervisor = with_supervisor_email(seed)
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
        assert "DTEND" in event
        body = message.get_body(("plain",)).get_content()
        assert str(event["SUMMARY"]) in body and "When:" in body
        uids.add(str(event["UID"]))
    assert uids == {str(e["UID"]) for e in feed.walk("VEVENT")}
    if seed.name == "ijm":  # the COB deadline: its time carries its zone
        [body] = [m.get_body(("plain",)).get_content() for _, m, c in first if "proposal" in str(only_event(c)["UID"])]
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


def move(seed: Seed) -> None:
    if seed.name == "ijm":
        seed.rewrite(
            "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "start = 2021-11-30\nend = 2021-12-03\n# The ToR"
        )
    else:
        seed.rewrite('start = "start of phase feedback"', "start = 2023-09-27")


def test_removed_and_undated_items_are_cancelled_then_reinvited(seed: Seed, smtp: Inbox) -> None:
    with_supervisor_email(seed)
    assert seed.run("calendar", "send").exit_code == 0
    sent = {str(only_event(c)["UID"]).split(".")[1]: only_event(c) for _, _, c in received(smtp)}
    text = seed.text()
    start = text.rindex("[[deliverables]]")
    end = text.index("[[meetings]]", start)
    removed = text[start:end].split('key = "', 1)[1].split('"', 1)[0]
    meeting = {"ijm": "retreat", "defenders": "validation"}[seed.name]
    dates = {"ijm": "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "defenders": 'start = "start of phase feedback"\n'}
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
    assert cancels[removed][0]["Subject"].strip().startswith("Cancelled: ")
    assert seed.run("calendar", "send").exit_code == 0 and smtp.messages == []  # cancelled once

    seed.path.write_text(text)  # both back, dated: invited again under the same UID, later SEQUENCE
    assert seed.run("calendar", "send").exit_code == 0
    back = {str(only_event(c)["UID"]).split(".")[1]: only_event(c) for _, _, c in received(smtp)}
    assert sorted(back) == sorted([removed, meeting])
    assert all(e["SEQUENCE"] == sent[k]["SEQUENCE"] + 2 and e["STATUS"] == "CONFIRMED" for k, e in back.items())


def test_to_replaces_the_supervisor(defenders: Seed, smtp: Inbox) -> None:
    assert defenders.run("calendar", "send", "--to", "me@example.org", "--to", "pm@example.org").exit_code == 0
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
    one_line_error(seed.run("calendar", "send", "--to", "x@example.org"), "ENGAGE_MAIL_FROM or [calendar] organizer")


def test_dry_run_prints_the_messages_and_sends_nothing(defenders: Seed, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)
    result = defenders.run("calendar", "send", "--dry-run")
    assert result.exit_code == 0
    assert "To: procurement@defenderscoalition.org" in result.stdout
    assert "--- message 1 of 4: REQUEST ---" in result.stdout
    assert "METHOD:REQUEST" in result.stdout and "ORGANIZER:mailto:consultant@example.org" in result.stdout
    assert "Would send 4 invitations to procurement@defenderscoalition.org" in result.stderr
    assert not defenders.path.with_name(defenders.path.stem + ".calendar.json").exists()


# --- CalDAV ----------------------------------------------------------------------------------


@pytest.fixture
def caldav_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real Radicale server on 127.0.0.1 with one user and an empty calendar."""
    pytest.importorskip("radicale", reason="radicale is installed by the test extra")
    import caldav

    port = free_port()
    users = tmp_path / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n"
        "delay = 0\n"  # no pause after the 401 that precedes every authenticated request
        f"[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n"
        "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n"
    )
    server = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("radicale did not start") from None
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}/"
        client = caldav.DAVClient(url=base, username=USER, password=PASSWORD, require_tls=False)
        calendar = client.principal().make_calendar(name="Supervision", cal_id="supervision")
        monkeypatch.setenv("ENGAGE_CALDAV_USER", USER)
        monkeypatch.setenv("ENGAGE_CALDAV_PASSWORD", PASSWORD)
        monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)
        yield str(calendar.url)
    finally:
        server.terminate()
        server.wait(timeout=10)


def read_back(url: str) -> dict[str, list]:
    """UID -> events on the server; each resource parsed by icalendar and the strict `ical` package."""
    import caldav

    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False)
    found: dict[str, list] = {}
    for resource in client.calendar(url=url).get_events():
        data = resource.data.encode() if isinstance(resource.data, str) else resource.data
        calendar = parse_everywhere(data, None, as_written=False)  # RFC 4791 4.1: no METHOD in a stored resource
        for event in calendar.walk("VEVENT"):
            found.setdefault(str(event["UID"]), []).append(event)
    return found


def edit_on_server(url: str, uid: str, summary: str) -> None:
    """What a supervisor does in their calendar app: change an event's title."""
    import caldav

    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False)
    event = client.calendar(url=url).event_by_uid(uid)
    event.icalendar_component["SUMMARY"] = summary
    event.save()


def test_publish_then_republish_updates_in_place(seed: Seed, caldav_url: str) -> None:
    result = seed.run("calendar", "publish", caldav_url)
    assert result.exit_code == 0, result.stderr
    first = read_back(caldav_url)
    assert first and all(len(copies) == 1 for copies in first.values())
    assert f"{len(first)} added, 0 updated, 0 deleted, 0 unchanged" in result.stdout
    for (event,) in first.values():
        assert "ATTENDEE" not in event and str(event["ORGANIZER"]) == f"mailto:{ORGANIZER}"
    same = seed.run("calendar", "publish", caldav_url)
    assert f"0 added, 0 updated, 0 deleted, {len(first)} unchanged" in same.stdout
    key = {"ijm": "meeting.retreat", "defenders": "meeting.validation"}[seed.name]
    move(seed)
    new_start = {"ijm": dt.date(2021, 11, 30), "defenders": dt.date(2023, 9, 27)}[seed.name]
    again = seed.run("calendar", "publish", caldav_url)
    assert again.exit_code == 0, again.stderr
    assert f"0 added, 1 updated, 0 deleted, {len(first) - 1} unchanged" in again.stdout
    second = read_back(caldav_url)
    assert sorted(second) == sorted(first)
    assert all(len(copies) == 1 for copies in second.values())
    [moved] = [copies[0] for uid, copies in second.items() if uid.startswith(key + ".")]
    assert moved.decoded("DTSTART") == new_start
    assert moved["SEQUENCE"] == 1  # engage's SEQUENCE, not bumped again by the CalDAV library


def test_publish_deletes_removed_items_and_never_overwrites_server_edits(seed: Seed, caldav_url: str) -> None:
    assert seed.run("calendar", "publish", caldav_url).exit_code == 0
    first = read_back(caldav_url)
    key = {"ijm": "meeting.retreat", "defenders": "meeting.validation"}[seed.name]
    [retreat] = [uid for uid in first if uid.startswith(key + ".")]
    edit_on_server(caldav_url, retreat, "Retreat (venue booked by IJM)")
    move(seed)  # engage changes the same event: a conflict
    removed, _ = remove_last_deliverable(seed)
    result = seed.run("calendar", "publish", caldav_url)
    assert result.exit_code == 1
    assert "1 deleted" in result.stdout and "1 in conflict" in result.stdout
    [warning] = result.stderr.strip().splitlines()
    assert "conflict:" in warning and str(first[retreat][0]["SUMMARY"]) in warning
    after = read_back(caldav_url)
    assert str(after[retreat][0]["SUMMARY"]) == "Retreat (venue booked by IJM)"  # kept, not overwritten
    assert not [uid for uid in after if uid.startswith(removed + ".")]  # deleted, not left CANCELLED
    assert len(after) == len(first) - 1
    # the conflict stays reported until resolved on the server; deleting it there lets engage put it back
    assert seed.run("calendar", "publish", caldav_url).exit_code == 1
    import caldav

    client = caldav.DAVClient(url=caldav_url, username=USER, password=PASSWORD, require_tls=False)
    client.calendar(url=caldav_url).event_by_uid(retreat).delete()
    resolved = seed.run("calendar", "publish", caldav_url)
    assert resolved.exit_code == 0 and "1 added" in resolved.stdout
    assert read_back(caldav_url)[retreat][0]["SEQUENCE"] == 1


def test_failed_publish_saves_no_state(ijm: Seed, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)
    one_line_error(ijm.run("calendar", "publish", f"http://127.0.0.1:{free_port()}/cal/"), "CalDAV publish failed")
    assert not ijm.path.with_name(ijm.path.stem + ".calendar.json").exists()


def test_publish_with_wrong_credentials_is_one_line(ijm: Seed, caldav_url: str, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_CALDAV_PASSWORD", "nope")
    line = one_line_error(ijm.run("calendar", "publish", caldav_url), caldav_url)
    assert "nope" not in line
    one_line_error(ijm.run("calendar", "publish", "ftp://example.org/cal"), "http(s)://")


def test_installed_command_every_path(seed: Seed, smtp: Inbox, caldav_url: str, tmp_path: Path) -> None:
    """The installed ``engage`` script: feed, invitations and CalDAV, each parsed back."""
    engage = Path(sys.executable).with_name("engage")
    if not engage.exists():
        pytest.skip(f"{engage}: engage is not installed in this environment (pip install -e '.[test]')")
    with_supervisor_email(seed)

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(engage), "-s", str(seed.path), *args], capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        return done

    feed = tmp_path / "feed.ics"
    run("calendar", "-o", str(feed))
    events = parse_everywhere(feed.read_bytes(), "PUBLISH").walk("VEVENT")
    run("calendar", "send")
    invitations = received(smtp)
    assert sorted(str(only_event(c)["UID"]) for _, _, c in invitations) == sorted(str(e["UID"]) for e in events)
    run("calendar", "publish", caldav_url)
    assert sorted(read_back(caldav_url)) == sorted(str(e["UID"]) for e in events)
    remove_last_deliverable(seed)
    run("calendar", "send")
    [(_, _, cancel)] = received(smtp)
    assert cancel["METHOD"] == "CANCEL"
    assert "1 deleted" in run("calendar", "publish", caldav_url).stdout.decode()


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


def test_hostile_text_through_mail_and_caldav(seed: Seed, smtp: Inbox, caldav_url: str) -> None:
    key = make_hostile(seed)
    with_supervisor_email(seed)
    assert seed.run("calendar", "send").exit_code == 0
    messages = received(smtp)  # each calendar part parsed by icalendar, ical and libical
    [(_, message, calendar)] = [m for m in messages if f"meeting.{key}." in str(only_event(m[2])["UID"])]
    assert message["Subject"].strip() == f"Invitation: Meet again now ({message['Subject'].split('(')[1]}"
    assert str(only_event(calendar)["SUMMARY"]) == "Meet again now"
    body = message.get_body(("plain",)).get_content()
    assert not any(ch in body for ch in "\x00\x07\x0b")
    assert seed.run("calendar", "publish", caldav_url).exit_code == 0
    stored = read_back(caldav_url)
    assert [str(e[0]["SUMMARY"]) for uid, e in stored.items() if uid.startswith(f"meeting.{key}.")] == [
        "Meet again now"
    ]


def test_copies_an_earlier_engage_published_are_replaced_not_duplicated(ijm: Seed, caldav_url: str) -> None:
    """Earlier versions stored METHOD:PUBLISH resources under the caldav library's own names."""
    import caldav

    uid = "meeting.retreat.ijm-kenya-pap-2021@engage-tracker"
    old = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//engage//old//EN\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20211101T000000Z\r\nDTSTART;VALUE=DATE:20211123\r\nSUMMARY:Retreat\r\n"
        "SEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    client = caldav.DAVClient(url=caldav_url, username=USER, password=PASSWORD, require_tls=False)
    client.calendar(url=caldav_url).add_event(old)
    result = ijm.run("calendar", "publish", caldav_url)
    assert result.exit_code == 0, result.stderr
    assert "1 updated" in result.stdout
    stored = read_back(caldav_url)  # no METHOD in any resource, one copy per UID
    assert all(len(copies) == 1 for copies in stored.values())
    assert str(stored[uid][0]["SUMMARY"]) == "Four-day strategic planning retreat"
