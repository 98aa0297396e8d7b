"""docs/plugins.md has a section for every hook; every example in docs/ runs and prints what it says."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engage import hookspecs
from helpers import DEFENDERS, IJM, ROOT, invoke

GUIDE = ROOT / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("engage_"))
BLOCK = re.compile(r"(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.DOTALL)


def sections() -> dict[str, str]:
    """Each ``### `name` `` section of the guide, by name."""
    parts = re.split(r"^### `([a-z_]+)`\n", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {
        name: re.split(r"^## ", body, flags=re.MULTILINE)[0]
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_with_signature_timing_and_a_working_example(hook: str) -> None:
    section = sections().get(hook)
    assert section is not None, f"docs/plugins.md has no '### `{hook}`' section"
    assert f"{hook}(" in section.split("```")[1], "the signature comes first"
    assert "**When:**" in section and "**Returns:**" in section and "**Arguments:**" in section
    examples = [m for m in BLOCK.finditer(section) if m.group("lang") == "python" and m.group("file")]
    assert any(f"def {hook}(" in m.group("body") for m in examples), "a runnable example implements it"


def test_the_guide_documents_no_hook_that_does_not_exist() -> None:
    assert sorted(sections()) == HOOKS


def pattern(expected: str) -> re.Pattern[str]:
    """An expected output line: spaces are loose, ``...`` stands for anything, durations vary."""
    words = re.sub(r"\d+\.\d+ ms", "\0", " ".join(expected.split()))
    loose = ".*".join(re.escape(part) for part in words.split("..."))
    return re.compile(loose.replace(re.escape("\0"), r"\d+\.\d\d ms"))


@pytest.mark.parametrize(("doc", "at_least"), [("plugins.md", 12), ("import.md", 5)])
def test_every_example_in_the_docs_runs_and_prints_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: str, at_least: int
) -> None:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    shutil.copy(IJM, tmp_path / "engage.toml")
    shutil.copy(DEFENDERS, tmp_path / "other.toml")  # a second engagement, for portfolio examples
    (tmp_path / "plugins").mkdir()
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Amina Otieno")
    for block in BLOCK.finditer(text):  # files first: plugins are loaded once, by the first command
        if block.group("file"):
            (tmp_path / block.group("file")).write_text(block.group("body"), encoding="utf-8")
    ran = 0
    for block in BLOCK.finditer(text):
        if block.group("file") or block.group("lang") != "console":
            continue
        lines = block.group("body").splitlines()
        commands = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        for index, start in enumerate(commands):
            end = commands[index + 1] if index + 1 < len(commands) else len(lines)
            output = run_example(lines[start][2:], tmp_path)
            said = [" ".join(line.split()) for line in output.splitlines()]
            position = 0
            for expected in lines[start + 1 : end]:
                wanted = pattern(expected)
                found = next((i for i in range(position, len(said)) if wanted.search(said[i])), None)
                assert found is not None, f"{lines[start]}: expected {expected!r} (in order) in:\n{output}"
                position = found + 1
            ran += 1
    assert ran >= at_least


def run_example(command: str, folder: Path) -> str:
    words = shlex.split(command)
    env = {}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    env["ENGAGE_PLUGINS_DIR"] = str(folder / "plugins")
    if words[0] == "pytest":
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *words[1:]],
            capture_output=True,
            text=True,
            cwd=folder,
            timeout=120,
            env={**os.environ, **env},
        )
        assert done.returncode == 0, done.stdout[-2000:]
        return done.stdout
    assert words[0] == "engage", command
    result = invoke(*words[1:], env=env)
    assert "Traceback" not in result.stderr and "error: internal" not in result.stderr, result.stderr
    return result.stdout + result.stderr


SLOW_PLUGIN = """
import time
from engage import Finding, hookimpl

@hookimpl
def engage_budget_checks(ledger):
    time.sleep(0.05)  # inside a generator: runs only when engage reads the findings
    yield Finding("info", "slow-rule", "took its time")
"""


def test_trace_names_each_plugin_and_times_generators_in_full(tmp_path: Path) -> None:
    shutil.copy(IJM, tmp_path / "engage.toml")
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "slow_rule.py").write_text(SLOW_PLUGIN)
    env = {"ENGAGE_PLUGINS_DIR": str(tmp_path / "plugins"), "ENGAGE_TRACE_HOOKS": "1"}
    result = invoke("-s", str(tmp_path / "engage.toml"), "budget", "--as-of", "2021-11-16", env=env)
    assert "slow-rule" in result.stdout
    traced = re.findall(r"^engage: trace: (\w+) +(\w+) +(\d+\.\d\d) ms$", result.stderr, re.MULTILINE)
    slow = [
        float(ms) for hook, plugin, ms in traced if (hook, plugin) == ("engage_budget_checks", "slow_rule")
    ]
    assert slow and slow[0] >= 50
    assert ("engage_budget_checks", "budget") in {(hook, plugin) for hook, plugin, _ in traced}
    quiet = invoke(
        "-s",
        str(tmp_path / "engage.toml"),
        "budget",
        "--as-of",
        "2021-11-16",
        env={**env, "ENGAGE_TRACE_HOOKS": ""},
    )
    assert "trace" not in quiet.stderr and "slow-rule" in quiet.stdout
