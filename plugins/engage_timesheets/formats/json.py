"""JSON: every sheet whole; figures as numbers, dates ISO, money as amount, currency and text."""

from __future__ import annotations

from collections.abc import Sequence

from engage import Money, TimesheetDocument, json_text, plain
from engage_timesheets.formats.cells import column, number


def value(cell: object) -> object:
    if cell is None:
        return None
    if isinstance(cell, Money):
        return {"amount": float(cell.amount), "currency": cell.currency, "text": str(cell)}
    return plain(number(cell))


def shape(document: TimesheetDocument) -> dict[str, object]:
    return {
        "title": document.title,
        "fields": [{"label": label, "value": value(v)} for label, v in document.fields],
        "tables": [
            {
                "title": t.title,
                "columns": [column(c, short=False) for c in t.columns],
                "rows": [[value(c) for c in row] for row in t.rows],
                "totals": [value(c) for c in t.totals],
            }
            for t in document.tables
        ],
        "flags": list(document.notes),
        "signatures": [{"role": s.role, "name": s.name, "signed": s.signed} for s in document.signatures],
    }


def json_sheet(documents: Sequence[TimesheetDocument]) -> str:
    return json_text({"sheets": [shape(document) for document in documents]})
