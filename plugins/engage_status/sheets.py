"""A status report for spreadsheets: one tidy CSV table, or workbook sheets of real numbers and dates.

The CSV is for programs (written inside ``machine()``: states as ids); a workbook is for people: its
sheet names and headers in one engagement's language, or a portfolio's (``voices.frame``), each
engagement's rows in its own language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from engage import N_, csv_text, day_of, kind_text, speaking, state_text
from engage_status.catalogue import _
from engage_status.report import PhaseRow, Report, state_rank
from engage_status.sections import section_sheets
from engage_status.tables import status_text
from engage_status.voices import frame

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
    return list(dict.fromkeys(title for r in reports for title, _cell in r.columns))


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
    """A phase's figures as cells, in the order of the tidy CSV and the Phases sheet (its state as
    the language in force writes it: the id in CSV)."""
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
        state_text(p.state),
        p.reason,
    )


Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]


def workbook_sheets(reports: Sequence[Report]) -> list[Sheet]:
    """A summary sheet, then a sheet per table and per plugin section; each row names its engagement."""
    with frame(reports):
        return [
            _summary_sheet(reports),
            _sheet(reports, _("Phases"), PHASE_HEADERS, lambda r: [phase_cells(p) for p in r.phases]),
            _sheet(reports, _("Team"), TEAM_HEADERS, _team_rows),
            _sheet(reports, _("Deliverables"), DELIVERABLE_HEADERS, _deliverable_rows),
            _sheet(reports, _("Meetings"), MEETING_HEADERS, _meeting_rows),
            _sheet(
                reports,
                _("Entries this week"),
                ENTRY_HEADERS,
                lambda r: [(e.date, e.consultant, e.phase, e.days, e.note) for e in r.entries],
            ),
            *section_sheets([(r.engagement.id, s) for r in reports for s in r.sections]),
        ]


# Headers, translated where a sheet is made (``_(header)``).
PHASE_HEADERS: tuple[str, ...] = (N_("key"), N_("phase"), N_("budget"), N_("used"), N_("this week"))
PHASE_HEADERS += (N_("remaining"), N_("% used"), N_("start"), N_("end"), N_("state"), N_("reason"))
TEAM_HEADERS: tuple[str, ...] = (
    N_("key"),
    N_("consultant"),
    N_("role"),
    N_("budget"),
    N_("used"),
    N_("this week"),
)
TEAM_HEADERS += (N_("remaining"),)
DELIVERABLE_HEADERS: tuple[str, ...] = (N_("key"), N_("deliverable"), N_("due"), N_("state"))
DELIVERABLE_HEADERS += (N_("last status"), N_("status date"), N_("days late"), N_("reason"))
MEETING_HEADERS: tuple[str, ...] = (
    N_("key"),
    N_("meeting"),
    N_("kind"),
    N_("date"),
    N_("state"),
    N_("outcome"),
)
MEETING_HEADERS += (N_("outcome date"),)
ENTRY_HEADERS = (N_("date"), N_("consultant"), N_("phase"), N_("days"), N_("note"))


def _sheet(
    reports: Sequence[Report],
    title: str,
    headers: Sequence[str],
    rows_of: Callable[[Report], Iterable[Sequence[object]]],
) -> Sheet:
    """One sheet of every engagement's rows, each row led by its engagement's id and written in its
    engagement's language; ``headers`` are translated here."""
    rows = []
    for r in reports:
        with speaking(r.engagement):
            rows += [(r.engagement.id, *row) for row in rows_of(r)]
    return (title, (_("engagement"), *(_(header) for header in headers)), rows)


def _summary_sheet(reports: Sequence[Report]) -> Sheet:
    """A row per engagement, worst first, closed ones last; plugins' portfolio columns before the state."""
    ordered = sorted(reports, key=lambda r: (r.closed is not None, state_rank(r.state)))
    extra = _extra(reports)
    headers: tuple[str, ...] = (_("engagement"), _("client"), _("week"), _("as of"), _("days used"))
    headers += (_("cap"), _("this week"), _("next milestone date"), _("next milestone"), *extra)
    headers += (_("state"), _("reason"), _("closed"))
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
            state_text(r.state),
            r.summary.reason,
            r.closed,
        )
        for r in ordered
    ]
    return (_("Portfolio") if len(reports) > 1 else _("Summary"), headers, rows)


def _team_rows(r: Report) -> list[tuple[object, ...]]:
    return [(c.key, c.name, c.role, c.budget, c.used, c.this_week, c.remaining) for c in r.team]


def _deliverable_rows(r: Report) -> list[tuple[object, ...]]:
    return [
        (d.key, d.name, d.due.day, state_text(d.state), status_text(d.status), d.since, d.days_late, d.reason)
        for d in r.deliverables
    ]


def _meeting_rows(r: Report) -> list[tuple[object, ...]]:
    return [
        (
            m.key,
            m.name,
            kind_text(m.kind),
            day_of(m.span.start) if m.span.start else None,
            state_text(m.state),
            status_text(m.outcome),
            m.outcome_date,
        )
        for m in r.meetings
    ]
