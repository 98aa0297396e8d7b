"""A cache file is believed only if it is a regular file of the user's that no one else could have written.

Each attack replaces or opens up one file of a warm cache, in a folder the user owns, and checks
the figures a command prints against those of the ledger itself (found by an attacker at 1b1abcf:
a FIFO hung every command, a link to /dev/zero filled memory, a file left writable by others or by
an access control list was believed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import IJM
from helpers.processes import engage_in

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix modes, FIFOs and ACLs")


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails, not the machine


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "ENGAGE_CACHE_DIR": str(folder / "cache"),
        "ENGAGE_CONSULTANT": "Test Consultant",
    }
    try:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from engage.cli import main; main()",
                "-s",
                str(folder / "engage.toml"),
                *args,
            ],
            capture_output=True,
            text=True,
            env=environ,
            cwd=folder,
            timeout=60,
            preexec_fn=_limited,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"engage {' '.join(args)} hung on a cache file")


@pytest.fixture
def warm(tmp_path: Path) -> Path:
    shutil.copy(IJM, tmp_path / "engage.toml")
    for n in range(40):
        day = f"2021-11-{16 + n % 10:02d}"
        assert engage_in(tmp_path, "log", "1h", "-p", "prep", "-d", day, "-n", f"n{n}").returncode == 0
    assert _run(tmp_path, "entries", "--week", "2021-W47").returncode == 0
    assert _run(tmp_path, "show").returncode == 0
    return tmp_path


def _files(warm: Path, pattern: str) -> list[Path]:
    found = sorted((warm / "cache").rglob(pattern))
    assert found, pattern
    return found


def _week_count(warm: Path) -> str:
    done = _run(warm, "entries", "--week", "2021-W47")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("pattern", ["seg-*", "index", "ids-*"])
def test_a_fifo_in_place_of_a_ledger_cache_file_is_passed_over(warm: Path, pattern: str) -> None:
    right = _week_count(warm)
    target = _files(warm, pattern)[0]
    target.unlink()
    os.mkfifo(target)
    assert _week_count(warm) == right


def test_a_fifo_or_dev_zero_in_place_of_the_schedule_cache_is_passed_over(warm: Path) -> None:
    right = _run(warm, "show").stdout
    [cached] = _files(warm, "schedules/*")
    cached.unlink()
    os.mkfifo(cached)
    assert _run(warm, "show").stdout == right
    cached.unlink()
    cached.symlink_to("/dev/zero")
    shown = _run(warm, "show")
    assert shown.returncode == 0 and shown.stdout == right, shown.stderr[-300:]


def test_cache_files_are_written_private_whatever_the_umask(tmp_path: Path) -> None:
    shutil.copy(IJM, tmp_path / "engage.toml")
    old = os.umask(0)
    try:
        assert _run(tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-16").returncode == 0
        assert _run(tmp_path, "show").returncode == 0
    finally:
        os.umask(old)
    files = [f for f in (tmp_path / "cache").rglob("*") if f.is_file()]
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files), [oct(f.stat().st_mode) for f in files]


def test_a_cache_file_others_could_write_is_not_believed(warm: Path) -> None:
    """The schedule cache, forged by whoever could write it (here: made world-writable), is not read."""
    right = _run(warm, "show").stdout
    [cached] = _files(warm, "schedules/*")
    cached.chmod(0o666)
    cached.write_bytes(b"not a schedule")  # what another user could have put there, sealed or not
    shown = _run(warm, "show")
    assert shown.returncode == 0 and shown.stdout == right, shown.stderr


def test_a_folder_with_an_access_list_is_not_trusted(warm: Path) -> None:
    setfacl = shutil.which("setfacl")
    if setfacl is None:
        pytest.skip("setfacl is not installed (apt-get install acl)")
    made = subprocess.run(
        [setfacl, "-m", "u:nobody:rwx", str(warm / "cache")], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"this filesystem takes no ACL: {made.stderr.strip()}")
    shown = _run(warm, "show")
    assert shown.returncode == 0 and "caches not used" in shown.stderr, shown.stderr
    assert "access control list" in shown.stderr


def test_caches_passed_over_are_said_in_one_line(warm: Path) -> None:
    for sub in ("schedules", "ledgers"):
        (warm / "cache" / sub).chmod(0o777)
    shown = _run(warm, "show")
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr.count("caches not used") == 1, shown.stderr
