"""The start-up cache of plugin discovery: never stale, never an error, and lazy imports that act the same."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import click
import pytest

from engage import hookimpl
from helpers import IJM, Seed, invoke

BUILT_IN = ["budget", "calendar", "fees", "holidays", "interop", "status", "timesheets"]
MAIN = "from engage.cli import main; main()"


class Engage:
    """The installed engage run in a fresh process, with an extra ``sys.path`` folder (a "site")."""

    def __init__(self, tmp_path: Path) -> None:
        self.site = tmp_path / "site"
        self.site.mkdir()
        self.cache = tmp_path / "cache"
        self.schedule = tmp_path / "engage.toml"
        shutil.copy(IJM, self.schedule)
        self.cwd = tmp_path

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {**os.environ, "ENGAGE_CACHE_DIR": str(self.cache), "PYTHONPATH": str(self.site), **env}
        return subprocess.run(
            [sys.executable, "-c", MAIN, "-s", str(self.schedule), *args],
            capture_output=True,
            text=True,
            env=environ,
            cwd=self.cwd,
        )

    def plugins(self, **env: str) -> dict[str, dict]:
        done = self("plugins", "--format", "json", **env)
        assert done.returncode == 0 and not done.stderr, done.stderr
        return {p["name"]: p for p in json.loads(done.stdout)}

    def install(self, name: str, entry_points: str, module: str, version: str = "1.0") -> Path:
        """A distribution as pip leaves it: the module, and a dist-info folder with its entry points."""
        (self.site / f"{name}.py").write_text(textwrap.dedent(module), encoding="utf-8")
        info = self.site / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")
        return info


@pytest.fixture
def engage(tmp_path: Path) -> Engage:
    return Engage(tmp_path)


EXTRA = """
from engage import hookimpl
@hookimpl
def engage_after_log(entry):
    return [f"extra: logged {entry.phase}"]
"""


def test_a_newly_installed_plugin_is_found_at_once_and_an_uninstalled_one_is_gone(engage: Engage) -> None:
    assert sorted(engage.plugins()) == BUILT_IN
    assert list(engage.cache.glob("plugins-*.json"))  # the cache is there, and would be stale now
    info = engage.install("engage_extra", "[engage]\nextra = engage_extra\n", EXTRA)
    found = engage.plugins()
    assert found["extra"]["version"] == "1.0" and found["extra"]["origin"] == "engage-extra"
    assert found["extra"]["hooks"] == ["engage_after_log"]
    logged = engage("log", "1", "-p", "prep", "-d", "2021-11-16")
    assert "extra: logged prep" in logged.stdout
    shutil.rmtree(info)
    assert sorted(engage.plugins()) == BUILT_IN
    assert "extra:" not in engage("log", "1", "-p", "prep", "-d", "2021-11-17").stdout


def test_an_editable_plugin_whose_entry_points_or_code_change_is_found_again(engage: Engage) -> None:
    info = engage.install("engage_extra", "[engage]\nextra = engage_extra\n", EXTRA)
    assert "extra" in engage.plugins()
    # The entry point renamed in place, as a re-run of an editable install leaves it.
    (info / "entry_points.txt").write_text("[engage]\nextra_renamed = engage_extra\n", encoding="utf-8")
    found = engage.plugins()
    assert "extra_renamed" in found and "extra" not in found
    # The module edited in place: a new hook and a new command are seen on the next run.
    (engage.site / "engage_extra.py").write_text(
        EXTRA
        + textwrap.dedent(
            """
            import click

            @hookimpl
            def engage_register_commands(cli):
                cli.add_command(click.Command("hello", callback=lambda: click.echo("hello from extra")))
            """
        ),
        encoding="utf-8",
    )
    assert engage.plugins()["extra_renamed"]["hooks"] == ["engage_after_log", "engage_register_commands"]
    hello = engage("hello")
    assert hello.returncode == 0 and hello.stdout == "hello from extra\n", hello.stderr


def test_the_plugins_folder_and_the_allow_and_block_lists_are_obeyed_at_once(
    engage: Engage, tmp_path: Path
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    assert sorted(engage.plugins(ENGAGE_PLUGINS_DIR=str(folder))) == BUILT_IN
    (folder / "house.py").write_text(EXTRA.replace("extra:", "house:"), encoding="utf-8")
    assert "house" in engage.plugins(ENGAGE_PLUGINS_DIR=str(folder))
    assert "house" in engage("--plugins-dir", str(folder), "plugins").stdout
    assert "house" not in engage.plugins(ENGAGE_PLUGINS_DIR=str(folder), ENGAGE_BLOCK_PLUGINS="house")
    chosen = engage.plugins(ENGAGE_PLUGINS_DIR=str(folder), ENGAGE_LOAD_PLUGINS="house,holidays")
    assert sorted(chosen) == ["holidays", "house"]
    assert sorted(engage.plugins(ENGAGE_LOAD_PLUGINS="holidays,budget")) == ["budget", "holidays"]
    assert sorted(engage.plugins(ENGAGE_LOAD_PLUGINS="budget,holidays")) == ["budget", "holidays"]
    (folder / "house.py").unlink()
    assert "house" not in engage.plugins(ENGAGE_PLUGINS_DIR=str(folder))


def _bad_argument_name(cached: dict) -> None:
    cached["plugins"][0]["hooks"][0]["argnames"] = ["os.system('echo owned')"]


def _commands_as_text(cached: dict) -> None:
    cached["plugins"][0]["commands"] = "budget"  # would claim every command named by a part of it


def _unknown_option(cached: dict) -> None:
    cached["plugins"][0]["hooks"][0]["opts"]["tryfirst"] = {"not": "a flag"}


@pytest.mark.parametrize(
    "damage",
    ["", "{ not json", "[]", '{"key": 1}', _bad_argument_name, _commands_as_text, _unknown_option],
)
def test_a_damaged_cache_is_rebuilt_without_a_word(engage: Engage, damage: object) -> None:
    before = engage.plugins()
    [path] = engage.cache.glob("plugins-*.json")
    if callable(damage):  # the right key and seal, with a description that must not be trusted
        cached = json.loads(path.read_bytes()[:-4])  # the JSON, then its seal
        damage(cached)
        payload = json.dumps(cached).encode()
        key = cached["key"]["config"].encode()
        written = payload + zlib.crc32(payload, zlib.crc32(key)).to_bytes(4, "little")
    else:
        assert isinstance(damage, str)
        written = damage.encode()
    path.write_bytes(written)
    assert engage.plugins() == before
    assert path.read_bytes() != written  # written whole again
    assert json.loads(path.read_bytes()[:-4])["plugins"]


ORDERED = """
from engage import hookimpl
@hookimpl(wrapper=True)
def engage_after_log(entry):
    results = yield
    return [*results, [f"wrapped {len(results)} results"]]

@hookimpl(hookwrapper=True)
def old_style(entry):
    outcome = yield
    results = outcome.get_result()
    outcome.force_result([[line.upper() for line in lines] if isinstance(lines, list) else lines for lines in results])

old_style.engage_impl["specname"] = "engage_after_log"

@hookimpl(tryfirst=True, specname="engage_after_log")
def first(entry, ledger, engagement):
    return [f"first: {entry.phase} of {len(engagement.phases)} phases"]

@hookimpl(trylast=True, specname="engage_after_log")
def last():
    yield "last, a generator"

@hookimpl(specname="engage_after_log")
def with_a_default(entry, extra="kept"):  # an argument pluggy does not pass: its stub is compiled
    return [f"default {extra}"]

@hookimpl
def engage_void_blockers(record):
    raise RuntimeError("boom")
"""


def test_hooks_behave_the_same_imported_at_once_or_on_first_call(engage: Engage, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "ordered.py").write_text(ORDERED, encoding="utf-8")
    env = {"ENGAGE_PLUGINS_DIR": str(folder), "ENGAGE_LOAD_PLUGINS": "ordered,budget,fees"}
    runs = []
    for day in ("2021-11-16", "2021-11-17"):  # the first run finds the plugins, the second reads the cache
        logged = engage("log", "0.5", "-p", "prep", "-d", day, **env)
        assert logged.returncode == 0, logged.stderr
        entry = logged.stdout.split("(entry ")[1][:12]
        voided = engage("void", entry, **env)
        said = [line for line in logged.stdout.splitlines() if not line.startswith("Preparation:")]
        runs.append(
            ("\n".join(said).replace(day, "DAY").replace(entry, "ID"), voided.returncode, voided.stderr)
        )
    assert runs[0] == runs[1]
    out, code, err = runs[1]
    lines = out.splitlines()
    assert lines.index("FIRST: PREP OF 4 PHASES") < lines.index("last, a generator")
    assert "DEFAULT KEPT" in lines
    assert (
        lines[-1] == "WRAPPED 4 RESULTS"
    )  # ordered's three and budget's; the old-style wrapper is outermost
    assert code == 2 and "plugin 'ordered' failed in engage_void_blockers()" in err


def test_log_imports_only_the_plugins_it_calls(engage: Engage) -> None:
    code = (
        "import sys\n"
        "from engage.cli import cli\n"
        f"cli.main(['-s', {str(engage.schedule)!r}, 'log', '1', '-p', 'prep', '-d', '2021-11-16'], "
        "standalone_mode=False)\n"
        "print(sorted(m for m in ('engage_calendar', 'engage_status', 'engage_interop', 'importlib.metadata',"
        " 'engage.judging.verdict', 'engage.cli.imports', 'engage.cli.schedule',"
        " 'engage_budget.command', 'engage_fees.command') if m in sys.modules))\n"
    )
    env = {**os.environ, "ENGAGE_CACHE_DIR": str(engage.cache)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "importlib.metadata" in first.stdout  # plugins found the first time, then kept
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert again.stdout.strip().splitlines()[-1] == "[]"


def test_a_plugin_that_no_longer_imports_is_named_when_it_is_needed(engage: Engage, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (engage.site / "late_helper.py").write_text("CLOSED = 'Office closed'\n", encoding="utf-8")
    (folder / "late.py").write_text(
        "import datetime as dt\nfrom engage import DayOff, hookimpl\nfrom late_helper import CLOSED\n\n"
        "@hookimpl\ndef engage_non_working_days(start, end):\n    return [DayOff(start, CLOSED)]\n",
        encoding="utf-8",
    )
    env = {"ENGAGE_PLUGINS_DIR": str(folder)}
    assert engage("show", **env).returncode == 0
    (engage.site / "late_helper.py").unlink()  # not the plugin's own file: the cache still holds
    assert engage("--version").returncode == 0  # nothing needs the plugin
    refused = engage("log", "1", "-p", "prep", "-d", "2021-11-16", **env)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"engage: error: plugin 'late' ({folder / 'late.py'}) failed to load: "
        "ModuleNotFoundError: No module named 'late_helper'"
    ]
    assert not engage.schedule.with_name("engage.ledger.jsonl").exists()  # nothing written


def test_the_core_commands_table_names_every_core_command() -> None:
    from engage.cli import CORE_COMMANDS

    found = {}
    for module in set(CORE_COMMANDS.values()):
        for command in importlib.import_module(f"engage.cli.{module}").COMMANDS:
            found[command.name] = module
    assert found == CORE_COMMANDS


def test_a_module_the_plugin_takes_its_hooks_from_is_watched_too(engage: Engage) -> None:
    (engage.site / "extra_hooks.py").write_text(EXTRA, encoding="utf-8")
    engage.install("engage_extra", "[engage]\nextra = engage_extra\n", "from extra_hooks import *\n")
    assert engage.plugins()["extra"]["hooks"] == ["engage_after_log"]
    (engage.site / "extra_hooks.py").write_text(
        EXTRA + "\n@hookimpl\ndef engage_record_kinds():\n    return []\n", encoding="utf-8"
    )
    assert engage.plugins()["extra"]["hooks"] == ["engage_after_log", "engage_record_kinds"]


def test_a_cache_folder_that_cannot_be_written_only_costs_time(engage: Engage, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    for day in ("2021-11-16", "2021-11-17"):
        done = engage("log", "1", "-p", "prep", "-d", day, ENGAGE_CACHE_DIR=str(blocked / "cache"))
        assert done.returncode == 0 and not done.stderr, done.stderr
    assert sorted(engage.plugins(ENGAGE_CACHE_DIR=str(blocked / "cache"))) == BUILT_IN


@pytest.mark.skipif(os.name == "nt", reason="Unix file modes")
def test_a_plugins_folder_opened_to_everyone_after_it_was_cached_is_refused(
    engage: Engage, tmp_path: Path
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "house.py").write_text(EXTRA, encoding="utf-8")
    assert "house" in engage.plugins(ENGAGE_PLUGINS_DIR=str(folder))
    (folder / "house.py").chmod(0o666)  # a mode change leaves the file's time as it was
    refused = engage("show", ENGAGE_PLUGINS_DIR=str(folder))
    assert refused.returncode == 2 and "house.py: writable by every user" in refused.stderr
    (folder / "house.py").chmod(0o644)
    folder.chmod(0o777)
    refused = engage("show", ENGAGE_PLUGINS_DIR=str(folder))
    assert refused.returncode == 2 and "rules: writable by every user" in refused.stderr
    folder.chmod(0o755)


def test_every_public_name_is_there_though_imported_on_first_use() -> None:
    code = (
        "import sys, engage\n"
        "print([m for m in ('engage.hooktypes', 'engage.ledger.ledger', 'engage.schedule.model', 'engage.judging.verdict', 'pluggy')"
        " if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"  # importing engage alone costs nothing
    import engage

    assert [name for name in engage.__all__ if getattr(engage, name, None) is None] == []
    assert set(engage.__all__) <= set(dir(engage))


class ReplacesLog:
    """A plugin registered by a test that puts its own command in the place of ``log``."""

    @hookimpl
    def engage_register_commands(self, cli: click.Group) -> None:
        rest = click.Argument(["rest"], nargs=-1)
        mine = click.Command("log", callback=lambda rest: click.echo("my log"), params=[rest])
        mine.context_settings["ignore_unknown_options"] = True
        cli.add_command(mine)


def test_a_plugin_command_in_place_of_a_core_one_goes_when_the_plugin_does(ijm: Seed) -> None:
    from engage.cli import cli
    from engage.plugin.manager import get_plugin_manager

    pm = get_plugin_manager()
    pm.register(ReplacesLog(), name="replaces_log")
    cli._commands_from = None  # as the engage_plugin fixture does
    try:
        assert ijm.run("log", "1", "-p", "prep").stdout == "my log\n"
    finally:
        pm.unregister(name="replaces_log")
        cli._commands_from = None
    assert ijm.run("log", "1", "-p", "prep").stdout.startswith("Logged 1.0 days to prep")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is taken on Linux only")
@pytest.mark.parametrize("xdg", [None, "/srv/caches", "relative/caches", "  "])
def test_the_cache_folder_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from platformdirs import user_cache_dir

    from engage.cachedir import cache_dir

    monkeypatch.delenv("ENGAGE_CACHE_DIR")
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_dir() == Path(user_cache_dir("engage", appauthor=False))


def test_a_plugin_that_amends_core_commands_still_does(ijm: Seed, tmp_path: Path) -> None:
    """A plugin may add an option to a core command rather than a command of its own: it is then
    asked every time, with every command there, as before the start-up cache (found by trial 16)."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "ticket.py").write_text(
        "import click\n"
        "from engage import hookimpl\n\n\n"
        "@hookimpl\n"
        "def engage_register_commands(cli):\n"
        "    for name in ('show', 'log'):\n"
        "        command = cli.commands.get(name)\n"
        "        if command is not None and '--ticket' not in {o for p in command.params for o in p.opts}:\n"
        "            command.params.append(click.Option(['--ticket'], expose_value=False))\n",
        encoding="utf-8",
    )
    given = ("-s", str(ijm.path), "--plugins-dir", str(folder))
    for _ in range(2):  # found now, then from the start-up cache
        show = invoke(*given, "show", "--ticket", "T-1")
        assert show.exit_code == 0, show.stderr
        log = invoke(*given, "log", "1", "-p", "prep", "-d", "2021-11-16", "--ticket", "T-1")
        assert log.exit_code == 0, log.stderr
        assert log.stdout.startswith("Logged 1.0 days to prep")
