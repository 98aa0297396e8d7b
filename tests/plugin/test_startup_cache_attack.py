"""An attack on the plugin start-up cache that once found a fault, kept so that it stays fixed: a plugin
file rewritten in place with its old mtime and size must have its new hooks found.
(The other caches' attacks: ledger/test_cache_attacks.py.)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from helpers import IJM
from helpers.processes import engage_in

HOUSE = '''"""House plugin."""
from engage import hookimpl
@hookimpl
def engage_after_log(entry):
    return ["house: logged"]
'''


def test_a_plugin_file_restored_with_its_old_time_is_found_again(tmp_path: Path) -> None:
    """``cp -p backup/house.py house.py`` (or tar, unzip): same inode, size and mtime, new code.

    The start-up cache watches mtime, size and inode; only the change time (ctime) shows this.
    """
    shutil.copy(IJM, tmp_path / "engage.toml")
    folder = tmp_path / "plugins"
    folder.mkdir()
    plugin = folder / "house.py"
    plugin.write_text(HOUSE, encoding="utf-8")
    env = {"ENGAGE_PLUGINS_DIR": str(folder)}
    first = engage_in(tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-16", **env)
    assert first.returncode == 0 and "house: logged" in first.stdout + first.stderr, first.stderr

    before = plugin.stat()
    unhooked = HOUSE.replace("@hookimpl\n", "")
    unhooked += "#" * (len(HOUSE) - len(unhooked) - 1) + "\n"  # the same size
    with open(plugin, "r+", encoding="utf-8") as stream:  # in place, as cp does: the same inode
        stream.write(unhooked)
    os.utime(plugin, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p does
    assert plugin.stat().st_size == before.st_size

    fresh = engage_in(
        tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-17", **env, ENGAGE_CACHE_DIR=str(tmp_path / "f")
    )
    assert "house" not in fresh.stdout + fresh.stderr  # the hook is gone
    cached = engage_in(tmp_path, "log", "1", "-p", "prep", "-d", "2021-11-18", **env)
    assert "house" not in cached.stdout + cached.stderr  # fails: the cached hook is still called
