"""Text put into another tool's format so that it cannot change what the format means.

A title, phase, name or note may hold anything: a newline there would start a new
line of time in a timedot file or a new booking in a TaskJuggler file. Text is
either written as one inert line (``one_line``: every character that is not
printable, line breaks among them, escaped) or quoted as a JSON string, which
engage's own readers decode again.
"""

from __future__ import annotations

import json


def _escaped(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a JSON escape of a character beyond the BMP is a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (line breaks, controls) escaped."""
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def quoted(text: str) -> str:
    """``text`` as a JSON string on one line: only printable characters, read back by ``json.loads``."""
    return one_line(json.dumps(text, ensure_ascii=False))
