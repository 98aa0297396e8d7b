"""No error shows a password: CalDAV addresses with credentials in any form, SMTP hosts holding them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.processes import engage_env
from helpers.servers import ORGANIZER, PASSWORD, USER, Inbox, read_back

ENGAGE = str(Path(sys.executable).with_name("engage"))
SECRET = "Sekr1tZZ"

NOT_ADDRESSES = [
    f"bob:{SECRET}@127.0.0.1:52391/bob/sup/",
    f"//bob:{SECRET}@127.0.0.1/bob/sup/",
    f"http:/bob:{SECRET}@127.0.0.1/bob/sup/",
    f"http:bob:{SECRET}@127.0.0.1/bob/sup/",
    f"http:\\\\bob:{SECRET}@127.0.0.1/",
    f"ftp://bob:{SECRET}@127.0.0.1/bob/",
    f"bob:{SECRET}@127.0.0.1",
    f"webcal://bob:{SECRET}@127.0.0.1/x@y/",
]


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_an_address_that_is_not_caldav_is_refused_without_its_password(ijm: Seed, address: str) -> None:
    done = ijm.run("calendar", "publish", address)
    line = one_line_error(done, "is not a CalDAV calendar address", "http(s)://")
    assert "127.0.0.1" in line, line  # what was given, less its credentials
    for text in (done.stdout, done.stderr):
        assert SECRET not in text and "bob:" not in text
    assert not ijm.path.with_name(ijm.path.stem + ".calendar.json").exists()


@pytest.mark.parametrize(
    "address",
    [
        "http://bob:Sekr1tZZ/x@127.0.0.1:1/cal/",  # the "port" is "Sekr1tZZ": not a number
        "http://bob:12/Sekr1tZZ@127.0.0.1/cal/",  # the "port" is 12, the rest of the password a path
        "http://bob:Sekr1tZZ?x@127.0.0.1/cal/",
        "http://bob:Sekr1tZZ@[::1/cal/",  # not a URL at all: "Invalid IPv6 URL" was a plugin failure
    ],
)
def test_a_password_holding_a_slash_is_never_echoed(ijm: Seed, address: str) -> None:
    """Found at 8bc689e: the address was echoed whole in the port error, the password with it."""
    done = ijm.run("calendar", "publish", address)
    line = one_line_error(done, "must be percent-encoded", "ENGAGE_CALDAV_PASSWORD")
    assert "Sekr1tZZ" not in line and "12/" not in line, line
    assert not ijm.path.with_name(ijm.path.stem + ".calendar.json").exists()


def test_the_installed_command_hides_it_too(ijm: Seed) -> None:
    done = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "calendar", "publish", NOT_ADDRESSES[0]],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "is not a CalDAV calendar address" in done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_an_upper_case_scheme_is_a_calendar_address(ijm: Seed, caldav_url: str, monkeypatch) -> None:
    monkeypatch.delenv("ENGAGE_CALDAV_USER")
    monkeypatch.delenv("ENGAGE_CALDAV_PASSWORD")
    rest = caldav_url.split("://", 1)[1]
    done = ijm.run("calendar", "publish", f"HTTP://{USER}:{PASSWORD}@{rest}")
    assert done.exit_code == 0, done.stderr
    assert f"Published to {caldav_url}: " in done.stdout
    state = ijm.path.with_name(ijm.path.stem + ".calendar.json").read_text()
    for text in (done.stdout, done.stderr, state):
        assert PASSWORD not in text
    assert len(read_back(caldav_url)) > 0


@pytest.mark.parametrize(
    "host",
    [
        f"u:{SECRET}@127.0.0.1",
        f"smtp://u:{SECRET}@127.0.0.1",
        f"smtps://u:{SECRET}@127.0.0.1:465",
        f"u:{SECRET}",
        f"127.0.0.1/{SECRET}",
    ],
)
def test_an_smtp_host_holding_credentials_is_refused_without_echoing_it(
    defenders: Seed, monkeypatch, host: str
) -> None:
    for name, value in {
        "ENGAGE_SMTP_HOST": host,
        "ENGAGE_SMTP_PORT": "52525",
        "ENGAGE_SMTP_STARTTLS": "0",
        "ENGAGE_MAIL_FROM": ORGANIZER,
    }.items():
        monkeypatch.setenv(name, value)
    done = defenders.run("calendar", "send", "--to", "x@example.org")
    line = one_line_error(done, "ENGAGE_SMTP_HOST", "ENGAGE_SMTP_USER", "ENGAGE_SMTP_PASSWORD")
    for text in (done.stdout, done.stderr):
        assert SECRET not in text and "u:" not in text, line
    assert not defenders.path.with_name(defenders.path.stem + ".calendar.json").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_plain_smtp_hosts_still_reach_the_server(
    defenders: Seed, smtp: Inbox, monkeypatch, host: str
) -> None:
    monkeypatch.setenv("ENGAGE_SMTP_HOST", host)
    done = defenders.run("calendar", "send", "--to", "x@example.org")
    assert done.exit_code == 0, done.stderr
    assert smtp.messages
    assert PASSWORD not in done.stdout + done.stderr


def test_no_starttls_is_said_once_without_doubled_punctuation(
    defenders: Seed, smtp: Inbox, monkeypatch
) -> None:
    monkeypatch.setenv("ENGAGE_SMTP_STARTTLS", "1")
    done = defenders.run("calendar", "send", "--to", "x@example.org")
    line = one_line_error(done, "STARTTLS", "ENGAGE_SMTP_STARTTLS=0")
    assert ".;" not in line and ";;" not in line and ".." not in line.replace("127.0.0.1", ""), line
    assert PASSWORD not in done.stdout + done.stderr
    assert smtp.messages == []


def test_an_at_sign_deeper_in_the_path_is_a_calendar_address(ijm: Seed) -> None:
    """Nextcloud and SOGo name calendars by the user's address: .../calendars/bob@example.org/work/."""
    from helpers.servers import free_port

    address = f"http://127.0.0.1:{free_port()}/remote.php/dav/calendars/bob@example.org/work/"
    one_line_error(ijm.run("calendar", "publish", address), "CalDAV publish failed", address)
