"""Finding plugins: the ``engage`` entry points and the plugins folder, imported and described."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from engage import hookspecs
from engage.errors import PluginError
from engage.language import _
from engage.plugin.proxy import valid_hook
from engage.plugin.trust import read_plugin, refuse_unsafe

if TYPE_CHECKING:
    from engage.hooktypes import RecordKind
    from engage.plugin.manager import Config

ENTRY_POINT_GROUP = "engage"
BLOCK_VAR = "ENGAGE_BLOCK_PLUGINS"  # blocklist, comma-separated
_STDLIB = os.path.dirname(os.__file__) + os.sep


class Found:
    """What plugin discovery found: descriptions in registration order, and every name seen."""

    def __init__(self, plugins: list[dict[str, Any]], available: list[str]) -> None:
        self.plugins = plugins
        self.available = available
        self.files: list[str] = []
        self.objects: dict[str, object] = {}  # the plugins imported while finding them


def from_cache(cached: dict[str, Any]) -> Found | None:
    """The cached discovery, checked to be whole; None if it is not (it is then found afresh)."""
    plugins = cached["plugins"]
    available = cached["available"]
    fields = {"name", "kind", "value", "module", "version", "origin", "hooks", "commands"}
    if not _strings(available):
        return None
    for plugin in plugins:
        if not isinstance(plugin, dict) or set(plugin) != fields or plugin["kind"] not in ("entry", "file"):
            return None
        texts = [plugin[field] for field in ("name", "value", "module", "version", "origin")]
        commands = plugin["commands"]
        if not _strings(texts) or not (commands is None or _strings(commands)):
            return None
        if not isinstance(plugin["hooks"], list) or not all(valid_hook(hook) for hook in plugin["hooks"]):
            return None
    return Found(plugins, available)


def _strings(values: object) -> bool:
    return isinstance(values, list) and all(isinstance(value, str) for value in values)


def discover(config: Config, register: Callable[[pluggy.PluginManager, object, str], None]) -> Found:
    """Find and import every wanted plugin, register it for real to check it, and describe it."""
    discovery = _Discovery(config, register)
    described = discovery.from_entry_points()
    if config.directory:
        described += discovery.from_folder(Path(config.directory))
    pm, found = discovery.pm, discovery.found
    check_pending(pm)
    plugin_record_kinds(pm)  # a kind registered twice is refused now, not on the first ledger read
    for plugin in described:
        real = found.objects[plugin["name"]]
        plugin["hooks"] = _hooks_of(pm, real, plugin["name"])
        plugin["commands"] = _commands_of(plugin["hooks"], real)
        found.files += _files_of(plugin)
    found.plugins = described
    return found


_Plugin = TypeVar("_Plugin")


class _Discovery:
    """One discovery: the plugins wanted, each imported and registered with a plugin manager of its own."""

    def __init__(self, config: Config, register: Callable[[pluggy.PluginManager, object, str], None]) -> None:
        self.config = config
        self.register = register
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.found = Found([], [])

    def wanted(self, name: str) -> bool:
        """Whether the allow and block lists let a plugin in; its name is noted as available either way."""
        self.found.available.append(name)
        return (self.config.allow is None or name in self.config.allow) and name not in self.config.block

    def take(self, name: str, load: Callable[[], _Plugin]) -> _Plugin:
        """The plugin imported by ``load`` and registered, the files its import brought in noted."""
        before = set(sys.modules)
        plugin = load()
        self.found.files += _module_files(set(sys.modules) - before)
        self.register(self.pm, plugin, name)
        self.found.objects[name] = plugin
        return plugin

    def from_entry_points(self) -> list[dict[str, Any]]:
        """The ``engage`` entry points' plugins, by name, each described."""
        from importlib.metadata import entry_points

        described: list[dict[str, Any]] = []
        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            if not self.wanted(entry_point.name) or self.pm.has_plugin(entry_point.name):
                continue
            self.take(entry_point.name, partial(load_entry_point, entry_point.name, entry_point.value))
            dist = entry_point.dist
            described.append(
                {
                    "name": entry_point.name,
                    "kind": "entry",
                    "value": entry_point.value,
                    "module": entry_point.module,
                    "version": dist.version if dist else "",
                    "origin": dist.metadata["Name"] if dist else entry_point.value,
                }
            )
        return described

    def from_folder(self, folder: Path) -> list[dict[str, Any]]:
        """The plugins folder's ``.py`` files (not ``_private.py`` ones), by name, each described."""
        if not folder.is_dir():
            if folder.exists():
                said = _("{folder}: is a file, not a folder; give a folder of .py plugins")
            else:
                said = _("{folder}: plugins folder does not exist; give a folder of .py plugins")
            raise PluginError(said.format(folder=folder))
        refuse_unsafe(folder)
        described: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_") or not self.wanted(path.stem):
                continue
            refuse_unsafe(path)
            module = self.take(path.stem, partial(import_file, path))
            described.append(
                {
                    "name": path.stem,
                    "kind": "file",
                    "value": str(path),
                    "module": module.__name__,
                    "version": getattr(module, "__version__", ""),
                    "origin": str(path),
                }
            )
        return described


def check_pending(pm: pluggy.PluginManager) -> None:
    """Refuse a hook implementation for which engage has no hook (a typo in its name)."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            _("plugin {name} is invalid: {problem}").format(name=repr(pm.get_name(exc.plugin)), problem=exc)
        ) from exc


def _hooks_of(pm: pluggy.PluginManager, plugin: object, name: str) -> list[dict[str, Any]]:
    """Each hook implementation as pluggy sees it: attribute, options, argument names."""
    import inspect

    hooks = []
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts is None:
            continue
        impl = next(
            (
                impl
                for caller in (pm.get_hookcallers(plugin) or [])
                for impl in caller.get_hookimpls()
                if impl.plugin is plugin and impl.opts is opts
            ),
            None,
        ) or pluggy.HookImpl(plugin, name, getattr(plugin, attr), opts)
        hooks.append(
            {
                "attr": attr,
                "opts": dict(impl.opts),
                "argnames": list(impl.argnames),
                "kwargnames": list(impl.kwargnames),
                "generator": inspect.isgeneratorfunction(impl.function),
            }
        )
    return hooks


def _commands_of(hooks: list[dict[str, Any]], plugin: object) -> list[str] | None:
    """The names of the commands a plugin adds, asked of it once; None if it cannot be told.

    None too for a plugin that looks at the commands there are, or changes the group's own
    options: it may amend any command (add an option to ``show``), so it is asked every time.
    """
    import click

    registering = [hook for hook in hooks if (hook["opts"].get("specname") or hook["attr"])
                   == "engage_register_commands"]  # fmt: skip
    if not registering:
        return []
    group = click.Group("engage")
    group.commands = watched = _Watched()
    try:
        for hook in registering:
            if hook["opts"].get("wrapper") or hook["opts"].get("hookwrapper"):
                return None
            getattr(plugin, hook["attr"])(*[{"cli": group}[arg] for arg in hook["argnames"]])
    except Exception:
        return None  # it fails again, for real, when the command line asks it
    if watched.looked or group.params:
        return None
    return sorted(watched.added)


class _Watched(dict):
    """A click group's commands that tell whether a plugin only added to them or also looked."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list[str] = []
        self.looked = False

    def __setitem__(self, name: Any, command: Any) -> None:
        self.added.append(name)
        super().__setitem__(name, command)


def _looking(name: str) -> Any:
    def look(self: _Watched, *args: Any, **kwargs: Any) -> Any:
        self.looked = True
        return getattr(dict, name)(self, *args, **kwargs)

    return look


for _name in ("__getitem__", "get", "__contains__", "__iter__", "__len__", "keys", "values", "items",
              "pop", "popitem", "setdefault", "update", "__delitem__", "clear", "copy"):  # fmt: skip
    setattr(_Watched, _name, _looking(_name))


def _module_files(names: set[str]) -> list[str]:
    """The files of the modules a plugin's import brought in, but the standard library's."""
    files = []
    for name in names:
        path = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(path, str) and not path.startswith(_STDLIB):
            files.append(path)
    return files


def _files_of(plugin: dict[str, Any]) -> list[str]:
    """The files a plugin was imported from: a change to any of them means discovering it again."""
    if plugin["kind"] == "file":
        return [plugin["value"]]
    top = plugin["module"].partition(".")[0]
    files = []
    for name, module in list(sys.modules.items()):
        if name == top or name.startswith(top + "."):
            path = getattr(module, "__file__", None)
            if isinstance(path, str):
                files.append(path)
    return files


def load_entry_point(name: str, value: str) -> object:
    """What an entry point names, as ``EntryPoint.load`` gives it; a PluginError if it cannot."""
    module, _colon, attrs = value.partition(":")
    try:
        loaded: object = importlib.import_module(module.strip())
        for attr in attrs.split("[")[0].strip().split("."):
            if attr:
                loaded = getattr(loaded, attr)
    except Exception as exc:
        raise PluginError(
            _(
                "plugin {name} ({value}) failed to load: {error}: {problem}; "
                "set {variable}={key} to run without it"
            ).format(
                name=repr(name),
                value=value,
                error=type(exc).__name__,
                problem=exc,
                variable=BLOCK_VAR,
                key=name,
            )
        ) from exc
    return loaded


def loader(plugin: dict[str, Any]) -> Callable[[], object]:
    """Imports the plugin a cached description names, as discovery did."""
    if plugin["kind"] == "file":
        return lambda: import_file(Path(plugin["value"]))
    return lambda: load_entry_point(plugin["name"], plugin["value"])


def peeker(plugin: dict[str, Any]) -> Callable[[], object]:
    """Finds the plugin among the modules imported already, or None; never imports."""

    def peek() -> object:
        module = sys.modules.get(plugin["module"])
        if module is None or plugin["kind"] == "file":
            return None
        try:
            return load_entry_point(plugin["name"], plugin["value"])
        except PluginError:
            return None

    return peek


def import_file(path: Path) -> ModuleType:
    """A loose plugin file, imported as ``engage_local_plugins.NAME``: its source read from one descriptor
    (:func:`engage.plugin.trust.read_plugin`) and compiled here, never from a ``__pycache__`` file another
    user could have planted beside it."""
    module_name = f"engage_local_plugins.{path.stem}"
    source = read_plugin(path)
    spec = importlib.util.spec_from_loader(module_name, loader=None, origin=str(path))
    if spec is None:
        raise PluginError(_("{path}: cannot import this plugin file").format(path=path))
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise PluginError(
            _("plugin {name} ({value}) failed to load: {error}: {problem}").format(
                name=repr(path.stem), value=path, error=type(exc).__name__, problem=exc
            )
        ) from exc
    return module


def plugin_record_kinds(pm: pluggy.PluginManager) -> dict[str, RecordKind]:
    """The record kinds plugins register, by name; a name taken twice is a PluginError."""
    from engage.ledger.kinds import KINDS

    kinds: dict[str, RecordKind] = {}
    for result in pm.hook.engage_record_kinds():
        for kind in result or ():
            if kind.name in KINDS or kind.name in kinds:
                raise PluginError(
                    _(
                        "record kind {kind} is registered twice (by the core or another plugin); "
                        "prefix a plugin's kinds with its name"
                    ).format(kind=repr(kind.name))
                )

            kinds[kind.name] = kind
    return kinds
