"""A self-contained, printable HTML status page with an inline SVG chart per engagement."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from engage import STATE_ORDER, Section, format_budget, format_days, speaking, state_text
from engage_status.catalogue import _
from engage_status.report import Report
from engage_status.sections import section_html
from engage_status.tables import header_lines, portfolio_tables, report_tables
from engage_status.voices import frame, language_tag

STATE_COLOURS = {"on track": "#2e7d32", "at risk": "#ef6c00", "over": "#c62828"}
CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 2.5rem 0 .5rem; border-bottom: 2px solid #1d2733; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
th, td { border: 1px solid #c9d1d9; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td { white-space: pre-line; } td.nowrap { white-space: nowrap; }
.state-on-track, .state-accepted, .state-validated, .state-held { color: #2e7d32; }
.state-at-risk, .state-review-overdue, .state-cancelled, .state-postponed { color: #ef6c00; }
.state-over, .state-late, .state-problem { color: #c62828; } .state-closed { color: #57606a; }
.note { color: #57606a; font-style: italic; }
svg text { font: 12px system-ui, sans-serif; }
@media print { body { margin: 0; max-width: none; } h1 { break-before: page; }
               h1:first-of-type { break-before: auto; } table, svg { break-inside: avoid; } }
"""


def page(reports: Sequence[Report]) -> str:
    """The whole report as one HTML document: no scripts, no external resources.

    One engagement's page speaks its language; a portfolio's speaks the user's (or ``--lang``'s),
    each engagement's section its own (marked with its ``lang`` where the two differ)."""
    with frame(reports):
        page_lang = language_tag()
        if len(reports) > 1:
            title = _("Status report")
        else:
            title = _("Status: {title}").format(title=reports[0].engagement.title)
        week = reports[0].week.label if reports else ""
        body: list[str] = []
        if len(reports) > 1:
            body.append("<h1>" + escape(_("Portfolio, {week}").format(week=week)) + "</h1>")
            body += [_table(item) for item in portfolio_tables(reports)]
        for report in reports:
            with speaking(report.engagement):
                body += _section(report, page_lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(page_lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} ({escape(week)})</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _section(report: Report, page_lang: str) -> list[str]:
    """One engagement's section, in the language in force (its own)."""
    lang = language_tag()
    attribute = f' lang="{escape(lang)}"' if lang != page_lang else ""
    body = [f'<section id="{escape(report.engagement.id)}"{attribute}>']
    body.append(f"<h1>{escape(report.engagement.title)}</h1>")
    body.append(
        "<dl>"
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in header_lines(report))
        + "</dl>"
    )
    body.append("<h2>" + escape(_("Days used against budget")) + "</h2>")
    body.append(chart(report))
    body += [f"<h2>{escape(t.title)}</h2>{_table(t)}" for t in report_tables(report)]
    body.append("</section>")
    return body


def _table(item: Section) -> str:
    return section_html(item, _cell_class)


# Every state a table's state column starts with, for its colour (the CSS names them in English).
_STATES = (*STATE_ORDER, "accepted", "validated", "held", "review overdue", "cancelled", "postponed")


def _cell_class(header: str, text: str) -> str:
    """States in their colour; dates never broken across lines."""
    if header == _("state"):
        found = text.split(":")[0].split(",")[0]
        known = {state_text(state): state for state in _STATES}
        return "state-" + known.get(found.strip(), found).replace(" ", "-")
    return "nowrap" if header in (_("window"), _("due"), _("date"), _("since")) else ""


def chart(report: Report) -> str:
    """Horizontal bars, one per phase: the budget as an outline, days used filled in the state's colour."""
    bar_width, row_height = 560, 26
    # Labels right-aligned before the bars, as wide as the longest phase name (about 6.4 px a
    # character at the chart's 11 px): a French "Briefing, revue documentaire et préparation" was cut.
    longest = max([len(p.name) for p in report.phases] + [0])
    label_width = max(190, min(360, round(6.4 * longest) + 12))
    scale_max = float(max([p.budget for p in report.phases] + [p.used for p in report.phases] + [1]))
    height = row_height * len(report.phases) + 30
    width = label_width + bar_width + 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-{escape(report.engagement.id)}">',
        f'<title id="chart-{escape(report.engagement.id)}">'
        + escape(_("Days used against budget per phase, {title}").format(title=report.engagement.title))
        + "</title>",
    ]
    for i, phase in enumerate(report.phases):
        y = 10 + i * row_height
        budget = bar_width * float(phase.budget) / scale_max
        used = bar_width * float(phase.used) / scale_max
        colour = STATE_COLOURS[phase.state]
        parts += [
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(phase.name)}</text>',
            f'<rect x="{label_width}" y="{y + 2}" width="{budget:.1f}" height="16" fill="#eef2f6" '
            'stroke="#8c959f"/>',
            f'<rect class="used" x="{label_width}" y="{y + 5}" width="{used:.1f}" height="10" '
            f'fill="{colour}"><title>'
            + escape(
                _("{phase}: {used} of {budget} days ({state})").format(
                    phase=phase.name,
                    used=format_days(phase.used),
                    budget=format_budget(phase.budget),
                    state=state_text(phase.state),
                )
            )
            + "</title></rect>",
            f'<text x="{label_width + max(budget, used) + 8:.1f}" y="{y + 15}">'
            f"{format_days(phase.used)} / {format_budget(phase.budget)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
