"""Find, load and register plugins: the ``engage`` entry-point group and a plugins folder."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pluggy

from engage import hookspecs
from engage.errors import PluginError
from engage.hooktypes import RecordKind

ENTRY_POINT_GROUP = "engage"
LOAD_VAR = "ENGAGE_LOAD_PLUGINS"  # allowlist, comma-separated; empty string: load none
BLOCK_VAR = "ENGAGE_BLOCK_PLUGINS"  # blocklist, comma-separated
DIR_VAR = "ENGAGE_PLUGINS_DIR"
TRACE_VAR = "ENGAGE_TRACE_HOOKS"


@dataclass(frozen=True)
class PluginInfo:
    """Where a loaded plugin came from, for ``engage plugins``."""

    name: str
    version: str
    origin: str  # the distribution, or the file for a loose plugin


@dataclass(frozen=True)
class _Config:
    allow: frozenset[str] | None
    block: frozenset[str]
    directory: str | None
    trace: bool


_loaded: tuple[_Config, pluggy.PluginManager] | None = None
_infos: dict[str, PluginInfo] = {}
_available: set[str] = set()
_plugins_dir: str | None = None  # the running command line's --plugins-dir


def use_plugins_dir(directory: str | Path | None) -> None:
    """Set the folder of loose ``.py`` plugins for this process (``--plugins-dir``); None: none.

    It is process-wide on purpose: hooks are called deep in the core and in
    plugins (planning, status sections), and every call must see the same plugins.
    """
    global _plugins_dir
    _plugins_dir = str(Path(directory).absolute()) if directory else None


def get_plugin_manager() -> pluggy.PluginManager:
    """The plugin manager, loading plugins on first use (and again only if settings change).

    Loose plugins come from the folder set by :func:`use_plugins_dir`, else ``ENGAGE_PLUGINS_DIR``.
    """
    global _loaded
    directory = _plugins_dir or os.environ.get(DIR_VAR) or None
    if directory:  # resolved once, here: a later chdir must not change which code runs
        directory = str(Path(directory).absolute())
    config = _Config(
        allow=_names(os.environ[LOAD_VAR]) if LOAD_VAR in os.environ else None,
        block=_names(os.environ.get(BLOCK_VAR, "")),
        directory=directory,
        trace=bool(os.environ.get(TRACE_VAR)),
    )
    if _loaded is None or _loaded[0] != config:
        _loaded = (config, _load(config))
    return _loaded[1]


def plugin_infos() -> dict[str, PluginInfo]:
    """Name, version and origin of each loaded plugin."""
    return dict(_infos)


def plugin_record_kinds(pm: pluggy.PluginManager) -> dict[str, RecordKind]:
    """The record kinds plugins register, by name; a name taken twice is a PluginError."""
    from engage.ledger_kinds import KINDS

    kinds: dict[str, RecordKind] = {}
    for result in pm.hook.engage_record_kinds():
        for kind in result or ():
            if kind.name in KINDS or kind.name in kinds:
                raise PluginError(
                    f"record kind {kind.name!r} is registered twice (by the core or another plugin); "
                    "prefix a plugin's kinds with its name"
                )
            kinds[kind.name] = kind
    return kinds


def available_plugin_names() -> set[str]:
    """Every plugin name found, loaded or not: the schedule tables they may read."""
    return set(_available)


def _names(value: str) -> frozenset[str]:
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _load(config: _Config) -> pluggy.PluginManager:
    from importlib.metadata import entry_points

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    _infos.clear()
    _available.clear()

    def wanted(name: str) -> bool:
        _available.add(name)
        return (config.allow is None or name in config.allow) and name not in config.block

    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        if not wanted(entry_point.name) or pm.has_plugin(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: "
                f"{type(exc).__name__}: {exc}; set {BLOCK_VAR}={entry_point.name} to run without it"
            ) from exc
        dist = entry_point.dist
        _register(pm, plugin, entry_point.name)
        _infos[entry_point.name] = PluginInfo(
            entry_point.name,
            dist.version if dist else "",
            dist.metadata["Name"] if dist else entry_point.value,
        )

    if config.directory:
        folder = Path(config.directory)
        if not folder.is_dir():
            raise PluginError(f"{folder}: plugins folder does not exist; give a folder of .py plugins")
        refuse_unsafe(folder)
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_") or not wanted(path.stem):
                continue
            refuse_unsafe(path)
            module = _import_file(path)
            _register(pm, module, path.stem)
            _infos[path.stem] = PluginInfo(path.stem, getattr(module, "__version__", ""), str(path))

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin)!r} is invalid: {exc}") from exc
    plugin_record_kinds(pm)  # a kind registered twice is refused now, not on the first ledger read
    if config.trace:
        pm.add_hookcall_monitoring(_trace_before, lambda *args: None)
    return pm


def _trace_before(hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
    """``ENGAGE_TRACE_HOOKS=1``: time each plugin's implementation of the hook about to be called.

    Implementations are wrapped when first called, so plugins registered after
    loading (an object in a test) are traced too.
    """
    for impl in hook_impls:
        if not getattr(impl.function, "_engage_traced", False) and not (impl.hookwrapper or impl.wrapper):
            impl.function = _timed(impl.function, hook_name, impl.plugin_name)  # type: ignore[misc]


def _timed(function: Callable[..., object], hook: str, plugin: str) -> Callable[..., object]:
    def call(*args: object) -> object:
        start = time.perf_counter()
        try:
            result = function(*args)
            if isinstance(result, Iterator):
                result = list(result)  # a generator runs now, so that its time is counted
            return result
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            sys.stderr.write(f"engage: trace: {hook:<26} {plugin:<16} {elapsed:8.2f} ms\n")

    call._engage_traced = True  # type: ignore[attr-defined]
    return call

def refuse_unsafe(path: Path) -> None:
    """Refuse a plugin folder or file that others could have written: its code would run as you."""
    if os.name == "nt":  # no Unix modes: Windows folders are guarded by their ACLs
        return
    try:
        info = path.stat()
    except OSError as exc:
        raise PluginError(f"{path}: cannot read this plugin path: {exc.strerror or exc}") from None
    if info.st_mode & 0o002:
        raise PluginError(
            f"{path}: writable by every user, so anyone could put code here that engage would run; "
            f"refused: chmod o-w {path}"
        )
    if info.st_uid not in (os.getuid(), 0):
        raise PluginError(
            f"{path}: owned by another user (uid {info.st_uid}), so engage will not run it as you; "
            "refused: use plugins you own"
        )


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(f"plugin {name!r} cannot be registered: {exc}") from exc


def _import_file(path: Path) -> ModuleType:
    module_name = f"engage_local_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path}: cannot import this plugin file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise PluginError(
            f"plugin {path.stem!r} ({path}) failed to load: {type(exc).__name__}: {exc}"
        ) from exc
    return module


def blame(exc: BaseException) -> str | None:
    """Name the plugin (and hook) an exception came from, or None if it came from the core."""
    if _loaded is None:
        return None
    pm = _loaded[1]
    prefixes = {}
    for name, plugin in pm.list_name_plugin():
        module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
        prefixes[module] = name
    tb: TracebackType | None = exc.__traceback__
    culprit = None
    for frame, _ in traceback.walk_tb(tb):  # outermost first: the last plugin frame is the one that raised
        module = frame.f_globals.get("__name__", "")
        for prefix, name in prefixes.items():
            if module == prefix or module.startswith(prefix + "."):
                culprit = f"plugin {name!r} failed in {frame.f_code.co_name}()"
    return culprit
