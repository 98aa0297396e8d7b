"""Real servers for delivery tests, started on 127.0.0.1: SMTP (aiosmtpd) and CalDAV (Radicale).

A pytest plugin: conftest.py loads it (pytest_plugins), so the smtp and caldav_url fixtures are everyone's.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.calendar_checks import ORGANIZER, parse_everywhere


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


class TlsInbox(Inbox):
    """An SMTP server that takes mail only after STARTTLS, its certificate for 127.0.0.1 signed by
    ``authority`` (a PEM file no system trusts)."""

    authority: Path


@pytest.fixture
def smtp_tls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[TlsInbox]:
    import ssl

    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(served)
    inbox = TlsInbox()
    inbox.authority = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(inbox.authority))
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=served, require_starttls=True)
    controller.start()
    for name, value in {
        "ENGAGE_SMTP_HOST": "127.0.0.1",
        "ENGAGE_SMTP_PORT": str(port),
        "ENGAGE_SMTP_STARTTLS": "1",
        "ENGAGE_MAIL_FROM": ORGANIZER,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield inbox
    finally:
        controller.stop()


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
        calendar = parse_everywhere(
            data, None, as_written=False
        )  # RFC 4791 4.1: no METHOD in a stored resource
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
