"""Decisions taken under the ledger's lock: concurrent imports, voids and writers each land once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engage.ledger.ledger import Ledger
from helpers import Seed
from helpers.processes import ENGAGE, engage_env, timesheet


def _parallel(commands: list[list[str]]) -> list[subprocess.CompletedProcess[bytes]]:
    procs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=engage_env())
        for c in commands
    ]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs]


def test_concurrent_imports_of_one_file_land_once(ijm: Seed, tmp_path: Path) -> None:
    sheet = timesheet(tmp_path / "t.csv", 50)
    for trial in range(2):
        done = _parallel([[ENGAGE, "-s", str(ijm.path), "import", str(sheet)] for _ in range(4)])
        codes = sorted(p.returncode for p in done)
        assert codes == ([0, 2, 2, 2] if trial == 0 else [2, 2, 2, 2]), [p.stderr for p in done]
        assert all(b"already in the ledger" in p.stderr for p in done if p.returncode == 2)
        assert len(Ledger.read(ijm.ledger, 8).entries()) == 50


def test_concurrent_voids_of_one_entry_land_once(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)
    done = _parallel([[ENGAGE, "-s", str(ijm.path), "void", entry["id"]] for _ in range(4)])
    assert sorted(p.returncode for p in done) == [0, 2, 2, 2], [p.stderr for p in done]
    voids = [json.loads(line) for line in ijm.ledger.read_text().splitlines() if '"void"' in line]
    assert len(voids) == 1
    assert Ledger.read(ijm.ledger, 8).problems == []


WRITER = textwrap.dedent(
    """
    import sys
    from engage.ledger.ledger import new_record
    from engage.ledger.writer import append_batch
    path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        records = [new_record("entry", date="2021-11-16", phase="prep", days="0.25", consultant=who,
                              note=f"{who} {i} {part}") for part in range(1 + i % 3)]
        append_batch(path, records, engagement="ijm-kenya-pap-2021")
        print(f"{who} {i}", flush=True)
    """
)


@pytest.mark.parametrize("writers", [8])
def test_eight_writers_times_fifty_all_land_and_count_once(tmp_path: Path, writers: int) -> None:
    ledger = tmp_path / "shared.ledger.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(ledger), f"w{n}", "50"], stdout=subprocess.PIPE)
        for n in range(writers)
    ]
    acknowledged = [line for p in procs for line in p.communicate(timeout=120)[0].decode().splitlines()]
    assert all(p.returncode == 0 for p in procs)
    read = Ledger.read(ledger, 8)
    assert read.problems == []
    notes = [e.note for e in read.entries()]
    assert len(notes) == len(set(notes))
    expected = {f"w{n} {i} {part}" for n in range(writers) for i in range(50) for part in range(1 + i % 3)}
    assert set(notes) == expected and len(acknowledged) == writers * 50
