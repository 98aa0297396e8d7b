"""A file given on the command line read whole, or a one-line error naming it: for every importer."""

from __future__ import annotations

import sys
from pathlib import Path

from engage.errors import EngageError


def read_file(path: Path, what: str) -> bytes:
    """The file's bytes (standard input's for ``-``), or an error naming the file and saying ``what``
    to give instead ("a CSV timesheet", "a Watson frames file")."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise EngageError(f"{path}: no such file; give {what}") from None
    except IsADirectoryError:
        raise EngageError(f"{path}: is a folder; give {what}") from None
    except OSError as exc:
        raise EngageError(f"{path}: cannot read: {exc.strerror or exc}") from None
