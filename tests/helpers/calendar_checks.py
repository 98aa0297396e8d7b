"""Independent checks of engage's iCalendar output: icalendar, the strict `ical` package, libical;
the feed exported and the invitations received, parsed back."""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from icalendar import Calendar

from helpers import Seed

if TYPE_CHECKING:
    from helpers.servers import Inbox

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
# The address the feed names as ORGANIZER (ENGAGE_MAIL_FROM), set by the organizer fixture and the servers.
ORGANIZER = "consultant@example.org"


def libical_available() -> str:
    """'' when Debian's libical bindings can run, else why not."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"], capture_output=True
    )
    if probe.returncode:
        return "libical's Python bindings (python3-gi, gir1.2-ical-3.0; .ci/run installs them) are missing"
    return ""


LIBICAL_MISSING = libical_available()


def libical_errors(data: bytes) -> list[str]:
    """libical's iTIP restriction errors (icalrestriction_check) for one calendar."""
    done = subprocess.run(
        [SYSTEM_PYTHON, str(HERE / "libical_check.py")], input=data, capture_output=True, timeout=60
    )
    return [line for line in done.stdout.decode().splitlines() if line] or (
        [f"exit {done.returncode}: {done.stderr.decode()[-500:]}"] if done.returncode else []
    )


def parse_everywhere(data: bytes, method: str | None, as_written: bool = True) -> Calendar:
    """Parse with icalendar and the strict `ical` package, check libical's method rules; return it.

    ``as_written``: engage's own bytes, so CRLF lines folded at 75 octets are checked too.
    """
    from ical.calendar_stream import IcsCalendarStream

    calendar = Calendar.from_ical(data)
    assert not calendar.errors
    assert all(not component.errors for component in calendar.walk())
    assert calendar.get("METHOD") == method
    IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))  # raises on anything it rejects
    lines = data.split(b"\r\n")
    assert not as_written or (lines[-1] == b"" and max(len(line) for line in lines) <= 75)
    if not LIBICAL_MISSING:
        assert libical_errors(data) == []
    return calendar


def require_libical() -> None:
    if LIBICAL_MISSING:
        pytest.skip(LIBICAL_MISSING)


def which(program: str) -> str | None:
    return shutil.which(program)


def export(seed: Seed, *args: str) -> bytes:
    result = seed.run("calendar", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    # UID "deliverable.draft.ijm-kenya-pap-2021@engage-tracker" -> key "deliverable.draft"
    return {".".join(str(e["UID"]).split(".")[:2]): e for e in calendar.walk("VEVENT")}


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
