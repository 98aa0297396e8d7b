"""The ledger keeps everything: concurrent writers, a killed writer, damaged lines, hostile notes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engage.ledger.ledger import Ledger, new_record
from engage.ledger.writer import append
from helpers import Seed

HOSTILE_NOTES = [
    "commas, \"quotes\", and 'apostrophes'",
    "two\nlines\r\nand a CR\r",
    "emoji 🇰🇪 and Swahili: Habari ya asubuhi",
    "=SUM(A1:A9)",
    "+254 700 000 000",
    "-- not an option",
    "\t tab-led and trailing space ",
    "back\\slash \\n not a newline",
    '{"id": "fake", "kind": "void"}',
    "null \x00 byte",
    "",
]


@pytest.mark.parametrize("note", HOSTILE_NOTES)
def test_notes_are_kept_byte_exact(ijm: Seed, note: str) -> None:
    result = ijm.run("log", "1", "--phase", "prep", "--note", note)
    assert result.exit_code == 0, result.stderr
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert entry["note"] == note
    assert len(ijm.ledger.read_bytes().splitlines()) == 1  # one record, one line, whatever the note


def test_damaged_line_is_reported_with_file_and_line_and_never_rewritten(seed: Seed) -> None:
    phase = json.loads(seed.run("show", "--format", "json").stdout)["phases"][0]["key"]
    seed.run("log", "1", "--phase", phase)
    with seed.ledger.open("ab") as handle:
        handle.write(b'{"id": "x1", "kind": "entry", "date": "2021-13-45"\n')
        handle.write(b"<<<<<<< HEAD\n")
    seed.run("log", "2", "--phase", phase)
    damaged = seed.ledger.read_bytes()
    result = seed.run("entries", "--format", "json")
    assert result.exit_code == 0
    assert [e["days"] for e in json.loads(result.stdout)] == [1, 2]
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2
    assert f"{seed.ledger.name}:2: damaged line not counted" in warnings[0]
    assert "2021-13-45" in warnings[0]
    assert f"{seed.ledger.name}:3:" in warnings[1] and "<<<<<<< HEAD" in warnings[1]
    assert seed.ledger.read_bytes() == damaged


def test_torn_last_line_does_not_swallow_the_next_record(ijm: Seed) -> None:
    ijm.run("log", "1", "--phase", "prep")
    with ijm.ledger.open("ab") as handle:  # what a writer killed mid-line would leave
        handle.write(b'{"id": "dead", "kind": "entry", "recorded_at": "2021-')
    result = ijm.run("log", "2", "--phase", "prep")
    assert result.exit_code == 0
    assert "Preparation: 3.0 of 7 days used" in result.stdout
    assert "damaged line not counted" in result.stderr
    lines = ijm.ledger.read_bytes().split(b"\n")
    assert lines[1] == b'{"id": "dead", "kind": "entry", "recorded_at": "2021-'


def test_crlf_ledger_from_a_windows_checkout_reads(ijm: Seed) -> None:
    ijm.run("log", "1", "--phase", "prep")
    ijm.run("log", "2", "--phase", "prep")
    ijm.ledger.write_bytes(ijm.ledger.read_bytes().replace(b"\n", b"\r\n"))
    result = ijm.run("entries", "--format", "json")
    assert [e["days"] for e in json.loads(result.stdout)] == [1, 2]
    assert result.stderr == ""


WRITER = textwrap.dedent(
    """
    import sys
    from engage.ledger.ledger import new_record
    from engage.ledger.writer import append
    path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        append(path, [new_record("entry", date="2021-11-16", phase="prep", days="0.25",
                                 consultant=who, note=f"{who} {i}")])
    """
)


def test_concurrent_writers_all_land(tmp_path: Path) -> None:
    ledger = tmp_path / "shared.ledger.jsonl"
    writers, each = 6, 40
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(ledger), f"w{n}", str(each)])
        for n in range(writers)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    read = Ledger.read(ledger, hours_per_day=8)
    assert read.problems == []
    notes = {e.note for e in read.entries()}
    assert notes == {f"w{n} {i}" for n in range(writers) for i in range(each)}


def test_concurrent_cli_loggers_all_land(ijm: Seed) -> None:
    engage = Path(sys.executable).with_name("engage")
    procs = [
        subprocess.Popen(
            [str(engage), "-s", str(ijm.path), "log", "0.5", "--phase", "prep", "--note", f"n{i}"],
            stdout=subprocess.DEVNULL,
        )
        for i in range(8)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    entries = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert sorted(e["note"] for e in entries) == sorted(f"n{i}" for i in range(8))


KILLED = textwrap.dedent(
    """
    import sys
    from engage.ledger.ledger import new_record
    from engage.ledger.writer import append
    big = "x" * 200_000
    print("ready", flush=True)
    while True:
        append(sys.argv[1], [new_record("entry", date="2021-11-16", phase="prep", days="1",
                                        consultant="k", note=big) for _ in range(50)])
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL does not exist on Windows")
def test_killed_writer_loses_nothing_already_written(ijm: Seed) -> None:
    ijm.run("log", "1", "--phase", "prep", "--date", "2021-11-15", "--note", "before the crash")
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(ijm.ledger)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    result = ijm.run("log", "2", "--phase", "prep", "--note", "after the crash")
    assert result.exit_code == 0
    read = Ledger.read(ijm.ledger, hours_per_day=8)
    notes = [e.note for e in read.entries()]
    assert notes[0] == "before the crash" and "after the crash" in notes
    assert len(read.problems) <= 1  # at most the one record torn by the kill, and it is reported
    assert all(len(e.note) == 200_000 for e in read.entries() if e.consultant == "k")


def test_append_is_one_write_per_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[int] = []
    real_write = os.write

    def counted(fd: int, data: bytes) -> int:  # the real write, counted
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counted)
    path = tmp_path / "l.jsonl"
    records = [new_record("entry", date="2021-11-16", phase="p", days="1", consultant="", note="")]
    append(path, [{**records[0], "id": f"r{n}"} for n in range(3)])
    assert len(writes) == 2  # the batch in one write, then its commit record in another
    lines = [json.loads(line) for line in path.read_bytes().splitlines()]
    assert [line["kind"] for line in lines] == ["entry", "entry", "entry", "commit"]
    assert lines[3]["count"] == 3 and {line["batch"] for line in lines} == {lines[3]["batch"]}
    assert path.read_bytes().endswith(b"\n")
