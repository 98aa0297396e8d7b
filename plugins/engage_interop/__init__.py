"""Other trackers' files in and out: Watson, Timewarrior, klog, hledger timedot, Toggl, Harvest."""

from __future__ import annotations

from engage import Exporter, Importer, hookimpl
from engage_interop.catalogue import _

__version__ = "0.1.0"


@hookimpl
def engage_importers() -> list[Importer]:
    from engage_interop import klog, spreadsheets, timedot, timewarrior, watson

    return [
        Importer("watson", _("Watson's frames file"), watson.read, _("project or project+tag")),
        Importer("timewarrior", _("'timew export' JSON"), timewarrior.read, _("tag")),
        Importer("klog", _("a klog .klg file"), klog.read, _("#tag")),
        Importer("timedot", _("an hledger timedot file"), timedot.read, _("account")),
        Importer(
            "toggl",
            _("Toggl Track's detailed CSV export"),
            spreadsheets.read_toggl,
            _("project, project+tag or +task"),
        ),
        Importer(
            "harvest",
            _("Harvest's CSV (import or detailed export)"),
            spreadsheets.read_harvest,
            _("project or project+task"),
        ),
    ]


@hookimpl
def engage_exporters() -> list[Exporter]:
    from engage_interop import exporters

    return [
        Exporter("timedot", _("hledger timedot, one account per phase"), exporters.timedot),
        Exporter("taskjuggler", _("a TaskJuggler supplement of bookings"), exporters.taskjuggler),
        Exporter("watson", _("a Watson frames file"), exporters.watson),
    ]
