"""The start-up cache of plugin discovery, keyed on everything that could change what it found.

Finding plugins means reading the metadata of every installed distribution and
importing every plugin to see which hooks it implements. The result is kept in
one JSON file per setting of the allow/block lists and plugins folder, with a
key made of: the Python and engage versions, every ``sys.path`` entry with the
listing of its ``*.dist-info``/``*.egg-info`` folders, the state of their
``entry_points.txt`` and the ``engage`` entry points it names, the loose
plugins in the folder, and the state of every module file a plugin was
imported from. Any difference, and any unreadable or damaged file, means the
plugins are found afresh and the cache written again.

The cache names the modules engage imports, so it is believed only when
sealed (:func:`engage.cachedir.write_checked`), in a folder no other user can
write, and when the plugins it names are exactly those its key says are
there (:func:`_names_what_is_there`): each entry point as an installed
distribution declares it, each loose plugin a file of the plugins folder, in
discovery's order, none left out. Only what no key can show, which hooks a
plugin implements, rests on the seal alone.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engage.cachedir import cache_dir, read_checked, write_checked

FORMAT = 4  # 4: sealed, and the engage entry points of each distribution in the key
GROUP = "engage"  # the entry-point group (discovery's ENTRY_POINT_GROUP)
_METADATA = (".dist-info", ".egg-info")


def _stat(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino]  # ctime: cp -p keeps mtime


def _distributions(entry: str) -> list[Any]:
    """A ``sys.path`` entry: each distribution's metadata folder there, with its entry points' state.

    Not the folder's own time: a ledger written in the current folder (on ``sys.path``
    under ``python -m``) must not make every command find the plugins again.
    """
    try:
        names = sorted(os.listdir(entry or "."))
    except OSError:
        return [entry, _stat(entry or ".")]  # a zip file, or a folder not there (yet)
    found: list[Any] = [entry]
    for name in names:
        if name.endswith(_METADATA):
            where = os.path.join(entry, name)
            found.append([name, *_entry_points(os.path.join(where, "entry_points.txt"), where)])
    return found


def _entry_points(path: str, where: str) -> list[Any]:
    """The state of a distribution's ``entry_points.txt`` (of its folder, without one) and the ``engage``
    entry points it declares, as ``[name, value]`` pairs read as ``importlib.metadata`` reads them."""
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            text = stream.read().decode("utf-8", "replace")
    except OSError:
        return [_stat(where), []]
    state = [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino]
    if f"[{GROUP}]" not in text:
        return [state, []]
    declared, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == GROUP and "=" in line:
            name, _, value = line.partition("=")
            declared.append([name.strip(), value.strip()])
    return [state, declared]


def _folder(directory: str | None) -> list[Any] | None:
    if not directory:
        return None
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(".py"))
    except OSError:
        return [directory, None]
    return [directory, _stat(directory), [[name, _stat(os.path.join(directory, name))] for name in names]]


def cache_key(config: str, directory: str | None, version: str) -> dict[str, Any]:
    """What the found plugins depend on, as it is now: ``config`` is the settings as text."""
    return {
        "format": FORMAT,
        "python": sys.version,
        "executable": sys.executable,
        "engage": version,
        "config": config,
        "path": [_distributions(entry) for entry in sys.path],
        "folder": _folder(directory),
        # engage's own modules: the hook specifications and record kinds plugins were checked against
        "core": _folder(os.path.dirname(__file__)),
    }


def files_state(files: list[str]) -> list[list[Any]]:
    """The state of the files plugins were imported from."""
    return [[path, _stat(path)] for path in files]


def cache_path(config: str) -> Path:
    """One file per setting (allow/block lists, folder) and environment: they do not evict each other."""
    where = "|".join([config, sys.prefix, sys.executable, *sys.path])
    tag = zlib.crc32(where.encode("utf-8", "surrogateescape"))
    return cache_dir() / f"plugins-{tag:08x}.json"


def read(config: str, key: dict[str, Any], wanted: Callable[[str], bool]) -> dict[str, Any] | None:
    """The cached discovery if it is still true, else None (never an error: a bad cache is rebuilt).

    ``wanted``: whether the allow and block lists let a plugin of this name in."""
    held = read_checked(cache_path(config), config.encode("utf-8", "surrogateescape"))
    if held is None:  # not there, damaged, another setting's, or in a folder others can write
        return None
    try:
        cached = json.loads(bytes(held).decode("utf-8"))
        if not isinstance(cached, dict) or cached.get("key") != key:
            return None
        files = cached["files"]
        if files_state([path for path, _ in files]) != files:
            return None
        if not isinstance(cached["plugins"], list) or not isinstance(cached["available"], list):
            return None
        if not _names_what_is_there(cached, key, wanted):
            return None
        return cached
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _names_what_is_there(cached: dict[str, Any], key: dict[str, Any], wanted: Callable[[str], bool]) -> bool:
    """Whether the cached plugins are exactly those discovery would find from what ``key`` holds:

    every wanted ``engage`` entry point the installed distributions declare, by name, with a value
    one of them declares, then every wanted ``.py`` file of the plugins folder (``_private.py`` ones
    aside), as that file; each of them available, nothing more, nothing left out.
    """
    declared: dict[str, set[str]] = {}
    for entry in key["path"]:
        for distribution in entry[1:]:  # [name, state, entry points] (a bare state: no listing)
            if type(distribution) is list and len(distribution) == 3 and type(distribution[0]) is str:
                for name, value in distribution[2]:
                    declared.setdefault(name, set()).add(value)
    folder = key["folder"]  # as discovery globs it: *.py, not hidden, not _private
    listed = [name[:-3] for name, _ in folder[2]] if folder and len(folder) == 3 else []
    loose = [stem for stem in listed if not stem.startswith(("_", "."))]
    expected = [("entry", name) for name in sorted(declared) if wanted(name)]
    expected += [("file", stem) for stem in loose if wanted(stem)]
    plugins = cached["plugins"]
    if [(plugin["kind"], plugin["name"]) for plugin in plugins] != expected:
        return False
    for plugin in plugins:
        if plugin["kind"] == "entry" and plugin["value"] not in declared[plugin["name"]]:
            return False
        if plugin["kind"] == "file" and (
            plugin["value"] != str(Path(folder[0]) / f"{plugin['name']}.py")
            or plugin["module"] != f"engage_local_plugins.{plugin['name']}"
        ):
            return False
    return set(cached["available"]) == set(declared) | set(loose)


def write(config: str, key: dict[str, Any], found: dict[str, Any], files: list[str]) -> list[list[Any]]:
    """Keep what discovery found, under the key taken before it began, sealed; an unwritable cache (or
    one in a folder others can write) is not kept.

    Returns the state of the plugins' files, as kept.
    """
    state = files_state(sorted(set(files)))
    payload = json.dumps({"key": key, "files": state, **found}).encode("utf-8", "surrogateescape")
    write_checked(cache_path(config), payload, config.encode("utf-8", "surrogateescape"))
    return state


def stamp(state: list[list[Any]]) -> str:
    """A short digest of the plugins' files' state (see ``plugins.plugin_files_stamp``)."""
    return f"{zlib.crc32(json.dumps(state).encode('utf-8', 'surrogateescape')):08x}"


def installed_version(distribution: str) -> str:
    """The version of an installed distribution, read from its metadata folder's name.

    The same answer as ``importlib.metadata.version`` for a wheel-installed
    distribution, without importing it (15 ms, a tenth of an ``engage log``).
    """
    prefix = distribution.lower().replace("-", "_") + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.lower().startswith(prefix):
                return name[len(prefix) : -len(".dist-info")]
    from importlib.metadata import version

    return version(distribution)
