"""Output safety: terminals see control characters escaped; files and pipes get text byte-exact."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed
from helpers.processes import ENGAGE, engage_env

EVIL = "title \x1b]0;owned\x07 clear \x1b[2J end"


def on_a_terminal(*args: str) -> bytes:
    """Run the installed engage on a pseudo-terminal and return what the terminal received."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: engage, its stdout and stderr the terminal
        try:
            os.execve(ENGAGE, [ENGAGE, *args], engage_env())
        finally:
            os._exit(127)  # never go on running the test suite in the child
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out


needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are a Unix facility")


@needs_pty
def test_terminal_sees_escape_sequences_escaped(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", EVIL)
    shown = on_a_terminal("-s", str(ijm.path), "entries")
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert b"\\x1b]0;owned\\x07" in shown and b"\\x1b[2J" in shown


def test_piped_csv_and_json_keep_notes_byte_exact(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", EVIL)
    piped = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "entries", "--format", "csv"], capture_output=True, env=engage_env()
    )
    rows = list(csv.reader(io.StringIO(piped.stdout.decode("utf-8"), newline="")))
    assert rows[1][rows[0].index("note")] == EVIL
    as_json = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "entries", "--format", "json"], capture_output=True, env=engage_env()
    )
    assert json.loads(as_json.stdout)[0]["note"] == EVIL


def test_invalid_utf8_in_a_note_is_kept_and_written_back(ijm: Seed, tmp_path: Path) -> None:
    args = [
        ENGAGE.encode(),
        b"-s",
        bytes(ijm.path),
        b"log",
        b"1",
        b"-p",
        b"prep",
        b"-d",
        b"2021-11-16",
        b"-n",
        b"caf\xe9",
    ]
    assert subprocess.run(args, capture_output=True, env=engage_env()).returncode == 0
    piped = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "entries", "--format", "csv"], capture_output=True, env=engage_env()
    )
    assert piped.returncode == 0 and b"caf\xe9\r\n" in piped.stdout  # the byte typed, given back
    as_json = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "entries", "--format", "json"], capture_output=True, env=engage_env()
    )
    assert json.loads(as_json.stdout)[0]["note"] == "caf\udce9"
    report = tmp_path / "status.md"
    for fmt in ("plain", "github", "html", "csv", "json"):
        made = subprocess.run(
            [
                ENGAGE,
                "-s",
                str(ijm.path),
                "status",
                "--as-of",
                "2021-11-17",
                "--format",
                fmt,
                "-o",
                str(report),
            ],
            capture_output=True,
            env=engage_env(),
        )
        assert made.returncode == 0, (fmt, made.stderr)
    plain = subprocess.run([ENGAGE, "-s", str(ijm.path), "entries"], capture_output=True, env=engage_env())
    assert plain.returncode == 0


def test_markdown_escapes_html_and_pipes(ijm: Seed) -> None:
    note = "<script>alert(1)</script> <img src=x onerror=alert(2)> a|b"
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", note)
    ijm.rewrite('title = "Facilitation', 'title = "<b onmouseover=x>Facilitation')
    text = ijm.run("status", "--week", "2021-W46", "--as-of", "2021-11-17", "--format", "github").stdout
    assert "<script>" not in text and "<img" not in text and "<b " not in text
    assert "&lt;script&gt;" in text and "a\\|b" in text


def test_numbers_stay_numbers_in_csv(ijm: Seed) -> None:
    ijm.run("log", "7.75", "-p", "prep", "-d", "2021-11-16")
    text = ijm.run("status", "--as-of", "2021-11-17", "--format", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "-0.75" in cells and "'-0.75" not in cells


def test_a_lone_surrogate_in_a_ledger_line_is_shown_not_a_crash(ijm: Seed, tmp_path: Path) -> None:
    """A JSON ``\\ud800`` (a teammate's ledger, an older import) crashed entries at 1b1abcf."""
    import subprocess
    import sys

    from helpers.processes import MAIN, engage_env

    line = (
        '{"id": "aaaaaaaaaaaa", "kind": "entry", "recorded_at": "2021-11-16T00:00:00Z", "date": "2021-11-17", '
        '"phase": "prep", "days": "1", "consultant": "x", "note": "\\ud800 lone \\udcff byte"}\n'
    )
    ijm.ledger.write_text(line, encoding="ascii")
    for args in (("entries",), ("entries", "--format", "csv"), ("entries", "-o", str(tmp_path / "e.csv"))):
        done = subprocess.run(
            [sys.executable, "-c", MAIN, "-s", str(ijm.path), *args], capture_output=True, env=engage_env()
        )
        assert done.returncode == 0, done.stderr
        text = done.stdout or (tmp_path / "e.csv").read_bytes()
        assert b"\\ud800 lone \xff byte" in text, text
