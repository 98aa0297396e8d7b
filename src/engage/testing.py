"""Pytest fixtures for plugin authors: a schedule in a temp folder, the real CLI, a plugin registered.

Installed with engage as a pytest plugin, so a plugin's own tests can say::

    def test_my_check(engage_schedule, engage_run, engage_plugin):
        engage_plugin(my_rules)
        engage_run("log", "9", "--phase", "prep")
        result = engage_run("budget", "--format", "json")
        assert "my-code" in result.output
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pluggy
import pytest
from click.testing import CliRunner, Result

from engage.cli.schedule import template_text

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
    "ENGAGE_CONFIG",
    "ENGAGE_MAIL_FROM",
    "ENGAGE_SMTP_HOST",
    "ENGAGE_SMTP_PORT",
    "ENGAGE_SMTP_USER",
    "ENGAGE_SMTP_STARTTLS",
    "ENGAGE_CALDAV_USER",
)


@pytest.fixture
def engage_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of engage's schedule template in a temp folder, chosen through ENGAGE_SCHEDULE.

    Rewrite it (``path.write_text``) to test against your own engagement, your plugin's settings
    table included. Everything engage writes stays in the temp folder: the ledger beside the
    schedule, and its caches in ``cache/`` (ENGAGE_CACHE_DIR), never the user's cache folder.
    """
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ENGAGE_CONFIG", str(tmp_path / "config" / "config.toml"))  # never the user's settings
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # nor their machine id (on Linux)
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


@pytest.fixture
def engage_plugin(engage_schedule: Path) -> Iterator[Callable[..., object]]:
    """Register a plugin object (a module, a class instance) for one test: ``engage_plugin(MyRules())``.

    It is unregistered when the test ends; a plugin already loaded (installed,
    found by its entry point) is left as it is. Useful to test a plugin before
    it is installed, or a rule written inside the test itself.
    """
    from engage.plugin.manager import get_plugin_manager

    pm: pluggy.PluginManager = get_plugin_manager()
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> object:
        if pm.is_registered(plugin):  # installed, and so already found by its entry point
            return plugin
        registered = pm.register(plugin, name=name)
        if registered is None:
            raise ValueError(f"{plugin!r} is blocked or already registered")
        names.append(registered)
        _commands_again()
        return plugin

    yield register
    for name in names:
        pm.unregister(name=name)
    _commands_again()


def _commands_again() -> None:
    """Make the command line ask plugins for their commands again on its next run."""
    from engage.cli import cli

    cli._commands_from = None
