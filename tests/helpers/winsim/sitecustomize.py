"""What CPython on Windows does, on Linux: imported at start-up by a child ``engage`` under test.

Put this folder first on ``PYTHONPATH`` and switch each behaviour on by its variable
(:func:`helpers.windows.engage_as_on_windows` does both). Adapted from ``shared/tools/winsim``:

``WINSIM_STREAMS=1``  stdout and stderr as CPython builds them on Windows: ``\\n`` written as ``\\r\\n``;
                      when not a console, the ANSI code page (cp1252), stdout strict and stderr
                      backslashreplace; writing to a pipe whose reader left raises
                      ``OSError(EINVAL)``, not ``BrokenPipeError``.
``WINSIM_FS=1``       no ``os.pread``/``os.preadv``/``os.pwrite``/``os.pwritev``; ``os.utime`` takes no
                      descriptor; no ``fcntl`` for the ledger's lock (filelock's Windows path is taken);
                      ``os.replace``/``os.rename``/``os.unlink``/``os.remove`` refuse a file any process
                      holds open (Windows opens files without FILE_SHARE_DELETE: WinError 5 and 32).
``WINSIM_OPEN=1``     ``open()`` in text mode without ``encoding=``/``newline=`` as on Windows: cp1252, and
                      ``\\n`` written as ``\\r\\n``.
``WINSIM_LOG=FILE``   one line per refused replace or unlink, appended to FILE.

It cannot show NTFS timestamps, console VT mode, MAX_PATH or LockFileEx: ``docs/windows-and-macos.md``
lists what needs a real machine.
"""

import builtins
import errno
import io
import os
import sys

_env = os.environ
_real_open = io.open


def _log(message):
    target = _env.get("WINSIM_LOG")
    if target:
        with _real_open(target, "a", encoding="utf-8") as handle:
            handle.write(message + "\n")


if _env.get("WINSIM_FS"):
    for _name in ("pread", "preadv", "pwrite", "pwritev"):
        if hasattr(os, _name):
            delattr(os, _name)
    os.supports_fd.discard(os.utime)

    _real_import = builtins.__import__

    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "fcntl" and globals and str(globals.get("__name__", "")).startswith("engage"):
            raise ImportError("no fcntl on Windows")
        return _real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = _import

    def _identity(path):
        try:
            info = os.stat(path, follow_symlinks=False)
        except (OSError, TypeError, ValueError):
            return None
        return info.st_dev, info.st_ino

    def _open_by_someone(path):
        wanted = _identity(path)
        if wanted is None:
            return False
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            folder = f"/proc/{pid}/fd"
            try:
                fds = os.listdir(folder)
            except OSError:
                continue
            for fd in fds:
                try:
                    info = os.stat(f"{folder}/{fd}")
                except OSError:
                    continue
                if (info.st_dev, info.st_ino) == wanted:
                    return True
        return False

    def _refusing(real, winerror, text, which):
        def call(*args, **kwargs):
            for index in which:
                if index < len(args) and _open_by_someone(args[index]):
                    _log(f"{real.__name__}: refused {args[index]!s} (open by a process)")
                    raise PermissionError(errno.EACCES, f"[WinError {winerror}] {text}", str(args[index]))
            return real(*args, **kwargs)

        call.__name__ = real.__name__
        return call

    os.replace = _refusing(os.replace, 5, "Access is denied", (0, 1))
    os.rename = _refusing(os.rename, 5, "Access is denied", (0, 1))
    os.unlink = _refusing(
        os.unlink, 32, "The process cannot access the file because it is being used by another process", (0,)
    )
    os.remove = os.unlink


class _WindowsPipe(io.RawIOBase):
    """A standard stream's descriptor as Windows reports a reader that left: EINVAL, not EPIPE."""

    def __init__(self, fd):
        self._fd = fd

    def writable(self):
        return True

    def fileno(self):
        return self._fd

    def isatty(self):
        return os.isatty(self._fd)

    def write(self, data):
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            raise OSError(errno.EINVAL, "Invalid argument") from None


if _env.get("WINSIM_STREAMS"):

    def _rewrap(stream, errors):
        if stream is None:
            return stream
        fd = stream.fileno()
        tty = os.isatty(fd)
        stream.flush()
        return io.TextIOWrapper(
            io.BufferedWriter(_WindowsPipe(fd)),
            encoding="utf-8" if tty else "cp1252",
            errors=errors,
            newline="\r\n",
            line_buffering=tty,
        )

    sys.stdout = sys.__stdout__ = _rewrap(sys.stdout, "strict")
    sys.stderr = sys.__stderr__ = _rewrap(sys.stderr, "backslashreplace")

if _env.get("WINSIM_OPEN"):

    def _open(
        file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None
    ):
        if "b" not in mode:
            if encoding is None or encoding == "locale":
                encoding = "cp1252"
            if newline is None and any(c in mode for c in "wax+"):
                newline = "\r\n"
        return _real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)

    builtins.open = _open
    io.open = _open
