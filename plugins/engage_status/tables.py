"""A report as titled tables (Sections) of plain values, shared by the text, HTML and CSV formats."""

from __future__ import annotations

from collections.abc import Sequence

from engage import Section, format_budget, format_days
from engage_status.report import Report, state_rank


def header_lines(report: Report) -> list[tuple[str, str]]:
    """The report's heading facts, as (label, value)."""
    engagement = report.engagement
    return [
        ("Client", engagement.client),
        (
            "Consultants",
            ", ".join(c.key for c in engagement.team) + " (see Team)"
            if len(engagement.team) > 1
            else ", ".join(engagement.consultants) or "(not named)",
        ),
        ("Supervisor", engagement.supervisor.label),
        ("Week", f"{report.week.label} ({report.week.start} – {report.week.end}), as of {report.as_of}"),
        (
            "Days used",
            f"{format_days(report.used)} of {format_budget(engagement.max_days)} "
            f"({format_days(report.this_week)} this week)"
            + (
                f"; {format_days(report.not_counted)} more dated after {report.as_of}, not counted yet"
                if report.not_counted
                else ""
            ),
        ),
        ("State", report.reason),
        *([("Recorded", recorders)] if (recorders := recorded_by(report)) else []),
    ]


def recorded_by(report: Report) -> str:
    """Who recorded the week's entries, for a team (several consultants, or entries one person
    recorded for another): "Ann 3 (1 for Ben), Ben 2"; "" when there is nothing to tell."""
    counts: dict[str, list[int]] = {}  # who recorded -> [entries, of them for someone else]
    for entry in report.entries:
        if entry.by:
            mine = counts.setdefault(entry.by, [0, 0])
            mine[0] += 1
            mine[1] += entry.by != entry.consultant
    if len(report.engagement.team) < 2 or not counts:
        return ""
    parts = []
    for who, (made, others) in sorted(counts.items()):
        names = sorted({e.consultant for e in report.entries if e.by == who and e.consultant != who})
        parts.append(f"{who} {made}" + (f" ({others} for {', '.join(names)})" if others else ""))
    return ", ".join(parts) + " entries this week"


def _phase_table(report: Report) -> Section:
    """Each phase's budget, days used, window and state."""
    return Section(
        "Phases",
        ("key", "phase", "budget", "used", "this week", "remaining", "% used", "window", "state"),
        tuple(
            (
                p.key,
                p.name,
                format_budget(p.budget),
                format_days(p.used),
                format_days(p.this_week),
                format_days(p.remaining),
                f"{p.percent:.0f}%",
                f"{p.start} – {p.end}",
                p.reason,
            )
            for p in report.phases
        ),
        optional=("remaining", "this week", "% used"),
    )


def _team_table(report: Report) -> Section:
    """Each consultant's budget, days used and left."""
    return Section(
        "Team",
        ("key", "consultant", "role", "budget", "used", "this week", "remaining"),
        tuple(
            (
                c.key,
                c.name if c.named else f"{c.name} (not in the schedule)",
                c.role,
                format_budget(c.budget) if c.budget is not None else "",
                format_days(c.used),
                format_days(c.this_week),
                format_days(c.remaining) if c.remaining is not None else "",
            )
            for c in report.team
        ),
        optional=("remaining", "this week", "role"),
    )


def _deliverable_table(report: Report) -> Section:
    """Each deliverable's due date, state and why."""
    return Section(
        "Deliverables",
        ("key", "deliverable", "due", "state", "last status", "days late", "why"),
        tuple(
            (
                d.key,
                d.name,
                d.due.day or "waiting",
                d.state,
                f"{d.status} {d.since}" if d.since else d.status,
                d.days_late or "",
                d.reason,
            )
            for d in report.deliverables
        ),
        optional=("last status",),
    )


def report_tables(report: Report) -> list[Section]:
    """Phases, deliverables, milestones, the week's entries, then plugin sections."""
    tables = [
        _phase_table(report),
        _team_table(report),
        _deliverable_table(report),
        Section(
            "Meetings",
            ("key", "meeting", "kind", "when", "state", "note"),
            tuple((m.key, m.name, m.kind, m.span.text(), m.state, m.note) for m in report.meetings),
            note="" if report.meetings else "No meetings in this schedule.",
            optional=("kind",),
        ),
        Section(
            "Next two weeks",
            ("date", "kind", "milestone or meeting"),
            tuple((m.date, m.kind, m.name) for m in report.milestones),
            note="" if report.milestones else "Nothing due in the next two weeks.",
        ),
        Section(
            f"Entries in {report.week.label}",
            ("date", "consultant", "phase", "days", "note"),
            _entry_rows(report),
            note="" if report.entries else "No time logged this week.",
        ),
    ]
    tables += [
        Section(s.title, tuple(s.headers), tuple(tuple(r) for r in s.rows), s.note, tuple(s.optional))
        for s in report.sections
    ]
    return tables


def _entry_rows(report: Report) -> tuple[tuple[str, str, str, str, str], ...]:
    """The week's entries as table rows; dates and amounts repeat, so each is written out once."""
    dates: dict[int, str] = {}  # by identity: equal values read from the ledger are mostly one object
    days: dict[int, str] = {}
    rows = []
    for e in report.entries:
        date = dates.get(id(e.date)) or dates.setdefault(id(e.date), e.date.isoformat())
        amount = days.get(id(e.days)) or days.setdefault(id(e.days), format_days(e.days))
        rows.append((date, e.consultant, e.phase, amount, e.note))
    return tuple(rows)


def portfolio_tables(reports: Sequence[Report]) -> list[Section]:
    """The summary a portfolio report starts with: live engagements, worst first, then closed ones."""
    live = sorted((r for r in reports if r.closed is None), key=lambda r: state_rank(r.state))
    closed = [r for r in reports if r.closed is not None]
    extra = list(dict.fromkeys(title for r in live for title, _ in r.columns))  # plugins' columns, in order
    tables = [
        Section(
            "Portfolio",
            ("engagement", "client", "days used / cap", "this week", "next milestone", *extra, "state"),
            tuple(
                (
                    r.engagement.title,
                    r.engagement.client,
                    f"{format_days(r.used)} / {format_budget(r.engagement.max_days)}",
                    format_days(r.this_week),
                    f"{r.next_milestone.date} {r.next_milestone.name}" if r.next_milestone else "none ahead",
                    *(dict(r.columns).get(title, "") for title in extra),
                    r.reason,
                )
                for r in live
            ),
            note="" if live else "No live engagements.",
            optional=("client", "this week"),
        )
    ]
    if closed:
        tables.append(
            Section(
                "Closed engagements",
                ("engagement", "closed", "days used / cap", "left open"),
                tuple(
                    (
                        r.engagement.title,
                        r.closed,
                        f"{format_days(r.used)} / {format_budget(r.engagement.max_days)}",
                        "; ".join(r.left_open) or "nothing",
                    )
                    for r in closed
                ),
            )
        )
    return tables
