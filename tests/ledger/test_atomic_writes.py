"""All or nothing: batches with commit records, kill -9 during log and import, a full disk.

The kill and full-disk tests run the installed ``engage`` in a subprocess and
check the ledger afterwards: every acknowledged write present, no import half
counted, a re-run import landing whole. ENGAGE_BATTERY_KILLS sets how many
kills each test tries (a few in the suite; more in a manual run).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
from helpers import IJM, Seed, copy_seed
from helpers.processes import ENGAGE, engage_env, timesheet

KILLS = int(os.environ.get("ENGAGE_BATTERY_KILLS", "4"))
needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL does not exist on Windows")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ENGAGE, *args], capture_output=True, text=True, env=engage_env(), timeout=120)


def counted(seed: Seed) -> Ledger:
    return Ledger.read(seed.ledger, hours_per_day=8)


def entry(note: str) -> dict[str, object]:
    return new_record("entry", date="2021-11-16", phase="prep", days="1", consultant="k", note=note)


def test_batch_without_its_commit_is_not_counted_and_said_once_with_its_lines(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", "kept")
    append(ijm.ledger, [entry(f"batch {n}") for n in range(5)])
    lines = ijm.ledger.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[-1])["kind"] == "commit"
    ijm.ledger.write_bytes(b"".join(lines[:-1]) + lines[-1][:20])  # the commit torn, as a kill leaves it
    result = ijm.run("entries", "--format", "json")
    assert [e["note"] for e in json.loads(result.stdout)] == ["kept"]
    warnings = result.stderr.strip().splitlines()
    assert any(f"{ijm.ledger.name}:2-6: an interrupted write" in w for w in warnings), warnings
    assert any(f"{ijm.ledger.name}:7: damaged line" in w for w in warnings), warnings
    written = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17", "--note", "next")  # seals
    assert written.exit_code == 0
    assert "sealed" in written.stderr
    after = ijm.run("entries", "--format", "json")
    assert after.stderr == ""  # sealed: known, not counted, not reported for ever
    assert [e["note"] for e in json.loads(after.stdout)] == ["kept", "next"]


def test_rerun_of_an_interrupted_import_lands_whole(ijm: Seed, tmp_path: Path) -> None:
    sheet = timesheet(tmp_path / "t.csv", 6)
    assert ijm.run("import", str(sheet)).exit_code == 0
    lines = ijm.ledger.read_bytes().splitlines(keepends=True)
    ijm.ledger.write_bytes(b"".join(lines[:4]))  # killed after three rows: no commit
    assert counted(ijm).entries() == []
    again = ijm.run("import", str(sheet))
    assert again.exit_code == 0, again.stderr
    notes = sorted(e.note for e in counted(ijm).entries())
    assert len(notes) == 6 and len(set(notes)) == 6
    assert ijm.run("import", str(sheet)).exit_code == 2  # now it is there: a third run is refused


def test_commit_with_a_wrong_count_does_not_count_its_batch(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    append(path, [entry("a"), entry("b")])
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[2])  # one batch line lost, the commit kept
    read = Ledger.read(path, 8)
    assert read.entries() == [] and read.problems and "interrupted write" in str(read.problems[0])


@needs_sigkill
def test_kill_9_during_log_keeps_every_acknowledged_entry(ijm: Seed) -> None:
    acknowledged: list[str] = []
    kills = 0
    rng = random.Random(9)
    for n in range(KILLS * 3):
        note = f"log {n}"
        proc = subprocess.Popen(
            [ENGAGE, "-s", str(ijm.path), "log", "0.5", "-p", "prep", "-d", "2021-11-16", "--note", note],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=engage_env(),
        )
        if n % 3:  # two in three are killed at a random moment of their run
            time.sleep(rng.uniform(0.05, 0.5))
            proc.send_signal(signal.SIGKILL)
            kills += 1
        out, _ = proc.communicate(timeout=60)
        if proc.returncode == 0 and b"Logged" in out:
            acknowledged.append(note)
    read = counted(ijm)
    notes = [e.note for e in read.entries()]
    assert set(acknowledged) <= set(notes)
    assert len(notes) == len(set(notes))  # nothing counted twice
    assert len(read.problems) <= kills  # at most a torn line per kill, each reported
    print(
        f"kill -9 during log: {n + 1} runs, {kills} kills, {len(acknowledged)} acknowledged, "
        f"{len(set(acknowledged) & set(notes))} of them present, {len(notes)} counted, "
        f"{len(read.problems)} damaged lines reported"
    )
    final = run("-s", str(ijm.path), "log", "1", "-p", "prep", "-d", "2021-11-17")
    assert final.returncode == 0
    assert counted(ijm).problems == []  # what the kills left is sealed by the next write


def _import_killed(seed: Seed, sheet: Path, rows: int, rng: random.Random) -> str:
    """Start an import and kill it: at a random moment, or the moment its rows start to land."""
    size = seed.ledger.stat().st_size if seed.ledger.exists() else 0
    proc = subprocess.Popen(
        [ENGAGE, "-s", str(seed.path), "import", str(sheet)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=engage_env(),
    )
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0.1, 0.6))
    else:
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if seed.ledger.exists() and seed.ledger.stat().st_size > size:
                break
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    read = counted(seed)
    landed = len(read.entries())
    assert landed in (0, rows), f"an import half-landed: {landed} of {rows} rows counted"
    if proc.returncode == 0:
        assert b"Imported" in out and landed == rows
        return "completed"
    if landed == rows:
        return "landed, then killed"
    return "interrupted mid-write" if read.dead_batches else "killed before writing"


@needs_sigkill
def test_kill_9_during_a_large_import_is_all_or_nothing(tmp_path: Path) -> None:
    rows = 2000
    sheet = timesheet(tmp_path / "big.csv", rows, note_size=4000)
    outcomes: list[str] = []
    rng = random.Random(14)
    for trial in range(KILLS):
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        seed = copy_seed("ijm", folder)
        outcomes.append(_import_killed(seed, sheet, rows, rng))
        again = run("-s", str(seed.path), "import", str(sheet))
        assert len(counted(seed).entries()) == rows, (outcomes[-1], again.stderr)  # whole, and once
        assert counted(seed).problems == []  # what the kill left is sealed
    print("kill -9 during import:", {o: outcomes.count(o) for o in sorted(set(outcomes))})


def _fill(disk: Path, leave: int) -> None:
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with (disk / "filler").open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))


def test_full_disk_import_writes_nothing_and_says_so(small_disk: Path, tmp_path: Path) -> None:
    shutil.copy(IJM, small_disk / "e.toml")
    seed = Seed("ijm", small_disk / "e.toml")
    assert run("-s", str(seed.path), "log", "1", "-p", "prep", "-d", "2021-11-16").returncode == 0
    before = seed.ledger.read_bytes()
    sheet = timesheet(tmp_path / "big.csv", 3000, note_size=200)  # ~700 KB: more than the disk
    result = run("-s", str(seed.path), "import", str(sheet))
    assert result.returncode == 2
    assert "No space left on device" in result.stderr and "nothing was written" in result.stderr
    assert seed.ledger.read_bytes() == before  # not a row, not a torn line
    (small_disk / "filler").unlink(missing_ok=True)


def test_full_disk_log_leaves_no_torn_line(small_disk: Path) -> None:
    shutil.copy(IJM, small_disk / "e.toml")
    seed = Seed("ijm", small_disk / "e.toml")
    assert run("-s", str(seed.path), "log", "1", "-p", "prep", "-d", "2021-11-16").returncode == 0
    before = seed.ledger.read_bytes()
    _fill(small_disk, leave=0)
    result = run("-s", str(seed.path), "log", "1", "-p", "prep", "-d", "2021-11-17", "--note", "x" * 8000)
    assert result.returncode == 2 and "No space left" in result.stderr
    assert seed.ledger.read_bytes() == before
    (small_disk / "filler").unlink()
    assert run("-s", str(seed.path), "entries").stderr == ""  # no damaged line to warn about for ever


def test_a_line_torn_inside_the_engagement_id_does_not_lock_the_ledger(ijm: Seed) -> None:
    # A kill -9 can cut a record inside its "engagement" value; the seal follows on the next line.
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    with ijm.ledger.open("ab") as handle:
        handle.write(
            b'{"id": "aaaaaaaaaaaa", "kind": "entry", "recorded_at": "2026-11-22T20:12:26Z", '
            b'"date": "2021-11-17", "phase": "prep", "days": "1", "engagement": "ijm-ke'
        )
    for day in ("2021-11-18", "2021-11-19", "2021-11-22"):  # the first seals, the others must still write
        result = ijm.run("log", "1", "-p", "prep", "-d", day)
        assert result.exit_code == 0, result.stderr
    entries = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert [e["date"] for e in entries] == ["2021-11-16", "2021-11-18", "2021-11-19", "2021-11-22"]


def test_the_ledger_lock_and_filelock_exclude_each_other(tmp_path: Path) -> None:
    """engage takes the lock with flock itself on POSIX, as filelock does: each waits for the other."""
    from filelock import FileLock, Timeout

    from engage.ledger.lock import LockTimeout, held
    from engage.ledger.writer import write_in_progress

    ledger = tmp_path / "l.jsonl"
    lock = tmp_path / "l.jsonl.lock"
    assert not write_in_progress(ledger)
    with FileLock(str(lock), timeout=0):
        assert write_in_progress(ledger)
        with pytest.raises(LockTimeout), held(lock, 0.1):
            pass
    with held(lock, 0):
        with pytest.raises(Timeout):
            FileLock(str(lock), timeout=0).acquire()
        assert write_in_progress(ledger)
    assert not write_in_progress(ledger)
