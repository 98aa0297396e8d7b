"""Pytest fixtures for plugin authors: a schedule in a temp folder and the real CLI bound to it.

Installed with engage as a pytest plugin, so a plugin's own tests can say::

    def test_my_check(engage_schedule, engage_run):
        engage_run("log", "9", "--phase", "prep")
        result = engage_run("budget", "--format", "json")
        assert "my-code" in result.output
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engage.cli.schedule_commands import template_text

ISOLATED_VARS = (
    "ENGAGE_SCHEDULE",
    "ENGAGE_LEDGER",
    "ENGAGE_PLUGINS_DIR",
    "ENGAGE_LOAD_PLUGINS",
    "ENGAGE_BLOCK_PLUGINS",
    "ENGAGE_CONSULTANT",
    "ENGAGE_TRACE_HOOKS",
    "ENGAGE_TRACEBACK",
    "ENGAGE_CACHE_DIR",
)


@pytest.fixture
def engage_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of engage's schedule template in a temp folder, chosen through ENGAGE_SCHEDULE.

    Rewrite it (``path.write_text``) to test against your own engagement.
    """
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "engage.toml"
    path.write_text(template_text(), encoding="utf-8")
    monkeypatch.setenv("ENGAGE_SCHEDULE", str(path))
    yield path


@pytest.fixture
def engage_run(engage_schedule: Path) -> Callable[..., Result]:
    """Run the real ``engage`` command line in-process: ``engage_run("log", "1", "--phase", "prep")``."""
    from engage.cli import cli

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run
