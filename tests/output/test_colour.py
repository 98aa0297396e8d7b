"""Colour only where it helps: on a terminal, or when asked; never with NO_COLOR or --no-color."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import Seed

ESC = "\x1b["


def test_forced_colour_paints_states_and_the_error(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    text = ijm.run("status", "--week", "2021-W47", "--as-of", "2021-11-30").stdout
    assert "\x1b[31m\x1b[1mlate\x1b[0m" in text  # a late deliverable in bold red
    assert "\x1b[32mon track\x1b[0m" in text or "\x1b[33mat risk\x1b[0m" in text
    error = ijm.run("log", "1", "-p", "nope").stderr
    assert error.startswith("engage: " + ESC) and "error" in error


def test_plain_by_default_on_pipes_and_with_no_color(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ESC not in ijm.run("status", "--week", "2021-W47").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESC not in ijm.run("--no-color", "status", "--week", "2021-W47").stdout
    monkeypatch.delenv("FORCE_COLOR")
    assert ESC + "3" in ijm.run("--color", "status", "--week", "2021-W47").stdout
    # a file written with -o never has colour
    monkeypatch.setenv("FORCE_COLOR", "1")
    ijm.run("status", "--week", "2021-W47", "-o", "out.txt")
    assert ESC not in Path("out.txt").read_text(encoding="utf-8")


def test_warnings_all_go_to_stderr_in_one_form(ijm: Seed) -> None:
    ijm.path.with_name(ijm.path.stem + ".ledger.jsonl").write_text("not json\n", encoding="utf-8")
    damaged = ijm.run("entries")
    sunday = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-21")
    for result in (damaged, sunday):
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("engage: warning: ") for line in lines), result.stderr
        assert "warning" not in result.stdout


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """The installed engage with its standard output on a real pseudo-terminal."""
    main, child = pty.openpty()
    try:
        process = subprocess.Popen(args, stdout=child, stderr=subprocess.DEVNULL, env=env)
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(main)


def test_a_real_terminal_gets_colour_unless_no_color(ijm: Seed) -> None:
    engage = shutil.which("engage")
    if engage is None:
        pytest.skip("the installed engage command is not on PATH")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    args = [engage, "-s", str(ijm.path), "status", "--week", "2021-W47"]
    assert ESC in _on_a_terminal(args, env)
    assert ESC not in _on_a_terminal(args, {**env, "NO_COLOR": "1"})


def test_colour_on_a_terminal_never_lets_a_note_drive_it(ijm: Seed) -> None:
    engage = shutil.which("engage")
    if engage is None:
        pytest.skip("the installed engage command is not on PATH")
    evil = "title \x1b]0;owned\x07 clear \x1b[2J end"
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-22", "-n", evil).exit_code == 0
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    shown = _on_a_terminal([engage, "-s", str(ijm.path), "status", "--week", "2021-W47"], env)
    assert "\x1b]0;owned" not in shown and "\x1b[2J" not in shown
    assert "\\x1b]0;owned\\x07" in shown  # the note, shown escaped
    assert ESC + "3" in shown  # and engage's own colours
