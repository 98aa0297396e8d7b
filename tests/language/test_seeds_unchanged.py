"""The two seeds, English ToRs under an English locale, write byte for byte what they wrote before engage
learnt French and Spanish.

The golden outputs in ``tests/language/golden/`` were captured from main at f0106fd (the languages'
foundation, before any string was marked) with ``ENGAGE_WRITE_GOLDEN=1 pytest
tests/language/test_seeds_unchanged.py``. Each output is captured through the real CLI in-process, under
``LANG=C.UTF-8`` and ``COLUMNS=100``, with "today" fixed to Friday 26 November 2021 (the end of the
week reported, 2021-W47) and every command that takes ``--as-of`` given that day. The calendar's
``DTSTAMP``, ``CREATED`` and ``LAST-MODIFIED`` are the clock's at writing, and a new record's id is random:
they are masked, nothing else. Before the outputs, the IJM consultant logs days, submits and has a
deliverable accepted and holds the retreat (``IJM_HISTORY``), so that they show days, states and findings.
What each command wrote to standard error and its exit code are kept in ``index.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import engage
import engage.session
from engage.cli import cli
from engage.language import choice
from helpers import SEEDS

GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2021, 11, 26)
AS_OF = TODAY.isoformat()
WEEK = "2021-W47"
CLOCK_LINE = re.compile(r"^(DTSTAMP|CREATED|LAST-MODIFIED):\d{8}T\d{6}Z\r?$", re.MULTILINE)
RECORD_ID = re.compile(r"\((entry|record) [0-9a-f]{12}\)")  # a new record's id is random

PER_SEED: dict[str, tuple[str, ...]] = {
    "status-plain": ("status", "--week", WEEK),
    "status-markdown": ("status", "--week", WEEK, "--format", "markdown"),
    "status-html": ("status", "--week", WEEK, "--format", "html"),
    "show": ("show", "--as-of", AS_OF),
    "budget": ("budget", "--as-of", AS_OF),
    "fees": ("fees", "--as-of", AS_OF),
    "calendar": ("calendar",),
    "report": ("report", "--as-of", AS_OF),
}


# What the IJM consultant did in the first week and a half, so that the outputs have days, states and
# findings to show (the Defenders seed starts in 2023: after the week reported, it stays empty).
IJM_HISTORY: tuple[tuple[str, ...], ...] = (
    ("log", "2", "-p", "prep", "-d", "2021-11-16", "-n", "desk review"),
    ("log", "4h", "-p", "prep", "-d", "2021-11-17", "-n", "interviews"),
    ("deliver", "inception", "--status", "submitted", "-d", "2021-11-19"),
    ("log", "1", "-p", "retreat", "-d", "2021-11-23"),
    ("meeting", "retreat", "--outcome", "held"),
    ("deliver", "inception", "--status", "accepted", "-d", "2021-11-24"),
    ("log", "1.5", "-p", "retreat", "-d", "2021-11-24"),
)


def cases() -> list[tuple[str, tuple[str, ...]]]:
    """(name, engage's arguments), run in a folder holding ``schedules/`` with both seeds."""
    found: list[tuple[str, tuple[str, ...]]] = [
        ("ijm-history", ("history",)),
        ("portfolio-status", ("status", "--week", WEEK, "schedules/")),
    ]
    for seed in sorted(SEEDS):
        path = f"schedules/{SEEDS[seed].name}"
        found += [(f"{seed}-{name}", ("-s", path, *args)) for name, args in PER_SEED.items()]
    return found


def masked(text: str) -> str:
    text = CLOCK_LINE.sub(lambda match: f"{match.group(1)}:<clock>", text)
    return RECORD_ID.sub(lambda match: f"({match.group(1)} <id>)", text)


def run(folder: Path, args: tuple[str, ...]) -> tuple[str, str, int]:
    """The real CLI in ``folder``, on fresh copies of both seeds and the IJM history; the case
    ``("history",)`` is what the history's steps replied, one after the other."""
    if (folder / "schedules").exists():
        shutil.rmtree(folder / "schedules")
    (folder / "schedules").mkdir(parents=True)
    for path in SEEDS.values():
        shutil.copy(path, folder / "schedules" / path.name)
    replies = [invoke("-s", f"schedules/{SEEDS['ijm'].name}", *step) for step in IJM_HISTORY]
    if args == ("history",):
        return (
            "".join(stdout for stdout, _, _ in replies),
            "".join(stderr for _, stderr, _ in replies),
            max(code for _, _, code in replies),
        )
    return invoke(*args)


def invoke(*args: str) -> tuple[str, str, int]:
    """``engage ARGS`` in-process, as an English user's shell runs it."""
    choice.forget()
    env = {"LANG": "C.UTF-8", "COLUMNS": "100", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return masked(result.stdout), result.stderr, result.exit_code


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(engage.session, "today_in", lambda zone: TODAY)
    monkeypatch.setattr(engage, "today_in", lambda zone: TODAY, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("name", "args"), cases(), ids=[name for name, _ in cases()])
def test_seed_output_is_byte_identical(fixed_today: Path, name: str, args: tuple[str, ...]) -> None:
    """Each output as pinned; ``ENGAGE_WRITE_GOLDEN=1`` pins it anew first (from the code it is to pin)."""
    if os.environ.get("ENGAGE_WRITE_GOLDEN") == "1":
        write_golden(fixed_today, name, args)
    recorded = json.loads((GOLDEN / "index.json").read_text("utf-8"))[name]
    assert recorded["args"] == list(args)
    stdout, stderr, code = run(fixed_today, args)
    expected = (GOLDEN / f"{name}.out").read_bytes().decode("utf-8")
    assert stdout == expected  # pytest shows the first difference
    assert (stderr, code) == (recorded["stderr"], recorded["exit_code"])


def write_golden(folder: Path, name: str, args: tuple[str, ...]) -> None:
    """Pin one output: its text in ``NAME.out``, its arguments, status and stderr in ``index.json``."""
    GOLDEN.mkdir(exist_ok=True)
    stdout, stderr, code = run(folder, args)
    (GOLDEN / f"{name}.out").write_bytes(stdout.encode("utf-8"))
    where = GOLDEN / "index.json"
    index = json.loads(where.read_text("utf-8")) if where.exists() else {}
    index[name] = {"args": list(args), "exit_code": code, "stderr": stderr}
    where.write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", "utf-8")
