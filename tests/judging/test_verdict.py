"""One verdict: every output gives the same states and figures; meetings that change; closing."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import json

import pytest
from icalendar import Calendar

from engage.ledger.ledger import new_record
from engage.ledger.writer import append
from engage.parsing import today_in
from helpers import Seed, copy_seed, invoke, one_line_error
from helpers.servers import Inbox


def ics_events(seed: Seed) -> dict[str, object]:
    result = seed.run("calendar")
    assert result.exit_code == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout_bytes)
    return {".".join(str(e["UID"]).split(".")[:2]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def geo_now(geo: Seed) -> tuple[Seed, dt.date]:
    """GEO Lima started on the Monday three weeks ago, so that 'today' is inside its life: the draft
    was submitted a working day late, the workshop asked for changes and returned it."""
    today = today_in("America/Lima")
    monday = today - dt.timedelta(days=today.weekday() + 21)
    geo.rewrite("start = 2004-03-01", f"start = {monday}")
    plan = json.loads(geo.run("show", "--format", "json").stdout)
    due = dt.date.fromisoformat(plan["deliverables"][0]["due"])
    late_by_a_day = due + dt.timedelta(days=3 if due.weekday() == 4 else 1)
    workshop = plan["meetings"][0]["start"]
    for args in (
        ("log", "3", "--phase", "draft", "--date", str(monday)),
        ("deliver", "draft", "--status", "submitted", "--date", str(late_by_a_day)),
        (
            "meeting",
            "workshop",
            "--outcome",
            "changes-requested",
            "--date",
            str(max(late_by_a_day, dt.date.fromisoformat(workshop))),
            "--note",
            "more maps",
        ),
        (
            "deliver",
            "draft",
            "--status",
            "returned",
            "--date",
            str(max(late_by_a_day, dt.date.fromisoformat(workshop))),
        ),
    ):
        result = geo.run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    return geo, today


def test_every_output_gives_the_same_verdict(geo_now: tuple[Seed, dt.date], tmp_path) -> None:
    geo, today = geo_now
    as_of = str(today)
    [status] = json.loads(geo.run("status", "--as-of", as_of, "--format", "json").stdout)
    verdict = {d["key"]: (d["state"], d["days_late"], d["due"]) for d in status["deliverables"]}
    assert (
        verdict["draft"][0] == "returned" and verdict["draft"][1] > 0
    )  # late once, now revised into the final
    assert status["state"] in ("late", "at risk", "on track", "over")
    assert status["reason"].startswith(status["state"])
    assert [(m["key"], m["state"], m["outcome"]) for m in status["meetings"]] == [
        ("workshop", "changes requested", "changes-requested")
    ]

    # show, as of the same date
    shown = json.loads(geo.run("show", "--format", "json", "--as-of", as_of).stdout)
    assert {d["key"]: (d["state"], d["days_late"], d["due"]) for d in shown["deliverables"]} == verdict
    assert (shown["state"], shown["reason"]) == (status["state"], status["reason"])

    # a portfolio holding it gives the same rows and the same state
    other = copy_seed("defenders", tmp_path)
    portfolio = json.loads(
        invoke("status", "--as-of", as_of, "--format", "json", str(geo.path), str(other.path)).stdout
    )
    mine = next(r for r in portfolio if r["id"] == "geo-lima-callao-2004")
    assert mine["deliverables"] == status["deliverables"] and mine["state"] == status["state"]

    # budget: a deliverable-late error exactly for each late deliverable, with its days
    findings = json.loads(geo.run("budget", "--as-of", as_of, "--format", "json").stdout)
    late = {f["deliverable"]: f["message"] for f in findings if f["code"] == "deliverable-late"}
    assert set(late) == {key for key, (state, _, _) in verdict.items() if state == "late"}
    for key, message in late.items():
        assert f"{verdict[key][1]} day" in message

    # the calendar's descriptions, as of today: where each deliverable stands, from the same verdict
    found = ics_events(geo)
    for d in status["deliverables"]:
        if d["due"] is None:
            assert f"deliverable.{d['key']}" not in found
        else:
            said = str(found[f"deliverable.{d['key']}"]["DESCRIPTION"])
            assert (
                f"{d['status']} on {d['status_date']}" if d["status_date"] else "not yet submitted"
            ) in said.replace("returned with comments", "returned")

    # every text format names each state and reason the JSON gives
    for fmt in ("plain", "github", "html"):
        text = geo.run("status", "--as-of", as_of, "--format", fmt).stdout
        for d in status["deliverables"]:
            assert d["state"] in text and d["reason"].split(";")[0] in text.replace("&#x27;", "'"), (fmt, d)
        assert status["reason"].split(" (and")[0] in text.replace("&#x27;", "'"), fmt
    # the tidy CSV: a row per phase, each with the engagement's state and the phase's own
    rows = list(csv.DictReader(io.StringIO(geo.run("status", "--as-of", as_of, "--format", "csv").stdout)))
    assert {(r["state"], r["reason"]) for r in rows} == {(status["state"], status["reason"])}
    assert [r["phase_state"] for r in rows] == [p["state"] for p in status["phases"]]
    # the workbook's Deliverables sheet
    from openpyxl import load_workbook

    book = geo.path.with_name("status.xlsx")
    geo.run("status", "--as-of", as_of, "--format", "xlsx", "-o", str(book))
    sheet = list(load_workbook(book)["Deliverables"].iter_rows(values_only=True))
    states = {row[1]: row[4] for row in sheet[1:]}
    assert states == {key: state for key, (state, _, _) in verdict.items()}


MEETINGS = {"ijm": "validation", "defenders": "validation", "geo": "workshop"}


def mailed(seed: Seed, inbox: Inbox) -> dict[str, tuple[str, object]]:
    """``calendar send`` to a real SMTP sink: each message's METHOD and its event, by item key."""
    assert seed.run("calendar", "send", "--to", "supervisor@example.org").exit_code == 0
    found = {}
    for _, raw in inbox.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        [event] = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        found[".".join(str(event["UID"]).split(".")[:2])] = (part.get_param("method"), event)
    inbox.messages.clear()
    return found


@pytest.mark.parametrize("name", sorted(MEETINGS))
def test_cancelled_meeting_everywhere(tmp_path, name: str, smtp: Inbox) -> None:
    seed = copy_seed(name, tmp_path)
    key = MEETINGS[name]
    plan = json.loads(seed.run("show", "--format", "json").stdout)
    meeting = next(m for m in plan["meetings"] if m["key"] == key)
    day = dt.date.fromisoformat(meeting["start"]) - dt.timedelta(days=3)
    invited = mailed(seed, smtp)[f"meeting.{key}"]
    assert invited[0] == "REQUEST" and f"meeting.{key}" in ics_events(seed)
    assert seed.run("meeting", key, "--outcome", "cancelled", "--date", str(day)).exit_code == 0

    # The feed drops it; the supervisor, who was invited, gets a cancellation of the same event.
    assert f"meeting.{key}" not in ics_events(seed)
    method, cancelled = mailed(seed, smtp)[f"meeting.{key}"]
    assert (method, str(cancelled["STATUS"])) == ("CANCEL", "CANCELLED")
    assert str(cancelled["UID"]) == str(invited[1]["UID"]) and cancelled["SEQUENCE"] > invited[1]["SEQUENCE"]
    [status] = json.loads(seed.run("status", "--as-of", str(day), "--format", "json").stdout)
    assert next(m for m in status["meetings"] if m["key"] == key)["state"] == "cancelled"
    assert meeting["name"] not in [m["name"] for m in status["milestones"]]
    findings = json.loads(seed.run("budget", "--as-of", str(day), "--format", "json").stdout)
    dependents = {d["key"] for d in plan["deliverables"] if key in d["depends_on"]}
    assert {f["deliverable"] for f in findings if f["code"] == "meeting-cancelled"} == dependents
    assert "cancelled" in seed.run("show").stdout


@pytest.mark.parametrize("name", sorted(MEETINGS))
def test_postponed_meeting_moves_or_waits(tmp_path, name: str, smtp: Inbox) -> None:
    seed = copy_seed(name, tmp_path)
    key = MEETINGS[name]
    plan = json.loads(seed.run("show", "--format", "json").stdout)
    start = dt.date.fromisoformat(next(m for m in plan["meetings"] if m["key"] == key)["start"])
    method, invited = mailed(seed, smtp)[f"meeting.{key}"]

    # postponed, date to be agreed: off the feed, cancelled by mail "until a new date is agreed"
    assert (
        seed.run(
            "meeting", key, "--outcome", "postponed", "--date", str(start - dt.timedelta(days=2))
        ).exit_code
        == 0
    )
    assert f"meeting.{key}" not in ics_events(seed)
    method, waiting = mailed(seed, smtp)[f"meeting.{key}"]
    assert method == "CANCEL" and "new date is agreed" in str(waiting.get("DESCRIPTION", "")) + str(
        waiting.get("COMMENT", "")
    )
    assert "date to be agreed" in seed.run("show", "--as-of", str(start)).stdout
    [status] = json.loads(seed.run("status", "--as-of", str(start), "--format", "json").stdout)
    moved = next(m for m in status["meetings"] if m["key"] == key)
    assert (moved["state"], moved["date"]) == ("postponed", None)

    # then moved to an agreed day: the same event, a new date, a higher SEQUENCE, invited again
    new_day = start + dt.timedelta(days=7)
    assert (
        seed.run(
            "meeting",
            key,
            "--outcome",
            "postponed",
            "--date",
            str(start - dt.timedelta(days=1)),
            "--to",
            str(new_day),
        ).exit_code
        == 0
    )
    feed = ics_events(seed)[f"meeting.{key}"]
    assert str(feed["UID"]) == str(invited["UID"]) and feed.decoded("DTSTART") == new_day
    method, again = mailed(seed, smtp)[f"meeting.{key}"]
    assert method == "REQUEST" and again.decoded("DTSTART") == new_day
    assert again["SEQUENCE"] > waiting["SEQUENCE"] > invited["SEQUENCE"]
    [status] = json.loads(seed.run("status", "--as-of", str(start), "--format", "json").stdout)
    assert next(m for m in status["meetings"] if m["key"] == key)["date"] == str(new_day)
    (tmp_path / "fresh").mkdir()
    assert seed.path.read_text() == copy_seed(name, tmp_path / "fresh").path.read_text()  # never rewritten


def test_postponed_to_needs_postponed(ijm: Seed) -> None:
    one_line_error(
        ijm.run("meeting", "validation", "--outcome", "held", "--date", "2021-12-03", "--to", "2021-12-06"),
        "--to goes with --outcome postponed",
    )
    one_line_error(
        ijm.run(
            "meeting", "validation", "--outcome", "postponed", "--date", "2021-12-03", "--to", "2021-12-01"
        ),
        "before the postponement",
    )
    assert not ijm.ledger.exists()


def test_closing_stops_what_grows_and_void_reopens(ijm: Seed, tmp_path) -> None:
    def template(as_of: str) -> dict:
        [report] = json.loads(ijm.run("status", "--as-of", as_of, "--format", "json").stdout)
        return next(d for d in report["deliverables"] if d["key"] == "template") | {
            "_state": report["state"],
            "_reason": report["reason"],
        }

    assert template("2022-06-01")["days_late"] == 191
    closed = ijm.run("close", "--date", "2021-12-06", "--note", "plan adopted")
    assert closed.exit_code == 0 and "completed on 2021-12-06" in closed.stdout
    after = template("2022-06-01")
    assert after["days_late"] == 14  # 22 Nov to 6 Dec, and no more
    assert (
        after["_state"] == "closed" and "left open" in after["_reason"] and "A template" in after["_reason"]
    )
    one_line_error(ijm.run("close", "--date", "2021-12-11"), "already closed on 2021-12-06")

    (tmp_path / "other").mkdir()
    other = copy_seed("defenders", tmp_path / "other")
    text = invoke("status", "--as-of", "2022-06-01", str(ijm.path), str(other.path)).stdout
    live, closed_table = text.split("Closed engagements", 1)
    assert "Facilitation and Consolidation" not in live.split("Portfolio", 1)[1].split("\n\n\n")[0]
    assert "Facilitation and Consolidation" in closed_table

    one_line_error(ijm.run("log", "1", "--phase", "final", "--date", "2021-12-08"), "closed on 2021-12-06")
    # A teammate's ledger merged in, or one written before engage refused it, may still hold such time.
    late = new_record("entry", date="2021-12-08", phase="final", days="1", consultant="Test Consultant")
    append(ijm.ledger, [{**late, "note": "", "engagement": "ijm-kenya-pap-2021"}])
    codes = {
        f["code"] for f in json.loads(ijm.run("budget", "--as-of", "2022-06-01", "--format", "json").stdout)
    }
    assert {"work-after-close", "closed-with-open-items"} <= codes and "burn-rate" not in codes

    record = closed.stdout.split("(record ")[1].split(")")[0]
    assert ijm.run("void", record).exit_code == 0
    assert template("2022-06-01")["days_late"] == 191  # open again: it grows again


def test_as_of_alone_reports_the_week_it_falls_in(ijm: Seed) -> None:
    [report] = json.loads(ijm.run("status", "--as-of", "2021-11-24", "--format", "json").stdout)
    assert (report["week"]["label"], report["as_of"]) == ("2021-W47", "2021-11-24")


@pytest.mark.parametrize("fmt", ["plain", "github", "html"])
def test_control_characters_in_a_note_never_reach_a_report_raw(ijm: Seed, fmt: str, tmp_path) -> None:
    note = "bell\x07 escape\x1b[2J carriage\rreturn"
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-22", "--note", note).exit_code == 0
    target = tmp_path / f"status.{fmt}"
    assert ijm.run("status", "--week", "2021-W47", "--format", fmt, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "\x07" not in text and "\x1b" not in text and "\r" not in text
    assert "\\x1b" in text
    if fmt == "github":  # a carriage return is a line break inside the cell, not a broken table row
        row = next(line for line in text.splitlines() if "bell" in line)
        assert "carriage<br>return" in row and row.endswith("|")


def test_a_batch_being_written_by_another_process_is_not_called_interrupted(ijm: Seed) -> None:
    from filelock import FileLock

    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    ledger = ijm.ledger.read_text()
    engagement = json.loads(ledger.splitlines()[0])["engagement"]
    half = "".join(
        json.dumps(
            {
                "id": f"b{n}aaaaaaaaaa",
                "kind": "entry",
                "recorded_at": "2026-11-22T20:00:00Z",
                "date": "2021-11-17",
                "phase": "prep",
                "days": "0.5",
                "engagement": engagement,
                "batch": "batch1",
            }
        )
        + "\n"
        for n in range(2)
    )
    ijm.ledger.write_text(ledger + half)
    with FileLock(str(ijm.ledger) + ".lock"):  # another engage is writing that batch right now
        busy = ijm.run("entries")
    assert busy.exit_code == 0 and "interrupted write" not in busy.stderr
    assert "1 entry" in busy.stdout  # and it is not counted until its commit lands
    idle = ijm.run("entries")
    assert "interrupted write" in idle.stderr


@pytest.mark.parametrize(("name", "magic"), [("s.xlsx", b"PK"), ("s.csv", b"\xef\xbb\xbf"), ("s.json", b"[")])
def test_o_files_extension_chooses_the_format(ijm: Seed, tmp_path, name: str, magic: bytes) -> None:
    assert ijm.run("status", "--week", "2021-W47", "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_a_format_that_contradicts_the_files_extension_is_refused(ijm: Seed, tmp_path) -> None:
    one_line_error(ijm.run("status", "--format", "csv", "-o", str(tmp_path / "s.xlsx")), "names a xlsx file")
    one_line_error(ijm.run("entries", "--format", "json", "-o", str(tmp_path / "e.csv")), "names a csv file")
    assert not list(tmp_path.glob("s.*")) and not list(tmp_path.glob("e.*"))
