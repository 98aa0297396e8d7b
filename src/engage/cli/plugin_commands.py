"""The ``plugins`` command: what is loaded, from where, implementing which hooks."""

from __future__ import annotations

import click

from engage.output import json_text, table
from engage.plugins import plugin_infos
from engage.session import Session, pass_session


@click.command()
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True)
@pass_session
def plugins(session: Session, fmt: str) -> None:
    """List loaded plugins with their version, origin and hooks.

    \b
    Example:
      ENGAGE_LOAD_PLUGINS=budget,holidays engage plugins
    """
    pm = session.plugin_manager
    infos = plugin_infos()
    listing = []
    for name, plugin in sorted(pm.list_name_plugin()):
        info = infos.get(name)
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        listing.append(
            {
                "name": name,
                "version": info.version if info else "",
                "origin": info.origin if info else "",
                "hooks": hooks,
            }
        )
    if fmt == "json":
        click.echo(json_text(listing))
        return
    click.echo(
        table(
            ("name", "version", "origin", "hooks"),
            [(p["name"], p["version"], p["origin"], ", ".join(p["hooks"])) for p in listing],
        )
    )


COMMANDS = [plugins]
