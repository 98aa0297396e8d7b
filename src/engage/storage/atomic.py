"""Files written whole: beside the file, then put in its place, waiting out a program that holds it open.

Every file engage rewrites (an ``-o`` report, the calendar state, a config file, a cache) is
written to a temporary beside it, ``.NAME.PID.partial``, then renamed over it: a reader sees the
old file or the new one, never a part, and a failure leaves the old one as it was.

POSIX renames over a file whoever holds it open. Windows refuses (``PermissionError``, WinError 5
or 32) while any process has it open without FILE_SHARE_DELETE, which is how Python, Excel and
most programs open files: OneDrive syncing it, an antivirus scanning it, Excel showing it, another
engage reading it. The replace is therefore tried again, with a growing pause, for up to
``PATIENCE`` seconds; so is the removal of the temporary. A hold that outlasts it is one line naming
the file and what to do.

A temporary an engage killed part way left behind is removed by the next write of that file: one
whose process is gone (POSIX asks ``os.kill(pid, 0)``), or, where that cannot be asked (Windows),
one older than a day. A read-only target (no write bit; Windows' Read-only attribute) gets its mode
after the replace, never on the temporary, which stays removable; Windows refuses to replace a
read-only file at all, so there it is one line at once, not a wait blamed on another program.

Imported by ``engage log`` (through the cache): nothing here but ``os`` and ``time``.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from engage.errors import EngageError
from engage.language import _

PATIENCE = 10.0  # seconds a held file is waited for: a sync or a scan lets go within a few
FIRST_PAUSE = 0.02
LONGEST_PAUSE = 0.5
SUFFIX = ".partial"
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


STALE = 24 * 3600.0  # where no process can be asked after: a temporary this old is left over
ASK_PROCESS = os.name != "nt"  # os.kill(pid, 0) on Windows would end the process, not ask after it
READ_ONLY_BLOCKS_REPLACE = os.name == "nt"  # MoveFileEx refuses a read-only target, held or not


class ReadOnly(PermissionError):
    """A target the system will not replace: it is read-only."""


class Held(PermissionError):
    """A file that could not be replaced for all the patience given: another program holds it open."""

    waited = 0.0


def temporary_of(path: Path) -> Path:
    """Where ``path`` is written before it is put in place: ``.NAME.PID.partial`` beside it."""
    return path.with_name(f".{path.name}.{os.getpid()}{SUFFIX}")


def replace_whole(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    created: int = 0o666,
    durable: bool = True,
    patience: float | None = None,
) -> None:
    """Write ``data`` to ``path`` whole, or leave it as it was and raise the OSError that stopped it.

    ``mode`` is the file's mode whatever the umask; None keeps the mode of the file it replaces,
    or gives a new one ``created`` less the umask. ``durable`` syncs the data to disk before the
    rename (a cache, computed again if lost, skips it). A replace or removal refused with
    PermissionError (a file held open, on Windows) is tried again for up to ``patience`` seconds
    (None: ``PATIENCE``).
    """
    patience = PATIENCE if patience is None else patience
    temporary = temporary_of(path)
    clear_leftovers(path)
    try:
        existing: int | None = os.stat(path).st_mode & 0o777  # never a set-user-id bit carried over
    except OSError:
        existing = None
    if existing is not None and not existing & 0o200 and READ_ONLY_BLOCKS_REPLACE:
        raise ReadOnly(errno.EACCES, "read-only", str(path))
    if mode is None:
        mode = existing if existing is not None else created & ~_umask()
    writable = mode | 0o200  # a read-only temporary could not be removed on Windows: the mode comes after
    fd = os.open(temporary, _WRITE, writable)
    try:
        with open(fd, "wb") as stream:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, writable)  # whatever the umask, or the mode of a temporary left before
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(fd)
        try:
            patiently(os.replace, temporary, path, patience=patience)
        except PermissionError as exc:
            held = Held(errno.EACCES, f"held open by another program ({exc.strerror})", str(path))
            held.waited = patience
            raise held from exc
    except BaseException as exc:
        remove_file(temporary, patience if isinstance(exc, Exception) else 0.0)
        raise
    if mode != writable:
        os.chmod(path, mode)


def clear_leftovers(path: Path) -> None:
    """Remove the temporaries of ``path`` (``.NAME.PID.partial``) an engage killed part way left: those
    whose process is gone, or where that cannot be asked (Windows) those older than ``STALE``."""
    prefix = f".{path.name}."
    folder = os.path.dirname(path) or "."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) : -len(SUFFIX)] if name.startswith(prefix) and name.endswith(SUFFIX) else ""
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        leftover = os.path.join(folder, name)
        if _left_over(int(pid), leftover):
            remove_file(Path(leftover), 0.0)  # held, or not ours to remove: the next write tries again


def _left_over(pid: int, leftover: str) -> bool:
    """Whether the temporary written by process ``pid`` is left over: that process is gone."""
    if ASK_PROCESS:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError, OSError):
            return False  # PermissionError: running, as another user
        return False
    try:
        return time.time() - os.stat(leftover).st_mtime > STALE
    except OSError:
        return False


def write_file(path: Path, data: str | bytes, what: str = "file", *, mode: int | None = None) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole and synced, or leave the file as it was: the
    one writer of a file the user keeps. A failure is one EngageError line naming the file, ``what``
    it is ("report", "calendar state") and what to do; a file another program holds open (Excel,
    OneDrive, an antivirus scan, on Windows) is waited for up to ``PATIENCE`` seconds first.
    ``mode``: as :func:`replace_whole` (None: the old file's). A device or a pipe (``-o /dev/stdout``)
    is written as it is: nothing can stand beside it."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if os.path.exists(path) and not os.path.isfile(path):
            with open(path, "wb") as stream:
                stream.write(content)
        else:
            replace_whole(path, content, mode=mode)
    except OSError as exc:
        raise EngageError(cannot_write(path, what, exc)) from None


def cannot_write(path: Path, what: str, exc: OSError) -> str:
    """The one line for a file that could not be written: a held one says who may hold it."""
    if isinstance(exc, ReadOnly):
        return _(
            "{path} is read-only, so the {what} cannot be written; clear its Read-only attribute "
            "(attrib -r, or the file's Properties) and run again"
        ).format(path=path, what=what)
    if isinstance(exc, Held):
        return _(
            "{path}: cannot write the {what}: another program still held it open after {seconds} s "
            "(Excel, OneDrive's sync, an antivirus scan); close it there, or pause the sync, and run again"
        ).format(path=path, what=what, seconds=f"{exc.waited:g}")
    return _("{path}: cannot write the {what}: {error}").format(
        path=path, what=what, error=exc.strerror or exc
    )


def patiently(call: Callable[..., object], *args: Path, patience: float | None = None) -> None:
    """``call(*args)`` (``os.replace``, ``os.unlink``), tried again while it raises PermissionError,
    with a pause that doubles up to ``LONGEST_PAUSE``, for up to ``patience`` seconds (None:
    ``PATIENCE``)."""
    patience = PATIENCE if patience is None else patience
    deadline = time.monotonic() + patience
    pause = FIRST_PAUSE
    while True:
        try:
            call(*args)
            return
        except PermissionError:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


def remove_file(path: Path, patience: float | None = None) -> bool:
    """Remove ``path`` if it is there, waiting up to ``patience`` seconds for a program that holds it
    open (Windows refuses to remove it until then); whether it is gone."""
    try:
        patiently(os.unlink, path, patience=patience)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
