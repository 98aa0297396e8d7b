"""Find, load and register plugins: the ``engage`` entry-point group and a plugins folder."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

import pluggy

from engage import hookspecs
from engage.errors import PluginError
from engage.language import _
from engage.plugin import startup_cache as plugin_cache
from engage.plugin.discovery import (
    BLOCK_VAR,
    ENTRY_POINT_GROUP,
    check_pending,
    discover,
    from_cache,
    loader,
    peeker,
    plugin_record_kinds,
)
from engage.plugin.proxy import LazyPlugin
from engage.plugin.trust import refuse_unsafe
from engage.settings.lookup import find_setting, setting

if TYPE_CHECKING:
    pass

__all__ = [
    "BLOCK_VAR",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "blame",
    "get_plugin_manager",
    "plugin_record_kinds",
    "refuse_unsafe",
]

LOAD_VAR = "ENGAGE_LOAD_PLUGINS"  # allowlist, comma-separated; empty string: load none
DIR_VAR = "ENGAGE_PLUGINS_DIR"
TRACE_VAR = "ENGAGE_TRACE_HOOKS"
DISTRIBUTION = "engage-tracker"  # the core's and the built-in plugins' (pyproject's name; a test checks)


class PluginInfo(NamedTuple):
    """Where a loaded plugin came from, for ``engage plugins``."""

    name: str
    version: str
    origin: str  # the distribution, or the file for a loose plugin


class Config(NamedTuple):
    """The settings that choose the plugins: allowlist, blocklist, folder, tracing."""

    allow: frozenset[str] | None
    block: frozenset[str]
    directory: str | None
    trace: bool

    def wants(self, name: str) -> bool:
        """Whether the allow and block lists let a plugin of this name in."""
        return (self.allow is None or name in self.allow) and name not in self.block

    def key(self) -> str:
        """The settings as stable text (a frozenset's order changes from one process to the next)."""
        allow = sorted(self.allow) if self.allow is not None else None
        return repr((allow, sorted(self.block), self.directory))


_loaded: tuple[Config, pluggy.PluginManager] | None = None
_infos: dict[str, PluginInfo] = {}
_available: set[str] = set()
_files_stamp = ""  # the state of every file the loaded plugins were imported from
_environment = ""  # what finding them depended on: Python, engage's modules, the distributions
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

    Loose plugins come from the folder set by :func:`use_plugins_dir`, else ``ENGAGE_PLUGINS_DIR``,
    else the user's ``plugins.dir`` setting; the allowlist and blocklist likewise (``plugins.load``,
    ``plugins.block``), by the settings' one precedence rule.
    """
    global _loaded
    directory = setting("plugins.dir", _plugins_dir) or None
    if directory:  # resolved once, here: a later chdir must not change which code runs
        directory = str(Path(directory).expanduser().absolute())
    allow = find_setting("plugins.load")
    config = Config(
        allow=_names(allow.value) if allow is not None else None,
        block=_names(setting("plugins.block") or ""),
        directory=directory,
        trace=bool(os.environ.get(TRACE_VAR)),
    )
    if _loaded is None or _loaded[0] != config:
        _loaded = (config, _load(config))
    return _loaded[1]


def plugin_infos() -> dict[str, PluginInfo]:
    """Name, version and origin of each loaded plugin."""
    return dict(_infos)


def environment_stamp() -> str:
    """What finding the loaded plugins depended on, as text: Python, engage and its own modules, every
    installed distribution, the plugin settings and folder. What is read with engage's help (a
    schedule) may be kept while it stays the same."""
    return _environment


def plugin_files_stamp() -> str:
    """A digest of the state of every file the loaded plugins came from, their helper modules too.

    The ledger cache is keyed on it: a plugin's record reader may change through any of them.
    """
    return _files_stamp


def available_plugin_names() -> set[str]:
    """Every plugin name found, loaded or not: the schedule tables they may read."""
    return set(_available)


def plugins_adding(pm: pluggy.PluginManager, command: str) -> list[object]:
    """The plugins whose ``engage_register_commands`` may add or change ``command``, in hook order.

    A plugin found at start-up names its commands in the start-up cache; any
    other (an object registered by a test), or one that looks at the commands
    there (see :func:`commands_added`), may add or change anything, so it is always asked.
    """
    chosen = []
    for impl in pm.hook.engage_register_commands.get_hookimpls():
        names = commands_added(impl.plugin)
        if (names is None or command in names) and impl.plugin not in chosen:
            chosen.append(impl.plugin)
    return chosen


def commands_added(plugin: object) -> list[str] | None:
    """The commands a plugin only adds, as the start-up cache knows them; None: it may change any."""
    return plugin._lazy_commands if isinstance(plugin, LazyPlugin) else None


def _names(value: str) -> frozenset[str]:
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _load(config: Config) -> pluggy.PluginManager:
    """Register every wanted plugin, as found by the start-up cache or, failing it, by discovery."""
    from engage.version import __version__

    global _files_stamp, _environment
    key = plugin_cache.cache_key(config.key(), config.directory, __version__)
    _environment = repr(sorted(key.items()))
    cached = plugin_cache.read(config.key(), key, config.wants)
    found = from_cache(cached) if cached is not None else None
    if found is None:
        found = discover(config, _register)
        found_now = {"plugins": found.plugins, "available": found.available}
        _files_stamp = plugin_cache.stamp(plugin_cache.write(config.key(), key, found_now, found.files))
    else:
        assert cached is not None
        _files_stamp = plugin_cache.stamp(cached["files"])
        if config.directory:  # who may write the folder can change without touching the files' times
            refuse_unsafe(Path(config.directory))
            for plugin in found.plugins:
                if plugin["kind"] == "file":
                    refuse_unsafe(Path(plugin["value"]))

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    _infos.clear()
    _available.clear()
    _available.update(found.available)
    for plugin in found.plugins:
        name = plugin["name"]
        proxy = LazyPlugin(name, plugin["hooks"], loader(plugin), peeker(plugin), plugin["commands"])
        if name in found.objects:
            proxy._lazy_real = found.objects[name]
        _register(pm, proxy, name)
        _infos[name] = PluginInfo(name, plugin["version"], plugin["origin"])
    check_pending(pm)  # the hook specifications may have changed since
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


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(
            _("plugin {name} cannot be registered: {problem}").format(name=repr(name), problem=exc)
        ) from exc


def blame(exc: BaseException) -> str | None:
    """Name the plugin (and hook) an exception came from, or None if it came from the core."""
    if _loaded is None:
        return None
    pm = _loaded[1]
    prefixes = {}
    for name, plugin in pm.list_name_plugin():
        if isinstance(plugin, LazyPlugin):
            plugin = plugin._lazy_loaded()  # one not imported yet cannot have raised
            if plugin is None:
                continue
        module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
        prefixes[module] = name
    import traceback

    tb: TracebackType | None = exc.__traceback__
    culprit = None
    for frame, _line in traceback.walk_tb(
        tb
    ):  # outermost first: the last plugin frame is the one that raised
        module = frame.f_globals.get("__name__", "")
        for prefix, name in prefixes.items():
            if module == prefix or module.startswith(prefix + "."):
                culprit = _("plugin {name} failed in {hook}()").format(
                    name=repr(name), hook=frame.f_code.co_name
                )

    return culprit
