"""A meeting moved by a postponement: its new date everywhere (show, status, calendar, the report)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers import Seed
from helpers.calendar_checks import events, export

START = 'start = "start of phase final"\n'
# IJM's validation meeting, with its date unknown: no start at all, or a rule counting from a
# named date still to be agreed.
NO_DATE = {
    "no start": ("", None),
    "a date to be agreed": ('start = "award"\n', '[dates]\naward = "to be agreed"\n\n[[phases]]'),
}


@pytest.mark.parametrize("undated", sorted(NO_DATE))
def test_a_meeting_with_no_date_postponed_to_a_day_is_on_that_day_everywhere(ijm: Seed, undated: str) -> None:
    start, dates = NO_DATE[undated]
    ijm.rewrite(START, start)
    if dates is not None:
        ijm.rewrite("[[phases]]", dates)
    shown = json.loads(ijm.run("show", "--as-of", "2021-12-02", "--format", "json").stdout)
    [before] = [m for m in shown["meetings"] if m["key"] == "validation"]
    assert before["start"] is None  # the premise: no date yet

    result = ijm.run(
        "meeting", "validation", "--outcome", "postponed", "--date", "2021-12-01", "--to", "2021-12-08"
    )
    assert result.exit_code == 0, result.stderr
    assert "moved to 2021-12-08" in result.stdout

    shown = json.loads(ijm.run("show", "--as-of", "2021-12-02", "--format", "json").stdout)
    [meeting] = [m for m in shown["meetings"] if m["key"] == "validation"]
    assert (meeting["start"], meeting["end"], meeting["state"]) == ("2021-12-08", "2021-12-08", "postponed")
    plain = ijm.run("show", "--as-of", "2021-12-02").stdout
    assert "date to be agreed" not in plain
    [status] = json.loads(ijm.run("status", "--as-of", "2021-12-02", "--format", "json").stdout)
    [meeting] = [m for m in status["meetings"] if m["key"] == "validation"]
    assert (meeting["date"], meeting["state"]) == ("2021-12-08", "postponed")
    event = events(export(ijm))["meeting.validation"]
    assert event.decoded("DTSTART") == dt.date(2021, 12, 8)
