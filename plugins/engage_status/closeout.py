"""The close-out report: days by phase, consultant and month; deliverables' and meetings' history.

Built in the language in force (the engagement's, or English inside ``machine()``): its titles,
headers and words; dates stay dates in the rows (a workbook's cells), written out where shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import field
from fractions import Fraction

from engage import (
    DayTotal,
    Engagement,
    Section,
    Verdict,
    current_language,
    date_text,
    format_budget,
    format_days,
    frozen,
    month_text,
    outcome_text,
    state_text,
)
from engage_status.catalogue import _
from engage_status.tables import status_text, when_text


@frozen
class CloseOut:
    """What an organisation files when an engagement ends (or for any period of it)."""

    engagement: Engagement
    start: dt.date
    end: dt.date
    as_of: dt.date
    state: str
    reason: str
    closed: str  # "completed on 2021-12-10", or "" while open (in the language it was built in)
    used: Fraction  # in the period
    used_total: Fraction  # to the report's date
    burn: tuple[tuple[dt.date, Fraction], ...]  # cumulative days used, by date, in the period
    plan_start: dt.date
    plan_end: dt.date
    sections: tuple[Section, ...] = field(default=())


def build_closeout(verdict: Verdict, start: dt.date | None, end: dt.date | None) -> CloseOut:
    """Figures from the verdict (as of the close date, once closed) for entries in the period."""
    engagement, ledger, as_of = verdict.engagement, verdict.ledger, verdict.as_of
    first = start or verdict.timeline.start
    last = end or (verdict.closing.date if verdict.closing else max(verdict.timeline.end, as_of))
    end_at = min(last, as_of)
    days = [t for t in ledger.day_totals() if first <= t.date <= end_at]  # sums per day: no entry loaded
    cube: dict[tuple[str, str, str], Fraction] = defaultdict(Fraction)
    unnamed = _("(not named)")
    for t in days:
        cube[(t.phase, t.consultant or unnamed, f"{t.date:%Y-%m}")] += t.days
    names = {p.key: p.name for p in engagement.phases}
    order = {p.key: i for i, p in enumerate(engagement.phases)}
    months: dict[str, str] = {}
    totals = Section(
        _("Days by phase, consultant and month"),
        (_("phase"), _("consultant"), _("month"), _("days")),
        tuple(
            (names.get(phase, phase), who, month_label(month, months), days)
            for (phase, who, month), days in sorted(
                cube.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])
            )
        ),
        note="" if cube else _("No time logged in this period."),
    )
    by_phase = Section(
        _("Days by phase"),
        (_("key"), _("phase"), _("budget"), _("days in period"), _("days to date"), _("state")),
        tuple(
            (
                p.key,
                p.name,
                p.budget,
                sum((d for (k, _, _), d in cube.items() if k == p.key), Fraction(0)),
                p.used,
                p.reason,
            )
            for p in verdict.phases
        ),
    )
    by_consultant = _totals(_("Days by consultant"), _("consultant"), cube, 1)
    by_month = _totals(_("Days by month"), _("month"), cube, 2, months)
    history, standing, meetings = _deliverable_history(verdict), _standing(verdict), _meetings(verdict)
    closing = verdict.closing
    return CloseOut(
        engagement=engagement,
        start=first,
        end=last,
        as_of=as_of,
        state=verdict.state,
        reason=verdict.reason,
        closed=_("{outcome} on {date}").format(
            outcome=outcome_text(closing.outcome), date=date_text(closing.date)
        )
        if closing
        else "",
        used=sum((t.days for t in days), Fraction(0)),
        used_total=ledger.days_used(),
        burn=_burn(days),
        plan_start=verdict.timeline.start,
        plan_end=verdict.timeline.last_phase_end,
        sections=(by_phase, totals, by_consultant, by_month, standing, history, meetings),
    )


def month_label(key: str, known: dict[str, str]) -> str:
    """A month for people (``November 2021``... as ``month_text`` writes it) from its key
    (``2021-11``); English keeps the key, as the report always wrote it."""
    if current_language().partition("_")[0] == "en":
        return key
    if key not in known:
        known[key] = month_text(dt.date(int(key[:4]), int(key[5:7]), 1))
    return known[key]


def _deliverable_history(verdict: Verdict) -> Section:
    """Each status recorded for each deliverable, up to the report's date."""
    rows = tuple(
        (d.name, status_text(change.status), change.date, change.note)
        for d in verdict.deliverables
        for change in verdict.ledger.status_changes(d.key)
        if change.date <= verdict.as_of
    )
    return Section(
        _("Deliverables: what was handed in, returned and accepted"),
        (_("deliverable"), _("event"), _("date"), _("note")),
        rows,
        note="" if rows else _("No deliverable has a recorded status."),
    )


def _standing(verdict: Verdict) -> Section:
    """Each deliverable's state as of the report's date, with why."""
    why = _("why")
    return Section(
        _("Deliverables as of the report's date"),
        (_("key"), _("deliverable"), _("due"), _("state"), _("days late"), why),
        tuple(
            (
                d.key,
                d.name,
                d.due.day or state_text("waiting"),
                state_text(d.state),
                d.days_late or "",
                d.reason,
            )
            for d in verdict.deliverables
        ),
        optional=(why,),
    )


def _meetings(verdict: Verdict) -> Section:
    """Each meeting with the outcomes recorded for it, or its state when none is. "Planned" is the
    schedule's date: where a postponement moved the meeting, its outcome says so (``postponed to
    2021-12-08``), as the status shows it postponed at its new date."""
    rows = tuple(
        row
        for m in verdict.meetings
        for row in (
            [
                (m.name, when_text(m.planned), _outcome(o.outcome, o.to), date_text(o.date), o.note)
                for o in verdict.ledger.meeting_outcomes(m.key)
                if o.date <= verdict.as_of
            ]
            or [(m.name, when_text(m.planned), state_text(m.state), "", "")]
        )
    )
    return Section(
        _("Meetings and their outcomes"),
        (_("meeting"), _("planned"), _("outcome"), _("date"), _("note")),
        rows,
        note="" if rows else _("No meetings in this schedule."),
    )


def _outcome(outcome: str, to: dt.date | None) -> str:
    """A meeting's outcome, with the new date a postponement agreed: ``postponed to 2021-12-01``."""
    if to is None:
        return status_text(outcome)
    return _("{outcome} to {date}").format(outcome=status_text(outcome), date=date_text(to))


def _burn(days: Sequence[DayTotal]) -> tuple[tuple[dt.date, Fraction], ...]:
    """Days used to date, day by day: the burn-up's line."""
    daily: dict[dt.date, Fraction] = defaultdict(Fraction)
    for t in days:
        daily[t.date] += t.days
    cumulative, running = [], Fraction(0)
    for day in sorted(daily):
        running += daily[day]
        cumulative.append((day, running))
    return tuple(cumulative)


def _totals(
    title: str,
    label: str,
    cube: dict[tuple[str, str, str], Fraction],
    axis: int,
    months: dict[str, str] | None = None,
) -> Section:
    """Days summed over one axis of the cube (consultants; months, written out with ``months``)."""
    sums: dict[str, Fraction] = defaultdict(Fraction)
    for key, days in cube.items():
        sums[key[axis]] += days
    rows = tuple(sorted(sums.items()))
    if months is not None:
        rows = tuple((month_label(month, months), days) for month, days in rows)
    note = "" if rows else _("No time logged in this period.")
    return Section(title, (label, _("days")), rows, note=note)


def heading_facts(report: CloseOut) -> list[tuple[str, str]]:
    """The report's heading, as (label, value)."""
    engagement = report.engagement
    return [
        (_("Client"), engagement.client),
        (_("Consultants"), ", ".join(engagement.consultants) or _("(not named)")),
        (
            _("Period"),
            _("{start} – {end}, as of {date}").format(
                start=date_text(report.start), end=date_text(report.end), date=date_text(report.as_of)
            ),
        ),
        (_("Closed"), report.closed or _("not yet: the engagement is open")),
        (
            _("Days used"),
            _("{used} in the period; {total} of {cap} to date").format(
                used=format_days(report.used),
                total=format_days(report.used_total),
                cap=format_budget(engagement.max_days),
            ),
        ),
        (_("State"), report.reason),
    ]
