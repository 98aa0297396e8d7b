"""Timesheet CSV read strictly: every row accounted for, or an error naming the row.

Quoting is fixed (``"``, doubled inside a cell) and checked strictly, so an
unbalanced quote cannot swallow the rows after it into one note: either the
parser stops on it, or a cell is found to hold a line that looks like a row
of its own, and the row where the quote opened is named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from engage.errors import EngageError
from engage.language import _
from engage.output.formats import FORMULA_STARTS, GUARD

MAX_CELL_BYTES = 128 * 1024
_ROW_START = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*[,;\t]")
_GUARDED = (*FORMULA_STARTS, GUARD)


def read_text(file: Path, data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark; any other encoding is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EngageError(
            _("{file}: is UTF-16 text; save it as UTF-8 CSV (with or without a BOM)").format(file=file)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EngageError(
            f"{file}: line {line}: "
            + _("byte {byte} is not UTF-8; save the file as UTF-8 CSV (Excel: 'CSV UTF-8')").format(
                byte=f"0x{data[exc.start]:02x}"
            )
        ) from None


def unguard(cell: str) -> str:
    """A cell as it was before ``engage.output.formats.csv_cell`` guarded it against spreadsheet formulas."""
    if cell.startswith(GUARD) and cell[1:2] and cell[1] in _GUARDED:
        return cell[1:]
    return cell


def rows(
    text: str, file: Path, check_header: Callable[[list[str]], None]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower case, checked) and each non-blank row's cells with the line it starts on."""
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    found = _split_rows(text, delimiter)
    if found is None:
        found = _csv_rows(text, delimiter, file)
    if not found:
        raise EngageError(
            _(
                "{file}: empty; the header row must name date, phase, days (or hours), consultant, note"
            ).format(file=file)
        )
    headers = _header(found[0][1], file)
    check_header(headers)
    quoted = '"' in text  # only a quoted cell can hold a line break
    for line, cells in found[1:]:
        if len(cells) > len(headers):
            raise EngageError(
                f"{file}: row {line}: " + _("more cells than columns; quote notes that hold the delimiter")
            )
        if quoted and "\n" in "".join(cells):
            _check_breaks(headers, cells, file, line)
    return headers, found[1:]


def _csv_rows(text: str, delimiter: str, file: Path) -> list[tuple[int, list[str]]]:
    """Each non-blank row (and the first, the header) with the line it starts on, by the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_BYTES)
    found: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if not found or "".join(cells).strip():  # blank rows are left out
                found.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = str(exc)
        if "field larger" in reason:
            reason = _("a cell is longer than {size} KB").format(size=MAX_CELL_BYTES // 1024)
        elif "end of data" in reason or "EOF" in reason:
            reason = _('a quote (") opened here is never closed; close it, or double it ("") inside a note')
        else:
            reason += _('; inside a quoted cell write a quote as ""')
        raise EngageError(f"{file}: row {start}: {reason}") from None
    finally:
        csv.field_size_limit(limit)
    return found


def _split_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]] | None:
    """What :func:`_csv_rows` finds, quicker, for a file with no quote, carriage return or NUL.

    Without quotes a row is one line and a cell what lies between delimiters.
    None (read it with the csv module) for anything else, or a line longer than
    a cell may be, so that the csv module's own errors are kept.
    """
    if not text or '"' in text or "\r" in text or "\0" in text:
        return None
    lines = text.split("\n")
    if max(map(len, lines)) > MAX_CELL_BYTES:
        return None
    found: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not found or line.replace(delimiter, "").strip():  # blank rows are left out
            found.append((number, line.split(delimiter) if line else []))  # as csv: no cell at all
    return found


def _header(cells: list[str], file: Path) -> list[str]:
    headers = [cell.strip().lower() for cell in cells]
    seen: set[str] = set()
    for name in headers:
        if name and name in seen:
            raise EngageError(
                f"{file}: line 1: " + _("column {name} appears twice; keep one").format(name=repr(name))
            )
        seen.add(name)
    return headers


def _check_breaks(headers: list[str], cells: list[str], file: Path, line: int) -> None:
    for cell in cells:
        for offset, inner in enumerate(cell.split("\n")[1:], start=1):
            # A line inside a cell that starts with a date and has a full row's delimiters is a
            # row swallowed by an unbalanced quote, not a note that mentions a date.
            if _ROW_START.match(inner) and sum(inner.count(d) for d in ",;\t") >= len(headers) - 1:
                raise EngageError(
                    f"{file}: row {line}: "
                    + _(
                        "a quote opened in this row runs on over line {line}, which looks like a row of "
                        'its own; close the quote, or double it ("") inside a note'
                    ).format(line=line + offset)
                )
