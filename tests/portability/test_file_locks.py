"""Files rewritten while another program holds them open, as Windows refuses it (issue 24).

Windows opens files without FILE_SHARE_DELETE, so while any process holds a file (OneDrive syncing
it, an antivirus scan, Excel showing it, another engage), renaming over it or removing it is refused.
The installed engage runs here under the Windows-behaviour layer (``helpers/winsim``), which refuses
``os.replace``/``os.unlink`` of a file any process has open (it looks in ``/proc/*/fd``), and the hold
is a real open file in another process. engage must wait the hold out, then write the file whole,
and leave no temporary behind; a hold that outlasts its patience is one line, and the old file stays.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import engage.storage.atomic
from engage import EngageError, remove_file, write_file
from engage.cachedir import write_atomically
from helpers import Seed, one_line_error
from helpers.processes import ENGAGE, engage_env
from helpers.seed_edits import move, with_supervisor_email
from helpers.servers import Inbox
from helpers.windows import engage_as_on_windows

# Holds a file open until the engage under test has been refused it once (so the hold surely
# overlapped its write), then HOLD seconds more; never longer than 20 s in all.
HOLDER = """
import os, sys, time
path, log, more = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(path, "rb"):
    print("held", flush=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with open(log, encoding="utf-8") as seen:
                if os.path.basename(path) in seen.read():
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    time.sleep(more)
print(time.time(), flush=True)
"""
HOLD = 1.0


@contextmanager
def held_open(path: Path, log: Path, more: float = HOLD) -> Iterator[list[float]]:
    """``path`` open in another process until engage was refused it, then ``more`` seconds; yields
    a list that holds, once the block ends, when the holder let go (time.time())."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(log), str(more)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "held\n"
    released: list[float] = []
    try:
        yield released
    finally:
        out, _ = child.communicate(timeout=30)
        released.append(float(out))


def refusals(log: Path, name: str) -> list[str]:
    return (
        [line for line in log.read_text(encoding="utf-8").splitlines() if name in line]
        if log.exists()
        else []
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".tmp")))


def log_in_a_child(seed: Seed, *args: bytes) -> None:
    command = [ENGAGE.encode(), b"-s", bytes(seed.path), b"log", b"1", b"-p", b"prep", *args]
    done = subprocess.run(command, capture_output=True, env=engage_env())
    assert done.returncode == 0, done.stderr


OUTPUTS = {
    "csv": ("entries", "--format", "csv"),
    "xlsx": ("entries",),
    "md": ("status", "--week", "2021-W47"),
    "ics": ("calendar",),
}


@pytest.mark.parametrize("suffix", sorted(OUTPUTS))
def test_an_output_held_open_is_written_whole_once_let_go(ijm: Seed, tmp_path: Path, suffix: str) -> None:
    """``-o FILE`` while Excel (here: another process) holds FILE: written when it lets go, exit 0."""
    folder = ijm.path.parent
    log_in_a_child(ijm, b"-d", b"2021-11-16", b"-n", b"first")
    out, log = folder / f"prev.{suffix}", tmp_path / "winsim.log"
    first = engage_as_on_windows(folder, "-s", str(ijm.path), *OUTPUTS[suffix], "-o", out.name)
    assert first.code == 0, first.error
    fresh = out.read_bytes()[:8]  # how this format starts
    out.write_bytes(b"stale\n")
    log_in_a_child(ijm, b"-d", b"2021-11-17", b"-n", b"second")
    with held_open(out, log) as released:
        done = engage_as_on_windows(
            folder, "-s", str(ijm.path), *OUTPUTS[suffix], "-o", out.name, WINSIM_LOG=str(log)
        )
        finished = time.time()
    assert done.code == 0, done.error
    assert refusals(log, out.name), "the hold never met the write: nothing was tested"
    assert finished >= released[0] - 0.1  # it waited for the holder
    assert out.read_bytes().startswith(fresh) and leftovers(folder) == []
    if suffix == "csv":
        assert b",second\r\n" in out.read_bytes()
    assert done.error.startswith(f"Wrote {out.name}") and "Traceback" not in done.error


def test_a_note_not_in_utf8_is_written_back_as_its_byte_and_never_empties_the_file(
    ijm: Seed, tmp_path: Path
) -> None:
    """The byte typed (kept as a lone surrogate) goes back to the -o file as that byte; with the file
    held open past engage's patience, the old file stays whole and the command is one line, exit 2."""
    folder = ijm.path.parent
    log_in_a_child(ijm, b"-d", b"2021-11-16", b"-n", b"caf\xe9")
    prev, log = folder / "prev.csv", tmp_path / "winsim.log"
    prev.write_bytes(b"last week's export\r\n")
    with held_open(prev, log):
        done = engage_as_on_windows(
            folder, "-s", str(ijm.path), "entries", "--format", "csv", "-o", "prev.csv", WINSIM_LOG=str(log)
        )
    assert done.code == 0, done.error
    data = prev.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and b",caf\xe9\r\n" in data
    # refused for good (in-process: every replace refused, as a hold that never ends)
    kept = prev.read_bytes()
    outcome = _refused_for_good(ijm, prev)
    assert outcome.exit_code == 2 and prev.read_bytes() == kept and leftovers(folder) == []


def _refused_for_good(seed: Seed, prev: Path) -> object:
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(engage.storage.atomic, "PATIENCE", 0.3)
        mp.setattr(os, "replace", _refuse)
        return seed.run("entries", "--format", "csv", "-o", str(prev))
    finally:
        mp.undo()


def _refuse(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "[WinError 32] The process cannot access the file", str(args[0]))


def test_a_hold_past_the_patience_is_one_line_and_the_temporary_goes_even_when_its_removal_is_refused(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every replace refused and the first removals of the temporary too (an antivirus scanning it):
    one line naming the file and what to do, the old report whole, no temporary left."""
    out = ijm.path.with_name("status.md")
    out.write_text("last week's report\n", encoding="utf-8")
    refused: list[str] = []
    unlink = os.unlink

    def unlink_later(path: object, *args: object, **kwargs: object) -> None:
        if len(refused) < 3:
            refused.append(str(path))
            raise PermissionError(13, "[WinError 32] used by another process", str(path))
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engage.storage.atomic, "PATIENCE", 0.4)
    monkeypatch.setattr(os, "replace", _refuse)
    monkeypatch.setattr(os, "unlink", unlink_later)
    started = time.monotonic()
    result = ijm.run("status", "--week", "2021-W47", "-o", str(out))
    line = one_line_error(
        result, str(out), "cannot write the report", "held it open after 0.4 s", "run again"
    )
    assert "Excel" in line and "OneDrive" in line
    assert time.monotonic() - started < 5
    assert out.read_text(encoding="utf-8") == "last week's report\n"
    assert refused and all(p.endswith(".partial") for p in refused)
    assert leftovers(out.parent) == []


def test_the_calendar_state_held_open_during_send_is_saved_after_so_nothing_is_mailed_twice(
    ijm: Seed, smtp: Inbox, tmp_path: Path
) -> None:
    """``calendar send`` while OneDrive (here: another process) holds NAME.calendar.json: the mail goes,
    the state is saved once the hold ends, no temporary is left, and the next send mails nothing."""
    with_supervisor_email(ijm)
    assert ijm.run("calendar", "-o", str(tmp_path / "feed.ics")).exit_code == 0  # the state file exists
    state = ijm.path.with_name(ijm.path.stem + ".calendar.json")
    before = json.loads(state.read_text(encoding="utf-8"))
    assert before["mail"] == {}
    log = tmp_path / "winsim.log"
    smtp_env = {k: v for k, v in os.environ.items() if k.startswith(("ENGAGE_SMTP_", "ENGAGE_MAIL_"))}
    with held_open(state, log, more=1.5):
        done = engage_as_on_windows(
            ijm.path.parent, "-s", str(ijm.path), "calendar", "send", WINSIM_LOG=str(log), **smtp_env
        )
    assert done.code == 0, done.error
    assert refusals(log, state.name), "the hold never met the save: nothing was tested"
    sent = len(smtp.messages)
    assert sent > 1
    after = json.loads(state.read_text(encoding="utf-8"))
    assert len(next(iter(after["mail"].values()))) == sent
    assert leftovers(ijm.path.parent) == []
    smtp.messages.clear()
    again = engage_as_on_windows(ijm.path.parent, "-s", str(ijm.path), "calendar", "send", **smtp_env)
    assert again.code == 0, again.error
    assert "Nothing new to send" in again.text and smtp.messages == []


def test_a_state_held_past_the_patience_after_send_is_kept_beside_it_and_nothing_is_mailed_twice(
    ijm: Seed, smtp: Inbox
) -> None:
    """The hold outlasts the patience: the mail went, so the state is kept beside the held file (a new
    file, no replace), one warning, exit 0; the next send reads it and mails nothing again."""
    with_supervisor_email(ijm)
    state = ijm.path.with_name(ijm.path.stem + ".calendar.json")
    replace = os.replace

    def refuse_the_state(source: object, target: object, *args: object, **kwargs: object) -> None:
        if str(target) == str(state):
            _refuse(source, target)
        replace(source, target, *args, **kwargs)  # type: ignore[arg-type]

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(engage.storage.atomic, "PATIENCE", 0.2)
        mp.setattr(os, "replace", refuse_the_state)
        result = ijm.run("calendar", "send")
    finally:
        mp.undo()
    assert result.exit_code == 0, result.stderr
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and "warning" in warning[0] and ".pending" in warning[0], result.stderr
    sent = len(smtp.messages)
    assert sent > 1
    assert not state.exists() and leftovers(ijm.path.parent) == []
    pending = [p for p in ijm.path.parent.iterdir() if p.name.endswith(".pending")]
    assert len(pending) == 1 and pending[0].name.startswith(f".{state.name}.")
    smtp.messages.clear()
    again = ijm.run("calendar", "send")  # the hold is gone
    assert again.exit_code == 0, again.stderr
    assert "Nothing new to send" in again.stdout and smtp.messages == []
    # the next save that can write the state takes the kept one in, and removes it
    assert ijm.run("calendar", "send", "--all").exit_code == 0
    assert len(smtp.messages) == sent
    assert [p for p in ijm.path.parent.iterdir() if p.name.endswith(".pending")] == []
    recorded = json.loads(state.read_text(encoding="utf-8"))["mail"]
    assert len(next(iter(recorded.values()))) == sent


def test_a_state_that_cannot_be_kept_at_all_says_how_many_went_and_speaks_of_one_as_one(
    ijm: Seed, smtp: Inbox
) -> None:
    """Neither the state nor a file beside it can be written: the line says the mail went, unrecorded."""
    with_supervisor_email(ijm)
    assert ijm.run("calendar", "send").exit_code == 0
    move(ijm)
    smtp.messages.clear()
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(engage.storage.atomic, "PATIENCE", 0.2)
        mp.setattr(os, "replace", _refuse)
        result = ijm.run("calendar", "send")
    finally:
        mp.undo()
    one_line_error(
        result, ".calendar.json: cannot write the calendar state", "1 message went out", "mails it again"
    )
    assert len(smtp.messages) == 1
    assert leftovers(ijm.path.parent) == []


def test_a_config_file_held_open_is_written_once_let_go_its_mode_kept(ijm: Seed, tmp_path: Path) -> None:
    folder = ijm.path.parent
    config = folder / ".engage" / "config.toml"
    config.parent.mkdir()
    config.write_text('[user]\nname = "Old Name"\n', encoding="utf-8")
    config.chmod(0o640)
    log = tmp_path / "winsim.log"
    with held_open(config, log):
        done = engage_as_on_windows(folder, "config", "--local", "user.name", "New Name", WINSIM_LOG=str(log))
    assert done.code == 0, done.error
    assert refusals(log, "config.toml")
    assert 'name = "New Name"' in config.read_text(encoding="utf-8")
    assert config.stat().st_mode & 0o777 == 0o640
    assert leftovers(config.parent) == []


def test_a_cache_held_open_waits_a_second_at_most_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache is computed again if it cannot be written: after CACHE_PATIENCE it is given up, False."""
    target = tmp_path / "cache" / "thing"
    assert write_atomically(target, b"old")
    monkeypatch.setattr(os, "replace", _refuse)
    started = time.monotonic()
    assert write_atomically(target, b"new") is False
    assert time.monotonic() - started < 2
    assert target.read_bytes() == b"old" and leftovers(target.parent) == []


def test_a_file_is_synced_before_it_is_put_in_place_and_a_cache_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), replace(a, b))[1])
    write_file(tmp_path / "report.md", "text")
    assert calls == ["fsync", "replace"]
    calls.clear()
    assert write_atomically(tmp_path / "cache" / "c", b"x")
    assert calls == ["replace"]


def test_modes_new_files_kept_modes_and_a_device_written_through(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.md"
        write_file(new, "a")
        assert new.stat().st_mode & 0o777 == 0o644
        new.chmod(0o600)
        write_file(new, "b")
        assert new.stat().st_mode & 0o777 == 0o600 and new.read_text() == "b"
        assert write_atomically(tmp_path / "cache" / "c", b"x")
        assert (tmp_path / "cache" / "c").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(mask)
    write_file(Path(os.devnull), b"nothing")  # a device: written as it is, never replaced
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()
    with pytest.raises(EngageError, match="cannot write the report"):
        write_file(tmp_path / "nowhere" / "r.md", "x", "report")


def test_remove_file_waits_out_a_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "x"
    gone.write_text("x")
    unlink = os.unlink
    refused: list[object] = []

    def unlink_later(path: object, *args: object, **kwargs: object) -> None:
        if len(refused) < 2:
            refused.append(path)
            raise PermissionError(13, "[WinError 32] used by another process")
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink_later)
    assert remove_file(gone) and not gone.exists() and len(refused) == 2
    assert remove_file(gone)  # not there: gone already
    monkeypatch.setattr(os, "unlink", _refuse)
    kept = tmp_path / "y"
    kept.write_text("y")
    assert remove_file(kept, 0.1) is False and kept.exists()


def test_an_invoice_whose_temporary_is_held_a_moment_is_put_in_place_without_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document is linked into place, then its temporary removed: a scan holding the temporary
    (its first removals refused) is waited out, not reported as an invoice left out of place."""
    from helpers import copy_seed

    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    for status, day in (("submitted", "2004-03-04"), ("accepted", "2004-03-08")):
        assert seed.run("deliver", "draft", "--status", status, "-d", day).exit_code == 0
    refused: list[str] = []
    unlink = os.unlink

    def unlink_later(path: object, *args: object, **kwargs: object) -> None:
        if str(path).endswith(".partial") and len(refused) < 3:
            refused.append(str(path))
            raise PermissionError(13, "[WinError 32] used by another process", str(path))
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink_later)
    output = folder / "GEO-001.html"
    result = seed.run("invoice", "-d", "2004-03-09", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert refused and "Invoice GEO-001" in output.read_text(encoding="utf-8")
    assert [p.name for p in folder.iterdir() if p.name.endswith(".partial")] == []


def test_a_temporary_a_killed_engage_left_is_cleared_by_the_next_write(ijm: Seed) -> None:
    """``.NAME.PID.partial`` stayed forever once an engage was killed mid-write: the next write of NAME
    removes those whose process is gone, and keeps a running one's (another engage writing now)."""
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()  # a process that was, and is no more
    folder = ijm.path.parent
    gone = folder / f".status.md.{killed.pid}.partial"
    running = folder / f".status.md.{os.getppid()}.partial"
    other = folder / f".notes.md.{killed.pid}.partial"  # another file's: not this write's business
    for path in (gone, running, other):
        path.write_text("half a report", encoding="utf-8")
    done = ijm.run("status", "--week", "2021-W47", "-o", str(folder / "status.md"))
    assert done.exit_code == 0, done.stderr
    assert not gone.exists() and running.exists() and other.exists()


def test_where_no_process_can_be_asked_a_temporary_a_day_old_is_left_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engage.storage.atomic, "ASK_PROCESS", False)  # as on Windows
    old, new = tmp_path / ".r.md.1.partial", tmp_path / ".r.md.2.partial"
    for path in (old, new):
        path.write_text("x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    write_file(tmp_path / "r.md", "report")
    assert not old.exists() and new.exists()


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes; Windows is the in-process case below")
def test_a_read_only_target_gets_its_mode_after_the_replace_never_on_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only temporary cannot be removed on Windows: the mode is applied once it is in place."""
    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o444)
    modes: list[int] = []
    replace = os.replace

    def watch(source: object, dest: object, *args: object, **kwargs: object) -> None:
        modes.append(os.stat(source).st_mode & 0o777)  # type: ignore[arg-type]
        replace(source, dest, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", watch)
    write_file(target, "new")
    assert modes and all(mode & 0o200 for mode in modes)
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o444


def test_a_read_only_target_windows_will_not_replace_is_one_line_at_once(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not ten seconds blamed on another program: the file is read-only, and the line says so."""
    monkeypatch.setattr(engage.storage.atomic, "READ_ONLY_BLOCKS_REPLACE", True)
    out = ijm.path.with_name("status.md")
    out.write_text("last week's report\n", encoding="utf-8")
    out.chmod(0o444)
    started = time.monotonic()
    line = one_line_error(ijm.run("status", "--week", "2021-W47", "-o", str(out)), f"{out} is read-only")
    assert "another program" not in line and time.monotonic() - started < 5
    assert out.read_text(encoding="utf-8") == "last week's report\n" and leftovers(out.parent) == []
