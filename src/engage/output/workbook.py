"""Write Excel workbooks (openpyxl, imported only here): one sheet per table, real numbers and dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from engage.errors import EngageError
from engage.hooktypes import Days, Money
from engage.language import _, using

Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]  # title, headers, rows
_BAD_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_COLUMN_WIDTH = 60


# What a workbook cannot hold (XML 1.0 forbids these controls): shown escaped, "\x0b", never refused.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: object) -> object:
    """A value as a spreadsheet cell: fractions as numbers, dates as dates, None as empty, text with
    the control characters a workbook cannot hold escaped (a vertical tab pasted from Word)."""
    if isinstance(value, str):
        return _NOT_IN_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, Days):
        return cell_value(value.value)
    if isinstance(value, Money):
        return value.amount
    return value


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """One sheet per table, header row bold and frozen, columns as wide as their text (within reason)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not path.parent.is_dir():
        with using(None):
            raise EngageError(_("{folder}: no such folder for the workbook").format(folder=path.parent))
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for title, headers, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title, used))
        sheet.append([cell_value(str(header)) for header in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([cell_value(v) for v in row])
        for row, row_cells in zip(rows, sheet.iter_rows(min_row=2), strict=False):
            for given, cell in zip(row, row_cells, strict=False):
                if isinstance(given, Money):
                    cell.number_format = f'#,##0.00 "{given.currency}"'
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        # printed (or made a PDF): landscape, every column on the page's width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
        for index, header in enumerate(headers, start=1):
            texts = [str(header)] + [_shown(row[index - 1]) for row in rows if index - 1 < len(row)]
            width = min(
                max(len(line) for text in texts for line in (text.splitlines() or [""])) + 2, MAX_COLUMN_WIDTH
            )
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    if not sheets:
        book.create_sheet(_("(empty)"))
    import io

    from engage.storage.atomic import write_file

    whole = io.BytesIO()  # made in memory, then written whole: an old workbook stays if it cannot be
    book.save(whole)
    with using(None):  # a message, if it cannot be written: in the user's language
        write_file(path, whole.getvalue(), _("workbook"))


def _shown(value: object) -> str:
    if isinstance(value, Days | Money):
        return str(value)
    if isinstance(value, dt.date):
        return "2021-11-16"
    if isinstance(value, Fraction | float):
        return f"{float(value):.2f}"
    return "" if value is None else str(value)


def _sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = _BAD_TITLE.sub(" ", title).strip("' ")[:31] or _("Sheet")
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name
