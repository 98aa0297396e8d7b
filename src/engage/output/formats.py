"""Write tables and records for people and programs: aligned text, CSV, JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, TextIO

from engage.hooktypes import Days, Money
from engage.language import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"  # what starts a guarded cell; engage.importing.timesheet.unguard takes it off again
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z")
# C0 and C1 controls but tab and newline, bidirectional overrides, and the lone surrogates that
# stand for bytes that were not UTF-8 (a note typed in a Latin-1 terminal).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


KEPT_BYTES = "engage-kept-bytes"  # the error handler every stream and file engage writes text to uses


def kept_bytes(error: UnicodeError) -> tuple[bytes, int]:
    """Encoding a lone surrogate: one that stands for a byte that was not UTF-8 is written as that
    byte (what ``surrogateescape`` does), any other (``\\ud800`` in a JSON line) as the text
    ``\\ud800``, rather than failing the whole command."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = bytearray()
    for char in error.object[error.start : error.end]:
        code = ord(char)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}".encode("ascii")
    return bytes(out), error.end


def register_kept_bytes() -> None:
    """Make :data:`KEPT_BYTES` known to the codecs (again is harmless)."""
    import codecs

    codecs.register_error(KEPT_BYTES, kept_bytes)


def terminal_text(text: str) -> str:
    """Text safe for a terminal: control characters shown escaped (``\\x1b``), never sent raw."""
    return _UNSAFE.sub(_escaped, text)


class TerminalWriter:
    """A terminal's stream that shows control characters escaped: nothing a note holds can drive it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.unguarded = stream  # for engage.output.colour, which escapes the text itself before styling it

    def write(self, text: str) -> int:
        """Write text with control characters escaped."""
        return self._stream.write(terminal_text(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def plain(value: object) -> object:
    """A cell as JSON and tables want it: dates as ISO text, fractions as floats."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else round(float(value), 4)
    if value is None:
        return ""
    if isinstance(value, Days):  # a number for JSON and CSV
        return plain(value.value)
    if isinstance(value, Money):
        return str(value)
    return value


_TYPED = (Days, Money)  # typed cells: shown to people as they read them, "1.5", "€1,250.50"


def _text(cell: object) -> str:
    return str(cell if type(cell) in _TYPED else plain(cell))


_MARKDOWN_TABLES = ("github", "pipe")


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
    if fmt == "simple":
        from engage.output.terminal import fit_table, output_width

        text = [
            [c if type(c) is str else str(c if type(c) in _TYPED else plain(c)) for c in row] for row in rows
        ]
        if not text:
            return _("(none)")
        return fit_table(
            [str(h) for h in headers], text, output_width() if width is None else width, optional
        )
    body = [[cell if type(cell) in _TYPED else plain(cell) for cell in row] for row in rows]
    if not body:
        return _("(none)")
    if fmt in _MARKDOWN_TABLES:  # every Markdown table escapes here, whoever made its rows
        headers = [markdown_cell(h) for h in headers]
        body = [[markdown_cell(c) if isinstance(c, str) else c for c in row] for row in body]
    from tabulate import tabulate

    return tabulate(body, headers=list(headers), tablefmt=fmt, disable_numparse=True)


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that would start a formula is quoted with '.

    Numbers stay numbers (-0.75 is not guarded), and a cell that starts with
    the guard itself is guarded too, so that import takes exactly one off.
    """
    value = plain(value)
    if not isinstance(value, str) or _NUMBER.match(value):
        return value
    guarded = value.startswith(GUARD) and value[1:2] in (*FORMULA_STARTS, GUARD)
    if value.startswith(FORMULA_STARTS) or guarded:
        return GUARD + value
    return value


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row, every cell spreadsheet-safe."""
    import csv

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
    text = json.dumps(data, indent=indent, ensure_ascii=False, default=plain)
    # A lone surrogate (a byte that was not UTF-8) stays a JSON escape that reads back the same.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})


def markdown_cell(value: object) -> str:
    """Text shown as typed in Markdown that wikis render, in a table or a line: the one escaper of every
    Markdown output. HTML is escaped (no ``<script>``, no ``onerror=``), Markdown's marks are
    backslashed (no link, image, emphasis or code made by a note, no cell ended by a pipe), and
    line breaks are ``<br>``."""
    import html

    text = html.escape(str(value), quote=False).translate(_MARKDOWN)
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


SUFFIX_FORMATS = {
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".pdf": "pdf",
}


def chosen_format(fmt: str | None, output: str | None, offered: Sequence[str]) -> str:
    """``--format``, else what ``-o FILE``'s extension says (status.xlsx: xlsx), else plain.

    A format that contradicts the file's extension (``--format csv -o s.xlsx``) is refused, so
    no file holds what its name says it does not.
    """
    from pathlib import Path

    from engage.errors import EngageError

    implied = SUFFIX_FORMATS.get(Path(output).suffix.lower()) if output else None
    if implied is not None and implied not in offered:
        implied = None
    if fmt is None:
        return implied or "plain"
    fmt = fmt.lower()
    same = {fmt, "markdown" if fmt == "github" else fmt}
    if (
        implied in ("xlsx", "csv", "json", "html", "pdf") and implied not in same
    ):  # text into .md or .txt is fine
        from engage.language import _

        raise EngageError(
            _(
                "--format {format} but -o {output} names a {implied} file; "
                "give -o a .{format} name, or leave out --format"
            ).format(format=fmt, output=output, implied=implied)
        )
    return fmt
