"""Where ledger caches live: a folder per ledger and reading key, and the tidying of idle ones."""

from __future__ import annotations

import time
import zlib
from fractions import Fraction
from pathlib import Path

from engage.cachedir import cache_dir
from engage.ledger.cache.store import FORMAT

IDLE_DAYS = 30  # a ledger's cache not written for this long is removed (the next read makes it again)


def place(path: Path, hours_per_day: Fraction, readers: str) -> tuple[Path, str]:
    """The cache folder of a ledger read with these hours per day and readers, and the key its index
    must hold (see ``Kinds.fingerprint``): two keys sharing a folder by chance only evict each other."""
    from engage.version import __version__

    ledger = str(path.absolute())
    key = "\0".join([ledger, str(hours_per_day), readers, __version__, str(FORMAT)])
    return cache_dir() / "ledgers" / f"{_digest(ledger)}-{_digest(key)}", key


def _digest(text: str) -> str:
    raw = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"


def tidy(folder: Path) -> None:
    """Remove the caches no command has written for ``IDLE_DAYS``, and those of the same ledger as
    ``folder`` (another engage version's, other hours per day) idle for a day: each is 13 MB beside
    100,000 records, and an upgrade would otherwise leave one behind for good. Called when a cache
    is made anew (a full read costs far more), at most once an hour; one removed under a reader costs
    that reader time only.
    """
    import shutil

    now = time.time()
    marker = folder.parent / ".tidied"  # at most once an hour: a portfolio makes hundreds of caches at once
    try:
        if now - marker.stat().st_mtime < 3600:
            return
    except OSError:
        pass
    try:
        marker.touch()
        others = [other for other in folder.parent.iterdir() if other.name not in (folder.name, marker.name)]
    except OSError:
        return
    same_ledger = folder.name.split("-")[0] + "-"
    for other in others:
        try:
            idle = now - other.stat().st_mtime  # a folder's time changes as each save renames its index
        except OSError:
            continue
        if idle > IDLE_DAYS * 86400 or (other.name.startswith(same_ledger) and idle > 86400):
            shutil.rmtree(other, ignore_errors=True)
