"""Babel's extraction method for engage and its plugins: gettext calls, and the help click shows.

Registered as ``engage`` in the ``babel.extractors`` entry-point group, so ``pybabel extract`` with
``[engage: **.py]`` in its mapping finds, beside ``_()``, ``ngettext()``, ``pgettext()`` and
``N_()``, each click command's docstring and each ``help=``/``short_help=`` text, as click shows them.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

HELP_KEYWORDS = ("help", "short_help")
COMMAND_DECORATORS = ("command", "group")
# engage's help texts that commands build theirs from (engage.parsing), and the placeholder each
# stands as in a catalogue: "Figures as of this date: {date_help}."
SHARED_HELP = {
    "DATE_HELP": "date_help",
    "WEEK_HELP": "week_help",
    "MONTH_HELP": "month_help",
    "DAYS_HELP": "days_help",
}
Extracted = tuple[Any, ...]  # (line, function, message or messages, comments), as Babel takes them


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[Extracted]:
    """What a Python file asks to translate: its gettext calls (Babel's own method), then its help."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)  # type: ignore[arg-type]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    yield from click_help(tree)


def click_help(tree: ast.AST) -> Iterator[Extracted]:
    """The docstring of each function decorated as a click command or group, and each ``help=`` text."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _command_decorator(decorator) for decorator in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, None, inspect.cleandoc(doc), []
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                text = _help_text(keyword.value)
                if keyword.arg in HELP_KEYWORDS and text:
                    yield keyword.value.lineno, None, inspect.cleandoc(text), []


def _help_text(value: ast.expr) -> str | None:
    """A help text as written: a string, or one built from strings and engage's shared help texts
    (``f"As of this date: {DATE_HELP}."``, ``DATE_HELP + "."``), each shared text as its placeholder."""
    if isinstance(value, ast.Constant):
        return value.value if isinstance(value.value, str) else None
    if isinstance(value, ast.Name):
        return "{" + SHARED_HELP[value.id] + "}" if value.id in SHARED_HELP else None
    if isinstance(value, ast.JoinedStr):
        parts = [
            _help_text(part.value if isinstance(part, ast.FormattedValue) else part) for part in value.values
        ]
        return "".join(parts) if all(part is not None for part in parts) else None  # type: ignore[arg-type]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _help_text(value.left), _help_text(value.right)
        return left + right if left is not None and right is not None else None
    return None


def _command_decorator(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
    return name in COMMAND_DECORATORS
