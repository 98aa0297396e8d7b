"""Weekly status reports for one engagement or a portfolio: plain, Markdown, HTML, CSV, JSON."""

from __future__ import annotations

import click

from engage import hookimpl

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_status.command import report, status

    cli.add_command(status)
    cli.add_command(report)
