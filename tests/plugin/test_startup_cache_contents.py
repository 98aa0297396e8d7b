"""Attacks on what the plugin start-up cache holds, each through ``engage show`` in a process of its own.

The cache names the plugins to import, lazily, when their hooks are first called. Edited, it could make
engage import a module it would not otherwise import (a file outside any plugins folder, a module
that is no ``engage`` entry point), or hide a plugin; damaged, name one wrongly. Its contents are now
sealed, and checked against what they are keyed on: the ``engage`` entry points of the installed
distributions and the plugins folder's listing. A marker file shows any code run from the cache.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from helpers import IJM
from helpers.processes import engage_in

EVIL = '''"""Code nobody asked engage to run."""
from pathlib import Path
from engage import hookimpl

Path({marker!r}).write_text("ran")


@hookimpl
def engage_non_working_days(engagement, start, end, place):
    return []
'''
WINDOW = ["2021-12-03", "2021-12-14"]  # seven days from Fri 3 Dec; Jamhuri Day observed on Mon 13 Dec
PLUGINS = ["budget", "calendar", "fees", "holidays", "interop", "status", "timesheets"]


def engagement(folder: Path) -> Path:
    """The IJM seed (a seven-day finalisation) in ``folder``, shown once: its start-up cache."""
    text = IJM.read_text(encoding="utf-8").replace("days = 5\n", "days = 7\n", 1)
    (folder / "engage.toml").write_text(text, encoding="utf-8")
    assert final_window(folder) == WINDOW
    (path,) = (folder / "cache").glob("plugins-*.json")
    return path


def final_window(folder: Path) -> list[str]:
    done = engage_in(folder, "show", "--format", "json")
    assert done.returncode == 0, done.stderr
    (final,) = [p for p in json.loads(done.stdout)["phases"] if p["key"] == "final"]
    return [final["start"], final["end"]]


def loaded(folder: Path) -> list[str]:
    done = engage_in(folder, "plugins", "--format", "json")
    assert done.returncode == 0, done.stderr
    return sorted(plugin["name"] for plugin in json.loads(done.stdout))


def edit(path: Path, change: Any, reseal: bool) -> None:
    """Change the cache's JSON; keep its trailer (a hand edit) or seal it anew, as engage would."""
    data = path.read_bytes()
    try:
        held, trailer = json.loads(data), b""  # as engage kept it before the seal
    except ValueError:
        held, trailer = json.loads(data[:-4]), data[-4:]
    change(held)
    text = json.dumps(held).encode()
    if reseal and trailer:
        key = held["key"]["config"].encode()
        trailer = zlib.crc32(text, zlib.crc32(key)).to_bytes(4, "little")
    path.write_bytes(text + trailer)


def planted(folder: Path, kind: str) -> tuple[Path, Any]:
    """A plugin of ``kind`` whose import writes folder/marker, and the change naming it in the cache."""
    marker = folder / "marker"
    if kind == "file":
        module = folder / "elsewhere" / "evil.py"
        module.parent.mkdir()
        value, name = str(module), "engage_local_plugins.evil"
    else:  # a module engage could import (the current folder is on sys.path under python -c)
        module = folder / "evilmod.py"
        value, name = "evilmod", "evilmod"
    module.write_text(EVIL.format(marker=str(marker)), encoding="utf-8")

    def change(held: dict[str, Any]) -> None:
        (holidays,) = [p for p in held["plugins"] if p["name"] == "holidays"]
        hooks = [hook for hook in holidays["hooks"] if hook["attr"] == "engage_non_working_days"]
        assert hooks
        held["plugins"].append(
            {
                "name": "evil",
                "kind": kind,
                "value": value,
                "module": name,
                "version": "",
                "origin": value,
                "hooks": [{**hook, "attr": "engage_non_working_days"} for hook in hooks],
                "commands": [],
            }
        )
        held["available"].append("evil")

    return marker, change


@pytest.mark.parametrize("reseal", [False, True], ids=["edited", "edited and sealed"])
@pytest.mark.parametrize("kind", ["file", "entry"])
def test_a_plugin_added_to_the_cache_is_never_imported(tmp_path: Path, kind: str, reseal: bool) -> None:
    path = engagement(tmp_path)
    marker, change = planted(tmp_path, kind)
    edit(path, change, reseal)
    assert final_window(tmp_path) == WINDOW
    assert not marker.exists()  # 0 code executed
    assert loaded(tmp_path) == PLUGINS


@pytest.mark.parametrize("reseal", [False, True], ids=["edited", "edited and sealed"])
def test_a_plugin_hidden_from_the_cache_is_found(tmp_path: Path, reseal: bool) -> None:
    path = engagement(tmp_path)

    def hide(held: dict[str, Any]) -> None:
        held["plugins"] = [p for p in held["plugins"] if p["name"] != "holidays"]
        held["available"].remove("holidays")

    edit(path, hide, reseal)
    assert final_window(tmp_path) == WINDOW  # was 2021-12-13: no holidays
    assert loaded(tmp_path) == PLUGINS


def test_a_plugin_pointed_at_another_module_is_not_believed(tmp_path: Path) -> None:
    """A damaged or edited value: the holidays entry point naming another module (here, one that
    would run code), sealed as engage seals."""
    path = engagement(tmp_path)
    marker, _ = planted(tmp_path, "entry")

    def repoint(held: dict[str, Any]) -> None:
        for plugin in held["plugins"]:
            if plugin["name"] == "holidays":
                plugin["value"] = plugin["module"] = "evilmod"

    edit(path, repoint, reseal=True)
    assert final_window(tmp_path) == WINDOW
    assert not marker.exists()
    assert loaded(tmp_path) == PLUGINS


def test_a_bit_flipped_in_the_cache_is_found(tmp_path: Path) -> None:
    path = engagement(tmp_path)
    data = bytearray(path.read_bytes())
    at = data.index(b'"engage_holidays"') + 8
    data[at] ^= 0x01  # engage_holidays -> engage_iolidays: a damaged disk
    path.write_bytes(bytes(data))
    assert final_window(tmp_path) == WINDOW
    assert loaded(tmp_path) == PLUGINS


def test_a_plugin_added_to_a_cache_others_can_write_is_never_imported(tmp_path: Path) -> None:
    path = engagement(tmp_path)
    marker, change = planted(tmp_path, "file")
    edit(path, change, reseal=True)
    (tmp_path / "cache").chmod(0o777)
    done = engage_in(tmp_path, "show", "--format", "json")
    assert done.returncode == 0 and not marker.exists()
    (final,) = [p for p in json.loads(done.stdout)["phases"] if p["key"] == "final"]
    assert [final["start"], final["end"]] == WINDOW
    assert done.stderr.count("caches not used") == 1


HOUSE = '''"""House plugin: says so after each log."""
from engage import hookimpl


@hookimpl
def engage_after_log(entry):
    return ["house: logged"]
'''


@pytest.mark.parametrize("change", ["hidden", "moved elsewhere"])
def test_a_loose_plugin_hidden_or_moved_in_the_cache_is_found_where_it_is(
    tmp_path: Path, change: str
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "house.py").write_text(HOUSE, encoding="utf-8")
    engagement(tmp_path)
    env = {"ENGAGE_PLUGINS_DIR": str(folder)}
    first = engage_in(tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-16", **env)
    assert "house: logged" in first.stdout + first.stderr, first.stderr
    plugins = [p for p in (tmp_path / "cache").glob("plugins-*.json") if b"house.py" in p.read_bytes()]
    (path,) = plugins
    marker = tmp_path / "marker"
    elsewhere = tmp_path / "elsewhere.py"
    elsewhere.write_text(EVIL.format(marker=str(marker)), encoding="utf-8")

    def alter(held: dict[str, Any]) -> None:
        if change == "hidden":
            held["plugins"] = [p for p in held["plugins"] if p["name"] != "house"]
            held["available"].remove("house")
        else:
            for plugin in held["plugins"]:
                if plugin["name"] == "house":
                    plugin["value"] = plugin["origin"] = str(elsewhere)

    edit(path, alter, reseal=True)
    again = engage_in(tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-17", **env)
    assert again.returncode == 0 and "house: logged" in again.stdout + again.stderr, again.stderr
    assert "Preparation: 2.0 of 7 days used, 5.0 left" in again.stdout and not marker.exists()
