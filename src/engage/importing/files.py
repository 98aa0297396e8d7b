"""A file given on the command line read whole, or a one-line error naming it: for every importer."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from engage.errors import EngageError
from engage.language import N_, _, ngettext

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # more than any tracker writes in a working life
CHUNK_BYTES = 8 * 1024 * 1024


def read_file(path: Path, what: str, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The file's bytes (standard input's for ``-``), or an error naming the file and saying ``what``
    to give instead ("a CSV timesheet", "a Watson frames file").

    Only a regular file, a pipe (``<(timew export)``) or standard input is
    read, and at most ``limit`` bytes of it: a device (``/dev/zero``) or a
    folder is refused before a byte is read, a longer file after ``limit``.
    """
    if str(path) == "-":
        return _capped(sys.stdin.buffer, path, limit)
    try:
        kind = _kind(os.stat(path).st_mode)
        if kind is None:
            with path.open("rb") as stream:  # the very file checked: a swap after the stat is refused
                kind = _kind(os.fstat(stream.fileno()).st_mode)
                if kind is None:
                    return _capped(stream, path, limit)
    except FileNotFoundError:
        raise EngageError(_("{path}: no such file; give {what}").format(path=path, what=what)) from None
    except IsADirectoryError:
        kind = N_("a folder")
    except OSError as exc:
        raise EngageError(
            _("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
    raise EngageError(
        _("{path}: is {kind}, not a file; give {what}").format(path=path, kind=_(kind), what=what)
    )


def _kind(mode: int) -> str | None:
    """What a file of ``mode`` is when it is nothing an import reads (None: a regular file or a pipe)."""
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    return N_("a socket") if stat.S_ISSOCK(mode) else N_("no regular file")


def _capped(stream: BinaryIO, path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``, or an error naming the limit when it holds more."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - size)):  # never a buffer of ``limit`` up front
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise EngageError(
                _(
                    "{path}: more than {size}, the most engage reads from one file; "
                    "split it into smaller files and import each"
                ).format(path=path, size=_size(limit))
            )
    return b"".join(chunks)


def _size(count: int) -> str:
    """Bytes as people say them: 256 MB, 64 KB, 100 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return ngettext("{count} byte", "{count} bytes", count).format(count=count)
