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

from conftest import Seed, one_line_error


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
        "ENGAGE_MAIL_FROM": "consultant@example.org",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        yield inbox
    finally:
        controller.stop()


def test_send_mails_summary_and_calendar_to_the_supervisor(seed: Seed, smtp: Inbox) -> None:
    extra = ["programs@example.org"]
    result = seed.run("calendar", "send", *(["--to", extra[0]]))
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    [(recipients, raw)] = smtp.messages
    expected = (["procurement@defenderscoalition.org"] if seed.name == "defenders" else []) + extra
    assert recipients == expected
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["From"] == "consultant@example.org"
    assert "Milestones:" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Milestones from" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(attachment.get_content())
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert any(t.startswith("Due: ") for t in titles)
    assert seed.run("calendar").stdout_bytes == attachment.get_payload(decode=True)


def test_summary_lists_upcoming_milestones_in_order(defenders: Seed, smtp: Inbox) -> None:
    defenders.rewrite("start = 2023-09-04", "start = 2099-03-02")  # every milestone still ahead
    assert defenders.run("calendar", "send").exit_code == 0
    body = email.message_from_bytes(smtp.messages[0][1], policy=email.policy.default).get_body(("plain",))
    text = body.get_content().replace("\r\n", "\n")  # as delivered over SMTP
    ahead = text.split("Milestones from ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    # Planned from Mon 2 March 2099: 15 working days to the draft, then the meeting, then 3 days.
    assert [line.split()[0] for line in ahead] == ["2099-03-20", "2099-03-23", "2099-03-27"], text
    assert "Due: Draft protection policy" in ahead[0]
    assert "Stakeholder feedback meeting" in ahead[1]
    assert "Due: Final draft protection policy" in ahead[2]


def test_summary_says_when_nothing_is_ahead(ijm: Seed, smtp: Inbox) -> None:
    assert ijm.run("calendar", "send", "--to", "adp@example.org").exit_code == 0
    body = email.message_from_bytes(smtp.messages[0][1], policy=email.policy.default).get_body(("plain",))
    assert "(none ahead)" in body.get_content()  # 2021 is long past


def test_wrong_password_is_refused_in_one_line_and_never_shown(seed: Seed, smtp: Inbox, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_SMTP_PASSWORD", "wrong-guess")
    line = one_line_error(seed.run("calendar", "send", "--to", "x@example.org"), "refused the login", USER)
    assert "wrong-guess" not in line
    assert smtp.messages == []


def test_no_server_is_one_line(seed: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", "c@example.org")
    one_line_error(seed.run("calendar", "send", "--to", "x@example.org"), "ENGAGE_SMTP_HOST")
    monkeypatch.setenv("ENGAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ENGAGE_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("ENGAGE_SMTP_STARTTLS", "0")
    one_line_error(
        seed.run("calendar", "send", "--to", "x@example.org"), "cannot send through SMTP server 127.0.0.1"
    )


def test_dry_run_prints_the_message_and_sends_nothing(defenders: Seed) -> None:
    result = defenders.run("calendar", "send", "--dry-run")
    assert result.exit_code == 0
    assert "To: procurement@defenderscoalition.org" in result.stdout
    assert "Content-Type: text/calendar" in result.stdout
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
        yield str(calendar.url)
    finally:
        server.terminate()
        server.wait(timeout=10)


def read_back(url: str) -> dict[str, list]:
    import caldav

    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False)
    found: dict[str, list] = {}
    for resource in client.calendar(url=url).get_events():
        for event in Calendar.from_ical(resource.data).walk("VEVENT"):
            found.setdefault(str(event["UID"]), []).append(event)
    return found


def test_publish_then_republish_updates_in_place(seed: Seed, caldav_url: str) -> None:
    result = seed.run("calendar", "publish", caldav_url)
    assert result.exit_code == 0, result.stderr
    first = read_back(caldav_url)
    assert first and all(len(copies) == 1 for copies in first.values())
    assert f"{len(first)} added, 0 updated" in result.stdout
    key = {"ijm": "meeting.retreat", "defenders": "meeting.validation"}[seed.name]
    if seed.name == "ijm":
        seed.rewrite(
            "start = 2021-11-23\nend = 2021-11-26\n# The ToR",
            "start = 2021-11-30\nend = 2021-12-03\n# The ToR",
        )
        new_start = dt.date(2021, 11, 30)
    else:
        seed.rewrite('start = "start of phase feedback"', "start = 2023-09-27")
        new_start = dt.date(2023, 9, 27)
    again = seed.run("calendar", "publish", caldav_url)
    assert again.exit_code == 0, again.stderr
    assert f"0 added, {len(first)} updated" in again.stdout
    second = read_back(caldav_url)
    assert sorted(second) == sorted(first)
    assert all(len(copies) == 1 for copies in second.values())
    [moved] = [copies[0] for uid, copies in second.items() if uid.startswith(key + ".")]
    assert moved.decoded("DTSTART") == new_start
    assert moved["SEQUENCE"] == 1  # engage's SEQUENCE, not bumped again by the CalDAV library


def test_publish_with_wrong_credentials_is_one_line(ijm: Seed, caldav_url: str, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_CALDAV_PASSWORD", "nope")
    line = one_line_error(ijm.run("calendar", "publish", caldav_url), caldav_url)
    assert "nope" not in line
    one_line_error(ijm.run("calendar", "publish", "ftp://example.org/cal"), "http(s)://")
