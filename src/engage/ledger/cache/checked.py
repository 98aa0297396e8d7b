"""What one command has checked and read, so that its two or three reads of a ledger do it once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar


class Checked:
    """Ledger prefixes checked byte by byte during one command (or one write), with their stat.

    A command reads its ledger two or three times: before writing, under the
    lock, and to bring the cache up to date after its own write. The prefix
    is checked once; a later read within the same command trusts it while
    the file's stat is exactly the same. Nothing is remembered between
    commands, where another program may change the file within one timestamp
    tick (the racy-clean rule covers those).
    """

    depth: ClassVar[int] = 0
    checked: ClassVar[set[tuple[tuple[int, int, int, int, int], int, tuple[int, ...]]]] = set()
    # cache indexes read or written during the scope, by path, key and the index file's stat
    indexes: ClassVar[dict[tuple[object, ...], object]] = {}

    @classmethod
    @contextmanager
    def scope(cls) -> Iterator[None]:
        """Remember checks until the outermost scope ends (a command, or a write outside one)."""
        cls.depth += 1
        try:
            yield
        finally:
            cls.depth -= 1
            if cls.depth == 0:
                cls.checked = set()
                cls.indexes = {}

    @classmethod
    def remember(cls, seen: tuple[int, int, int, int, int], offset: int, sums: tuple[int, ...]) -> None:
        """Note a prefix checked now (only within a scope)."""
        if cls.depth:
            cls.checked.add((seen, offset, sums))

    @classmethod
    def keep(cls, seen: tuple[object, ...], value: object) -> None:
        """Note what a file read or written now holds, by its stat (only within a scope)."""
        if cls.depth:
            cls.indexes[seen] = value

    @classmethod
    def kept(cls, seen: tuple[object, ...]) -> object | None:
        """What :meth:`keep` noted for this very stat within the scope open now, or None."""
        return cls.indexes.get(seen) if cls.depth else None

    @classmethod
    def knows(cls, seen: tuple[int, int, int, int, int], offset: int, sums: tuple[int, ...]) -> bool:
        """Whether this prefix was checked, at this very stat, within the scope open now."""
        return cls.depth > 0 and (seen, offset, sums) in cls.checked
