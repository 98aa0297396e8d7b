"""The workbook: one sheet per consultant, figures as numbers and dates as dates (``write_workbook``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engage import Sheet, TimesheetDocument, write_workbook
from engage_timesheets.formats.cells import rows_of


def write_xlsx(documents: Sequence[TimesheetDocument], path: Path, names: Sequence[str] = ()) -> None:
    """One sheet per document, named after its consultant (else its title)."""
    sheets: list[Sheet] = []
    for index, document in enumerate(documents):
        rows = rows_of(document)
        name = names[index] if index < len(names) else document.title
        sheets.append((name, [str(cell) for cell in rows[0]], rows[1:]))
    write_workbook(path, sheets)
