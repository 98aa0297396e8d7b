"""Shell completion (click's) answers for commands, phase keys, deliverable and meeting keys in bash, zsh, fish."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from helpers import Seed

ENGAGE = shutil.which("engage")
pytestmark = pytest.mark.skipif(ENGAGE is None, reason="the installed engage command is not on PATH")


def complete(shell: str, words: str, cword: int | str) -> str:
    assert ENGAGE is not None
    env = {
        **os.environ,
        "_ENGAGE_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run([ENGAGE], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_commands(ijm: Seed) -> None:
    assert complete("bash", "engage st", 1).split() == ["plain,status"]
    names = {line.split(",")[1] for line in complete("bash", "engage ", 1).split()}
    assert {"log", "entries", "status", "report", "deliver", "meeting", "budget", "calendar"} <= names


def test_phase_keys_after_the_schedule(ijm: Seed) -> None:
    words = f"engage -s {ijm.path} log 1 --phase "
    assert complete("bash", words, 6).split() == [
        "plain,prep",
        "plain,retreat",
        "plain,writeup",
        "plain,final",
    ]
    assert complete("bash", f"engage -s {ijm.path} entries -p wr", 5).split() == ["plain,writeup"]


def test_deliverable_and_meeting_keys_in_zsh_and_fish(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_SCHEDULE", str(ijm.path))
    zsh = complete("zsh", "engage deliver d", 2).splitlines()
    assert zsh[:3] == ["plain", "draft", "Draft Strategic Plan"]
    fish = complete("fish", "engage meeting ", "").splitlines()
    assert [line.split("\t")[0] for line in fish] == ["plain,retreat", "plain,validation"]


def test_the_scripts_the_readme_gives_are_produced() -> None:
    assert ENGAGE is not None
    for shell, marker in (("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files")):
        env = {**os.environ, "_ENGAGE_COMPLETE": f"{shell}_source"}
        done = subprocess.run([ENGAGE], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and marker in done.stdout, (shell, done.stdout[:200])
