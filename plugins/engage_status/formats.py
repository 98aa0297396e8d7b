"""Render status reports as plain text, GitHub Markdown, CSV or JSON (HTML has its own module)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from engage import (
    ConsultantVerdict,
    DeliverableVerdict,
    MeetingVerdict,
    Milestone,
    Section,
    day_of,
    json_text,
    label_text,
    machine,
    plain,
    speaking,
    terminal_text,
)
from engage_status.catalogue import _
from engage_status.report import PhaseRow, Report
from engage_status.sections import md, section_text
from engage_status.tables import header_lines, portfolio_tables, report_tables
from engage_status.voices import shared


def render(reports: Sequence[Report], fmt: str) -> str:
    """The whole report in one format; a portfolio starts with its summary table.

    CSV is one tidy table (a row per engagement and phase); the sectioned text is plain or markdown.
    JSON and CSV are for programs (English, ISO dates, decimal points); the rest for people: each
    engagement's section in its language, a portfolio's summary in the user's (or ``--lang``'s).
    """
    if fmt == "json":
        with machine():
            return json_text([as_json(r) for r in reports])
    if fmt == "csv":
        from engage_status.sheets import tidy_csv

        with machine():
            return tidy_csv(reports)
    if fmt == "html":
        from engage_status.html import page

        text = page(reports)
    else:
        text = _text(reports, markdown=fmt in ("github", "markdown"))
    # Reports people read, paste or open: a control character in a note is shown, never sent
    # raw to a terminal, a wiki or a browser (CSV and JSON keep text byte-exact).
    return terminal_text(text)


def _text(reports: Sequence[Report], markdown: bool) -> str:
    from engage import heading, labelled, output_width

    width = output_width()
    out: list[str] = []

    def emit(item: Section, level: str) -> None:
        out.extend(section_text(item, markdown, level))

    if len(reports) > 1:
        with shared([r.engagement for r in reports]):
            if markdown:
                out += ["# " + _("Status report"), ""]
            for item in portfolio_tables(reports):
                emit(item, "##")
    for report in reports:
        with speaking(report.engagement):
            title = report.engagement.title
            out += [f"# {md(title)}" if markdown else heading(title, width), ""]
            for label, value in header_lines(report):
                out.append(
                    f"- **{label_text(label)}** {md(value)}" if markdown else labelled(label, value, width)
                )
            out.append("")
            for item in report_tables(report):
                emit(item, "##")
    return "\n".join(out).rstrip() + "\n"


def as_json(report: Report) -> dict[str, object]:
    """One engagement's report in the documented JSON shape."""
    engagement = report.engagement
    return {
        "id": engagement.id,
        "title": engagement.title,
        "client": engagement.client,
        "consultants": list(engagement.consultants),
        "supervisor": asdict(engagement.supervisor),
        "week": {"label": report.week.label, "start": report.week.start, "end": report.week.end},
        "as_of": report.as_of,
        "max_days": engagement.max_days,
        "used": report.used,
        "this_week": report.this_week,
        "state": report.state,
        "reason": report.reason,
        "closed": report.closed,
        "next_milestone": _milestone(report.next_milestone),
        "phases": [_phases_json(p) for p in report.phases],
        "team": [_team_json(c) for c in report.team],
        "deliverables": [_deliverables_json(d) for d in report.deliverables],
        "meetings": [_meetings_json(m) for m in report.meetings],
        "milestones": [_milestone(m) for m in report.milestones],
        "entries": [
            {
                "date": e.date,
                "consultant": e.consultant,
                "phase": e.phase,
                "days": e.days,
                "note": e.note,
                "by": e.by,
            }
            for e in report.entries
        ],
        "sections": [_section_json(s) for s in report.sections],
        "findings": [f.as_dict() for f in report.findings],
    }


def _attributes(value: object, *names: str) -> dict[str, object]:
    """The named attributes of ``value``, under their own names: the JSON fields that copy a figure."""
    return {name: getattr(value, name) for name in names}


def _phases_json(p: PhaseRow) -> dict[str, object]:
    figures = ("budget", "used", "this_week", "remaining", "percent")
    return _attributes(p, "key", "name", *figures, "start", "end", "state", "reason")


def _team_json(c: ConsultantVerdict) -> dict[str, object]:
    return {
        **_attributes(c, "key", "name", "role", "budget", "used", "this_week", "remaining", "named"),
        "phases": [
            {"phase": part.phase, "share": part.share, "used": part.used}
            for part in c.phases
            if part.share or part.used  # a phase that leaves them out, and no work there: no row
        ],
    }


def _deliverables_json(d: DeliverableVerdict) -> dict[str, object]:
    return {
        "key": d.key,
        "name": d.name,
        **d.due.fields("due"),
        "state": d.state,
        "status": d.status,
        "status_date": d.since,
        "days_late": d.days_late,
        "reason": d.reason,
    }


def _meetings_json(m: MeetingVerdict) -> dict[str, object]:
    return {
        "key": m.key,
        "name": m.name,
        "kind": m.kind,
        "date": day_of(m.span.start) if m.span.start is not None else None,
        "state": m.state,
        "outcome": m.outcome or None,
        "outcome_date": m.outcome_date,
    }


def _section_json(section: Section) -> dict[str, object]:
    return {
        "title": section.title,
        "headers": list(section.headers),
        "rows": [[plain(cell) for cell in row] for row in section.rows],
        "note": section.note,
    }


def _milestone(milestone: Milestone | None) -> dict[str, object] | None:
    if milestone is None:
        return None
    return {"date": milestone.date, "kind": milestone.kind, "name": milestone.name}
