"""Publishing onto a real CalDAV server (Radicale), and every path through the installed command."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.calendar_checks import only_event, parse_everywhere, received
from helpers.seed_edits import make_hostile, move, remove_last_deliverable, with_supervisor_email
from helpers.servers import ORGANIZER, PASSWORD, USER, Inbox, edit_on_server, free_port, read_back


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
    one_line_error(
        ijm.run("calendar", "publish", f"http://127.0.0.1:{free_port()}/cal/"), "CalDAV publish failed"
    )
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
    assert sorted(str(only_event(c)["UID"]) for _, _, c in invitations) == sorted(
        str(e["UID"]) for e in events
    )
    run("calendar", "publish", caldav_url)
    assert sorted(read_back(caldav_url)) == sorted(str(e["UID"]) for e in events)
    remove_last_deliverable(seed)
    run("calendar", "send")
    [(_, _, cancel)] = received(smtp)
    assert cancel["METHOD"] == "CANCEL"
    assert "1 deleted" in run("calendar", "publish", caldav_url).stdout.decode()


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


def test_if_match_stops_an_overwrite_when_the_server_changes_mid_publish(
    ijm: Seed, caldav_url: str, monkeypatch
) -> None:
    """The supervisor edits the event in the instant between engage's listing and its PUT: the
    server refuses the conditional write (412) and engage reports it; nothing is overwritten."""
    from caldav.davclient import DAVClient

    assert ijm.run("calendar", "publish", caldav_url).exit_code == 0
    move(ijm)
    uid = "meeting.retreat.ijm-kenya-pap-2021@engage-tracker"
    original = DAVClient.request
    seen: list[dict] = []

    def edit_first(self, url, method="GET", body="", headers=None, *args, **kwargs):
        if method == "PUT" and not seen:
            seen.append(dict(headers or {}))
            edit_on_server(caldav_url, uid, "Retreat, edited on the server")
        return original(self, url, method, body, headers, *args, **kwargs)

    monkeypatch.setattr(DAVClient, "request", edit_first)
    result = ijm.run("calendar", "publish", caldav_url)
    assert result.exit_code == 1
    assert "If-Match" in seen[0] and "changed on the server while publishing" in result.stderr
    assert str(read_back(caldav_url)[uid][0]["SUMMARY"]) == "Retreat, edited on the server"


def _with_credentials(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest}"


def test_credentials_in_the_url_are_used_but_never_printed_or_stored(
    ijm: Seed, caldav_url: str, monkeypatch
) -> None:
    monkeypatch.delenv("ENGAGE_CALDAV_USER")
    monkeypatch.delenv("ENGAGE_CALDAV_PASSWORD")
    secret_url = _with_credentials(caldav_url, USER, PASSWORD)
    result = ijm.run("calendar", "publish", secret_url)
    assert result.exit_code == 0, result.stderr
    assert f"Published to {caldav_url}: " in result.output
    state = ijm.path.with_name(ijm.path.stem + ".calendar.json").read_text()
    assert caldav_url in state
    for text in (result.output, result.stderr, state):
        assert PASSWORD not in text and f"{USER}:" not in text
    assert len(read_back(caldav_url)) > 0
    # A state file an earlier engage wrote, its URL key holding the password: cleaned on the next save.
    state_file = ijm.path.with_name(ijm.path.stem + ".calendar.json")
    data = json.loads(state)
    data["caldav"] = {secret_url.rstrip("/") + "/": data["caldav"][caldav_url.rstrip("/") + "/"]}
    state_file.write_text(json.dumps(data))
    ijm.rewrite("Inception report", "Inception report (revised)")
    again = ijm.run("calendar", "publish", secret_url)
    assert "1 updated" in again.output and "0 added" in again.output, again.output
    assert PASSWORD not in state_file.read_text()
    wrong = ijm.run("calendar", "publish", _with_credentials(caldav_url, USER, "wr%40ng"))
    line = one_line_error(wrong, caldav_url, "refused the credentials")
    assert "wr%40ng" not in line and "wr@ng" not in line


def test_credentials_from_netrc(ijm: Seed, caldav_url: str, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGE_CALDAV_USER")
    monkeypatch.delenv("ENGAGE_CALDAV_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    result = ijm.run("calendar", "publish", caldav_url)
    assert result.exit_code == 0 and f"Published to {caldav_url}: " in result.output, result.stderr
