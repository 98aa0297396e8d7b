"""Cells as each format shows them: figures trimmed (7.5, 0.25), dates ISO, a grid's day short."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from engage import Money, SignatureLine, TimesheetDocument, date_text, decimal_text, plain
from engage_timesheets.catalogue import _


def text(value: object) -> str:
    """A cell for people: 7.5, 1.125, 2026-11-02, $1,500.00; "" for nothing. In a language with a
    decimal comma, 7,5; dates as the language writes them (ISO in English)."""
    if isinstance(value, Fraction | float | int) and not isinstance(value, bool):
        shown = f"{float(value):.3f}".rstrip("0").rstrip(".")  # an hour is 0.125 of an 8-hour day
        return decimal_text(shown) if shown not in ("", "-0") else "0"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date_text(value)
    if isinstance(value, Money):
        return str(value)
    plain_value = plain(value)
    return "" if plain_value is None else str(plain_value)


def column(value: str | dt.date, short: bool = True) -> str:
    """A column's heading: a grid's day as its day of the month ("02"), else the text."""
    if isinstance(value, dt.date):
        return f"{value:%d}" if short else value.isoformat()
    return value


def number(value: object) -> object:
    """A figure for JSON and workbooks: an int where whole, else a float; other cells as they are."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else round(float(value), 4)
    return value


def signed(line: SignatureLine) -> str:
    """What stands on a signature line: the ledger's words, else a line for ink."""
    return line.signed or _("signature: ____________________   date: ____________")


def is_grid(columns: tuple[str | dt.date, ...]) -> bool:
    """True for a table whose columns are days."""
    return any(isinstance(c, dt.date) for c in columns)


def rows_of(document: TimesheetDocument) -> list[list[object]]:
    """The document as rows of cells, top to bottom (CSV and the workbook): the title, the fields,
    each table with its heading and totals, the flags, the signatures; a blank row between parts."""
    rows: list[list[object]] = [[document.title]]
    rows += [[label, value] for label, value in document.fields]
    for table in document.tables:
        rows += [[], [table.title], list(table.columns)]
        rows += [list(row) for row in table.rows]
        if table.totals:
            rows.append(list(table.totals))
    if document.notes:
        notes: list[list[object]] = [[note] for note in document.notes]
        rows += [[], [_("Flags")], *notes]
    if document.signatures:
        rows += [[], [_("Signatures")], [_("Role"), _("Name"), _("Ledger")]]
        rows += [[s.role, s.name, s.signed or _("(signed in ink)")] for s in document.signatures]
    return rows
