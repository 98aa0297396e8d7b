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
                text = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
                if keyword.arg in HELP_KEYWORDS and isinstance(text, str) and text:
                    yield keyword.value.lineno, None, inspect.cleandoc(text), []


def _command_decorator(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
    return name in COMMAND_DECORATORS
