"""What the timesheet commands print: each line fitted to the terminal, its continuations indented."""

from __future__ import annotations

import click

from engage import output_width, terminal_text, wrap


def say(line: str) -> None:
    """Print ``line`` wrapped to the output's width, continuation lines two spaces deeper than it."""
    indent = len(line) - len(line.lstrip(" "))
    click.echo("\n".join(wrap(terminal_text(line), output_width(), indent + 2)))
