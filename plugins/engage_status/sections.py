"""One section (a titled table with its note) in each format: text, Markdown, HTML, workbook sheets.

The status report and the close-out report both render plugins' sections here, so the rules are one:
the note is always shown (below the table, or in its place when there are no rows); the workbook
has a sheet per title and headers, and a Notes sheet. The words engage adds ("(none)", the Notes
sheet's) are in the language in force.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from engage import Section, Sheet, markdown_cell, output_width, plain, table, wrap
from engage_status.catalogue import _

Cell = Callable[[object], object]


def _same(value: object) -> object:
    return value


def md(value: object) -> object:
    """Text safe in Markdown that wikis render: HTML escaped, pipes escaped, line breaks as <br>."""
    return markdown_cell(value) if isinstance(value, str) else value


def section_text(section: Section, markdown: bool, level: str = "##", cell: Cell = _same) -> list[str]:
    """The section's lines: its title, its table (fitted to the terminal), its note."""
    out = [f"{level} {md(section.title)}" if markdown else section.title, ""]
    if section.rows:
        rows: Sequence[Sequence[object]] = (
            section.rows
        )  # a week's entries: thousands of cells, kept as they are
        if cell is not _same:  # Markdown cells are escaped by table()
            rows = [[cell(c) for c in row] for row in section.rows]
        fmt = "github" if markdown else "simple"
        out.append(table(section.headers, rows, fmt, optional=section.optional))
        if section.note:
            out += ["", _note(section.note, markdown)]
    else:
        out.append(_note(section.note or _("(none)"), markdown))
    out.append("")
    return out


def _note(note: str, markdown: bool) -> str:
    """A note as Markdown, or wrapped to the terminal's width as the cells of a table are."""
    return str(md(note)) if markdown else "\n".join(wrap(note, output_width()))


def section_html(
    section: Section, cell_class: Callable[[str, str], str] | None = None, cell: Cell = _same
) -> str:
    """The section's table and note as HTML; ``cell_class`` gives a cell's CSS class from its header
    and text ("" for none)."""
    note = f'<p class="note">{escape(section.note)}</p>' if section.note else ""
    if not section.rows:
        return note or f'<p class="note">{escape(_("(none)"))}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in section.headers)
    rows = []
    for row in section.rows:
        cells = []
        for header, value in zip(section.headers, row, strict=False):
            text = str(plain(cell(value)))
            css = cell_class(header, text) if cell_class else ""
            attribute = f' class="{css}"' if css else ""
            cells.append(f"<td{attribute}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def section_sheets(sections: Sequence[tuple[str, Section]]) -> list[Sheet]:
    """Workbook sheets for ``(engagement id, section)`` pairs: one per title and headers (a section whose
    headers differ from another of its title gets a sheet of its own), each row naming its engagement;
    then a Notes sheet holding every note, so that none is lost."""
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[object, ...]]] = {}
    for engagement, section in sections:
        rows = groups.setdefault((section.title, tuple(section.headers)), [])
        rows += [(engagement, *row) for row in section.rows]
    sheets: list[Sheet] = [
        (title, (_("engagement"), *headers), rows) for (title, headers), rows in groups.items()
    ]
    return sheets + notes_sheet(sections)


def notes_sheet(sections: Sequence[tuple[str, Section]]) -> list[Sheet]:
    """A Notes sheet of every section's note (none when no section has one)."""
    notes = [(engagement, s.title, s.note) for engagement, s in sections if s.note]
    return [(_("Notes"), (_("engagement"), _("section"), _("note")), notes)] if notes else []
