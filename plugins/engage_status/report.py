"""One engagement's weekly status: figures as of a date, phase states with their reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from engage import Engagement, Ledger, Section, Week
from engage.figures import phase_usage
from engage.parsing import format_budget, format_days
from engage.timeline import Timeline, day_of

AT_RISK_MARGIN = 25  # percentage points of budget used ahead of the window elapsed
BEHIND_MARGIN = 50  # percentage points of the window elapsed ahead of the budget used
LOOKAHEAD = dt.timedelta(days=14)
STATE_ORDER = {"over": 0, "at risk": 1, "on track": 2}


@dataclass(frozen=True)
class PhaseRow:
    key: str
    name: str
    budget: Fraction
    used: Fraction
    this_week: Fraction
    start: dt.date
    end: dt.date
    state: str
    reason: str

    @property
    def remaining(self) -> Fraction:
        return self.budget - self.used

    @property
    def percent(self) -> float:
        return round(float(self.used / self.budget * 100), 1)


@dataclass(frozen=True)
class DeliverableRow:
    key: str
    name: str
    due: dt.date
    status: str
    status_date: dt.date | None
    days_late: int


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    kind: str
    name: str


@dataclass(frozen=True)
class EntryRow:
    date: dt.date
    consultant: str
    phase: str
    days: Fraction
    note: str


@dataclass(frozen=True)
class Report:
    """Everything one engagement's section of a status report shows."""

    engagement: Engagement
    week: Week
    as_of: dt.date
    used: Fraction
    this_week: Fraction
    phases: tuple[PhaseRow, ...]
    deliverables: tuple[DeliverableRow, ...]
    milestones: tuple[Milestone, ...]
    entries: tuple[EntryRow, ...]
    next_milestone: Milestone | None = None
    sections: tuple[Section, ...] = field(default=())

    @property
    def state(self) -> str:
        """The worst phase state."""
        return min((p.state for p in self.phases), key=STATE_ORDER.__getitem__, default="on track")


def as_of_for(week: Week, today: dt.date, given: dt.date | None) -> dt.date:
    """The report's date: as given, else today for the current week, else the week's last day."""
    if given is not None:
        return given
    return today if week.start <= today <= week.end or today < week.start else week.end


def build(engagement: Engagement, ledger: Ledger, week: Week, as_of: dt.date) -> Report:
    """Compute a report from the ledger as of ``as_of`` (see ``Ledger.until``)."""
    timeline = engagement.timeline
    ledger = ledger.until(as_of)
    entries = ledger.entries()
    week_entries = [e for e in entries if e.date in week]
    phases = []
    for usage in phase_usage(engagement, ledger, until=as_of):
        phase, window = usage.phase, timeline.window(usage.phase.key)
        state, reason = _state(timeline, window.start, window.end, usage.used, phase.days, as_of)
        phases.append(
            PhaseRow(
                phase.key,
                phase.name,
                phase.days,
                usage.used,
                sum((e.days for e in week_entries if e.phase == phase.key), start=Fraction(0)),
                window.start,
                window.end,
                state,
                reason,
            )
        )
    deliverables = []
    for deliverable in engagement.deliverables:
        due = timeline.due(deliverable.key)
        changes = ledger.status_changes(deliverable.key)
        latest = max(changes, key=lambda c: (c.date, c.recorded_at)) if changes else None
        # Lateness is the consultant's: until the last submission (or acceptance) that stands,
        # or until the report's date while the deliverable is not in or was returned.
        submissions = [c.date for c in changes if c.status == "submitted"]
        if latest is not None and latest.status != "returned":
            until = max(submissions) if submissions else latest.date
        else:
            until = as_of
        late = max(0, (until - due).days)
        deliverables.append(
            DeliverableRow(
                deliverable.key,
                deliverable.name,
                due,
                latest.status if latest else "not submitted",
                latest.date if latest else None,
                late,
            )
        )
    upcoming = _milestones(engagement, as_of)
    return Report(
        engagement=engagement,
        week=week,
        as_of=as_of,
        used=sum((e.days for e in entries), start=Fraction(0)),
        this_week=sum((e.days for e in week_entries), start=Fraction(0)),
        phases=tuple(phases),
        deliverables=tuple(deliverables),
        milestones=tuple(m for m in upcoming if m.date <= as_of + LOOKAHEAD),
        next_milestone=upcoming[0] if upcoming else None,
        entries=tuple(EntryRow(e.date, e.consultant, e.phase, e.days, e.note) for e in week_entries),
    )


def _state(
    timeline: Timeline, start: dt.date, end: dt.date, used: Fraction, budget: Fraction, as_of: dt.date
) -> tuple[str, str]:
    percent = float(used / budget * 100)
    working = timeline.working_days(start, end)
    done = [day for day in working if day <= as_of]
    elapsed = 100.0 * len(done) / len(working) if working else (100.0 if as_of >= end else 0.0)
    figures = f"{percent:.0f}% of budget used, {elapsed:.0f}% of the window elapsed"
    if used > budget:
        return "over", f"over: {format_days(used)} of {format_budget(budget)} days used ({percent:.0f}%)"
    if percent - elapsed >= AT_RISK_MARGIN:
        return "at risk", f"at risk: {figures}"
    if elapsed - percent >= BEHIND_MARGIN:
        return "at risk", f"at risk, behind: {figures}"
    if as_of < start and used == 0:
        return "on track", f"on track: not started, window opens {start}"
    return "on track", f"on track: {figures}"


def _milestones(engagement: Engagement, as_of: dt.date) -> list[Milestone]:
    timeline = engagement.timeline
    found = [Milestone(timeline.due(d.key), "deliverable due", d.name) for d in engagement.deliverables]
    for meeting in engagement.meetings:
        span = timeline.meeting_span(meeting.key)
        if span is not None:
            found.append(Milestone(day_of(span[0]), meeting.kind, meeting.name))
    for deadline in engagement.deadlines:
        found.append(Milestone(day_of(deadline.date), "deadline", deadline.name))
    return sorted((m for m in found if m.date >= as_of), key=lambda m: (m.date, m.name))
