"""A plugin registered before it is imported: hook stubs that import it when one is first called.

pluggy reads a plugin's hook implementations (their names, options and
argument names) when it is registered. A :class:`LazyPlugin` carries stubs
with exactly those, taken from the start-up cache; a stub imports the plugin
on its first call and hands the call to the real function. A wrapper's stub is
a generator that delegates with ``yield from``, so results, ``send`` and
``throw`` reach the real wrapper unchanged.
"""

from __future__ import annotations

import keyword
import types
from collections.abc import Callable
from typing import Any

_UNSET: Any = object()
HOOK_FIELDS = ("attr", "opts", "argnames", "kwargnames", "generator")
OPTIONS: dict[str, type | tuple[type, ...]] = {  # pluggy's hookimpl options, and what each may be (a newer
    # pluggy's other options are kept if they are plain values)
    "wrapper": bool,
    "hookwrapper": bool,
    "optionalhook": bool,
    "tryfirst": bool,
    "trylast": bool,
    "specname": (str, type(None)),
}


class LazyPlugin:
    """Stands for one plugin in the plugin manager; imports it on first use."""

    def __init__(
        self,
        name: str,
        hooks: list[dict[str, Any]],
        load: Callable[[], object],
        peek: Callable[[], object],
        commands: list[str] | None,
    ) -> None:
        self._lazy_name = name
        self._lazy_load = load
        self._lazy_peek = peek
        self._lazy_real: object = _UNSET
        self._lazy_functions: dict[str, Callable[..., Any]] = {}
        #: The names of the commands the plugin adds (None: not known, so always ask it).
        self._lazy_commands = commands
        for hook in hooks:
            setattr(self, hook["attr"], _stub(self, hook))

    def _lazy_resolve(self) -> object:
        """The plugin itself, imported now if it was not (a PluginError if it cannot be)."""
        if self._lazy_real is _UNSET:
            self._lazy_real = self._lazy_load()
        return self._lazy_real

    def _lazy_loaded(self) -> object | None:
        """The plugin if it is imported already (here or by anyone else), without importing it."""
        if self._lazy_real is _UNSET:
            found = self._lazy_peek()
            if found is not None:
                self._lazy_real = found
        return None if self._lazy_real is _UNSET else self._lazy_real

    def _lazy_function(self, attr: str) -> Callable[..., Any]:
        function = self._lazy_functions.get(attr)
        if function is None:
            function = self._lazy_functions[attr] = getattr(self._lazy_resolve(), attr)
        return function

    def __eq__(self, other: object) -> bool:
        # pluggy asks ``plugin == registered``: the real plugin is "already registered" as before.
        return other is self or (other is not None and other is self._lazy_loaded())

    __hash__ = object.__hash__

    def __dir__(self) -> list[str]:
        # pluggy looks for hook implementations among these names: only the stubs, not object's own.
        return sorted(name for name in vars(self) if not name.startswith("_lazy_"))

    def __repr__(self) -> str:
        real = self._lazy_loaded()
        return repr(real) if real is not None else f"<plugin {self._lazy_name!r}, not imported yet>"


def valid_hook(hook: object) -> bool:
    """A cached hook description that stubs can be made from (a damaged cache fails this)."""
    if not isinstance(hook, dict) or set(hook) != set(HOOK_FIELDS):
        return False
    names, opts = [*hook["argnames"], *hook["kwargnames"]], hook["opts"]
    return (
        isinstance(hook["attr"], str)
        and hook["attr"].isidentifier()
        and not hook["attr"].startswith("_lazy_")
        and isinstance(hook["generator"], bool)
        and isinstance(opts, dict)
        and all(isinstance(value, OPTIONS.get(key, (bool, str, type(None)))) for key, value in opts.items())
        and all(isinstance(n, str) and n.isidentifier() and not keyword.iskeyword(n) for n in names)
        and len(set(names)) == len(names)
        and not {"_lazy_call", "_lazy_absent"}.intersection(names)
    )


def _stub(plugin: LazyPlugin, hook: dict[str, Any]) -> Callable[..., Any]:
    attr = hook["attr"]
    opts = hook["opts"]
    wrapper = bool(hook["generator"] and (opts.get("wrapper") or opts.get("hookwrapper")))
    call = lambda *args: plugin._lazy_function(attr)(*args)  # noqa: E731
    stub: Any = _from_template(hook["argnames"], wrapper, call) if not hook["kwargnames"] else None
    if stub is None:
        params = ", ".join([*hook["argnames"], *(f"{name}=_lazy_absent" for name in hook["kwargnames"])])
        args = ", ".join(hook["argnames"])
        body = f"return (yield from _lazy_call({args}))" if wrapper else f"return _lazy_call({args})"
        namespace: dict[str, Any] = {"_lazy_absent": _UNSET, "_lazy_call": call}
        exec(f"def stub({params}):\n    {body}\n", namespace)  # the argument names pluggy passes by
        stub = namespace["stub"]
    stub.__name__ = stub.__qualname__ = attr
    stub.engage_impl = dict(opts)
    return stub


def _from_template(names: list[str], wrapper: bool, call: Callable[..., Any]) -> Any:
    """A stub taking ``names``, made from a compiled template renamed (no ``exec``: 0.1 ms a stub).

    None where no template fits; then the stub is compiled from source as before.
    """
    templates = _WRAPPERS if wrapper else _CALLS
    if len(names) >= len(templates):
        return None
    try:
        code = templates[len(names)].__code__.replace(co_varnames=tuple(names))
    except (TypeError, ValueError):  # an interpreter whose code objects cannot be renamed so
        return None
    return types.FunctionType(code, {"_lazy_call": call})


# The stubs' templates, by number of arguments: pluggy reads the names from the code object.
def _lazy_call(*args: Any) -> Any:
    """What a template calls; each stub made from one gets its own globals, where this is its call."""
    raise AssertionError("a stub's template was called itself")


def _c0() -> Any:
    return _lazy_call()


def _c1(a: Any) -> Any:
    return _lazy_call(a)


def _c2(a: Any, b: Any) -> Any:
    return _lazy_call(a, b)


def _c3(a: Any, b: Any, c: Any) -> Any:
    return _lazy_call(a, b, c)


def _c4(a: Any, b: Any, c: Any, d: Any) -> Any:
    return _lazy_call(a, b, c, d)


def _c5(a: Any, b: Any, c: Any, d: Any, e: Any) -> Any:
    return _lazy_call(a, b, c, d, e)


def _w0() -> Any:
    return (yield from _lazy_call())


def _w1(a: Any) -> Any:
    return (yield from _lazy_call(a))


def _w2(a: Any, b: Any) -> Any:
    return (yield from _lazy_call(a, b))


def _w3(a: Any, b: Any, c: Any) -> Any:
    return (yield from _lazy_call(a, b, c))


_CALLS = (_c0, _c1, _c2, _c3, _c4, _c5)
_WRAPPERS = (_w0, _w1, _w2, _w3)
