"""The one error boundary of the command line: every error becomes one line on stderr and a status.

Also the standard streams made safe before anything runs. Imports no click: ``engage log`` in its
plain form runs without it.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable
from typing import Any

from engage.errors import EngageError
from engage.language import _, ngettext
from engage.output.colour import say, severity_text, write

TRACEBACK_VAR = "ENGAGE_TRACEBACK"


def run_guarded(call: Callable[[], object]) -> int:
    """Run the command line; every error becomes one line on stderr and an exit status.

    Once a record is written the command has succeeded: a failure after it (printing the reply, a
    plugin's afterword, Ctrl-C) is a warning that names what is safe, and the status is 0, so that no
    one runs the command again and counts it twice.
    """
    _written().clear()  # a test's commands share a process
    try:
        result = call()
        sys.stdout.flush()  # what is still buffered fails here, where it is reported, not at exit
    except EngageError as exc:
        return _failed(_one_line(exc.message), exc.exit_code)
    except (BrokenPipeError, ReaderLeft):  # `engage calendar | head`: the reader left; not an error,
        quiet_closed_pipes()  # and a record written before stays written: status 0, nothing to redo
        return 0
    except Exception as exc:
        code = _click_outcome(exc)
        if code is not None:
            return code
        if os.environ.get(TRACEBACK_VAR):
            raise
        from engage.output.broken import output_failure

        failure = output_failure(exc)
        if _settle_stdout() or failure:  # the output could not be written: not a bug
            return _failed(failure or _("cannot write the output: {error}").format(error=exc), 2)
        from engage.plugin.manager import blame

        culprit = blame(exc) or _("internal error")
        if _written():
            return _failed(f"{culprit}: {type(exc).__name__}: {_one_line(str(exc))}", 2)
        hint = " " + _("(set {variable}=1 for the traceback)").format(variable=f"{TRACEBACK_VAR}")
        return _failed(f"{culprit}: {type(exc).__name__}: {_one_line(str(exc))}{hint}", 2)
    return result if isinstance(result, int) else 0


def interrupted() -> int:
    """Ctrl-C (or the end of input): "aborted" and status 1, unless something was written already."""
    if _written():
        return _failed(_("interrupted"), 1)
    _tell("", "")
    _tell("aborted", "")
    return 1


def _failed(failure: str, code: int) -> int:
    """One line for a failure and its status; after a write, a warning naming what is safe, status 0."""
    written = _written()
    if not written:
        _tell("error", failure)
        return code
    what = ", ".join(written[:3])
    if len(written) > 3:
        more = len(written) - 3
        what = ngettext("{records} and {count} more", "{records} and {count} more", more).format(
            records=what, count=more
        )
    said = ngettext(
        "{what} is safely in the ledger; afterwards {failure}",
        "{what} are safely in the ledger; afterwards {failure}",
        len(written),
    )
    _tell("warning", said.format(what=what, failure=failure))
    return 0


def _tell(word: str, message: str) -> None:
    """``engage: WORD: MESSAGE`` on stderr (``engage: WORD`` alone, or an empty line); where stderr itself
    cannot be written (a full disk), nothing: the status says the rest."""
    try:
        if message:
            say("engage", word, message)
        else:
            write(f"engage: {severity_text(word)}" if word else "", err=True)
    except (OSError, ValueError):
        _to_null("stderr")


def _written() -> list[str]:
    """What the command line writes to the ledger, as the writer lists it (imported only to write)."""
    writer = sys.modules.get("engage.ledger.writer")
    return writer.WRITTEN if writer is not None else _NOTHING_YET


_NOTHING_YET: list[str] = []  # the writer not imported: nothing can have been written (stays empty)


def _settle_stdout() -> bool:
    """After a failure, standard output flushed, or pointed at the null device when it cannot take what
    it holds (a full disk, ``> /dev/full``): else the flush at exit fails again, and Python's
    "Exception ignored" and status 120 would follow the one line engage has said. True: it could not."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _to_null("stdout")
        return True
    return False


def _to_null(name: str) -> None:
    """Standard stream ``name`` pointed at the null device: what it still holds goes nowhere, quietly."""
    stream = getattr(sys, name)
    null = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(AttributeError, OSError, ValueError):  # a test's capture: no file
        os.dup2(null, stream.fileno())
    os.close(null)


class ReaderLeft(Exception):
    """Standard output's reader went away (``engage ... | head``); raised where click's ``main``
    would otherwise end the command with status 1."""


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
    if isinstance(exc, click.Abort):  # click has ended the line already
        if _written():
            return _failed(_("interrupted"), 1)
        _tell("aborted", "")
        return 1
    if isinstance(exc, click.ClickException):
        where = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "engage"
        hint = (
            " " + _("(see '{command} --help')").format(command=where)
            if isinstance(exc, click.UsageError)
            else ""
        )
        say(where, "error", f"{_one_line(exc.format_message())}{hint}")
        return int(exc.exit_code)
    return None


def _one_line(text: str) -> str:
    """``text`` on one line: every run of white space one space, but a no-break space kept (French
    writes "erreur\u00a0:", so that no line a terminal wraps starts with the colon)."""
    if text.isascii():
        return " ".join(text.split())
    import re

    line = re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip()
    return "".join(map(_writable, line))


def _writable(char: str) -> str:
    """A character as the error stream can write it: a lone surrogate (a tracker's JSON ``"\\udfff"``
    named in a message) as its escape, except one standing for a byte that was not UTF-8, which
    ``guard_streams`` writes back as that byte."""
    if "\ud800" <= char <= "\udfff" and not "\udc80" <= char <= "\udcff":
        return f"\\u{ord(char):04x}"
    return char


def guard_streams() -> None:
    """Terminals see control characters escaped; files and pipes get text byte-exact, in UTF-8.

    Standard output and error that are not a console (a file, a pipe, Git Bash's
    mintty, an IDE's panel, a scheduled task) are written in UTF-8 with no
    newline translation, whatever the platform's choice: on Windows CPython
    gives them the ANSI code page (cp1252) and writes ``\\n`` as ``\\r\\n``, so
    ``engage entries --format csv > x.csv`` would end rows with ``\\r\\r\\n`` and
    lose every character outside cp1252; a C locale gives ASCII. An explicit
    ``PYTHONIOENCODING`` is the user's choice and is kept (its encoding, and its
    error handler if it names one); only the newline translation goes.
    Consoles keep what Python gave them (UTF-8 on a Windows console, through
    its own console writer).

    Bytes that were not UTF-8 (kept as lone surrogates) are written back as
    the bytes they were, and click is told not to strip escape sequences
    from piped output (``color=True`` in :meth:`EngageGroup.main`), which
    would silently change notes. A reader that left is a closed pipe on every
    platform: Windows reports it as ``EINVAL``, made a :class:`BrokenPipeError`
    here, and the flush at exit keeps quiet about it.
    """
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (``engage status >&-``): what it gets is discarded
            stream = _null_stream(fd, name)
        if fd == 0:
            continue
        console = _is_console(stream)
        if hasattr(stream, "reconfigure"):
            from engage.output.formats import KEPT_BYTES, register_kept_bytes

            register_kept_bytes()
            if console:
                stream.reconfigure(errors=KEPT_BYTES)
            else:
                stream = _redirected(stream)
                setattr(sys, name, stream)
        if console:
            from engage.output.formats import TerminalWriter

            setattr(sys, name, TerminalWriter(stream))
    global _exit_flush_registered
    if not _exit_flush_registered:
        atexit.register(_flush_at_exit)
        _exit_flush_registered = True


_exit_flush_registered = False


def _is_console(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


def _redirected(stream: Any) -> Any:
    """``stream`` (not a console) as UTF-8, no newline translation, a closed pipe a BrokenPipeError.

    A stream with no descriptor of its own (a test's capture) is only reconfigured.
    """
    from engage.output.formats import KEPT_BYTES

    chosen, _, chosen_errors = os.environ.get("PYTHONIOENCODING", "").partition(":")
    encoding = chosen or "utf-8"  # Python refused to start had it named no codec
    errors = chosen_errors or KEPT_BYTES
    raw = getattr(getattr(stream, "buffer", None), "raw", None)
    if raw is None or not isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding=encoding, errors=errors, newline="\n")
        return stream
    stream.flush()
    return io.TextIOWrapper(
        io.BufferedWriter(_PipeEnd(raw, stream)),
        encoding=encoding,
        errors=errors,
        newline="\n",
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


class _PipeEnd(io.RawIOBase):
    """A standard stream's descriptor, where a reader that left is a :class:`BrokenPipeError`.

    Windows reports writing to a pipe whose reader left as ``OSError(EINVAL)``.
    Closing this closes nothing: the descriptor stays the process's.
    """

    def __init__(self, raw: Any, holder: Any) -> None:
        super().__init__()
        self._raw = raw
        self._holder = holder  # the stream ``raw`` came in: closed when collected, it would close ``raw``
        self.name = getattr(raw, "name", None)
        self.mode = "wb"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return int(self._raw.fileno())

    def isatty(self) -> bool:
        return bool(self._raw.isatty())

    def write(self, data: Any) -> int | None:
        try:
            written = self._raw.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                raise BrokenPipeError(errno.EPIPE, "the reader of standard output left") from None
            raise
        return None if written is None else int(written)


def _flush_at_exit() -> None:
    """Flush standard output and error before Python does, so that a reader that left is quiet.

    Python's own flush at exit would print "Exception ignored ... BrokenPipeError"
    (or ``OSError: [Errno 22]`` on Windows) and end with status 120.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            if stream is not None:
                stream.flush()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.EINVAL):
                quiet_closed_pipes()
            else:  # a full disk: the command has said what it could, and its status stands
                _to_null(name)
        except ValueError:  # closed
            pass


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
