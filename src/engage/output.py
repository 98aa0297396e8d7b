"""Write tables and records for people and programs: aligned text, CSV, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from fractions import Fraction

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: object) -> object:
    """A cell as JSON and tables want it: dates as ISO text, fractions as floats."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else round(float(value), 4)
    if value is None:
        return ""
    return value


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    fmt: str = "simple",
    width: int | None = None,
    optional: Sequence[str] = (),
) -> str:
    """An aligned table: plain text fits ``width`` (default: the terminal's), other formats by tabulate.

    ``optional`` names columns a narrow terminal may leave out, least needed first.
    """
    body = [[plain(cell) for cell in row] for row in rows]
    if not body:
        return "(none)"
    if fmt == "simple":
        from engage.layout import fit_table, output_width

        return fit_table(
            [str(h) for h in headers],
            [[str(cell) for cell in row] for row in body],
            output_width() if width is None else width,
            optional,
        )
    from tabulate import tabulate

    return tabulate(body, headers=list(headers), tablefmt=fmt, disable_numparse=True)


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that would start a formula is quoted with '."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row, every cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def json_text(data: object) -> str:
    """JSON with dates as ISO text and fractions as numbers; indented for a person at a terminal.

    Piped or redirected output is compact, which lets the json module's C
    encoder run: a portfolio's report is written several times faster.
    """
    import sys

    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(data, indent=indent, ensure_ascii=False, default=plain)
