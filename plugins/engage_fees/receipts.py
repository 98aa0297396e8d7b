"""A receipt as an expense keeps it: a regular file, hashed with SHA-256, up to a size limit."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from engage import EngageError
from engage_fees.catalogue import _

LIMIT_BYTES = 50 * 1000 * 1000  # a scan or a photo of a receipt is a few MB; 50 MB is not a receipt
CHUNK = 1 << 20


def receipt_fields(receipt: Path) -> dict[str, object]:
    """The receipt's SHA-256 and full path (the file is never copied); an EngageError when it is not
    a regular file (a device, a FIFO, a folder: reading one could never end) or is too large."""
    where = f"--receipt {receipt}"
    try:
        # O_NONBLOCK: opening a FIFO waits for a writer without it; the mode is checked before a read.
        fd = os.open(receipt, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise EngageError(
            _("{where}: not a regular file but a folder; give the receipt's file").format(where=where)
        ) from None
    except OSError as exc:
        raise EngageError(_cannot_read(where, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise EngageError(
                _("{where}: not a regular file ({kind}); give the receipt's file").format(
                    where=where, kind=_kind(info.st_mode)
                )
            )
        if info.st_size > LIMIT_BYTES:
            raise EngageError(_too_large(where))
        digest = hashlib.sha256()
        read = 0
        while chunk := os.read(fd, CHUNK):
            read += len(chunk)
            if read > LIMIT_BYTES:  # it grew while read
                raise EngageError(_too_large(where))
            digest.update(chunk)
    except OSError as exc:
        raise EngageError(_cannot_read(where, exc)) from None
    finally:
        os.close(fd)
    return {"receipt_sha256": digest.hexdigest(), "receipt": str(receipt.resolve())}


def _too_large(where: str) -> str:
    return _("{where}: larger than {size} MB; give a smaller scan of the receipt").format(
        where=where, size=LIMIT_BYTES // 1_000_000
    )


def _cannot_read(where: str, exc: OSError) -> str:
    return _("{where}: cannot read: {problem}; give the receipt's file").format(
        where=where, problem=exc.strerror or exc
    )


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in a word."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a file")
