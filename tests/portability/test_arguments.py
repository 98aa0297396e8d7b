"""Arguments reach the command as typed, also where click would expand them: on Windows click's ``main``
expands ``~``, ``$VAR``/``%VAR%`` and wildcards in every argument taken from ``sys.argv`` (issue 24).

click decides by ``os.name`` as its core module sees it; the tests make it believe it runs on Windows.
"""

from __future__ import annotations

import json
import ntpath
import os
import sys
from pathlib import Path
from typing import Any

import click.core
import click.utils
import pytest

from engage.cli import cli
from helpers import Seed


class WindowsPath:
    """``os.path`` with Windows' expansions: ``~`` from USERPROFILE, ``%VAR%`` and ``$VAR``."""

    expanduser = staticmethod(ntpath.expanduser)
    expandvars = staticmethod(ntpath.expandvars)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(os.path, attribute)


class WindowsOs:
    """``os`` as click sees it on Windows: its name, and its path's expansions (globbing is Python's own)."""

    name = "nt"
    path = WindowsPath()

    def __getattr__(self, attribute: str) -> Any:
        return getattr(os, attribute)


@pytest.fixture
def on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(click.core, "os", WindowsOs())  # where main decides to expand
    monkeypatch.setattr(click.utils, "os", WindowsOs())  # where _expand_args expands
    monkeypatch.setenv("ENGAGE_PORTABILITY_VAR", "EXPANDED")
    monkeypatch.setenv("USERPROFILE", "C:\\Users\\consultant")


def _engage(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``engage ARGS`` as the console script runs it: the arguments from ``sys.argv``, through click."""
    monkeypatch.setattr(sys, "argv", ["engage", *args])
    return int(cli.main(prog_name="engage", standalone_mode=False, quick=False))


def _records(seed: Seed) -> list[dict[str, Any]]:
    return [json.loads(line) for line in seed.ledger.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "reason",
    ["*.docx", "~/3 days late", "$ENGAGE_PORTABILITY_VAR", "%ENGAGE_PORTABILITY_VAR% late"],
)
@pytest.mark.usefixtures("on_windows")
def test_a_void_reason_is_kept_as_typed(
    defenders: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    """Not the files that match ``*.docx``, not the home folder, not the variable's value."""
    (tmp_path / "report.docx").write_text("", encoding="utf-8")
    assert defenders.run("log", "1", "-p", "desk", "-d", "2023-09-05").exit_code == 0
    logged = _records(defenders)[-1]["id"]
    assert _engage(monkeypatch, "-s", defenders.path.name, "void", logged, "--reason", reason) == 0
    void = _records(defenders)[-1]
    assert (void["kind"], void["target"], void["reason"]) == ("void", logged, reason)


@pytest.mark.usefixtures("on_windows")
def test_a_note_and_a_schedule_given_through_click_are_kept_as_typed(
    defenders: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``engage log`` through click (not its quick path): the note ``*.toml`` stays a note."""
    code = _engage(
        monkeypatch, "-s", defenders.path.name, "log", "1", "-p", "desk", "-d", "2023-09-05", "-n", "*.toml"
    )
    assert code == 0
    assert _records(defenders)[-1]["note"] == "*.toml"
