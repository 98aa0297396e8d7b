"""Find a schedule item as a person types it: its key in any case, or its name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from engage.errors import EngageError


class Named(Protocol):
    """A phase, deliverable or meeting: a key and a name."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


Item = TypeVar("Item", bound=Named)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_item(items: Sequence[Item], typed: str, kind: str, where: str = "") -> Item:
    """The item whose key is ``typed`` (in any case), else whose name it is; refused listing the keys."""
    wanted = _folded(typed)
    for match in (
        lambda item: item.key == typed,
        lambda item: _folded(item.key) == wanted,
        lambda item: _folded(item.name) == wanted,
    ):
        found = [item for item in items if match(item)]
        if len(found) == 1:
            return found[0]
    keys = ", ".join(item.key for item in items) or "(none in this schedule)"
    raise EngageError(f"unknown {kind} {typed!r}; {kind}s{where}: {keys} (a key or a name, in any case)")
