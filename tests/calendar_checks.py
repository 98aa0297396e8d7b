"""Independent checks of engage's iCalendar output: icalendar, the strict `ical` package, libical."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

# servers.py holds the smtp and caldav_url fixtures, loaded as a plugin (pytest_plugins) by the
# modules that also import its helpers; this module is imported before it, so mark it here.
pytest.register_assert_rewrite("servers")

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"


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
