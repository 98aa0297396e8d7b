"""CSV: each sheet as rows, top to bottom, as the workbook has it; figures as numbers, dates ISO."""

from __future__ import annotations

from collections.abc import Sequence

from engage import TimesheetDocument, csv_text
from engage_timesheets.formats.cells import number, rows_of


def csv_sheet(documents: Sequence[TimesheetDocument]) -> str:
    rows: list[list[object]] = []
    for document in documents:
        if rows:
            rows.append([])
        rows += [[number(cell) for cell in row] for row in rows_of(document)]
    return csv_text([str(cell) for cell in rows[0]], rows[1:])
