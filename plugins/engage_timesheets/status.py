"""The status report's Timesheets section and the portfolio's timesheets column."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import Days, Engagement, Section, person_name, plural, sheet_entries
from engage_timesheets.checks import APPROVED, SUBMITTED, approval_matches, used
from engage_timesheets.settings import settings_of, signers_file
from engage_timesheets.trust import approval_note

if TYPE_CHECKING:
    from engage import SheetState, Verdict

RECENT_MONTHS = 3  # months ended by the report's date that are shown even when approved
HEADERS = ("consultant", "period", "days", "timesheet")


def recent_from(as_of: dt.date) -> dt.date:
    """The first day of the earliest of the last ``RECENT_MONTHS`` months that ended by ``as_of``."""
    last_ended = as_of.replace(day=1) - dt.timedelta(days=1)
    first = last_ended.replace(day=1)
    for _ in range(RECENT_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def shown(verdict: Verdict) -> tuple[list[SheetState], int]:
    """The sheets the section lists (recent months, and every one not approved or in contradiction),
    and how many older approved ones it leaves out."""
    since = recent_from(verdict.as_of)
    listed, older = [], 0
    for sheet in verdict.timesheets:
        if sheet.end >= since or sheet.state != APPROVED or sheet.contradictions:
            listed.append(sheet)
        else:
            older += 1
    return listed, older


def timesheet_section(engagement: Engagement, verdict: Verdict) -> Section | None:
    """Each consultant's sheet per period and where its approval stands; None where not in use."""
    if not used(engagement, verdict.ledger):
        return None
    listed, older = shown(verdict)
    settings = settings_of(engagement)
    signers = signers_file(engagement, settings)
    rows = []
    for sheet in listed:
        entries = sheet_entries(engagement, verdict.ledger, sheet.consultant, sheet.start, sheet.end)
        days = sum((e.days for e in entries), start=Fraction(0))
        state = sheet.describe(engagement, verdict.as_of) + approval_note(
            engagement, settings, sheet, signers
        )
        if sheet.state == APPROVED and not approval_matches(engagement, verdict.ledger, sheet):
            state += "; changed since"
        if sheet.contradictions:
            state += f"; {plural(len(sheet.contradictions), 'step')} contradicting it"
        rows.append((person_name(engagement, sheet.consultant), sheet.period, Days(days), state))
    notes = []
    if older:
        notes.append(f"{plural(older, 'earlier approved sheet')} not shown")
    if not rows:
        notes.append("no sheet yet: no month with time logged has ended")
    return Section("Timesheets", HEADERS, tuple(rows), note="; ".join(notes), optional=("days",))


def portfolio_cell(engagement: Engagement, verdict: Verdict) -> dict[str, object] | None:
    """``2 approved · 1 waiting · 1 not submitted``; None where timesheets are not in use."""
    if not used(engagement, verdict.ledger):
        return None
    counts = {"approved": 0, "waiting": 0, "rejected": 0, "not submitted": 0}
    for sheet in verdict.timesheets:
        if sheet.state == APPROVED:
            counts["approved"] += 1
        elif sheet.state == SUBMITTED:
            counts["waiting"] += 1
        elif sheet.state == "rejected":
            counts["rejected"] += 1
        elif sheet.end < verdict.as_of:
            counts["not submitted"] += 1
    text = " · ".join(f"{count} {what}" for what, count in counts.items() if count)
    return {"timesheets": text or "none due"}
