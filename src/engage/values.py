"""Frozen dataclasses made without compiling code for each class: the ``frozen`` decorator.

``@dataclass(frozen=True)`` writes six methods per class as source text and
compiles it with ``exec``: 0.6 to 1 ms a class on Python 3.11, against 0.08 ms
for ``@frozen``. ``engage log`` defines 50 of the 64 such classes of the core
and built-in plugins, so this was some 20 ms of its start-up (of 130; Watson's
``add`` takes 90).

``@frozen`` lets ``dataclasses`` process the fields (so ``fields``, ``replace``,
``asdict``, ``astuple`` and ``__match_args__`` are the stdlib's own), then
installs ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``
and ``__delattr__`` made from shared code and driven by per-class tuples. The
classes behave as ``@dataclass(frozen=True)`` ones do, down to their error
messages, ``repr``, ``help`` and ``inspect.signature``; ``tests/test_values.py``
checks each against a stdlib twin. The price is per instance and small: with
five fields, 1.0 µs to build one from positional values (0.8 for the stdlib's),
2.0 from keywords (1.1), 0.3 µs an ``==`` (0.2). A class the shared code does
not cover (a dataclass base, ``InitVar``, keyword-only fields, its own
``__slots__``, ``__setattr__`` or ``__delattr__``) simply becomes a stdlib
frozen dataclass. Plugins may use either.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from _thread import get_ident
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, FrozenInstanceError
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, NoReturn, TypeVar, dataclass_transform

__all__ = ["frozen"]

_C = TypeVar("_C", bound=type)
_object_setattr = object.__setattr__
_consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator out, in C
_UNSET: Any = object()
# The default inspect.signature shows for a default_factory field: ``<factory>``, as the stdlib's.
_FACTORY: Any = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def frozen(cls: _C) -> _C:
    """Make ``cls`` a frozen dataclass, as ``@dataclass(frozen=True)`` would, without compiling code."""
    if _needs_stdlib(cls):
        dataclasses.dataclass(frozen=True)(cls)
        return cls
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # else dataclasses reads inspect.signature(object), which compiles a stub
        cls.__doc__ = cls.__name__
    class_hash = cls.__dict__.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in cls.__dict__))
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)
    init = _make_init(cls, fields)
    made: list[Callable[..., Any]] = [init, _make_repr(f.name for f in fields if f.repr)]
    made.append(_make_eq(tuple(f.name for f in fields if f.compare)))
    for method in made:
        if method.__name__ not in cls.__dict__:
            _install(cls, method)
    for method in _make_frozen(cls, frozenset(f.name for f in fields)):
        if method.__name__ in cls.__dict__:
            raise TypeError(f"Cannot overwrite attribute {method.__name__} in class {cls.__name__}")
        _install(cls, method)
    if not explicit_hash:
        _install(cls, _make_hash(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))))
    init.__wrapped__ = _Parameters(cls)  # type: ignore[attr-defined]
    if not documented:
        cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    stated = object.__new__(type(params))
    for slot in type(params).__slots__:
        setattr(stated, slot, getattr(params, slot))
    stated.init = stated.repr = stated.eq = stated.frozen = True
    cls.__dataclass_params__ = stated  # type: ignore[attr-defined]
    return cls


def _needs_stdlib(cls: type) -> bool:
    """True for what the shared code does not cover: dataclass bases, InitVar, keyword-only fields."""
    if any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]):
        return True
    if any(name in cls.__dict__ for name in ("__slots__", "__setattr__", "__delattr__")):
        return True
    for hint in inspect.get_annotations(cls).values():
        text = hint if isinstance(hint, str) else repr(hint)
        if "InitVar" in text or "KW_ONLY" in text:
            return True
    return any(isinstance(v, Field) and v.kw_only is True for v in cls.__dict__.values())


def _install(cls: type, method: Callable[..., Any]) -> None:
    method.__annotations__ = {}  # help() shows __eq__(self, other), as for the stdlib's
    method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
    method.__module__ = cls.__module__
    setattr(cls, method.__name__, method)


def _make_init(cls: type, fields: tuple[Field[Any], ...]) -> Callable[..., None]:
    """``__init__`` taking the init fields positionally or by keyword, as the generated one does."""
    params = [f for f in fields if f.init]
    names = tuple(f.name for f in params)
    count = len(names)
    required = _count_required(params)
    # What each parameter holds before the call fills it: its default, or _UNSET where the
    # caller must give it or a default_factory makes it (``made``).
    start = [_UNSET if f.default is MISSING else f.default for f in params]  # MISSING with a factory
    tail = tuple(start[required:])
    made = tuple((i, f.default_factory) for i, f in enumerate(params) if f.default_factory is not MISSING)
    index = {name: i for i, name in enumerate(names)}
    defaults = {f.name: f.default for f in params if f.default is not MISSING}
    settable = frozenset(names)
    pick = _tuple_getter(names, itemgetter)
    plan = _field_order(fields, index)
    post_init = hasattr(cls, "__post_init__")

    def __init__(self: Any, /, *args: Any, **kwargs: Any) -> None:
        given = len(args)
        if kwargs or given != count:  # defaults, factories and keywords: in line, for speed
            if not given and (chosen := {**defaults, **kwargs}).keys() == settable:
                args = pick(chosen)  # keywords only, and nothing for a factory to make
            else:
                if given > count:
                    refuse(args, kwargs)
                if kwargs:
                    values = [*args, *start[given:]]
                    for key, value in kwargs.items():
                        i = index.get(key, -1)
                        if i < given:
                            refuse(args, kwargs)
                        values[i] = value
                    if given < required:
                        for i in range(given, required):
                            if values[i] is _UNSET:
                                refuse(args, kwargs)
                    args = values  # type: ignore[assignment]
                elif given < required:
                    refuse(args, kwargs)
                else:
                    args += tail[given - required :]
                if made:
                    values = [*args]
                    for i, factory in made:
                        if values[i] is _UNSET:
                            values[i] = factory()
                    args = values  # type: ignore[assignment]
        if plan is None:
            _consume(map(_object_setattr, repeat(self, count), names, args))
        else:
            for name, i, factory in plan:
                _object_setattr(self, name, args[i] if factory is None else factory())
        if post_init:
            self.__post_init__()

    refuse = _refusal(cls, __init__, names, index, required)  # after __init__: its errors name it
    return __init__


def _count_required(params: list[Field[Any]]) -> int:
    """How many init fields come first without a default; a field without one after a default is refused."""
    required = 0
    for f in params:
        if f.default is MISSING and f.default_factory is MISSING:
            if required < params.index(f):
                after = f" {params[required].name!r}" if sys.version_info >= (3, 13) else ""
                raise TypeError(f"non-default argument {f.name!r} follows default argument{after}")
            required += 1
    return required


def _field_order(
    fields: tuple[Field[Any], ...], index: dict[str, int]
) -> tuple[tuple[str, int, Any], ...] | None:
    """Where an init=False default_factory sets a field, every field in field order (name, place in
    the call or -1, factory), as the stdlib sets them; None where the call's order will do."""
    if not any(not f.init and f.default_factory is not MISSING for f in fields):
        return None
    return tuple(
        (f.name, index[f.name], None) if f.init else (f.name, -1, f.default_factory)
        for f in fields
        if f.init or f.default_factory is not MISSING
    )


def _refusal(
    cls: type, init: Callable[..., None], names: tuple[str, ...], index: dict[str, int], required: int
) -> Callable[[tuple[Any, ...], dict[str, Any]], NoReturn]:
    """What ``init`` raises for a call it cannot take: the TypeError Python raises for such a call."""
    count = len(names)
    self_name = "__dataclass_self__" if "self" in cls.__dataclass_fields__ else "self"  # type: ignore[attr-defined]

    def refuse(args: tuple[Any, ...], kwargs: dict[str, Any]) -> NoReturn:
        """Raise the TypeError Python raises for such a call, checking in the order it does."""
        qualname = init.__qualname__
        given = len(args)
        for key in kwargs:
            i = index.get(key)
            if i is None and key != self_name:
                raise TypeError(f"{qualname}() got an unexpected keyword argument {key!r}")
            if i is None or i < given:
                raise TypeError(f"{qualname}() got multiple values for argument {key!r}")
        if given > count:
            takes = f"from {required + 1} to {count + 1}" if required < count else f"{count + 1}"
            plural = "" if takes == "1" else "s"
            but = f"but {given + 1} were given"
            raise TypeError(f"{qualname}() takes {takes} positional argument{plural} {but}")
        missing = [repr(name) for name in names[given:required] if name not in kwargs]
        if len(missing) == 1:
            listed = missing[0]
        else:
            listed = ", ".join(missing[:-1]) + ("," if len(missing) > 2 else "") + " and " + missing[-1]
        plural = "s" if len(missing) > 1 else ""
        what = f"{len(missing)} required positional argument{plural}"
        raise TypeError(f"{qualname}() missing {what}: {listed}")

    return refuse


def _make_repr(names: Any) -> Callable[[Any], str]:
    """``__repr__`` as ``Name(a=1, b='x')``, ``...`` for an instance within itself."""
    names = tuple(names)
    values = _tuple_getter(names)
    shape = "(" + ", ".join(f"{name}=%r" for name in names) + ")"
    running: set[tuple[int, int]] = set()

    def __repr__(self: Any) -> str:
        key = id(self), get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            return self.__class__.__qualname__ + shape % values(self)
        finally:
            running.discard(key)

    return __repr__


def _make_eq(names: tuple[str, ...]) -> Callable[[Any, object], Any]:
    """``__eq__``: the compare fields as a tuple, against an instance of the very same class only."""
    key = _tuple_getter(names)

    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _make_hash(names: tuple[str, ...]) -> Callable[[Any], int]:
    """``__hash__``: the hash of the tuple of hashed fields."""
    key = _tuple_getter(names)

    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _make_frozen(cls: type[Any], names: frozenset[str]) -> tuple[Callable[..., None], Callable[..., None]]:
    """``__setattr__`` and ``__delattr__`` refusing fields (any attribute on the class itself)."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _tuple_getter(names: tuple[str, ...], getter: Any = attrgetter) -> Callable[[Any], tuple[Any, ...]]:
    """The named attributes (or items) of an object, always as a tuple, even of one or none."""
    if len(names) > 1:
        return getter(*names)
    if names:
        get = getter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


class _Parameters:
    """What ``inspect.signature`` finds behind a class's shared ``__init__`` (its ``__wrapped__``).

    The real parameters, ``(self, a: int, b: str = 'x') -> None`` as the stdlib's
    generated ``__init__`` has them, built when first asked for: by ``help``,
    ``inspect.signature`` of the class or of its ``__init__``.
    """

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.built: inspect.Signature | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        """What ``inspect.unwrap`` finds is the ``__init__`` it stands behind, callable as that."""
        self.cls.__init__(*args, **kwargs)  # type: ignore[misc]

    @property
    def __signature__(self) -> inspect.Signature:
        if self.built is None:
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
            fields = dataclasses.fields(self.cls)
            own = "__dataclass_self__" if "self" in self.cls.__dataclass_fields__ else "self"  # type: ignore[attr-defined]
            parameters = [inspect.Parameter(own, kind)]
            for f in fields:
                if f.init:
                    if f.default_factory is not MISSING:
                        default = _FACTORY
                    else:
                        default = inspect.Parameter.empty if f.default is MISSING else f.default
                    parameters.append(inspect.Parameter(f.name, kind, default=default, annotation=f.type))
            self.built = inspect.Signature(parameters, return_annotation=None)
        return self.built
