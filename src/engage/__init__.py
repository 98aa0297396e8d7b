"""engage: track consultancy engagements; the public API that plugins import."""

from __future__ import annotations

from engage.errors import EngageError, PluginError
from engage.hookspecs import hookimpl
from engage.hooktypes import CalendarEvent, DayOff, Exporter, Finding, ImportedTime, Importer, Section, Week
from engage.ledger import Entry, Ledger, MeetingOutcome, StatusChange
from engage.model import Deadline, Deliverable, Engagement, Meeting, Person, Phase

__version__ = "0.1.0"

__all__ = [
    "CalendarEvent",
    "DayOff",
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
    "Section",
    "StatusChange",
    "Week",
    "hookimpl",
]
