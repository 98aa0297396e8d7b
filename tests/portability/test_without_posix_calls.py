"""The ledger, its cache and its lock without the POSIX calls Windows lacks (issue 24).

CPython on Windows has no ``os.pread``/``preadv``/``pwrite``/``pwritev``, cannot set times through a
descriptor (``os.utime`` is not in ``os.supports_fd``) and has no ``fcntl``: the cache seeks and
reads (``sums.read_at``, ``_read_into``), is not backdated (``store.backdate``), and the ledger's lock
is filelock's (``lock.held``). Here the installed engage runs under ``WINSIM_FS`` (``helpers/winsim``),
which removes them for engage's modules; and, in-process, a set of the cache tests runs again with
them deleted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from engage.ledger.ledger import Ledger
from helpers import ROOT, Seed
from helpers.processes import ENGAGE, engage_env, timesheet
from helpers.windows import windows_env

POSIX_ONLY = ("pread", "preadv", "pwrite", "pwritev")


def without_posix(**extra: str) -> dict[str, str]:
    """The environment of a child engage with WINSIM_FS only (its streams and open() as on Linux)."""
    return windows_env(streams=False, fs=True, open_=False, **extra)


def run(seed: Seed, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ENGAGE, "-s", str(seed.path), *args], capture_output=True, text=True, env=env, cwd=seed.path.parent
    )


def test_the_layer_removes_the_calls_for_engage(tmp_path: Path) -> None:
    """What the rest of this module relies on: under WINSIM_FS engage's modules see none of them."""
    probe = (
        "import os, sys, engage.ledger.lock as lock, engage.ledger.cache.sums\n"
        "from pathlib import Path\n"
        "with lock.held(Path(sys.argv[1]), 0): pass\n"
        "print(any(hasattr(os, n) for n in ('pread', 'preadv', 'pwrite', 'pwritev')),"
        " os.utime in os.supports_fd, 'filelock' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "x.lock")],
        capture_output=True,
        text=True,
        env=without_posix(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True"]


def _json_entries(seed: Seed, env: dict[str, str]) -> list[dict[str, object]]:
    done = run(seed, "entries", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_log_import_budget_and_entries_read_the_same_without_posix_calls(ijm: Seed, tmp_path: Path) -> None:
    """Every command runs, and through its cache reads what a full read of the file reads."""
    env = without_posix(ENGAGE_CACHE_DIR=str(tmp_path / "wcache"))
    sheet = timesheet(tmp_path / "t.csv", 400, note_size=3000)  # past 1 MiB: the block sums are checked
    assert run(ijm, "import", str(sheet), env=env).returncode == 0
    for day in ("2021-11-17", "2021-11-18"):
        done = run(ijm, "log", "1", "-p", "prep", "-d", day, "-n", f"on {day}", env=env)
        assert done.returncode == 0, done.stderr
    # another program's append (an engage with every call): read from where the cache stopped
    assert (
        run(ijm, "log", "0.5", "-p", "prep", "-d", "2021-11-19", "-n", "by hand", env=engage_env()).returncode
        == 0
    )
    assert ijm.ledger.stat().st_size > 1 << 20
    assert list((tmp_path / "wcache").glob("ledgers/*/index")), "the cache was never written"
    through_cache = _json_entries(ijm, env)
    again = _json_entries(ijm, env)  # the cache as the last command left it
    full = _json_entries(ijm, {**engage_env(), "ENGAGE_CACHE_DIR": str(tmp_path / "fresh")})
    assert through_cache == again == full
    assert len(full) == 403 and [e["note"] for e in full[-3:]] == [
        "on 2021-11-17",
        "on 2021-11-18",
        "by hand",
    ]
    windows, posix = (run(ijm, "budget", "--format", "json", env=e) for e in (env, engage_env()))
    assert (windows.returncode, windows.stdout) == (posix.returncode, posix.stdout)


def test_twenty_concurrent_logs_without_fcntl_each_land_once(ijm: Seed) -> None:
    """20 ``engage log`` at once, each taking the lock by filelock: every entry kept, once."""
    env = without_posix()
    procs = [
        subprocess.Popen(
            [
                ENGAGE,
                "-s",
                str(ijm.path),
                "log",
                "0.25",
                "-p",
                "prep",
                "-d",
                "2021-11-16",
                "-n",
                f"child {n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for n in range(20)
    ]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    assert [code for code, _ in outcomes] == [0] * 20, [err for _, err in outcomes]
    notes = [e["note"] for e in _json_entries(ijm, engage_env())]
    assert sorted(notes) == sorted(f"child {n}" for n in range(20))
    assert len(ijm.ledger.read_text(encoding="utf-8").splitlines()) >= 20


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from engage.ledger.lock import held, LockTimeout
    path, timeout = Path(sys.argv[1]), float(sys.argv[2])
    try:
        with held(path, timeout):
            print("held", "filelock" in sys.modules, flush=True)
            sys.stdin.readline()  # until the test lets go
    except LockTimeout:
        print("timeout", "filelock" in sys.modules, flush=True)
    """
)


@pytest.mark.parametrize("child", ["filelock", "fcntl"])
def test_the_lock_without_fcntl_and_the_one_with_it_exclude_each_other(tmp_path: Path, child: str) -> None:
    """On Linux filelock's path flocks the same file as engage's own: a writer of each kind, in two
    processes, must wait for the other (else two engage would interleave a ledger's lines)."""
    from engage.ledger.lock import LockTimeout, held

    lock = tmp_path / "l.jsonl.lock"
    env = without_posix() if child == "filelock" else engage_env()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().split() == ["held", str(child == "filelock")]
    parent = "filelock" if child == "fcntl" else "fcntl"
    with pytest.MonkeyPatch.context() as mp:
        if parent == "filelock":
            import filelock  # noqa: F401  (imported first: filelock itself still uses fcntl on Linux)

            mp.setitem(sys.modules, "fcntl", None)  # `import fcntl` in engage.ledger.lock: ImportError
        with pytest.raises(LockTimeout), held(lock, 0.3):
            pass
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        with held(lock, 5):  # let go: now it is the parent's
            waiter = subprocess.run(
                [sys.executable, "-c", HOLDER, str(lock), "0.3"], capture_output=True, text=True, env=env
            )
    assert waiter.stdout.split() == ["timeout", str(child == "filelock")]


def test_a_log_without_fcntl_waits_for_a_writer_holding_the_lock_with_it(ijm: Seed) -> None:
    """The real command: ``engage log`` under WINSIM_FS while this process holds the ledger's lock by
    flock for a second: it waits, then writes its entry."""
    from engage.ledger.lock import held

    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    with held(Path(str(ijm.ledger) + ".lock"), 5):
        child = subprocess.Popen(
            [ENGAGE, "-s", str(ijm.path), "log", "1", "-p", "prep", "-d", "2021-11-17"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=without_posix(),
        )
        time.sleep(1.0)
        assert child.poll() is None  # waiting
        lines = len(ijm.ledger.read_bytes().splitlines())
        released = time.monotonic()
    code = child.wait(timeout=30)
    assert code == 0, child.communicate()[1]
    assert time.monotonic() >= released
    assert len(ijm.ledger.read_bytes().splitlines()) > lines
    assert [e["date"] for e in _json_entries(ijm, engage_env())] == ["2021-11-16", "2021-11-17"]


# --- in-process: a set of the ledger's cache tests again, without the calls ---------------------------


def _load(name: str) -> ModuleType:
    path = ROOT / "tests" / "ledger" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_posixless_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_cache = _load("test_cache")
_sums = _load("test_cache_sums")
_atomic = _load("test_atomic_writes")

# fixtures those tests take
parsed = _cache.parsed
byte_checks = _cache.byte_checks
data = _sums.data

AGAIN = [
    _cache.test_a_read_parses_only_what_was_added,
    _cache.test_what_a_writer_appends_is_cached_without_reading_it_back,
    _cache.test_truncated_replaced_and_edited_in_the_middle,
    _cache.test_damaged_lines_are_reported_on_every_read,
    _cache.test_voids_duplicates_and_late_targets_read_again_in_full,
    _cache.test_any_sequence_of_changes_reads_as_a_full_read,
    _cache.test_many_small_writes_are_folded_into_their_weeks,
    _cache.test_an_edit_between_two_commands_is_seen_by_the_second,
    _cache.test_a_cache_segment_changed_on_disk_is_not_believed,
    _cache.test_ids_are_kept_apart_from_the_index_and_a_write_adds_only_its_own,
    _cache.test_an_edit_right_after_engage_writes_is_seen,
    _cache.test_where_times_cannot_be_set_the_next_command_checks_the_bytes,
    _sums.test_a_file_cut_short_fails_the_check,
    _sums.test_only_the_covered_bytes_are_checked,
    _atomic.test_batch_without_its_commit_is_not_counted_and_said_once_with_its_lines,
    _atomic.test_commit_with_a_wrong_count_does_not_count_its_batch,
]
for _test in AGAIN:
    globals()[f"{_test.__name__}_without_posix_calls"] = _test


@pytest.fixture(autouse=True)
def _without_posix_calls(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For the tests run again here: no pread/preadv/pwrite/pwritev, no utime through a descriptor,
    no fcntl for engage's lock; the fallbacks are counted, and must have run."""
    if not request.node.name.split("[")[0].endswith("_without_posix_calls"):
        yield
        return
    import filelock  # noqa: F401  (imported first: filelock still takes fcntl on Linux, as engage may not)

    from engage.ledger import lock

    for name in POSIX_ONLY:
        monkeypatch.delattr(os, name, raising=False)
    monkeypatch.setattr(os, "supports_fd", os.supports_fd - {os.utime})
    monkeypatch.setitem(sys.modules, "fcntl", None)
    seeks: list[int] = []
    lseek = os.lseek
    monkeypatch.setattr(os, "lseek", lambda fd, pos, how: (seeks.append(pos), lseek(fd, pos, how))[1])
    locks: list[str] = []
    real_held = lock.held

    def counted(path: Path, timeout: float) -> object:
        locks.append(str(path))
        return real_held(path, timeout)

    monkeypatch.setattr(lock, "held", counted)
    yield
    assert seeks or not locks, "the ledger was written, yet never read back without pread"


def test_the_fallbacks_run_in_process_without_the_calls_without_posix_calls(tmp_path: Path) -> None:
    """The fixture's own check: a write and two reads through the cache take the seek-and-read path
    and filelock (imported for the lock, which fcntl would not need)."""
    from engage.ledger.writer import append

    path = tmp_path / "l.jsonl"
    append(path, [_cache.entry("a")])
    Ledger.read(path, 8)
    append(path, [_cache.entry("b")])
    assert [e.note for e in Ledger.read(path, 8).entries()] == ["a", "b"]
    assert not hasattr(os, "pread") and sys.modules["fcntl"] is None
