"""The close-out report: days by phase, consultant and month; deliverables' and meetings' history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import field
from fractions import Fraction

from engage import DayTotal, Engagement, Section, Verdict, format_budget, format_days, frozen


@frozen
class CloseOut:
    """What an organisation files when an engagement ends (or for any period of it)."""

    engagement: Engagement
    start: dt.date
    end: dt.date
    as_of: dt.date
    state: str
    reason: str
    closed: str  # "completed on 2021-12-10", or "" while open
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
    for t in days:
        cube[(t.phase, t.consultant or "(not named)", f"{t.date:%Y-%m}")] += t.days
    names = {p.key: p.name for p in engagement.phases}
    order = {p.key: i for i, p in enumerate(engagement.phases)}
    totals = Section(
        "Days by phase, consultant and month",
        ("phase", "consultant", "month", "days"),
        tuple(
            (names.get(phase, phase), who, month, days)
            for (phase, who, month), days in sorted(
                cube.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])
            )
        ),
        note="" if cube else "No time logged in this period.",
    )
    by_phase = Section(
        "Days by phase",
        ("key", "phase", "budget", "days in period", "days to date", "state"),
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
    by_consultant = _totals("Days by consultant", "consultant", cube, 1)
    by_month = _totals("Days by month", "month", cube, 2)
    history, standing, meetings = _deliverable_history(verdict), _standing(verdict), _meetings(verdict)
    closing = verdict.closing
    return CloseOut(
        engagement=engagement,
        start=first,
        end=last,
        as_of=as_of,
        state=verdict.state,
        reason=verdict.reason,
        closed=f"{closing.outcome} on {closing.date}" if closing else "",
        used=sum((t.days for t in days), Fraction(0)),
        used_total=ledger.days_used(),
        burn=_burn(days),
        plan_start=verdict.timeline.start,
        plan_end=verdict.timeline.last_phase_end,
        sections=(by_phase, totals, by_consultant, by_month, standing, history, meetings),
    )


def _deliverable_history(verdict: Verdict) -> Section:
    """Each status recorded for each deliverable, up to the report's date."""
    rows = tuple(
        (d.name, change.status, change.date, change.note)
        for d in verdict.deliverables
        for change in verdict.ledger.status_changes(d.key)
        if change.date <= verdict.as_of
    )
    return Section(
        "Deliverables: what was handed in, returned and accepted",
        ("deliverable", "event", "date", "note"),
        rows,
        note="" if rows else "No deliverable has a recorded status.",
    )


def _standing(verdict: Verdict) -> Section:
    """Each deliverable's state as of the report's date, with why."""
    return Section(
        "Deliverables as of the report's date",
        ("key", "deliverable", "due", "state", "days late", "why"),
        tuple(
            (d.key, d.name, d.due.day or "waiting", d.state, d.days_late or "", d.reason)
            for d in verdict.deliverables
        ),
        optional=("why",),
    )


def _meetings(verdict: Verdict) -> Section:
    """Each meeting with the outcomes recorded for it, or its state when none is."""
    rows = tuple(
        row
        for m in verdict.meetings
        for row in (
            [
                (m.name, m.span.text(), o.outcome + (f" to {o.to}" if o.to else ""), str(o.date), o.note)
                for o in verdict.ledger.meeting_outcomes(m.key)
                if o.date <= verdict.as_of
            ]
            or [(m.name, m.span.text(), m.state, "", "")]
        )
    )
    return Section(
        "Meetings and their outcomes",
        ("meeting", "planned", "outcome", "date", "note"),
        rows,
        note="" if rows else "No meetings in this schedule.",
    )


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


def _totals(title: str, label: str, cube: dict[tuple[str, str, str], Fraction], axis: int) -> Section:
    sums: dict[str, Fraction] = defaultdict(Fraction)
    for key, days in cube.items():
        sums[key[axis]] += days
    rows = tuple(sorted(sums.items()))
    return Section(title, (label, "days"), rows, note="" if rows else "No time logged in this period.")


def heading_facts(report: CloseOut) -> list[tuple[str, str]]:
    """The report's heading, as (label, value)."""
    engagement = report.engagement
    return [
        ("Client", engagement.client),
        ("Consultants", ", ".join(engagement.consultants) or "(not named)"),
        ("Period", f"{report.start} – {report.end}, as of {report.as_of}"),
        ("Closed", report.closed or "not yet: the engagement is open"),
        (
            "Days used",
            f"{format_days(report.used)} in the period; {format_days(report.used_total)} "
            f"of {format_budget(engagement.max_days)} to date",
        ),
        ("State", report.reason),
    ]
