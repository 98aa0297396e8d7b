"""The workbook: one sheet per consultant, figures as numbers and dates as dates (``write_workbook``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engage import Sheet, TimesheetDocument, write_workbook
from engage_timesheets.formats.cells import rows_of


def write_xlsx(documents: Sequence[TimesheetDocument], path: Path) -> None:
    sheets: list[Sheet] = []
    for document in documents:
        rows = rows_of(document)
        sheets.append((document.title.split(": ")[-1] or document.title, rows[0], rows[1:]))  # type: ignore[arg-type]
    write_workbook(path, sheets)
