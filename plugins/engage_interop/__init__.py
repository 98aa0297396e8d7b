"""Other trackers' files in and out: Watson, Timewarrior, klog, hledger timedot, Toggl, Harvest."""

from __future__ import annotations

from engage import Exporter, Importer, hookimpl

__version__ = "0.1.0"


@hookimpl
def engage_importers() -> list[Importer]:
    from engage_interop import klog, spreadsheets, timedot, timewarrior, watson

    return [
        Importer("watson", "Watson's frames file", watson.read, "project or project+tag"),
        Importer("timewarrior", "'timew export' JSON", timewarrior.read, "tag"),
        Importer("klog", "a klog .klg file", klog.read, "#tag"),
        Importer("timedot", "an hledger timedot file", timedot.read, "account"),
        Importer(
            "toggl",
            "Toggl Track's detailed CSV export",
            spreadsheets.read_toggl,
            "project, project+tag or +task",
        ),
        Importer(
            "harvest",
            "Harvest's CSV (import or detailed export)",
            spreadsheets.read_harvest,
            "project or project+task",
        ),
    ]


@hookimpl
def engage_exporters() -> list[Exporter]:
    from engage_interop import exporters

    return [
        Exporter("timedot", "hledger timedot, one account per phase", exporters.timedot),
        Exporter("taskjuggler", "a TaskJuggler supplement of bookings", exporters.taskjuggler),
        Exporter("watson", "a Watson frames file", exporters.watson),
    ]
