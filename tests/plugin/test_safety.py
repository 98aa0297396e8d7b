"""Loose plugins from a safe place only: a folder or file others may write, or another user owns, is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import Seed, invoke, one_line_error

PLUGIN = (
    "from engage import hookimpl\n\n@hookimpl\ndef engage_after_log(entry):\n    return ['org rule ran']\n"
)
unix_modes = pytest.mark.skipif(os.name == "nt", reason="Unix permission bits do not exist on Windows")


def folder_with_plugin(path: Path) -> Path:
    path.mkdir()
    (path / "org_rules.py").write_text(PLUGIN, encoding="utf-8")
    return path


def test_relative_plugins_folder_is_made_absolute(ijm: Seed, tmp_path: Path, monkeypatch) -> None:
    folder_with_plugin(tmp_path / "plugs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENGAGE_PLUGINS_DIR", "plugs")
    result = invoke("plugins", "--format", "json")
    origin = {p["name"]: p for p in json.loads(result.stdout)}["org_rules"]["origin"]
    assert Path(origin).is_absolute() and Path(origin) == tmp_path / "plugs" / "org_rules.py"


@unix_modes
def test_world_writable_plugin_folder_is_refused(ijm: Seed, tmp_path: Path) -> None:
    folder = folder_with_plugin(tmp_path / "open")
    folder.chmod(0o777)
    line = one_line_error(
        ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep"), "writable by every user"
    )
    assert "refused" in line
    assert not ijm.ledger.exists()


@unix_modes
def test_world_writable_plugin_file_is_refused(ijm: Seed, tmp_path: Path) -> None:
    folder = folder_with_plugin(tmp_path / "org")
    (folder / "org_rules.py").chmod(0o666)
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "org_rules.py", "writable by every user")


@unix_modes
def test_plugin_owned_by_another_user_is_refused(ijm: Seed, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    folder = folder_with_plugin(tmp_path / "org")
    os.chown(folder / "org_rules.py", 65534, 65534)
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "owned by another user")
