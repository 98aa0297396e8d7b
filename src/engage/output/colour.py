"""Colour for people at a terminal: severities and states, never on pipes unless asked.

The choice, first that applies: ``--color``/``--no-color``; ``FORCE_COLOR`` (any value but
``0``); ``NO_COLOR`` (any non-empty value, see no-color.org); else colour only on a terminal.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

_choice: bool | None = None

# state words as the verdict and the budget checks write them, worst first
_RED = {"error", "over budget", "late", "review overdue", "cancelled"}
_YELLOW = {"warning", "at risk", "problem", "due soon", "changes requested", "postponed"}
_GREEN = {"on track", "accepted", "validated"}
# ANSI colours as click.style writes them; engage writes its own so that `engage log` needs no click
_FG = {"red": 31, "green": 32, "yellow": 33}
_STATE_CELL = re.compile(
    r"(?<![\w-])(error|warning|info|over budget|late|at risk|problem|on track|review overdue|"
    r"due soon|with client|returned|accepted|replaced|cancelled|postponed|validated|changes requested)"
    r"(?=:|\s{2}|$|,)",
    re.MULTILINE,
)


def choose(value: bool | None) -> None:
    """Record ``--color`` (True), ``--no-color`` (False) or neither (None)."""
    global _choice
    _choice = value


def enabled(stream: TextIO | None = None) -> bool:
    """Whether to colour what goes to ``stream`` (standard output by default).

    On a Windows console, only once VT mode is on (:mod:`engage.output.console`): never where it cannot be.
    """
    target = stream or sys.stdout
    wanted = _wanted(target)
    if wanted and sys.platform == "win32" and _console(target):
        from engage.output.console import vt_ready

        return vt_ready(target.fileno())
    return wanted


def _wanted(target: TextIO) -> bool:
    if _choice is not None:
        return _choice
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != "0"
    if os.environ.get("NO_COLOR"):
        return False
    return _console(target)


def _console(target: TextIO) -> bool:
    try:
        return target.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def style(text: str, fg: str, bold: bool | None = None) -> str:
    """``text`` in a colour, bold or (False) explicitly not, as ``click.style`` writes it."""
    weight = "" if bold is None else ("\x1b[1m" if bold else "\x1b[22m")
    return f"\x1b[{_FG[fg]}m{weight}{text}\x1b[0m"


def write(text: str, err: bool = False, nl: bool = True, stream: TextIO | None = None) -> None:
    """Print ``text`` as it is, no colour added or removed (``click.echo`` in engage's commands).

    To ``stream``, else standard error (``err``) or output; nothing where that is closed.
    """
    target = stream if stream is not None else (sys.stderr if err else sys.stdout)
    if target is None:  # started with it closed (``2>&-``), or no console at all (pythonw)
        return
    target.write(text + "\n" if nl else text)
    target.flush()


def paint(text: str) -> str:
    """States and severities in colour where they stand as a cell or a label ("late: ...", "on track")."""

    def cell(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _RED:
            return style(word, "red", bold=True)
        if word in _YELLOW:
            return style(word, "yellow")
        if word in _GREEN:
            return style(word, "green")
        return word

    return _STATE_CELL.sub(cell, text)


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print, painting states when colour is on for that stream.

    The text's own control characters are escaped first (as on any terminal), so
    that only engage's colours reach it: a note cannot send escape sequences.
    """
    stream = sys.stderr if err else sys.stdout
    if not enabled(stream):
        write(text, err, nl)
        return
    from engage.output.formats import terminal_text

    write(paint(terminal_text(text)), err, nl, getattr(stream, "unguarded", stream))


def say(label: str, word: str, message: str) -> None:
    """``label: word: message`` on stderr, the word (error, warning) in its colour when colour is on.

    The word and what follows it are in the user's language ("engage: erreur : ..."); the label is
    the program's name and stays as it is.
    """
    from engage.language import _

    stream = sys.stderr
    shown = severity_text(word)
    if not enabled(stream):
        write(f"{label}: " + _("{word}: {message}").format(word=shown, message=message), err=True)
        return
    from engage.output.formats import terminal_text

    styled = style(shown, "red" if word == "error" else "yellow", bold=word == "error")
    line = f"{label}: " + _("{word}: {message}").format(word=styled, message=terminal_text(message))
    write(line, True, stream=getattr(stream, "unguarded", stream))


def severity_text(word: str) -> str:
    """A severity (``error``, ``warning``, ``aborted``...) in the user's language."""
    from engage.language import pgettext

    words = {
        "error": lambda: pgettext("severity", "error"),
        "warning": lambda: pgettext("severity", "warning"),
        "aborted": lambda: pgettext("severity", "aborted"),
        "info": lambda: pgettext("severity", "info"),
    }
    said = words.get(word)
    return said() if said is not None else word
