"""Plain text that fits the terminal: a month's grid, too wide for it, is turned to a row per day."""

from __future__ import annotations

from collections.abc import Sequence

from engage import (
    TimesheetDocument,
    TimesheetTable,
    heading,
    labelled,
    output_width,
    table,
    weekday_text,
    wrap,
)
from engage_timesheets.catalogue import _
from engage_timesheets.formats.cells import column, is_grid, signed, text


def plain_text(documents: Sequence[TimesheetDocument], width: int | None = None) -> str:
    width = width or output_width()
    return "\n\n".join(one(document, width) for document in documents) + "\n"


def one(document: TimesheetDocument, width: int) -> str:
    lines = [heading(document.title, width)]
    column_at = max((len(label) for label, _ in document.fields), default=10) + 2
    lines += [labelled(label, text(value), width, column_at) for label, value in document.fields]
    for part in document.tables:
        lines += ["", heading(part.title, width, "-"), grid_or_table(part, width)]
    if document.notes:
        lines += ["", heading(_("Flags"), width, "-")]
        for note in document.notes:
            lines += wrap(f"! {note}", width)
    if document.signatures:
        lines += ["", heading(_("Signatures"), width, "-")]
        for line in document.signatures:
            lines += wrap(_("{role}: {name}").format(role=line.role, name=line.name), width)
            lines += ["  " + part for part in wrap(signed(line), width - 2)]
    return "\n".join(lines)


def grid_or_table(part: TimesheetTable, width: int) -> str:
    """The table as it is when it fits ``width``; a grid that does not, one row per day."""
    rows = [*part.rows, *([part.totals] if part.totals else [])]
    headers = [column(c) for c in part.columns]
    shown = [[text(cell) for cell in row] for row in rows]
    natural = sum(max(len(h), *(len(r[i]) for r in shown)) + 2 for i, h in enumerate(headers)) if shown else 0
    if not is_grid(part.columns) or natural <= width:
        return table(headers, shown, width=width)
    days = [c for c in part.columns if not isinstance(c, str)]
    labels = [text(row[0]) for row in rows]
    turned = []
    for index, day in enumerate(days, start=1):
        turned.append([f"{weekday_text(day, 'EEE')} {day:%d}", *(text(row[index]) for row in rows)])
    turned.append([_("Total"), *(text(row[-1]) for row in rows)])
    return table([_("Day"), *labels], turned, width=width)
