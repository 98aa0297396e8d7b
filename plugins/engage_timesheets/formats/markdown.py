"""Markdown: the fields as a list, each table a GitHub table, the flags and signatures as lists."""

from __future__ import annotations

from collections.abc import Sequence

from engage import TimesheetDocument, label_text, markdown_cell, table
from engage_timesheets.catalogue import _
from engage_timesheets.formats.cells import column, signed, text


def markdown_text(documents: Sequence[TimesheetDocument]) -> str:
    return "\n\n".join(one(document) for document in documents) + "\n"


def one(document: TimesheetDocument) -> str:
    lines = [f"# {markdown_cell(document.title)}", ""]
    lines += [
        f"- **{markdown_cell(label_text(label))}** {markdown_cell(text(value))}"
        for label, value in document.fields
    ]
    for part in document.tables:
        rows = [[text(cell) for cell in row] for row in (*part.rows, *([part.totals] if part.totals else []))]
        lines += [
            "",
            f"## {markdown_cell(part.title)}",
            "",
            table([column(c) for c in part.columns], rows, fmt="github"),
        ]
    if document.notes:
        lines += ["", "## " + _("Flags"), ""] + [f"- {markdown_cell(note)}" for note in document.notes]
    if document.signatures:
        lines += ["", "## " + _("Signatures"), ""]
        lines += [
            f"- **{markdown_cell(label_text(s.role))}** {markdown_cell(s.name)}: {markdown_cell(signed(s))}"
            for s in document.signatures
        ]
    return "\n".join(lines)
