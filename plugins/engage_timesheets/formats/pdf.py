"""PDF with reportlab (imported only here): A4, landscape for a month's grid; the header fields, the
tables with their totals, the flags, and a signature block with a line where the paper is signed.

Text is set in DejaVu Sans where the system has it (accents, most scripts); else in Helvetica, whose
characters are those of Windows-1252: any other is shown as "?" rather than stopping the sheet.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from engage import TimesheetDocument, TimesheetTable, weekday_text
from engage_timesheets.catalogue import _
from engage_timesheets.formats.cells import column, is_grid, text

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
    str(Path.home() / "Library/Fonts/DejaVuSans.ttf"),
    "C:/Windows/Fonts/DejaVuSans.ttf",
)


@cache
def fonts() -> tuple[str, str, bool]:
    """The regular and bold fonts' names, and whether they hold Unicode (False: Helvetica)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for regular in FONT_FILES:
        bold = regular.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
        if Path(regular).is_file():
            try:
                pdfmetrics.registerFont(TTFont("EngageSans", regular))
                pdfmetrics.registerFont(TTFont("EngageSans-Bold", bold if Path(bold).is_file() else regular))
            except Exception:  # a damaged font file: the built-in font will do
                continue
            return "EngageSans", "EngageSans-Bold", True
    return "Helvetica", "Helvetica-Bold", False


def shown(value: str) -> str:
    """Text the font can draw, escaped for reportlab's markup."""
    if not fonts()[2]:
        value = value.encode("cp1252", "replace").decode("cp1252")
    return escape(value)


def pdf_bytes(documents: Sequence[TimesheetDocument]) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    wide = any(is_grid(t.columns) and len(t.columns) > 10 for d in documents for t in d.tables)
    size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=documents[0].title if documents else _("Timesheet"),
        author="engage",
    )
    story: list[object] = []
    for number, document in enumerate(documents):
        if number:
            story.append(PageBreak())
        story += flowables(document, size[0] - 24 * mm)
    pdf.build(story)
    return buffer.getvalue()


def styles() -> dict[str, object]:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold, _unicode = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, spaceAfter=6),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=10, leading=13, spaceBefore=8, spaceAfter=3
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=11),
        "label": ParagraphStyle("label", fontName=bold, fontSize=9, leading=11),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7, leading=8.5),
        "flag": ParagraphStyle("flag", fontName=regular, fontSize=9, leading=11, textColor="#a00000"),
        "small": ParagraphStyle("small", fontName=regular, fontSize=7.5, leading=9),
    }


def flowables(document: TimesheetDocument, width: float) -> list[object]:
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    style = styles()
    story: list[object] = [Paragraph(shown(document.title), style["title"])]
    if document.fields:
        rows = [
            [Paragraph(shown(label), style["label"]), Paragraph(shown(text(value)), style["body"])]
            for label, value in document.fields
        ]
        fields = Table(rows, colWidths=[width * 0.28, width * 0.72], hAlign="LEFT")
        fields.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
        )
        story.append(fields)
    for part in document.tables:
        story += [Paragraph(shown(part.title), style["heading"]), pdf_table(part, width)]
    if document.notes:
        story.append(Paragraph(shown(_("Flags")), style["heading"]))
        story += [Paragraph(shown(f"! {note}"), style["flag"]) for note in document.notes]
    if document.signatures:
        story += [Spacer(1, 10), signature_block(document, width)]
    return story


def pdf_table(part: TimesheetTable, width: float) -> object:
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = styles()
    regular, bold, _unicode = fonts()
    grid = is_grid(part.columns)
    head = [
        shown(c) if isinstance(c, str) else shown(weekday_text(c, "EEEEEE") + "\n" + column(c))
        for c in part.columns
    ]
    body = [*part.rows, *([part.totals] if part.totals else [])]
    first = max(width * 0.22, 90.0)
    cells = [[Paragraph(f"<b>{h}</b>", style["cell"]) if i == 0 else h for i, h in enumerate(head)]]
    for row in body:
        cells.append(
            [
                Paragraph(shown(text(c)), style["cell"]) if i == 0 else shown(text(c))
                for i, c in enumerate(row)
            ]
        )
    if grid:  # the label, the days, and a total a little wider than a day
        rest = (width - first) / (len(part.columns) - 1 + 0.6)
        widths: list[float] | None = [first, *([rest] * (len(part.columns) - 2)), rest * 1.6]
    else:
        widths = None
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), 7 if grid else 8),
        ("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
        ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER" if grid else "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    # No weekend shaded: which days are worked depends on where (Friday and Saturday in Dhaka).
    for index, name in enumerate(part.columns):
        if isinstance(name, str) and index and not grid and all(isinstance(r[index], str) for r in part.rows):
            commands.append(("ALIGN", (index, 0), (index, -1), "LEFT"))
    if part.totals:
        commands += [("FONTNAME", (0, -1), (-1, -1), bold), ("LINEABOVE", (0, -1), (-1, -1), 1.2, "#000000")]
    table.setStyle(TableStyle(commands))
    return table


def signature_block(document: TimesheetDocument, width: float) -> object:
    """One column per signature (an empty one between two, so that each has its own line): the role,
    the name, a line to sign on, and what the ledger says."""
    from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

    style = styles()
    count = len(document.signatures)
    gap = 18.0

    def spaced(cells: list[object]) -> list[object]:
        return [cell for index, each in enumerate(cells) for cell in ([each] if index == 0 else ["", each])]

    said = [s.signed or _("Signature and date") for s in document.signatures]
    rows = [
        spaced([Paragraph(shown(s.role), style["label"]) for s in document.signatures]),
        spaced([Paragraph(shown(s.name), style["body"]) for s in document.signatures]),
        spaced(["" for _signature in document.signatures]),
        spaced([Paragraph(shown(text), style["small"]) for text in said]),
    ]
    each = (width - gap * (count - 1)) / count
    widths = [w for index in range(count) for w in ([each] if index == 0 else [gap, each])]
    table = Table(rows, colWidths=widths, rowHeights=[None, None, 34, None], hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]
    for index in range(count):
        commands.append(("LINEBELOW", (index * 2, 2), (index * 2, 2), 0.8, "#000000"))
    table.setStyle(TableStyle(commands))
    return KeepTogether([table])
