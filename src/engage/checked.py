"""Ledger prefixes checked during one command, so that its two or three reads check once."""

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
    checked: ClassVar[set[tuple[tuple[int, int, int, int, int], int, int]]] = set()

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

    @classmethod
    def remember(cls, seen: tuple[int, int, int, int, int], offset: int, crc: int) -> None:
        """Note a prefix checked now (only within a scope)."""
        if cls.depth:
            cls.checked.add((seen, offset, crc))

    @classmethod
    def knows(cls, seen: tuple[int, int, int, int, int], offset: int, crc: int) -> bool:
        """Whether this prefix was checked, at this very stat, within the scope open now."""
        return cls.depth > 0 and (seen, offset, crc) in cls.checked
