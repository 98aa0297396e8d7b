"""The close-out report in every format: text, Markdown, JSON, tidy CSV, a workbook, HTML with a burn-up.

Written in the language in force: the engagement's (``speaking``), or English for JSON and CSV
(``machine()``), as the ``report`` command chooses.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from engage import csv_text, date_text, format_budget, format_days, json_text, markdown_cell, plain
from engage_status.catalogue import _
from engage_status.closeout import CloseOut, heading_facts
from engage_status.sections import notes_sheet, section_html, section_text


def render_closeout(report: CloseOut, fmt: str) -> str:
    """The report as text in ``fmt`` (xlsx is written by ``write_closeout``)."""
    if fmt == "json":
        return json_text(as_json(report)) + "\n"
    if fmt == "csv":  # the tidy table: one row per phase, consultant and month
        totals = report.sections[1]
        rows = [(report.engagement.id, *row) for row in totals.rows]
        return csv_text(("engagement_id", *totals.headers), rows)
    if fmt == "html":
        return _html(report)
    return _text(report, markdown=fmt in ("markdown", "github"))


def write_closeout(report: CloseOut, path: Path) -> None:
    """A workbook: the heading facts, then a sheet per section."""
    from engage import Sheet, write_workbook

    sheets: list[Sheet] = [(_("Summary"), (_("field"), _("value")), heading_facts(report))]
    sheets += [(s.title[:31], s.headers, s.rows) for s in report.sections]
    sheets += notes_sheet([(report.engagement.id, s) for s in report.sections])
    write_workbook(path, sheets)


def _cell(value: object) -> object:
    """Days and dates as people read them in the language in force."""
    from fractions import Fraction

    if isinstance(value, Fraction):
        return format_days(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date_text(value)
    return value


def _text(report: CloseOut, markdown: bool) -> str:
    from engage import heading, labelled, output_width

    width = output_width()
    from engage import label_text

    title = _("Close-out report: {title}").format(title=report.engagement.title)
    out = [f"# {markdown_cell(title)}" if markdown else heading(title, width), ""]
    for label, value in heading_facts(report):
        out.append(
            f"- **{label_text(label)}** {markdown_cell(value)}" if markdown else labelled(label, value, width)
        )
    out.append("")
    for section in report.sections:
        out += section_text(section, markdown, cell=_cell)
    return "\n".join(out).rstrip() + "\n"


def as_json(report: CloseOut) -> dict[str, object]:
    """The documented JSON shape: heading figures, then each section's headers and rows."""
    return {
        "id": report.engagement.id,
        "title": report.engagement.title,
        "start": report.start,
        "end": report.end,
        "as_of": report.as_of,
        "closed": report.closed or None,
        "state": report.state,
        "reason": report.reason,
        "max_days": report.engagement.max_days,
        "used": report.used,
        "used_total": report.used_total,
        "burn_up": [{"date": d, "days": days} for d, days in report.burn],
        "sections": [
            {
                "title": s.title,
                "headers": list(s.headers),
                "rows": [[plain(c) for c in r] for r in s.rows],
                "note": s.note,
            }
            for s in report.sections
        ],
    }


def _html(report: CloseOut) -> str:
    from engage_status.html import CSS
    from engage_status.voices import language_tag

    title = report.engagement.title
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in heading_facts(report))
    body = [
        "<h1>" + escape(_("Close-out report: {title}").format(title=title)) + "</h1>",
        f"<dl>{facts}</dl>",
        "<h2>" + escape(_("Days used against the plan")) + "</h2>",
        burn_up(report),
    ]
    body += [f"<h2>{escape(s.title)}</h2>{section_html(s, cell=_cell)}" for s in report.sections]
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language_tag())}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>" + escape(_("Close-out: {title}").format(title=title)) + "</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def burn_up(report: CloseOut) -> str:
    """An SVG burn-up: cumulative days used (a step line) against the plan (the cap over the phases)."""
    width, height, left, bottom, top, right = 760, 300, 50, 40, 15, 20
    first = min([report.plan_start, report.start, *(d for d, _ in report.burn)])
    last = max([report.plan_end, *(d for d, _ in report.burn), first + dt.timedelta(days=1)])
    cap = float(report.engagement.max_days)
    y_max = max([cap, *(float(v) for _, v in report.burn), 1.0]) * 1.05
    span = (last - first).days or 1

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day - first).days / span

    def y(days: float) -> float:
        return height - bottom - (height - bottom - top) * days / y_max

    steps, previous = [f"{x(first):.1f},{y(0):.1f}"], 0.0
    for day, total in report.burn:
        steps += [f"{x(day):.1f},{y(previous):.1f}", f"{x(day):.1f},{y(float(total)):.1f}"]
        previous = float(total)
    steps.append(f"{x(min(report.as_of, last)):.1f},{y(previous):.1f}")
    label = escape(_("Days used against the plan, {title}").format(title=report.engagement.title))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{label}"><title>{label}</title>'
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="#8c959f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0):.1f}" stroke="#8c959f"/>'
        f'<line class="cap" x1="{left}" y1="{y(cap):.1f}" x2="{width - right}" y2="{y(cap):.1f}" '
        f'stroke="#c62828" stroke-dasharray="2 3"/>'
        f'<text x="{width - right}" y="{y(cap) - 4:.1f}" text-anchor="end">'
        + escape(_("cap {days} days").format(days=format_budget(cap)))
        + "</text>"
        f'<polyline class="plan" points="{x(report.plan_start):.1f},{y(0):.1f} {x(report.plan_end):.1f},'
        f'{y(cap):.1f}" fill="none" stroke="#57606a" stroke-dasharray="6 4"/>'
        f'<polyline class="used" points="{" ".join(steps)}" fill="none" stroke="#1565c0" stroke-width="2.5"/>'
        f'<text x="{left}" y="{height - 12}">{escape(date_text(first))}</text>'
        f'<text x="{width - right}" y="{height - 12}" text-anchor="end">{escape(date_text(last))}</text>'
        f'<text x="{left + 8}" y="{top + 30}">'
        + escape(_("used: {days} days (blue); plan (grey, dashed)").format(days=format_days(report.used)))
        + "</text></svg>"
    )
