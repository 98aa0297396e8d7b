"""HTML: one standalone, printable page (A4, landscape for a month's grid), every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from engage import TimesheetDocument, TimesheetTable, current_language, weekday_text
from engage_timesheets.catalogue import _
from engage_timesheets.formats.cells import column, is_grid, text

STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 1.5em; }
h1 { font-size: 15pt; margin: 0 0 .4em; } h2 { font-size: 11pt; margin: 1.2em 0 .3em; }
dl.fields { display: grid; grid-template-columns: max-content auto; gap: .15em 1em; margin: 0; }
dl.fields dt { font-weight: bold; } dl.fields dd { margin: 0; }
table { border-collapse: collapse; margin: .2em 0; }
th, td { border: 1px solid #888; padding: 2px 4px; }
td.n { text-align: right; } tr.totals td { font-weight: bold; border-top: 2px solid #111; }
table.grid { font-size: 8pt; } table.grid td.n, table.grid th { min-width: 1.6em; text-align: center; }
th .weekday { font-weight: normal; font-size: 7pt; color: #555; }
ul.flags li { color: #a00; }
.signatures { display: flex; gap: 3em; margin-top: 1.5em; }
.signature { flex: 1; } .signature .line { border-bottom: 1px solid #111; height: 2.6em; }
.signature .role { font-weight: bold; } .signature .ledger { font-size: 8pt; }
section.sheet { page-break-after: always; break-after: page; }
section.sheet:last-child { page-break-after: auto; break-after: auto; }
"""


def html_page(documents: Sequence[TimesheetDocument]) -> str:
    title = escape(documents[0].title if len(documents) == 1 else _("Timesheets"))
    body = "\n".join(one(document) for document in documents)
    lang = escape(current_language().replace("_", "-"))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def one(document: TimesheetDocument) -> str:
    parts = [f'<section class="sheet">\n<h1>{escape(document.title)}</h1>', '<dl class="fields">']
    parts += [f"<dt>{escape(label)}</dt><dd>{escape(text(value))}</dd>" for label, value in document.fields]
    parts.append("</dl>")
    for table in document.tables:
        parts += [f"<h2>{escape(table.title)}</h2>", html_table(table)]
    if document.notes:
        parts += [
            "<h2>" + escape(_("Flags")) + "</h2>",
            '<ul class="flags">',
            *(f"<li>{escape(n)}</li>" for n in document.notes),
            "</ul>",
        ]
    if document.signatures:
        parts.append('<div class="signatures">')
        blank = _("signature and date")
        for line in document.signatures:
            parts.append(
                f'<div class="signature"><div class="role">{escape(line.role)}</div>'
                f"<div>{escape(line.name)}</div>"
                f'<div class="line"></div>'
                f'<div class="ledger">{escape(line.signed or blank)}</div></div>'
            )
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def html_table(table: TimesheetTable) -> str:
    """A table; a grid's day headed by its weekday and its day of the month. No weekend is shaded:
    which days are worked depends on where (Friday and Saturday in Dhaka)."""
    grid = is_grid(table.columns)
    head = "".join(
        f'<th title="{escape(column(c, short=False))}">'
        + ("" if isinstance(c, str) else f'<span class="weekday">{escape(weekday_text(c, "EEE"))}</span><br>')
        + f"{escape(column(c))}</th>"
        for c in table.columns
    )
    rows = []
    for row, totals in [(r, False) for r in table.rows] + ([(table.totals, True)] if table.totals else []):
        cells = "".join(
            f'<td class="{"" if isinstance(c, str) else "n"}">{escape(text(c))}</td>' for c in row
        )
        rows.append(f"<tr{' class=totals' if totals else ''}>{cells}</tr>")
    kind = ' class="grid"' if grid else ""
    return (
        f"<table{kind}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )
