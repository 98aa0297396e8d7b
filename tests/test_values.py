"""``engage.values.frozen`` classes behave as ``@dataclass(frozen=True)`` ones, without compiling code.

Every class made with ``frozen`` in the core and the built-in plugins is found by
walking their modules, and checked against a stdlib frozen dataclass twin built
from the same fields: construction (positional, keyword, defaults, errors),
equality, hash, repr, replace, asdict, the frozen errors, copy and pickle, and
``inspect.signature`` must agree.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import importlib
import inspect
import pickle
import pkgutil
import pydoc
import subprocess
import sys
import textwrap
from functools import cached_property
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.values import frozen

PACKAGES = (
    "engage",
    "engage_holidays",
    "engage_budget",
    "engage_calendar",
    "engage_status",
    "engage_interop",
    "engage_fees",
)
METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


@frozen
class _Reference:
    a: int


def _modules() -> list[Any]:
    found = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        found.append(package)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            found.append(importlib.import_module(info.name))
    return found


def _made_by_frozen(cls: type) -> bool:
    return getattr(cls.__init__, "__code__", None) is _Reference.__init__.__code__


def _classes() -> tuple[list[type], list[str]]:
    """The classes ``frozen`` made, and the stdlib frozen dataclasses left (which should be none)."""
    made, left = [], []
    for module in _modules():
        for cls in vars(module).values():
            if not (isinstance(cls, type) and cls.__module__ == module.__name__):
                continue
            if _made_by_frozen(cls):
                made.append(cls)
            elif dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                left.append(f"{cls.__module__}.{cls.__qualname__}")
    return made, left


CLASSES, LEFT = _classes()


def _twin(cls: type) -> type:
    """A stdlib ``dataclass(frozen=True)`` with the same name, fields and hand-written dunders."""
    namespace: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "__annotations__": {},
    }
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        namespace["__annotations__"][f.name] = f.type
        namespace[f.name] = dataclasses.field(
            default=f.default,
            default_factory=f.default_factory,
            init=f.init,
            repr=f.repr,
            hash=f.hash,
            compare=f.compare,
            metadata=dict(f.metadata) or None,
        )
    for name in (*METHODS, "__post_init__"):
        own = cls.__dict__.get(name)
        shared = getattr(getattr(_Reference, name, None), "__code__", None)
        if own is not None and getattr(own, "__code__", None) is not shared:
            namespace[name] = own
    if not namespace["__annotations__"]:
        del namespace["__annotations__"]  # as in a class that declares no field
    return dataclasses.dataclass(frozen=True)(type(cls.__name__, (), namespace))


@frozen
class _Flags:
    """Fields left out of the hash but compared, or hashed but not compared; one of them not shown."""

    a: int
    b: object = dataclasses.field(default=0, hash=False)
    c: object = dataclasses.field(default=0, compare=False, hash=True)
    d: object = dataclasses.field(default=0, repr=False)


@frozen
class _Empty:
    pass


@frozen
class _Optional:
    """Nothing required; a list made afresh for each instance."""

    x: int = 0
    items: list[Any] = dataclasses.field(default_factory=list)


# The project's classes, and a few that use what they do not (yet).
SAMPLED = [*CLASSES, _Reference, _Flags, _Empty, _Optional]
TWINS = {cls: _twin(cls) for cls in SAMPLED}


def _described(cls: type) -> list[tuple[Any, ...]]:
    return [
        (
            f.name,
            f.type,
            f.default,
            f.default_factory,
            f.init,
            f.repr,
            f.hash,
            f.compare,
            dict(f.metadata),
            f.kw_only,
        )
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    ]


def test_every_frozen_dataclass_in_the_core_and_built_in_plugins_is_made_by_frozen() -> None:
    assert len(CLASSES) >= 60, [c.__qualname__ for c in CLASSES]
    assert not LEFT, f"use engage.values.frozen rather than @dataclass(frozen=True) (start-up cost): {LEFT}"


@pytest.mark.parametrize("cls", SAMPLED, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_the_class_looks_like_its_stdlib_twin(cls: type) -> None:
    twin = TWINS[cls]
    assert dataclasses.is_dataclass(cls)
    assert _described(cls) == _described(twin)
    assert cls.__match_args__ == twin.__match_args__  # type: ignore[attr-defined]
    assert repr(cls.__dataclass_params__) == repr(twin.__dataclass_params__)  # type: ignore[attr-defined]
    assert inspect.signature(cls) == inspect.signature(twin)
    assert inspect.signature(cls.__init__) == inspect.signature(twin.__init__)  # type: ignore[misc]
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    assert cls.__doc__ == twin.__doc__
    for name in METHODS:
        mine, theirs = getattr(cls, name), getattr(twin, name)
        assert (mine.__qualname__, mine.__module__) == (theirs.__qualname__, theirs.__module__), name
        assert mine.__code__ is getattr(_Reference, name).__code__, f"{name} compiled for {cls}"


def _help(cls: type) -> list[str]:
    """help(cls) as text, less the docs methods inherit from ``object``: pydoc finds them through
    the class's qualified name, which a twin shares with the class it copies, not its own."""
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    inherited = ("Implement ", "Return ", "Initialize self")
    return [line for line in text.splitlines() if not line.lstrip(" |").startswith(inherited)]


@pytest.mark.parametrize("cls", [_Reference, _Flags, _Empty], ids=lambda c: c.__qualname__)
def test_help_reads_as_for_the_stdlib_twin(cls: type) -> None:
    assert _help(cls) == _help(TWINS[cls])
    assert (
        any(line.strip(" |").startswith("__init__(self, a: 'int'") for line in _help(cls))
        or cls is not _Reference
    )


class _Token:
    """A value equal only to itself, hashable, with a repr naming it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


@pytest.mark.parametrize("cls", SAMPLED, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_each_field_counts_in_eq_hash_and_repr_as_in_the_twin(cls: type) -> None:
    twin = TWINS[cls]
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    tokens = [_Token(name) for name in names]
    a, b = cls(*tokens), twin(*tokens)
    _same(a, b)
    assert hash(a) == hash(b) and a == cls(*tokens) and (a != cls(*tokens)) is False
    for name in names:
        other = _Token(f"other {name}")
        c, d = dataclasses.replace(a, **{name: other}), dataclasses.replace(b, **{name: other})
        _same(c, d)
        assert ((a == c), (c == a), (a != c), hash(a) == hash(c)) == (
            (b == d),
            (d == b),
            (b != d),
            hash(b) == hash(d),
        )
        assert hash(c) == hash(d)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=3),
    st.fractions(max_denominator=4),
    st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 3)),
    st.floats(allow_nan=True, allow_infinity=False, width=16),
)
VALUES = st.one_of(SCALARS, st.tuples(SCALARS), st.lists(SCALARS, max_size=1))


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except Exception as error:  # the very exception each side raises is what is compared
        return type(error).__name__, str(error)


def _same(a: Any, b: Any) -> None:
    """Same repr, same instance dict (keys in the same order), same class name."""
    assert type(a).__qualname__ == type(b).__qualname__
    assert repr(a) == repr(b)
    assert list(vars(a)) == list(vars(b))
    assert list(vars(a).values()) == list(vars(b).values())


@st.composite
def calls(draw: Any, cls: type) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Arguments for the constructor, right or wrong: positional, keyword, omitted, extra, twice."""
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    given_values = {name: draw(VALUES) for name in names}
    positional = draw(st.integers(0, len(names)))
    args = [given_values[name] for name in names[:positional]]
    kwargs = {name: given_values[name] for name in names[positional:] if draw(st.integers(0, 5))}
    mistake = draw(st.sampled_from(["none"] * 6 + ["extra", "unknown", "twice", "self", "drop"]))
    if mistake == "extra":
        args.append(draw(VALUES))
    elif mistake == "unknown":
        kwargs["not_a_field"] = 1
    elif mistake == "twice" and names:
        kwargs[names[draw(st.integers(0, len(names) - 1))]] = 0
    elif mistake == "self":
        kwargs["self"] = 0
    elif mistake == "drop" and args:
        args.pop()
    order = draw(st.permutations(list(kwargs)))
    return tuple(args), {name: kwargs[name] for name in order}


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_instances_behave_as_the_stdlib_twins(data: Any) -> None:
    cls = data.draw(st.sampled_from(SAMPLED))
    twin = TWINS[cls]
    args, kwargs = data.draw(calls(cls))
    mine = _outcome(lambda: cls(*args, **kwargs))
    theirs = _outcome(lambda: twin(*args, **kwargs))
    assert mine[0] == theirs[0]
    if mine[0] != "ok":
        assert mine == theirs
        return
    a, b = mine[1], theirs[1]
    _same(a, b)
    # Equality and hash, against a second instance that differs in some fields or none.
    other_args, other_kwargs = data.draw(calls(cls))
    a2 = _outcome(lambda: cls(*other_args, **other_kwargs))
    b2 = _outcome(lambda: twin(*other_args, **other_kwargs))
    assert a2[0] == b2[0]
    for x, y in ((a, b), (a2[1], b2[1]) if a2[0] == "ok" else (a, b)):
        assert (a == x) == (b == y) and (a != x) == (b != y) and (x == a) == (y == b)
        init = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
        changes = {name: getattr(x, name) for name in init if data.draw(st.booleans())}
        c, d = dataclasses.replace(a, **changes), dataclasses.replace(b, **changes)
        _same(c, d)
        assert (a == c) == (b == d) and (c == a) == (d == b)
    assert a.__eq__(b) is NotImplemented and b.__eq__(a) is NotImplemented and a != b
    assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(b))
    assert _outcome(lambda: dataclasses.asdict(a)) == _outcome(lambda: dataclasses.asdict(b))
    assert _outcome(lambda: dataclasses.astuple(a)) == _outcome(lambda: dataclasses.astuple(b))
    # Frozen: fields and any other attribute, assigned or deleted.
    for name in (*[f.name for f in dataclasses.fields(cls)], "not_a_field"):  # type: ignore[arg-type]
        for change in (lambda o, n=name: setattr(o, n, 1), lambda o, n=name: delattr(o, n)):
            mine, theirs = _outcome(lambda c=change: c(a)), _outcome(lambda c=change: c(b))
            assert mine == theirs and mine[0] == "FrozenInstanceError"
    _same(a, b)  # nothing changed
    # Copies and pickles.
    _same(copy.copy(a), b)
    _same(copy.deepcopy(a), b)
    assert a.__reduce_ex__(4)[2] == b.__reduce_ex__(4)[2]
    back = pickle.loads(pickle.dumps(a))
    assert type(back) is cls and repr(back) == repr(b)
    assert pickle.dumps(vars(back)) == pickle.dumps(vars(a))
    if vars(back) == vars(a):  # not so where a NaN was copied
        assert back == a
        assert _outcome(lambda: hash(back)) == _outcome(lambda: hash(a))


@frozen
class Tree:
    """A value that can hold itself, with a cached property and a hook after init."""

    name: str
    children: list[Any] = dataclasses.field(default_factory=list, compare=False)
    seen: list[str] = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)
    size: int = 0

    def __post_init__(self) -> None:
        self.seen.append(self.name)

    @cached_property
    def shout(self) -> str:
        return self.name.upper()


def test_recursion_post_init_cached_property_and_init_false_factories() -> None:
    twin = _twin(Tree)
    a, b = Tree("x"), twin("x")
    a.children.append(a)
    b.children.append(b)
    assert repr(a) == repr(b) == "Tree(name='x', children=[...], size=0)"
    assert a.seen == ["x"] and list(vars(a)) == list(vars(b)) == ["name", "children", "seen", "size"]
    assert a.shout == "X" and a.shout is a.__dict__["shout"]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'shout'"):
        a.shout = "y"  # type: ignore[misc]
    assert _outcome(lambda: dataclasses.replace(a, seen=[])) == _outcome(
        lambda: dataclasses.replace(b, seen=[])
    )
    assert a.__match_args__ == ("name", "children", "size")  # type: ignore[attr-defined]
    match Tree("y", [], 3):
        case Tree("y", _, size):
            assert size == 3
        case _:
            raise AssertionError("no match")


def test_declarations_the_stdlib_refuses_are_refused_alike() -> None:
    def declare(make: Any) -> tuple[str, Any]:
        def body() -> Any:
            namespace: dict[str, Any] = {"__annotations__": {"a": "int", "b": "int"}, "a": 1}
            return make(type("Bad", (), namespace))

        return _outcome(body)

    mine, theirs = declare(frozen), declare(dataclasses.dataclass(frozen=True))
    assert mine == theirs and mine[0] == "TypeError"
    assert mine[1].startswith("non-default argument 'b' follows default argument")
    mutable = declare(lambda c: frozen(type("Mutable", (), {"__annotations__": {"a": "list"}, "a": []})))
    assert mutable[0] == "ValueError" and "mutable default" in mutable[1]


def test_subclasses_and_stdlib_dataclasses_built_on_frozen_classes() -> None:
    @dataclasses.dataclass(frozen=True)
    class Child(Tree):
        extra: int = 1

    child = Child("c", extra=2)
    assert (
        repr(child)
        == "test_subclasses_and_stdlib_dataclasses_built_on_frozen_classes.<locals>.Child(name='c', children=[], size=0, extra=2)"
    )
    assert str(inspect.signature(Child)).endswith("size: 'int' = 0, extra: 'int' = 1) -> None")
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):

        @dataclasses.dataclass
        class Mutable(Tree):
            pass

    class Plain(Tree):
        pass

    plain = Plain("p")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        plain.name = "q"  # type: ignore[misc]
    plain.note = "allowed, as for a stdlib frozen dataclass's plain subclass"  # type: ignore[attr-defined]
    assert (
        repr(plain)
        == "test_subclasses_and_stdlib_dataclasses_built_on_frozen_classes.<locals>.Plain(name='p', children=[], size=0)"
    )
    assert plain != Tree("p") and hash(plain) == hash(Tree("p"))

    @frozen
    class OnADataclass(Child):  # the shared code does not cover it: a stdlib frozen dataclass
        last: int = 0

    assert not _made_by_frozen(OnADataclass) and OnADataclass("o").last == 0


IMPORTS = textwrap.dedent(
    """
    import dataclasses, sys
    compiled = set()

    def hook(event, args):
        if event != "compile":
            return
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == dataclasses.__file__ and "cls" in frame.f_locals:
                source = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
                # Python 3.13 compiles an empty "def __create_fn__(): return ()" all the same.
                if source.count("def ") > source.count("def __create_fn__"):
                    compiled.add(frame.f_locals["cls"].__qualname__)
                return
            frame = frame.f_back

    sys.addaudithook(hook)
    import engage.schedule.model, engage.ledger.records, engage.hooktypes, engage.judging.timeline, engage.judging.verdict
    import engage_fees.records, engage_status.report, engage_calendar.build
    from engage.values import frozen
    before = set(compiled)

    @dataclasses.dataclass(frozen=True)
    class Control:
        a: int

    print(sorted(before), "Control" in compiled)
    """
)


def test_importing_the_values_compiles_no_code_for_them() -> None:
    """Run in a fresh interpreter: an audit hook notes each class dataclasses compiles code for."""
    done = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True, check=True)
    compiled, control = done.stdout.rsplit(" ", 1)
    assert control.strip() == "True"  # the hook does see a stdlib frozen dataclass being compiled
    made = {c.__qualname__ for c in CLASSES}
    assert "Engagement" in made and "LedgerProblem" in made
    assert not (set(eval(compiled)) & made), compiled


def test_what_unwrap_finds_behind_init_is_init_itself() -> None:
    """Tools follow ``__init__.__wrapped__`` (``inspect.unwrap``): they must reach something callable."""
    from engage.schedule.model import Person

    behind = inspect.unwrap(Person.__init__)
    assert callable(behind)
    assert inspect.signature(behind) == inspect.signature(Person.__init__)
    made = object.__new__(Person)
    behind(made, "Ana Diaz")
    assert made == Person("Ana Diaz")
