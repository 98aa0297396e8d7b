"""An invoice's document and its record land together: a kill, a full disk or a refusal under the lock
leaves neither, a re-run lands the invoice once, and a number is never issued twice.

The kills run the installed ``engage`` in a subprocess: while it waits on the ledger's lock (held here,
so the moment is certain), and at random moments of its run (``FEES_KILLS`` of them, 30 by default).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Seed, copy_seed
from helpers.processes import engage_env

ENGAGE = str(Path(sys.executable).with_name("engage"))
KILLS = int(os.environ.get("FEES_KILLS", "30"))
needs_posix = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or sys.platform == "win32", reason="SIGKILL and flock are POSIX"
)


def _env() -> dict[str, str]:
    return {**engage_env(), "ENGAGE_CACHE_DIR": os.environ["ENGAGE_CACHE_DIR"]}


def _engage(seed: Seed, *args: str) -> list[str]:
    return [ENGAGE, "-s", str(seed.path), *args]


def _run(seed: Seed, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_engage(seed, *args), capture_output=True, text=True, env=_env(), timeout=120)


def _payable(seed: Seed) -> None:
    for status, day in (("submitted", "2004-03-04"), ("accepted", "2004-03-08")):
        done = _run(seed, "deliver", "draft", "--status", status, "-d", day)
        assert done.returncode == 0, done.stderr


def _records(seed: Seed, kind: str) -> list[dict]:
    if not seed.ledger.exists():
        return []
    found = []
    for line in seed.ledger.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and record.get("kind") == kind:
                found.append(record)
    return found


def _invoices(seed: Seed) -> list[dict]:
    return _records(seed, "fees.invoice")


def _documents(folder: Path) -> list[Path]:
    """Every file in ``folder`` that is not the schedule, its ledger, its lock or the cache."""
    skip = {".lock", ".toml", ".jsonl"}
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix not in skip)


def _assert_whole(seed: Seed, folder: Path) -> None:
    """Every invoice recorded has its document, holding its number and total; no document, and no
    leftover temporary, without a record; no number issued twice."""
    invoices = _invoices(seed)
    numbers = [i["number"].casefold() for i in invoices]
    assert len(numbers) == len(set(numbers)), numbers
    documents = _documents(folder)
    assert len(documents) == len(invoices), (documents, invoices)
    for invoice in invoices:
        document = Path(invoice["document"])
        assert document in documents, (invoice, documents)
        text = document.read_text(encoding="utf-8")
        assert f"Invoice {invoice['number']}" in text
        assert hashlib.sha256(document.read_bytes()).hexdigest() == invoice["document_sha256"]


@contextlib.contextmanager
def _lock_held(seed: Seed) -> Iterator[None]:
    import fcntl

    fd = os.open(str(seed.ledger) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _wait_for_a_file(folder: Path, before: list[Path], proc: subprocess.Popen[str]) -> None:
    """Until the invoice has written its document (under whatever name) and waits on the lock."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if [p for p in folder.iterdir() if p.is_file() and p not in before and p.suffix != ".lock"]:
            time.sleep(0.2)  # its write is done; it is waiting for the lock
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    pytest.fail("the invoice never wrote its document")


@needs_posix
def test_an_invoice_killed_while_it_waits_on_the_lock_leaves_nothing_and_lands_once(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    before = list(folder.iterdir())
    output = folder / "GEO-001.html"
    with _lock_held(seed):
        proc = subprocess.Popen(
            _engage(seed, "invoice", "-d", "2004-03-09", "-o", str(output)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        _wait_for_a_file(folder, before, proc)
        proc.kill()
        proc.communicate()
    assert _invoices(seed) == []
    assert not output.exists()  # no document without its record: it was never issued
    again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert "Invoice GEO-001" in again.stdout and "$2,250.00" in again.stdout
    assert [i["number"] for i in _invoices(seed)] == ["GEO-001"]
    _assert_whole(seed, folder)  # the killed run's temporary is gone too


@needs_posix
def test_an_invoice_killed_after_its_record_is_finished_by_the_rerun(tmp_path: Path) -> None:
    """A kill between the record and the rename leaves the record and a temporary: the re-run puts
    the recorded document in place (the one recorded, byte for byte), and issues nothing new."""
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    output = folder / "GEO-001.md"
    assert _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output)).returncode == 0
    [invoice] = _invoices(seed)
    issued = output.read_bytes()
    output.rename(folder / f".{output.name}.{invoice['id']}.99999999.partial")  # as the kill left it
    again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert "GEO-001" in again.stdout and "interrupted" in again.stdout and again.stderr == ""
    assert output.read_bytes() == issued and len(_invoices(seed)) == 1
    _assert_whole(seed, folder)
    # Any later invoice finishes it too, whatever its -o, and says so.
    output.rename(folder / f".{output.name}.{invoice['id']}.99999999.partial")
    other = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(folder / "other.md"))
    assert other.returncode == 2 and "nothing to invoice" in other.stderr
    assert "GEO-001" in other.stderr and str(output) in other.stderr
    assert output.read_bytes() == issued and not (folder / "other.md").exists()
    _assert_whole(seed, folder)
    # A re-run once all is in place says what the file is; nothing is overwritten.
    third = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert third.returncode == 2 and "already exists" in third.stderr and "GEO-001" in third.stderr
    assert output.read_bytes() == issued and len(_invoices(seed)) == 1


@needs_posix
def test_an_invoice_killed_the_moment_its_record_is_written_is_finished_by_the_rerun(tmp_path: Path) -> None:
    """A real kill -9 in that window: the child kills itself where it would move the document."""
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    output = folder / "GEO-001.html"
    killer = (
        "import os, signal; import engage_fees.issuing as issuing; "
        "issuing.put_in_place = lambda *a: os.kill(os.getpid(), signal.SIGKILL); "
        "from engage.cli import main; main()"
    )
    args = ["-s", str(seed.path), "invoice", "-d", "2004-03-09", "-o", str(output)]
    killed = subprocess.run([sys.executable, "-c", killer, *args], capture_output=True, text=True, env=_env())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [invoice] = _invoices(seed)
    assert not output.exists() and [p.name for p in _documents(folder)] != []  # recorded; its temporary waits
    again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert "Invoice GEO-001: $2,250.00" in again.stdout and "interrupted" in again.stdout
    assert [i["id"] for i in _invoices(seed)] == [invoice["id"]]  # nothing issued anew
    _assert_whole(seed, folder)


@needs_posix
def test_a_temporary_with_no_record_is_never_taken_for_an_invoice(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    stray = folder / ".GEO-001.html.0123456789ab.99999999.partial"
    stray.write_text("<h1>Invoice GEO-001</h1> $9,999.00", encoding="utf-8")
    output = folder / "GEO-001.html"
    done = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert done.returncode == 0, done.stderr
    assert "$9,999.00" not in output.read_text(encoding="utf-8") and "$2,250.00" in done.stdout
    assert not stray.exists()
    _assert_whole(seed, folder)


@needs_posix
def test_random_kills_of_invoice_never_lose_or_repeat_one(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    rng = random.Random(22)
    started = time.monotonic()
    timed = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(folder / "timed.md"))
    assert timed.returncode == 0, timed.stderr
    run_time = time.monotonic() - started
    outcomes: dict[str, int] = {}
    for n in range(KILLS):
        # Void the last invoice (its document stays: it was issued), so the tranche is payable again.
        voided = _run(seed, "void", _invoices(seed)[-1]["id"], "--reason", "kill test")
        assert voided.returncode == 0, voided.stderr
        output = folder / f"inv-{n}.md"
        before = len(_invoices(seed))
        proc = subprocess.Popen(
            _engage(seed, "invoice", "-d", "2004-03-09", "-o", str(output)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        time.sleep(rng.uniform(0.3, 1.2) * run_time)
        proc.kill()
        proc.wait()
        recorded = len(_invoices(seed)) > before
        outcome = ("recorded" if recorded else "not recorded") + (", in place" if output.exists() else "")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert recorded or not output.exists(), "a document with no record"
        again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
        assert again.returncode == 0 or "already exists" in again.stderr, again.stderr
        assert len(_invoices(seed)) == before + 1, (outcome, again.stderr)
        _assert_whole(seed, folder)
    print(f"kill -9 during invoice: {KILLS} kills, {outcomes}; nothing lost, no number issued twice")


# --- a full disk ----------------------------------------------------------------------------


def _limited(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, as on a full disk (EFBIG, not a signal)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SIGXFSZ as on Linux")
@pytest.mark.parametrize("where", ["document", "ledger"])
def test_a_full_disk_leaves_neither_and_the_rerun_works(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    if where == "ledger":  # a ledger near the limit: the document fits, its record does not
        padding = _run(seed, "log", "1", "-p", "draft", "-d", "2004-03-01", "--note", "n" * 4000)
        assert padding.returncode == 0, padding.stderr
    ledger_before = seed.ledger.read_bytes()
    limit = len(ledger_before) + 200 if where == "ledger" else 600
    output = folder / "GEO-001.html"
    full = subprocess.run(
        _engage(seed, "invoice", "-d", "2004-03-09", "-o", str(output)),
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        preexec_fn=lambda: _limited(limit),  # the child only sets a limit
    )
    assert full.returncode == 2, (full.stdout, full.stderr)
    [line] = full.stderr.strip().splitlines()
    assert "File too large" in line and "nothing was" in line and "Traceback" not in full.stderr, line
    assert seed.ledger.read_bytes() == ledger_before
    assert _documents(folder) == [], _documents(folder)  # not a 0-byte invoice, not a temporary
    again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert "Invoice GEO-001" in again.stdout
    _assert_whole(seed, folder)


def test_a_really_full_disk_leaves_no_invoice_and_the_rerun_works(small_disk: Path) -> None:
    seed = copy_seed("geo", small_disk)
    _payable(seed)
    ledger_before = seed.ledger.read_bytes()
    stat = os.statvfs(small_disk)
    with (small_disk / "filler").open("wb") as filler:
        filler.write(b"\0" * (stat.f_bavail * stat.f_frsize))  # not a byte left
    output = small_disk / "GEO-001.html"
    full = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert full.returncode == 2, (full.stdout, full.stderr)
    [line] = full.stderr.strip().splitlines()
    assert "No space left on device" in line and "nothing was invoiced" in line, line
    assert seed.ledger.read_bytes() == ledger_before
    assert [p.name for p in _documents(small_disk)] == ["filler"]  # no 0-byte invoice, no temporary
    (small_disk / "filler").unlink()
    again = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(output))
    assert again.returncode == 0, again.stderr
    assert "Invoice GEO-001" in again.stdout
    _assert_whole(seed, small_disk)


def _waiting_invoices(seed: Seed, folder: Path, runs: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """Start ``invoice -d DAY -o NAME`` for each (day, name) while the lock is held, each once it has
    drafted and waits on the lock; then let them race for it. (exit code, stdout, stderr) of each."""
    with _lock_held(seed):
        procs = []
        for day, name in runs:
            before = list(folder.iterdir())
            proc = subprocess.Popen(
                _engage(seed, "invoice", "-d", day, "-o", str(folder / name)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(),
            )
            _wait_for_a_file(folder, before, proc)
            procs.append(proc)
    return [(p.wait(timeout=120), *p.communicate()) for p in procs]


@needs_posix
def test_concurrent_invoices_without_a_number_decide_under_the_lock_as_a_rerun_would(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    done = _waiting_invoices(seed, folder, [("2004-03-09", f"{n}.md") for n in range(8)])
    assert sorted(code for code, _, _ in done) == [0] + [2] * 7, done
    for code, out, err in done:
        assert "already used" not in err and "give another" not in err, err
        if code == 0:
            assert "Invoice GEO-001: " in out, out
        else:
            assert err.count("\n") == 1 and "nothing to invoice" in err, err
    rerun = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(folder / "again.md"))
    assert rerun.returncode == 2 and "nothing to invoice" in rerun.stderr, rerun.stderr
    assert [i["number"] for i in _invoices(seed)] == ["GEO-001"]
    _assert_whole(seed, folder)


@needs_posix
def test_a_loser_with_something_still_payable_takes_the_next_number(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    seed = copy_seed("geo", folder)
    _payable(seed)
    for status, day in (("submitted", "2004-03-15"), ("accepted", "2004-03-18")):
        assert _run(seed, "deliver", "final", "--status", status, "-d", day).returncode == 0
    # Both draft GEO-001: the later one both tranches, the earlier the first only.
    done = _waiting_invoices(seed, folder, [("2004-03-19", "both.md"), ("2004-03-09", "first.md")])
    for _, _, err in done:
        assert "already used" not in err and "give another" not in err, err
    invoices = {i["number"]: i for i in _invoices(seed)}
    if len(invoices) == 2:  # the earlier won: the later re-decided under the lock, the final tranche alone
        assert done[1][0] == 0 and "Invoice GEO-001: " in done[1][1], done
        assert done[0][0] == 0 and "Invoice GEO-002: " in done[0][1], done
        assert invoices["GEO-001"]["payments"] == ["first"] and invoices["GEO-002"]["payments"] == ["final"]
    else:  # the later won with both tranches: the earlier is told what a re-run is told
        assert done[0][0] == 0 and "Invoice GEO-001: " in done[0][1], done
        rerun = _run(seed, "invoice", "-d", "2004-03-09", "-o", str(folder / "again.md"))
        assert rerun.returncode == done[1][0] == 2 and rerun.stderr == done[1][2], (rerun.stderr, done)
        assert done[1][2].count("\n") == 1 and "GEO-001" in done[1][2], done
        assert invoices["GEO-001"]["payments"] == ["first", "final"]
    _assert_whole(seed, folder)
