"""One engagement's weekly status: figures as of a date, phase states with their reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from fractions import Fraction
from typing import NamedTuple

from engage import (
    STATE_ORDER,
    ConsultantVerdict,
    DeliverableVerdict,
    Engagement,
    Finding,
    MeetingVerdict,
    Milestone,
    Section,
    Verdict,
    Week,
    frozen,
)

LOOKAHEAD = dt.timedelta(days=14)


@frozen
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


class EntryRow(NamedTuple):
    """One of the week's entries as the report lists it (a tuple: a busy week has thousands)."""

    date: dt.date
    consultant: str
    phase: str
    days: Fraction
    note: str
    by: str = ""  # who recorded it ("" on older records)


@frozen
class Overview:
    """One engagement as a portfolio's summary shows it, judged in the summary's language (the user's)."""

    reason: str
    left_open: tuple[str, ...] = ()


@frozen
class Report:
    """Everything one engagement's section of a status report shows, read from its verdict."""

    engagement: Engagement
    week: Week
    as_of: dt.date
    used: Fraction
    this_week: Fraction
    phases: tuple[PhaseRow, ...]
    deliverables: tuple[DeliverableVerdict, ...]
    meetings: tuple[MeetingVerdict, ...]
    milestones: tuple[Milestone, ...]
    entries: tuple[EntryRow, ...]
    state: str
    reason: str
    closed: dt.date | None = None
    left_open: tuple[str, ...] = ()
    not_counted: Fraction = Fraction(0)  # days dated after the report's date
    next_milestone: Milestone | None = None
    sections: tuple[Section, ...] = field(default=())
    columns: tuple[tuple[str, object], ...] = ()  # plugins' cells for the portfolio row
    # Each consultant's figures from the verdict, this week being the report's week.
    team: tuple[ConsultantVerdict, ...] = ()
    findings: tuple[Finding, ...] = ()  # the verdict's, worst first: merged records that collide among them
    # The state's reason and what is left open in a portfolio's language, where it differs from the
    # engagement's (None: the report's own).
    overview: Overview | None = None

    @property
    def summary(self) -> Overview:
        """The reason and what is left open, as a portfolio's summary shows them."""
        return self.overview or Overview(self.reason, self.left_open)


def as_of_for(week: Week, today: dt.date, given: dt.date | None) -> dt.date:
    """The report's date: as given, else today for the current week, else the week's last day."""
    if given is not None:
        return given
    return today if week.start <= today <= week.end or today < week.start else week.end


def build(verdict: Verdict, week: Week) -> Report:
    """A report from the verdict (its ledger already cut at its date: see ``Ledger.until``)."""
    engagement, ledger, as_of = verdict.engagement, verdict.ledger, verdict.as_of
    week_entries = ledger.entries(start=week.start, end=week.end)
    week_totals = [t for t in ledger.day_totals() if t.date in week]
    phases = tuple(
        PhaseRow(
            p.key,
            p.name,
            p.budget,
            p.used,
            sum((t.days for t in week_totals if t.phase == p.key), start=Fraction(0)),
            p.window.start,
            p.window.end,
            p.state,
            p.reason,
        )
        for p in verdict.phases
    )
    upcoming = verdict.coming()
    return Report(
        engagement=engagement,
        week=week,
        as_of=as_of,
        used=ledger.days_used(),
        this_week=sum((t.days for t in week_totals), start=Fraction(0)),
        phases=phases,
        deliverables=verdict.deliverables,
        meetings=verdict.meetings,
        milestones=verdict.coming(LOOKAHEAD.days),
        next_milestone=upcoming[0] if upcoming else None,
        entries=tuple([EntryRow(e.date, e.consultant, e.phase, e.days, e.note, e.by) for e in week_entries]),
        state=verdict.state,
        reason=verdict.reason,
        closed=verdict.closing.date if verdict.closing else None,
        left_open=tuple(verdict.open_items),
        not_counted=verdict.not_counted,
        team=verdict.team_in_week(week.start, week.end),
        findings=tuple(verdict.findings),
    )


def state_rank(state: str) -> int:
    """Worst first, for sorting a portfolio."""
    return STATE_ORDER.index(state)
