"""Attack on the backdated stat: an edit that lands between engage's write and its backdate is never seen.

``engage log`` writes, fsyncs, then (in ``remember_written``) backdates the
file's modification time and caches the stat it then takes as trustworthy
(``backdated``), with the content it wrote rather than the bytes now in the
file. Another program's same-size edit that lands in between (here: fired by
inotify at engage's own write, engage held with SIGSTOP while it is made) is
folded into that stat, so every later command trusts the cache and serves the
old figures. Before the backdate (commit 077435a) the racy rule made the next
read check the covered bytes and see the edit.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed

ENGAGE = str(Path(sys.executable).with_name("engage"))
IN_MODIFY = 2


def run(seed: Seed, *args: str, cache: Path | None = None) -> str:
    env = dict(os.environ)
    if cache is not None:
        env["ENGAGE_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [ENGAGE, "-s", str(seed.path), *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def log_while_editing(seed: Seed, old: bytes, new: bytes) -> None:
    """``engage log``, and as soon as its write lands, stop it, change ``old`` to ``new`` in place, go on."""
    libc = ctypes.CDLL(None, use_errno=True)
    watch = libc.inotify_init()
    if watch < 0 or libc.inotify_add_watch(watch, str(seed.ledger).encode(), IN_MODIFY) < 0:
        pytest.skip("inotify is not available here: nothing can fire at engage's write")
    try:
        args = ["-s", str(seed.path), "log", "0.25", "-p", "prep", "-d", "2021-11-19", "-n", "raced"]
        proc = subprocess.Popen([ENGAGE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.read(watch, 4096)  # engage's own write
        proc.send_signal(signal.SIGSTOP)
        fd = os.open(seed.ledger, os.O_RDWR)
        try:
            data = os.pread(fd, os.fstat(fd).st_size, 0)
            os.pwrite(fd, new, data.rindex(old))  # same size
        finally:
            os.close(fd)
        proc.send_signal(signal.SIGCONT)
        assert proc.wait(timeout=120) == 0
    finally:
        os.close(watch)


@pytest.mark.skipif(sys.platform != "linux", reason="inotify and SIGSTOP are how the race is timed")
@pytest.mark.parametrize(
    ("rows", "old", "new"),
    [
        (60, b'"days": "1"', b'"days": "9"'),  # more than 4 KiB back, in the last (partial) block
        (6000, b'"days": "1"', b'"days": "9"'),  # in the first of several whole blocks of 1 MiB
        (60, b'"note": "raced"', b'"note": "RACED"'),  # in the very line engage wrote
    ],
)
def test_an_edit_between_the_write_and_the_backdate_is_seen(
    ijm: Seed, tmp_path: Path, rows: int, old: bytes, new: bytes
) -> None:
    csv = tmp_path / "pad.csv"
    padding = [f"2021-11-18,prep,0.01,padding row {n:04d} to push the first entry back" for n in range(rows)]
    csv.write_text("date,phase,days,note\n" + "\n".join(padding) + "\n", encoding="utf-8")
    for attempt in range(3):
        ijm.ledger.unlink(missing_ok=True)
        run(ijm, "log", "1", "-p", "prep", "-d", "2021-11-17", "-n", "first")
        run(ijm, "import", str(csv))
        assert os.path.getsize(ijm.ledger) > (8192 if rows < 1000 else 1 << 20)
        log_while_editing(ijm, old, new)
        assert new in ijm.ledger.read_bytes()
        cached = run(ijm, "entries", "--all", "--format", "json")
        fresh = run(ijm, "entries", "--all", "--format", "json", cache=tmp_path / f"fresh{attempt}")
        assert cached == fresh, f"attempt {attempt}: the cache serves the ledger as it was before the edit"
