"""The ledger and its lock are regular files, opened without following a link: no device, FIFO or folder."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from engage.errors import EngageError
from engage.language import N_, _

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once (to be refused), not when written to
_BINARY = getattr(os, "O_BINARY", 0)

LEDGER = N_("the ledger")
LOCK = N_("the ledger's lock")
LINK = N_("a symbolic link")
_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
    (stat.S_ISCHR, N_("a device")),
    (stat.S_ISBLK, N_("a device")),
    (stat.S_ISSOCK, N_("a socket")),
)


def open_regular(path: Path, flags: int, what: str = LEDGER) -> int:
    """``os.open`` ``path`` with ``flags`` if it is a regular file (or absent, with ``O_CREAT``).

    A symbolic link, a folder, a FIFO or a device at ``path`` is refused with
    an EngageError naming it: writing through a link appends records to
    whatever it points at (a shell's start-up file), and reading ``/dev/zero``
    or a FIFO never ends. FileNotFoundError passes through for the caller.
    """
    if not _NOFOLLOW and os.path.islink(path):  # Windows: no O_NOFOLLOW, so look first
        raise _refused(path, LINK, what)
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _BINARY, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise _refused(path, LINK, what) from None
        if exc.errno == errno.EISDIR:
            raise _refused(path, _KINDS[0][1], what) from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), N_("not a regular file"))
        raise _refused(path, kind, what)
    return fd


def _refused(path: Path, kind: str, what: str) -> EngageError:
    if what != LEDGER:
        right = _("remove it, and engage makes a new one")
    elif kind == LINK:
        right = _("give the file it points to with --ledger FILE, or replace the link with that file")
    else:
        right = _("move it away, or give a ledger file with --ledger FILE")
    return EngageError(
        _("{path} is {kind}; {what} must be a regular file: {remedy}").format(
            path=path, kind=_(kind), what=_(what), remedy=right
        )
    )
