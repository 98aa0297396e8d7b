"""The ``plugins`` command: what is loaded, from where, implementing which hooks."""

from __future__ import annotations

from typing import Any

import click
import pluggy

from engage.language import _
from engage.output.formats import json_text, table
from engage.plugin.manager import plugin_infos
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
    listing: list[dict[str, Any]] = []
    for name, plugin in sorted(pm.list_name_plugin()):
        info = infos.get(name)
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        listing.append(
            {
                "name": name,
                "version": info.version if info else "",
                "origin": info.origin if info else "",
                "hooks": hooks,
                "importers": _offered(pm, plugin, "engage_importers"),
                "exporters": _offered(pm, plugin, "engage_exporters"),
                "layouts": _offered(pm, plugin, "engage_timesheet_layouts"),
            }
        )
    if fmt == "json":
        click.echo(json_text(listing))
        return
    click.echo(
        table(
            (_("name"), _("version"), _("origin"), _("hooks")),
            [(p["name"], p["version"], p["origin"], ", ".join(p["hooks"])) for p in listing],
        )
    )
    for kind, how in (
        ("importers", "engage import --from NAME FILE"),
        ("exporters", "engage entries --format NAME"),
        ("layouts", "engage timesheet --layout NAME"),
    ):
        titles = {"importers": _("Importers"), "exporters": _("Exporters"), "layouts": _("Timesheet layouts")}
        title = titles[kind]
        if kind == "importers":
            headers: tuple[str, ...] = (_("name"), _("reads"), _("--map matches"), _("plugin"))
            offered: list[tuple[str, ...]] = [
                (f["name"], f["summary"], f["map_by"], p["name"]) for p in listing for f in p[kind]
            ]
        elif kind == "layouts":
            headers = (_("name"), _("lays out"), _("plugin"))
            offered = [(f["name"], f["summary"], p["name"]) for p in listing for f in p[kind]]
        else:
            headers = (_("name"), _("writes"), _("plugin"))
            offered = [(f["name"], f["summary"], p["name"]) for p in listing for f in p[kind]]
        if offered:
            click.echo("\n" + _("{title} ({how}):").format(title=title, how=how))
            click.echo(table(headers, offered))


def _offered(pm: pluggy.PluginManager, plugin: object, hook: str) -> list[dict[str, str]]:
    """The importers, exporters or timesheet layouts one plugin offers, by name and summary."""
    caller = getattr(pm.hook, hook)
    found = []
    for impl in caller.get_hookimpls():
        if impl.plugin is plugin:
            found += [
                {
                    "name": f.name,
                    "summary": f.summary,
                    **({"map_by": f.map_by} if hasattr(f, "map_by") else {}),
                }
                for f in impl.function() or ()
            ]
    return found


COMMANDS = [plugins]
