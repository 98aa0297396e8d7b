"""engage: track consultancy engagements; the public API that plugins import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engage.version import __version__ as __version__

# The public API, imported on first use: ``engage log`` and ``engage --version`` pay only for
# what they touch. Each name and the module it comes from.
_HOME = {
    "EngageError": "engage.errors",
    "PluginError": "engage.errors",
    "hookimpl": "engage.hookspecs",
    "CalendarEvent": "engage.hooktypes",
    "DayOff": "engage.hooktypes",
    "Exporter": "engage.hooktypes",
    "Finding": "engage.hooktypes",
    "ImportedTime": "engage.hooktypes",
    "Importer": "engage.hooktypes",
    "RecordKind": "engage.hooktypes",
    "Section": "engage.hooktypes",
    "Week": "engage.hooktypes",
    "DayTotal": "engage.ledger.ledger",
    "Entry": "engage.ledger.ledger",
    "Ledger": "engage.ledger.ledger",
    "MeetingOutcome": "engage.ledger.ledger",
    "StatusChange": "engage.ledger.ledger",
    "Deadline": "engage.schedule.model",
    "Deliverable": "engage.schedule.model",
    "Engagement": "engage.schedule.model",
    "Meeting": "engage.schedule.model",
    "Person": "engage.schedule.model",
    "Phase": "engage.schedule.model",
    "judge": "engage.judging.verdict",
    "Verdict": "engage.judging.verdict",
}

if TYPE_CHECKING:
    from engage.errors import EngageError, PluginError
    from engage.hookspecs import hookimpl
    from engage.hooktypes import (
        CalendarEvent,
        DayOff,
        Exporter,
        Finding,
        ImportedTime,
        Importer,
        RecordKind,
        Section,
        Week,
    )
    from engage.judging.verdict import Verdict, judge
    from engage.ledger.ledger import DayTotal, Entry, Ledger, MeetingOutcome, StatusChange
    from engage.schedule.model import Deadline, Deliverable, Engagement, Meeting, Person, Phase


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'engage' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "CalendarEvent",
    "DayOff",
    "DayTotal",
    "Deadline",
    "Deliverable",
    "EngageError",
    "Engagement",
    "Entry",
    "Exporter",
    "Finding",
    "ImportedTime",
    "Importer",
    "Ledger",
    "Meeting",
    "MeetingOutcome",
    "Person",
    "Phase",
    "PluginError",
    "RecordKind",
    "Section",
    "StatusChange",
    "Verdict",
    "Week",
    "hookimpl",
    "judge",
]
