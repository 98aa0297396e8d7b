"""The ledger and its lock are regular files: a link, a FIFO, a device or a folder there is refused, not used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed, copy_seed, invoke, one_line_error
from helpers.processes import MAIN, engage_env

LOG = ("log", "1", "--phase", "prep", "--date", "2021-11-16")


@pytest.fixture
def seed(tmp_path: Path) -> Seed:
    return copy_seed("ijm", tmp_path)


def test_a_symlinked_default_ledger_is_not_written_through(seed: Seed, tmp_path: Path) -> None:
    target = tmp_path / "bashrc"
    target.write_text("export PATH=$HOME/bin:$PATH\n")
    seed.ledger.symlink_to(target)
    line = one_line_error(seed.run(*LOG), "is a symbolic link", "regular file", "--ledger FILE")
    assert str(seed.ledger) in line
    assert target.read_text() == "export PATH=$HOME/bin:$PATH\n"
    one_line_error(seed.run("show"), "is a symbolic link")


def test_a_symlinked_ledger_given_with_ledger_is_refused_too(seed: Seed, tmp_path: Path) -> None:
    real = tmp_path / "real.ledger.jsonl"
    assert seed.run("--ledger", str(real), *LOG).exit_code == 0
    before = real.read_bytes()
    link = tmp_path / "link.ledger.jsonl"
    link.symlink_to(real)
    one_line_error(seed.run("--ledger", str(link), *LOG), "is a symbolic link")
    assert real.read_bytes() == before


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails here, not the machine


def test_a_link_to_dev_zero_is_refused_not_read_until_memory_runs_out(seed: Seed) -> None:
    seed.ledger.symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "-s", str(seed.path), "budget"],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=60,
        preexec_fn=_limited,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr[-500:]
    assert "is a symbolic link" in done.stderr


@pytest.mark.parametrize("args", [LOG, ("show",), ("--ledger", "{ledger}", "show")])
def test_a_fifo_or_device_is_refused_at_once(seed: Seed, args: tuple[str, ...]) -> None:
    os.mkfifo(seed.ledger)
    argv = [a.replace("{ledger}", str(seed.ledger)) for a in args]
    try:
        done = subprocess.run(
            [sys.executable, "-c", MAIN, "-s", str(seed.path), *argv],
            capture_output=True,
            text=True,
            env=engage_env(),
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("engage waited on a FIFO at the ledger's path")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "is a named pipe (FIFO)" in done.stderr, done.stderr


def test_a_device_given_with_ledger_is_refused(seed: Seed) -> None:
    one_line_error(seed.run("--ledger", "/dev/null", *LOG), "/dev/null is a device", "regular file")


def test_a_folder_at_the_default_ledger_path_is_refused(seed: Seed) -> None:
    seed.ledger.mkdir()
    one_line_error(seed.run(*LOG), "is a folder")
    one_line_error(seed.run("status"), "is a folder")


def test_a_symlinked_lock_file_is_not_truncated(seed: Seed, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    Path(str(seed.ledger) + ".lock").symlink_to(precious)
    one_line_error(seed.run(*LOG), "lock is a symbolic link", "remove it")
    assert precious.read_text() == "keep me\n"
    assert not seed.ledger.exists() or seed.ledger.read_bytes() == b""


def test_a_regular_ledger_still_works_and_a_hard_link_is_a_regular_file(seed: Seed, tmp_path: Path) -> None:
    assert seed.run(*LOG).exit_code == 0
    hard = tmp_path / "hard.ledger.jsonl"
    os.link(seed.ledger, hard)
    shown = invoke("-s", str(seed.path), "--ledger", str(hard), "entries", "--format", "csv")
    assert shown.exit_code == 0, shown.stderr
    rows = shown.output.strip().splitlines()
    assert len(rows) == 2 and rows[1].split(",")[1:4] == ["2021-11-16", "prep", "1"], shown.output


def test_a_held_lock_is_waited_for_and_never_said_to_be_removable(seed: Seed, monkeypatch) -> None:
    """The lock ends with its process, so a lock held this long is held by a live one (stopped with
    Ctrl-Z, say): removing the file would let two write at once (a doubled import, at 1b1abcf)."""
    from engage.ledger import writer
    from engage.ledger.lock import held

    monkeypatch.setattr(writer, "LOCK_TIMEOUT_SECONDS", 0.2)
    with held(Path(str(seed.ledger) + ".lock"), 0):
        line = one_line_error(seed.run(*LOG), "held the ledger's lock", "Ctrl-Z", "fg")
    assert "remove" not in line.replace("removing the .lock file would let two write at once", "")
    assert not seed.ledger.exists() or seed.ledger.read_bytes() == b""
