"""The one error boundary of the command line: every error becomes one line on stderr and a status.

Also the standard streams made safe before anything runs. Imports no click: ``engage log`` in its
plain form runs without it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable
from typing import Any

from engage.errors import EngageError
from engage.output.colour import say, write

TRACEBACK_VAR = "ENGAGE_TRACEBACK"


def run_guarded(call: Callable[[], object]) -> int:
    """Run the command line; every error becomes one line on stderr and an exit status.

    Once a record is written the command has succeeded: a failure after it (printing the reply, a
    plugin's afterword) is a warning that names what is safe, and the status is 0, so that no one
    runs the command again and counts it twice.
    """
    _written().clear()  # a test's commands share a process
    try:
        result = call()
    except EngageError as exc:
        if written := _written():
            return _safe(written, _one_line(exc.message))
        say("engage", "error", _one_line(exc.message))
        return exc.exit_code
    except (BrokenPipeError, ReaderLeft):  # `engage calendar | head`: the reader left; not an error,
        quiet_closed_pipes()  # and a record written before stays written: status 0, nothing to redo
        return 0
    except Exception as exc:
        code = _click_outcome(exc)
        if code is not None:
            return code
        if os.environ.get(TRACEBACK_VAR):
            raise
        from engage.plugin.manager import blame

        culprit = blame(exc) or "internal error"
        if _settle_stdout() or _output_failed(exc):  # the output could not be written: not a bug
            failure = f"cannot write the output: {getattr(exc, 'strerror', None) or exc}"
            if written := _written():
                return _safe(written, failure)
            say("engage", "error", failure)
            return 2
        if written := _written():
            return _safe(written, f"{culprit}: {type(exc).__name__}: {_one_line(str(exc))}")
        say(
            "engage",
            "error",
            f"{culprit}: {type(exc).__name__}: {_one_line(str(exc))} "
            f"(set {TRACEBACK_VAR}=1 for the traceback)",
        )
        return 2
    return result if isinstance(result, int) else 0


def _written() -> list[str]:
    """What the command line writes to the ledger, as the writer lists it (imported only to write)."""
    writer = sys.modules.get("engage.ledger.writer")
    return writer.WRITTEN if writer is not None else _NOTHING_YET


_NOTHING_YET: list[str] = []  # the writer not imported: nothing can have been written (stays empty)


def _safe(written: list[str], failure: str) -> int:
    """The warning for a failure after a write, and the status of a command that succeeded."""
    what = ", ".join(written[:3]) + (f" and {len(written) - 3} more" if len(written) > 3 else "")
    say("engage", "warning", f"{what} is safely in the ledger; afterwards {failure}")
    return 0


class ReaderLeft(Exception):
    """Standard output's reader went away (``engage ... | head``); raised where click's ``main``
    would otherwise end the command with status 1."""


def _settle_stdout() -> bool:
    """After a failure, standard output flushed, or pointed at the null device when it cannot take what
    it holds (a full disk, ``> /dev/full``): else the flush at exit fails again, and Python's
    "Exception ignored" and status 120 would follow the one line engage has said."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a test's capture: no file
            os.dup2(null, sys.stdout.fileno())
        os.close(null)
        return True
    return False


_FULL = {errno.ENOSPC, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _output_failed(exc: Exception) -> bool:
    """Whether ``exc`` is a write that failed for want of room (a full disk, ``> /dev/full``), with no
    file named: what engage writes to files is named in its own messages; this is its output."""
    return isinstance(exc, OSError) and exc.errno in _FULL and exc.filename is None


def quiet_closed_pipes() -> None:
    """Point standard output and error at the null device, so that the flush at exit finds no broken pipe.

    The recipe of Python's documentation (signal, "Note on SIGPIPE").
    """
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a test's capture: no file
            os.dup2(null, stream.fileno())
    os.close(null)


def _click_outcome(exc: Exception) -> int | None:
    """The exit status of click's own outcomes (usage errors, --help, aborts); None for any other error."""
    click = sys.modules.get("click")
    if click is None:  # not imported: nothing raised can be click's
        return None
    if isinstance(exc, click.exceptions.Exit):
        return int(exc.exit_code)
    if isinstance(exc, click.Abort):
        write("engage: aborted", err=True)
        return 1
    if isinstance(exc, click.ClickException):
        where = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "engage"
        hint = f" (see '{where} --help')" if isinstance(exc, click.UsageError) else ""
        say(where, "error", f"{_one_line(exc.format_message())}{hint}")
        return int(exc.exit_code)
    return None


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if line.isascii() else "".join(map(_writable, line))


def _writable(char: str) -> str:
    """A character as the error stream can write it: a lone surrogate (a tracker's JSON ``"\\udfff"``
    named in a message) as its escape, except one standing for a byte that was not UTF-8, which
    ``guard_streams`` writes back as that byte."""
    if "\ud800" <= char <= "\udfff" and not "\udc80" <= char <= "\udcff":
        return f"\\u{ord(char):04x}"
    return char


def guard_streams() -> None:
    """Terminals see control characters escaped; files and pipes get text byte-exact.

    Bytes that were not UTF-8 (kept as lone surrogates) are written back as
    the bytes they were, and click is told not to strip escape sequences
    from piped output (``color=True`` in :meth:`EngageGroup.main`), which
    would silently change notes.
    """
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (``engage status >&-``): what it gets is discarded
            stream = _null_stream(fd, name)
        if fd == 0:
            continue
        if hasattr(stream, "reconfigure"):
            from engage.output.formats import KEPT_BYTES, register_kept_bytes

            register_kept_bytes()
            stream.reconfigure(errors=KEPT_BYTES)
        if stream.isatty():
            from engage.output.formats import TerminalWriter

            setattr(sys, name, TerminalWriter(stream))


def _null_stream(fd: int, name: str) -> Any:
    """The null device, opened as standard stream ``fd`` that the command was started without.

    Else the next file opened would take that descriptor: the ledger, say,
    and whatever a program started by a plugin writes to its output would land in it.
    """
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)
    stream = open(fd, "r" if fd == 0 else "w", encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    setattr(sys, name, stream)
    return stream
