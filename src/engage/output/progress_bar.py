"""A progress bar for long work (a large import, a big portfolio), shown only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def steps(items: Sequence[T], label: str, more_than: int) -> Iterator[T]:
    """The items, with a bar on stderr when there are more than ``more_than`` and stderr is a terminal."""
    stream = getattr(sys.stderr, "unguarded", sys.stderr)  # the bar's own \r, past the terminal guard
    try:
        shown = len(items) > more_than and stream.isatty()
    except (AttributeError, ValueError):
        shown = False
    if not shown:
        yield from items
        return
    import click

    with click.progressbar(items, label=label, file=stream, show_pos=True) as bar:
        yield from bar
