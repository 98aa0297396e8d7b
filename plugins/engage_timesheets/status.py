"""The status report's Timesheets section and the portfolio's timesheets column."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import N_, Days, Engagement, Section, person_name, sheet_entries
from engage_timesheets.catalogue import _, ngettext
from engage_timesheets.checks import APPROVED, SUBMITTED, approval_matches, used
from engage_timesheets.settings import settings_of, signers_file
from engage_timesheets.trust import approval_note

if TYPE_CHECKING:
    from engage import SheetState, Verdict

RECENT_MONTHS = 3  # months ended by the report's date that are shown even when approved
HEADERS = (N_("consultant"), N_("period"), N_("days"), N_("timesheet"))


def recent_from(as_of: dt.date) -> dt.date:
    """The first day of the earliest of the last ``RECENT_MONTHS`` months that ended by ``as_of``."""
    last_ended = as_of.replace(day=1) - dt.timedelta(days=1)
    first = last_ended.replace(day=1)
    for _month in range(RECENT_MONTHS - 1):
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
            state += _("; changed since")
        if sheet.contradictions:
            count = len(sheet.contradictions)
            state += ngettext(
                "; {count} step contradicting it", "; {count} steps contradicting it", count
            ).format(count=count)
        rows.append((person_name(engagement, sheet.consultant), sheet.period, Days(days), state))
    notes = []
    if older:
        notes.append(
            ngettext(
                "{count} earlier approved sheet not shown", "{count} earlier approved sheets not shown", older
            ).format(count=older)
        )
    if not rows:
        notes.append(_("no sheet yet: no month with time logged has ended"))
    headers = tuple(_(header) for header in HEADERS)
    return Section(_("Timesheets"), headers, tuple(rows), note="; ".join(notes), optional=(headers[2],))


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

    def said(what: str, count: int) -> str:
        if what == "approved":
            return ngettext("{count} approved", "{count} approved", count).format(count=count)
        if what == "waiting":
            return ngettext("{count} waiting", "{count} waiting", count).format(count=count)
        if what == "rejected":
            return ngettext("{count} rejected", "{count} rejected", count).format(count=count)
        return ngettext("{count} not submitted", "{count} not submitted", count).format(count=count)

    text = " · ".join(said(what, count) for what, count in counts.items() if count)
    return {_("timesheets"): text or _("none due")}
