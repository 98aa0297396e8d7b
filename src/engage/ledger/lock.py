"""The ledger's lock: ``fcntl.flock`` on a ``.lock`` file beside it, as filelock takes it on POSIX.

``engage log`` takes it on every write; importing filelock (with logging and
platform) cost a fifth of its start-up, so on POSIX the lock is taken here
directly, in the very way filelock's UnixFileLock takes it (an exclusive
``flock`` on the same file), so that either can wait for the other. Elsewhere
(Windows) filelock is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engage.ledger.files import LOCK, open_regular

POLL_SECONDS = 0.05


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


@contextmanager
def held(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock file ``path`` (waiting up to ``timeout`` seconds; 0: do not wait)."""
    try:
        import fcntl
    except ImportError:  # Windows
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(path), timeout=timeout):
                yield
        except Timeout:
            raise LockTimeout(str(path)) from None
        return
    fd = open_regular(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, LOCK)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(path)) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
