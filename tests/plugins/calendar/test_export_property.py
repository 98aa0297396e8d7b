"""A property checked with hypothesis: any schedule engage accepts exports an ICS with the same due dates.

Example counts are kept small so the suite stays fast; HYPOTHESIS_PROFILE=thorough runs more (conftest.py
registers the profiles).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from helpers import invoke

dates = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


@st.composite
def schedules(draw: st.DrawFn) -> tuple[str, int]:
    start = draw(dates)
    budgets = draw(st.lists(st.integers(1, 15), min_size=1, max_size=4))
    lines = [
        'id = "prop"', 'title = "Property"', 'client = "C"', 'timezone = "Africa/Nairobi"',
        f"start = {start.isoformat()}", f"max_days = {sum(budgets)}",
        'working_days = ["mon", "tue", "wed", "thu", "fri"]', 'consultants = ["A"]',
        "[supervisor]", 'name = "S"', 'email = "s@example.org"',
    ]  # fmt: skip
    for n, budget in enumerate(budgets):
        lines += ["[[phases]]", f'key = "p{n}"', f'name = "Phase {n}"', f"days = {budget}"]
    for n in range(len(budgets)):
        fixed = draw(st.one_of(st.none(), dates))
        due = f'"end of phase p{n}"' if fixed is None else fixed.isoformat()
        lines += ["[[deliverables]]", f'key = "d{n}"', f'name = "D{n}"', f'phase = "p{n}"', f"due = {due}"]
    return "\n".join(lines) + "\n", len(budgets)


@given(schedules())
def test_any_accepted_schedule_exports_an_ics_with_the_same_dates(schedule: tuple[str, int]) -> None:
    text, _ = schedule
    with TemporaryDirectory() as folder:
        path = Path(folder) / "s.toml"
        path.write_text(text, encoding="utf-8")
        shown = invoke("-s", str(path), "show", "--format", "json")
        if shown.exit_code != 0:  # refused schedules are another test's business
            return
        due = {d["key"]: dt.date.fromisoformat(d["due"]) for d in json.loads(shown.stdout)["deliverables"]}
        exported = invoke("-s", str(path), "calendar")
        assert exported.exit_code == 0, exported.stderr
        calendar = Calendar.from_ical(exported.stdout_bytes)
        found = {
            str(e["UID"]).split(".")[1]: e.decoded("DTSTART")
            for e in calendar.walk("VEVENT")
            if str(e["UID"]).startswith("deliverable.")
        }
        assert found == due
