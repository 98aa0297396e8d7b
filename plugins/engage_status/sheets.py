"""A status report for spreadsheets: one tidy CSV table, or workbook sheets of real numbers and dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from engage import csv_text, day_of
from engage_status.report import PhaseRow, Report, state_rank
from engage_status.sections import section_sheets

TIDY_HEADERS = (
    "engagement_id",
    "engagement",
    "client",
    "week",
    "as_of",
    "state",
    "reason",
    "max_days",
    "days_used",
    "days_this_week",
    "phase_key",
    "phase",
    "phase_budget",
    "phase_used",
    "phase_this_week",
    "phase_remaining",
    "phase_percent_used",
    "phase_start",
    "phase_end",
    "phase_state",
    "phase_reason",
)


def _extra(reports: Sequence[Report]) -> list[str]:
    """Plugins' portfolio columns (``engage_portfolio_columns``), in the order they first appear."""
    return list(dict.fromkeys(title for r in reports for title, _ in r.columns))


def tidy_csv(reports: Sequence[Report]) -> str:
    """One flat table: a row per engagement and phase, every figure in a column of its own.

    Plugins' portfolio columns follow the engagement's own figures, before the phase's.
    """
    extra = _extra(reports)
    split = TIDY_HEADERS.index("phase_key")
    rows = [
        (
            r.engagement.id,
            r.engagement.title,
            r.engagement.client,
            r.week.label,
            r.as_of,
            r.state,
            r.reason,
            r.engagement.max_days,
            r.used,
            r.this_week,
            *(dict(r.columns).get(title, "") for title in extra),
            *phase_cells(p),
        )
        for r in reports
        for p in r.phases
    ]
    return csv_text((*TIDY_HEADERS[:split], *extra, *TIDY_HEADERS[split:]), rows)


def phase_cells(p: PhaseRow) -> tuple[object, ...]:
    """A phase's figures as cells, in the order of the tidy CSV and the Phases sheet."""
    return (
        p.key,
        p.name,
        p.budget,
        p.used,
        p.this_week,
        p.remaining,
        p.percent,
        p.start,
        p.end,
        p.state,
        p.reason,
    )


Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]


def workbook_sheets(reports: Sequence[Report]) -> list[Sheet]:
    """A summary sheet, then a sheet per table and per plugin section; each row names its engagement."""
    return [
        _summary_sheet(reports),
        _sheet(reports, "Phases", PHASE_HEADERS, lambda r: [phase_cells(p) for p in r.phases]),
        _sheet(reports, "Team", TEAM_HEADERS, _team_rows),
        _sheet(reports, "Deliverables", DELIVERABLE_HEADERS, _deliverable_rows),
        _sheet(reports, "Meetings", MEETING_HEADERS, _meeting_rows),
        _sheet(
            reports,
            "Entries this week",
            ("date", "consultant", "phase", "days", "note"),
            lambda r: [(e.date, e.consultant, e.phase, e.days, e.note) for e in r.entries],
        ),
        *section_sheets([(r.engagement.id, s) for r in reports for s in r.sections]),
    ]


PHASE_HEADERS: tuple[str, ...] = ("key", "phase", "budget", "used", "this week", "remaining", "% used")
PHASE_HEADERS += ("start", "end", "state", "reason")
TEAM_HEADERS = ("key", "consultant", "role", "budget", "used", "this week", "remaining")
DELIVERABLE_HEADERS: tuple[str, ...] = ("key", "deliverable", "due", "state", "last status", "status date")
DELIVERABLE_HEADERS += ("days late", "reason")
MEETING_HEADERS = ("key", "meeting", "kind", "date", "state", "outcome", "outcome date")


def _sheet(
    reports: Sequence[Report],
    title: str,
    headers: Sequence[str],
    rows_of: Callable[[Report], Iterable[Sequence[object]]],
) -> Sheet:
    """One sheet of every engagement's rows, each row led by its engagement's id."""
    rows = [(r.engagement.id, *row) for r in reports for row in rows_of(r)]
    return (title, ("engagement", *headers), rows)


def _summary_sheet(reports: Sequence[Report]) -> Sheet:
    """A row per engagement, worst first, closed ones last; plugins' portfolio columns before the state."""
    ordered = sorted(reports, key=lambda r: (r.closed is not None, state_rank(r.state)))
    extra = _extra(reports)
    headers: tuple[str, ...] = ("engagement", "client", "week", "as of", "days used", "cap", "this week")
    headers += ("next milestone date", "next milestone", *extra, "state", "reason", "closed")
    rows = [
        (
            r.engagement.title,
            r.engagement.client,
            r.week.label,
            r.as_of,
            r.used,
            r.engagement.max_days,
            r.this_week,
            r.next_milestone.date if r.next_milestone else None,
            r.next_milestone.name if r.next_milestone else "",
            *(dict(r.columns).get(title) for title in extra),
            r.state,
            r.reason,
            r.closed,
        )
        for r in ordered
    ]
    return ("Portfolio" if len(reports) > 1 else "Summary", headers, rows)


def _team_rows(r: Report) -> list[tuple[object, ...]]:
    return [(c.key, c.name, c.role, c.budget, c.used, c.this_week, c.remaining) for c in r.team]


def _deliverable_rows(r: Report) -> list[tuple[object, ...]]:
    return [
        (d.key, d.name, d.due.day, d.state, d.status, d.since, d.days_late, d.reason) for d in r.deliverables
    ]


def _meeting_rows(r: Report) -> list[tuple[object, ...]]:
    return [
        (
            m.key,
            m.name,
            m.kind,
            day_of(m.span.start) if m.span.start else None,
            m.state,
            m.outcome,
            m.outcome_date,
        )
        for m in r.meetings
    ]
