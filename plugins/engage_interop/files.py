"""Reading another tool's file: text or JSON, with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engage import EngageError, read_file
from engage_interop.catalogue import _


def read_text(path: Path, what: str) -> str:
    """The file's text (UTF-8, a byte-order mark allowed), or an error naming it."""
    raw = read_file(path, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EngageError(
            _("{path}: byte {byte}: not UTF-8 text; give {what}").format(path=path, byte=exc.start, what=what)
        ) from None


def read_json(path: Path, what: str) -> Any:
    """The file's JSON value, or an error naming the line and column where it breaks."""
    try:
        return json.loads(read_text(path, what))
    except json.JSONDecodeError as exc:
        raise EngageError(
            _("{where}: not valid JSON ({why}); give {what}").format(
                where=f"{path}:{exc.lineno}:{exc.colno}", why=exc.msg, what=what
            )
        ) from None
    except RecursionError:
        raise EngageError(
            _("{path}: JSON nested too deeply to read; give {what}").format(path=path, what=what)
        ) from None


def read_json_array(path: Path, what: str, each: str, many: str) -> list[tuple[str, Any]]:
    """Each element of the file's JSON array with where it stands (``PATH: frame 3``), or an error
    naming the file when it holds no array; ``each`` is what one element is (interval, frame) and
    ``many`` what several are, both in the language in force."""
    found = read_json(path, what)
    if not isinstance(found, list):
        raise EngageError(
            _("{path}: not a list of {each}; give {what}").format(path=path, each=many, what=what)
        )
    return [(f"{path}: {each} {number}", element) for number, element in enumerate(found, start=1)]
