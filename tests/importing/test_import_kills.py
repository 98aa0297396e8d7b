"""kill -9 during every importer's run: the re-run lands the whole file, once.

The installed ``engage import`` runs in a child process. To kill it in the window that lost
tracker imports (its records written, their commit not yet), the test stops the child
(SIGSTOP) the moment the ledger grows, checks that the ledger then holds a batch without its
commit, and only then kills it (SIGKILL); a child caught after its commit is killed too and
counted apart. Every other such kill is followed by ``engage repair`` before the re-run, as the
warning suggests. Other children are killed at a random moment. After each kill the same
import is run again: it must land every item, the hours of each day equal to the file's,
nothing counted twice, and what the kill left sealed.

ENGAGE_BATTERY_KILLS sets the kills in the window per importer (2 in the suite; more by hand).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import pytest

from engage.ledger.ledger import Ledger
from helpers import copy_seed
from helpers.processes import ENGAGE, engage_env
from helpers.trackers import FORMATS, Tracker, hours_by_day, tracker_file

KILLS = int(os.environ.get("ENGAGE_BATTERY_KILLS", "2"))
ITEMS = 300
NOTE_SIZE = 400  # a payload of some 150 KB: its fsync is the window, before the commit line
needs_sigkill = pytest.mark.skipif(
    not hasattr(signal, "SIGSTOP") or not Path("/proc/self/stat").exists(),
    reason="needs SIGSTOP, SIGKILL and /proc (Linux)",
)


def _counted(ledger: Path) -> Ledger:
    return Ledger.read(ledger, Fraction(8))


def _stopped(pid: int) -> None:
    """Wait until the child is stopped (or gone): a stop lands when its system call returns."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("T", "t", "Z"):
            return
        time.sleep(0.001)
    raise AssertionError(f"child {pid} did not stop")


def _kill_when_written(command: list[str], ledger: Path) -> str:
    """Run ``command``; stop it as soon as the ledger grows, then kill it: where it was killed."""
    size = ledger.stat().st_size if ledger.exists() else 0
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=engage_env())
    while proc.poll() is None:
        try:
            grown = os.stat(ledger).st_size > size
        except FileNotFoundError:
            grown = False
        if grown:
            proc.send_signal(signal.SIGSTOP)
            break
    else:
        proc.communicate(timeout=60)
        return "completed before the stop"
    _stopped(proc.pid)
    where = "between records and commit" if _counted(ledger).dead_batches else "after the commit"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return where


def _kill_at_random(command: list[str], ledger: Path, rng: random.Random) -> str:
    """Run ``command`` and kill it at a random moment of its run: where it was killed."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=engage_env())
    time.sleep(rng.uniform(0.02, 0.4))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    if proc.returncode == 0:
        return "completed before the kill"
    read = _counted(ledger)
    if read.dead_batches:
        return "at random, between records and commit"
    return "at random, after the commit" if read.entries() else "at random, before writing"


def _rerun_lands_whole_once(tracker: Tracker, schedule: Path, ledger: Path, how: str) -> None:
    landed = len(_counted(ledger).entries())
    assert landed in (0, tracker.items), f"{tracker.name}, {how}: {landed} of {tracker.items} counted"
    command = [ENGAGE, "-s", str(schedule), "import", *tracker.args]
    again = subprocess.run(command, capture_output=True, text=True, env=engage_env(), timeout=120)
    assert again.returncode == (2 if landed and tracker.name == "csv" else 0), (how, again.stderr)
    counted = _counted(ledger)
    assert len(counted.entries()) == tracker.items, (tracker.name, how, again.stdout, again.stderr)
    assert hours_by_day(counted) == tracker.hours_by_day, (tracker.name, how)
    assert counted.problems == [], (tracker.name, how)  # what the kill left is sealed
    if tracker.name != "csv":
        third = subprocess.run(command, capture_output=True, text=True, env=engage_env(), timeout=120)
        assert third.returncode == 0 and "already in the ledger" in third.stdout, third.stderr
        assert len(_counted(ledger).entries()) == tracker.items


@needs_sigkill
@pytest.mark.parametrize("name", FORMATS)
def test_an_import_killed_before_its_commit_lands_whole_once_when_run_again(
    name: str, tmp_path: Path
) -> None:
    tracker = tracker_file(name, tmp_path, ITEMS, NOTE_SIZE)
    outcomes: list[str] = []
    trial = 0
    while outcomes.count("between records and commit") < KILLS and trial < 4 * KILLS:
        folder = tmp_path / f"window{trial}"
        folder.mkdir()
        seed = copy_seed("ijm", folder)
        command = [ENGAGE, "-s", str(seed.path), "import", *tracker.args]
        outcomes.append(_kill_when_written(command, seed.ledger))
        if trial % 2 and outcomes[-1] == "between records and commit":  # repaired first: the same
            warned = subprocess.run(
                [ENGAGE, "-s", str(seed.path), "entries"], capture_output=True, text=True, env=engage_env()
            ).stderr
            assert "interrupted write" in warned and "run the import again" in warned, warned
            repaired = subprocess.run(
                [ENGAGE, "-s", str(seed.path), "repair"], capture_output=True, text=True, env=engage_env()
            )
            assert "Sealed" in repaired.stdout, repaired.stdout
        _rerun_lands_whole_once(tracker, seed.path, seed.ledger, outcomes[-1])
        trial += 1
    rng = random.Random(name)
    for n in range(KILLS):
        folder = tmp_path / f"random{n}"
        folder.mkdir()
        seed = copy_seed("ijm", folder)
        how = _kill_at_random([ENGAGE, "-s", str(seed.path), "import", *tracker.args], seed.ledger, rng)
        outcomes.append(how)
        _rerun_lands_whole_once(tracker, seed.path, seed.ledger, how)
    print(f"kill -9 during import --from {name}:", {o: outcomes.count(o) for o in sorted(set(outcomes))})
    assert outcomes.count("between records and commit") >= KILLS, outcomes


@needs_sigkill
def test_a_stopped_import_that_finishes_after_its_batch_was_sealed_counts_nothing_twice(
    tmp_path: Path,
) -> None:
    """Ctrl-Z during an import, the lock file removed by hand, the import run again, then fg: the
    stopped writer commits a batch already sealed and imported again. Found doubled (2x) at 1b1abcf."""
    tracker = tracker_file("watson", tmp_path, ITEMS, NOTE_SIZE)
    for trial in range(4 * KILLS):
        (tmp_path / f"t{trial}").mkdir()
        seed = copy_seed("ijm", tmp_path / f"t{trial}")
        command = [ENGAGE, "-s", str(seed.path), "import", *tracker.args]
        size = seed.ledger.stat().st_size if seed.ledger.exists() else 0
        stopped = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=engage_env())
        while stopped.poll() is None and not (seed.ledger.exists() and seed.ledger.stat().st_size > size):
            pass
        stopped.send_signal(signal.SIGSTOP)
        _stopped(stopped.pid)
        if not _counted(seed.ledger).dead_batches:  # caught after its commit: not the case under test
            stopped.send_signal(signal.SIGCONT)
            stopped.communicate(timeout=60)
            continue
        Path(str(seed.ledger) + ".lock").unlink()  # what the old lock message advised
        again = subprocess.run(command, capture_output=True, text=True, env=engage_env(), timeout=120)
        assert again.returncode == 0, again.stderr
        stopped.send_signal(signal.SIGCONT)
        stopped.communicate(timeout=60)
        counted = _counted(seed.ledger)
        assert len(counted.entries()) == tracker.items and hours_by_day(counted) == tracker.hours_by_day
        listed = subprocess.run(
            [ENGAGE, "-s", str(seed.path), "entries", "--format", "csv"],
            capture_output=True,
            text=True,
            env=engage_env(),
        )
        assert len(listed.stdout.strip().splitlines()) == tracker.items + 1, listed.stderr
        return
    pytest.skip("no stop landed between records and commit in this many trials")
