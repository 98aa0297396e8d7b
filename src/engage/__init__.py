"""engage: track consultancy engagements; the public API that plugins import."""

from __future__ import annotations

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
from engage.ledger import DayTotal, Entry, Ledger, MeetingOutcome, StatusChange
from engage.model import Deadline, Deliverable, Engagement, Meeting, Person, Phase

__version__ = "0.1.0"

def __getattr__(name: str) -> object:
    """``judge`` and ``Verdict`` are imported on first use: ``engage log`` never needs them."""
    if name in ("judge", "Verdict"):
        from engage import verdict

        return getattr(verdict, name)
    raise AttributeError(f"module 'engage' has no attribute {name!r}")


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
