"""Fit plain text to the terminal: its width, tables whose long text wraps inside cells, wrapped lines."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from functools import lru_cache

PIPE_WIDTH = 100  # piped or redirected output without $COLUMNS
GAP = 2  # spaces between columns
LONGEST_UNBROKEN = 16  # a word longer than this (a URL, an e-mail) may break to fit
NARROWEST = 4
WHOLE = 12  # a cell this short (a date, a figure such as "10.5 / 20") never wraps
RATIO = re.compile(r"\S+ / \S+")  # a figure against its limit, "10.5 / 20", "KES0.00 / KES900,000.00"
ROOMY = 18  # a text column squeezed narrower than this (or its own width) makes a table cramped


def output_width() -> int:
    """The width to fit: $COLUMNS when set, else the terminal's, else 100 for pipes and files."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 20)
    if sys.stdout.isatty():
        return max(shutil.get_terminal_size((PIPE_WIDTH, 24)).columns, 20)
    return PIPE_WIDTH


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Lines of at most ``width`` characters; continuation lines indented by ``indent``."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        pieces = textwrap.wrap(
            paragraph,
            width=max(width, indent + NARROWEST),
            subsequent_indent=" " * indent,
            break_on_hyphens=False,
        )
        out += pieces or [""]
    return out


def label_text(label: str) -> str:
    """A label before its value as the language in force writes it: ``State:``, ``État :``."""
    from engage.language import _

    return _("{label}:").format(label=label)


def labelled(label: str, value: str, width: int, column: int = 13) -> str:
    """``Label:      value`` with the value wrapped under itself (``Libellé :  valeur`` in French).

    Outside English the values start at column 17 at least: French and Spanish labels are longer
    ("Jours utilisés :"), and a block of them stays aligned."""
    from engage.language.formats import english

    if not english():
        column = max(column, 17)
    named = label_text(label)
    if len(named) > column:  # a long label: value on its own indented lines
        return "\n".join([named, *wrap(" " * column + value, width, column)])
    head = f"{named:<{column}}" if len(named) < column else named + " "  # never glued to its value
    return "\n".join(wrap(head + value, width, column))


def heading(title: str, width: int, underline: str = "=") -> str:
    """A title, wrapped to the width, underlined as far as its longest line."""
    lines = wrap(title, width)
    return "\n".join([*lines, underline * max(len(line) for line in lines)])


def fit_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, optional: Sequence[str] = ()
) -> str:
    """An aligned table no wider than ``width``: the widest columns wrap inside their cells first.

    A column is never narrowed below its longest word (up to 16 characters), and short
    cells (dates, figures) never wrap; only when that is still too wide do long words
    break. Columns named in ``optional`` are left out, in that order, while the table
    would otherwise be cramped; a last line says which.
    """
    heads, body = list(headers), [list(row) for row in rows]
    dropped: list[str] = []
    for name in optional:
        if name not in heads:
            continue
        if not _layout(heads, body, width)[1]:
            break
        index = heads.index(name)
        del heads[index]
        for row in body:
            del row[index]
        dropped.append(name)
    widths, _squeezed = _layout(heads, body, width)
    lines = _row_lines(heads, widths)
    lines.append("  ".join("-" * w for w in widths))
    shape = "  ".join(f"{{:<{w}}}" for w in widths)
    columns = list(zip(*body, strict=True)) if body else []
    if all(_natural(c) <= w and "".join(c).isprintable() for c, w in zip(columns, widths, strict=False)):
        lines.extend([shape.format(*row).rstrip() for row in body])  # no cell wraps: a line a row
        body = []
    for row in body:
        if all(len(cell) <= w for cell, w in zip(row, widths, strict=True)) and "".join(row).isprintable():
            lines.append(shape.format(*row).rstrip())  # one line, as _row_lines would make it, faster
        else:
            lines += _row_lines(row, widths)
    if dropped:
        from engage.language import _

        said = _("(not shown at {width} columns: {columns})").format(width=width, columns=", ".join(dropped))
        lines += wrap(said, width)
    return "\n".join(lines)


def _layout(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> tuple[list[int], bool]:
    """Column widths that fit, and whether some text column had to be squeezed hard to fit."""
    columns = list(zip(headers, *rows, strict=True))
    natural = [_natural(column) for column in columns]
    floor = [_column_floor(column) for column in columns]
    widths = _shrink(natural, floor, width)
    if _total(widths) > width:  # break long words first; short cells and figures last of all
        words = [max(min(_longest_word(cell), LONGEST_UNBROKEN) for cell in column) for column in columns]
        kept = [f if f > w else min(f, NARROWEST) for f, w in zip(floor, words, strict=True)]
        widths = _shrink(widths, kept, width)
    if _total(widths) > width:
        widths = _shrink(widths, [min(f, NARROWEST) for f in floor], width)
    cramped = any(w < min(n, ROOMY) for w, n in zip(widths, natural, strict=True))
    return widths, cramped


def _natural(column: Sequence[str]) -> int:
    """The width of a column's longest line."""
    if "".join(column).isprintable():  # no line breaks anywhere: each cell is one line
        return max(map(len, column), default=0)
    return max((_longest_line(cell) for cell in column), default=0)


def _column_floor(column: Sequence[str]) -> int:
    """How narrow a column may go: its header down to its longest word, each cell as ``_floor``."""
    cells = column[1:]
    if not "".join(cells).isprintable():
        return max([_floor(column[0], 0), *map(_floor, cells)])
    # One line each: a short cell is its length, a figure against its limit too; any other long
    # cell goes down to its longest word, so the column to the longest word of them all.
    long = [cell for cell in cells if len(cell) > WHOLE]
    sizes = [len(cell) for cell in cells if len(cell) <= WHOLE]
    sizes += [_floor(cell) for cell in long if " / " in cell]
    words = " ".join(cell for cell in long if " / " not in cell).split()
    if words:
        sizes.append(max(min(max(map(len, words)), LONGEST_UNBROKEN), 1))
    return max([_floor(column[0], 0), *sizes])


@lru_cache(maxsize=65536)  # the same cells are measured in every layout pass
def _floor(cell: str, whole: int = WHOLE) -> int:
    """How narrow a cell may go: a short cell stays whole, a long one down to its longest word."""
    longest = _longest_line(cell)
    if longest <= whole or (whole and longest <= 2 * whole and RATIO.fullmatch(cell)):
        return longest
    return max(min(_longest_word(cell), LONGEST_UNBROKEN), 1)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + GAP * max(len(widths) - 1, 0)


def _shrink(widths: Sequence[int], floor: Sequence[int], width: int) -> list[int]:
    """Narrow the widest column that can give, one character at a time, until the table fits."""
    current = list(widths)
    excess = _total(current) - width
    while excess > 0:
        candidates = [i for i, w in enumerate(current) if w > floor[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: current[i])
        # the gap to the next widest column (at least 1) can go at once
        others = [current[i] for i in candidates if i != widest] + [floor[widest]]
        step = max(1, min(excess, current[widest] - max(o for o in others if o <= current[widest])))
        current[widest] -= step
        excess -= step
    return current


def _row_lines(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    if all(len(cell) <= w and cell.isprintable() for cell, w in zip(cells, widths, strict=True)):
        return ["  ".join([cell.ljust(w) for cell, w in zip(cells, widths, strict=True)]).rstrip()]
    wrapped = [_cell_lines(str(cell), w) for cell, w in zip(cells, widths, strict=True)]
    height = max((len(c) for c in wrapped), default=1)
    out = []
    for n in range(height):
        parts = [(c[n] if n < len(c) else "").ljust(w) for c, w in zip(wrapped, widths, strict=True)]
        out.append("  ".join(parts).rstrip())
    return out


@lru_cache(maxsize=65536)  # a portfolio repeats the same cells (phase names, states) many times
def _cell_lines(text: str, width: int) -> tuple[str, ...]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        if len(line) <= width:
            out.append(line)
        else:
            out += textwrap.wrap(line, width=width, break_on_hyphens=False) or [""]
    return tuple(out)


def _longest_line(text: str) -> int:
    if text.isprintable():  # no line break of any kind: one line
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)


@lru_cache(maxsize=65536)
def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)
