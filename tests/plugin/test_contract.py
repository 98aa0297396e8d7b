"""The plugin contract: discovery, allow and block lists, loose files, failures named, every hook tested."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

from engage import DayOff, hookimpl, hookspecs
from engage.plugin.manager import get_plugin_manager
from helpers import ROOT, Seed, invoke, one_line_error

BUILT_IN = ["budget", "calendar", "fees", "holidays", "interop", "status", "timesheets"]


def listed(*args: str, env: dict[str, str] | None = None) -> dict[str, dict]:
    result = invoke(*args, "plugins", "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return {p["name"]: p for p in json.loads(result.stdout)}


def test_built_in_plugins_come_from_the_entry_point_group() -> None:
    plugins = listed()
    assert sorted(plugins) == BUILT_IN
    for name in BUILT_IN:
        assert plugins[name]["origin"] == "engage-tracker"
        assert plugins[name]["version"]
    assert "engage_non_working_days" in plugins["holidays"]["hooks"]
    assert "engage_register_commands" in plugins["calendar"]["hooks"]
    plain = invoke("plugins").stdout
    assert all(name in plain for name in BUILT_IN)


def test_allowlist_and_blocklist() -> None:
    assert sorted(listed(env={"ENGAGE_LOAD_PLUGINS": "holidays,budget"})) == ["budget", "holidays"]
    assert listed(env={"ENGAGE_LOAD_PLUGINS": ""}) == {}
    assert sorted(listed(env={"ENGAGE_BLOCK_PLUGINS": "calendar"})) == [
        n for n in BUILT_IN if n != "calendar"
    ]


def test_without_plugins_their_commands_are_gone_and_the_core_still_works(ijm: Seed) -> None:
    env = {"ENGAGE_LOAD_PLUGINS": ""}
    one_line_error(invoke("-s", str(ijm.path), "calendar", env=env), "No such command 'calendar'")
    assert invoke("-s", str(ijm.path), "log", "1", "-p", "prep", env=env).exit_code == 0
    # Tables that a known-but-unloaded plugin reads are still accepted.
    assert invoke("-s", str(ijm.path), "show", env=env).exit_code == 0


AFTER_LOG_PLUGIN = """
from engage import hookimpl
@hookimpl
def engage_after_log(entry, ledger):
    return [f"org rule: {len(ledger.entries())} entries so far, last {entry.phase}"]
"""


def write_plugin(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def test_loose_file_plugin_from_plugins_dir(ijm: Seed, tmp_path: Path) -> None:
    folder = write_plugin(tmp_path / "org", "org_rules", AFTER_LOG_PLUGIN)
    result = (
        ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep")
        if False
        else invoke("-s", str(ijm.path), "--plugins-dir", str(folder), "log", "1", "-p", "prep")
    )
    assert result.exit_code == 0, result.stderr
    assert "org rule: 1 entries so far, last prep" in result.stdout
    via_env = invoke("-s", str(ijm.path), "log", "1", "-p", "prep", env={"ENGAGE_PLUGINS_DIR": str(folder)})
    assert "org rule: 2 entries so far" in via_env.stdout
    assert listed("--plugins-dir", str(folder))["org_rules"]["hooks"] == ["engage_after_log"]


def test_plugin_raising_after_log_is_named_and_the_entry_is_kept(ijm: Seed, tmp_path: Path) -> None:
    folder = write_plugin(
        tmp_path / "bad",
        "flaky",
        """
        from engage import hookimpl
        @hookimpl
        def engage_after_log(entry):
            return [1 / 0]
        """,
    )
    result = invoke("-s", str(ijm.path), "--plugins-dir", str(folder), "log", "1", "-p", "prep")
    assert result.exit_code == 0  # the entry is written: a retry would log the work twice
    [line] = result.stderr.strip().splitlines()
    assert "warning" in line and "safely in the ledger" in line
    assert "plugin 'flaky' failed in engage_after_log()" in line and "ZeroDivisionError" in line
    assert "Logged 1.0 days" in result.stdout  # the user was told the entry landed
    assert len(json.loads(ijm.run("entries", "--format", "json").stdout)) == 1


@pytest.mark.parametrize(
    ("source", "fragments"),
    [
        ("import no_such_module_anywhere\n", ["plugin 'broken'", "ModuleNotFoundError"]),
        (
            "from engage import hookimpl\n@hookimpl\ndef engage_after_lgo(entry):\n    return []\n",
            ["plugin 'broken'", "engage_after_lgo"],
        ),
        (
            "from engage import hookimpl\n@hookimpl\ndef engage_after_log(entry, ledgr):\n    return []\n",
            ["plugin 'broken'", "ledgr"],
        ),
    ],
)
def test_broken_plugin_is_named_and_nothing_is_written(
    ijm: Seed, tmp_path: Path, source: str, fragments: list[str]
) -> None:
    folder = write_plugin(tmp_path / "plugins", "broken", source)
    one_line_error(
        invoke("-s", str(ijm.path), "--plugins-dir", str(folder), "log", "1", "-p", "prep"), *fragments
    )
    assert not ijm.ledger.exists()


def test_missing_plugins_dir_is_one_line(ijm: Seed, tmp_path: Path) -> None:
    one_line_error(
        invoke("--plugins-dir", str(tmp_path / "nope"), "plugins"), "plugins folder does not exist"
    )
    a_file = tmp_path / "plugin.py"
    a_file.write_text("", encoding="utf-8")
    one_line_error(invoke("--plugins-dir", str(a_file), "plugins"), "plugin.py: is a file, not a folder")


class ClosedForElections:
    """A registered object plugin: 10 August 2022 off, as a registered (non-module) plugin."""

    @hookimpl
    def engage_non_working_days(self, start: dt.date, end: dt.date) -> list[DayOff]:
        day = dt.date(2023, 9, 6)
        return [DayOff(day, "Office closed")] if start <= day <= end else []


def test_non_working_days_from_a_plugin_move_planned_windows(defenders: Seed) -> None:
    before = json.loads(defenders.run("show", "--format", "json").stdout)["phases"][0]
    pm = get_plugin_manager()
    pm.register(ClosedForElections(), name="closed")
    try:
        after = json.loads(defenders.run("show", "--format", "json").stdout)["phases"][0]
    finally:
        pm.unregister(name="closed")
    assert (before["start"], before["end"]) == ("2023-09-04", "2023-09-07")
    assert (after["start"], after["end"]) == ("2023-09-04", "2023-09-08")


def test_tracing_shows_hook_calls(ijm: Seed) -> None:
    result = invoke("-s", str(ijm.path), "log", "1", "-p", "prep", env={"ENGAGE_TRACE_HOOKS": "1"})
    assert result.exit_code == 0
    assert "engage_after_log" in result.stderr


HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("engage_"))


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    function = getattr(hookspecs, hook)
    doc = inspect.getdoc(function) or ""
    assert doc.splitlines()[0].endswith("."), "a one-line summary comes first"
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, parameter
    assert ":return:" in doc and "Called" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    sources = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests").rglob("test_*.py")
        if p.resolve() != Path(__file__).resolve()
    ]
    implemented_in_tests = any(re.search(rf"def {hook}\(", text) for text in sources) or (
        f"def {hook}(" in Path(__file__).read_text(encoding="utf-8")
    )
    assert implemented_in_tests, f"no test implements {hook}"


def test_plugins_dir_reaches_every_hook_call_not_only_the_first(defenders: Seed, tmp_path: Path) -> None:
    # Planning and status sections ask for the plugin manager deep inside the core and the
    # budget plugin; they must see the same --plugins-dir as the command line.
    folder = write_plugin(
        tmp_path / "org",
        "retreat_day",
        """
        import datetime as dt
        from engage import DayOff, Finding, hookimpl

        @hookimpl
        def engage_non_working_days(start, end):
            day = dt.date(2023, 9, 6)
            return [DayOff(day, "Staff retreat")] if start <= day <= end else []

        @hookimpl
        def engage_budget_checks(engagement):
            return [Finding("info", "org-rule", "organisation rule ran")]
        """,
    )
    args = ("-s", str(defenders.path), "--plugins-dir", str(folder))
    shown = json.loads(invoke(*args, "show", "--format", "json").stdout)
    assert (shown["phases"][0]["start"], shown["phases"][0]["end"]) == ("2023-09-04", "2023-09-08")
    report = json.loads(invoke(*args, "status", "--week", "2023-W36", "--format", "json").stdout)[0]
    findings = next(s for s in report["sections"] if s["title"] == "Findings")
    assert ["info", "org-rule", "organisation rule ran"] in findings["rows"]
