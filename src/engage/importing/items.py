"""Time from other trackers: an importer's items checked, mapped and made into ledger records.

Importers (plugins implementing ``engage_importers``) only read files. This
module turns what they read into ledger records: dates in the engagement's
time zone, phases through ``--map``, people through ``--consultant``, and
each record marked with its ``source`` (which item) and ``source_digest`` (what
it said), so that importing the same file again adds nothing and an item
changed since is reported, never counted twice. It writes nothing: ``engage import`` hands the records to the
one import write path, exactly as for its own CSV.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import pluggy

from engage.errors import EngageError
from engage.hooktypes import Exporter, ImportedTime, Importer
from engage.ledger import ledger as ledger_file
from engage.schedule.model import Engagement
from engage.values import frozen

MAX_HOURS = 24


def importers(pm: pluggy.PluginManager) -> dict[str, Importer]:
    """Every importer the loaded plugins offer, by name (the first plugin to name one wins)."""
    return _by_name(pm.hook.engage_importers())


def exporters(pm: pluggy.PluginManager) -> dict[str, Exporter]:
    """Every exporter the loaded plugins offer, by name (the first plugin to name one wins)."""
    return _by_name(pm.hook.engage_exporters())


_Format = TypeVar("_Format", Importer, Exporter)


def _by_name(offered: Iterable[Iterable[_Format] | None]) -> dict[str, _Format]:
    """The formats each plugin offers (None: it offers none), by name; the first to name one wins."""
    found: dict[str, _Format] = {}
    for formats in offered:
        for named in formats or ():
            found.setdefault(named.name, named)
    return found


def importer_named(pm: pluggy.PluginManager, name: str) -> Importer:
    """The importer called ``name``, or an error listing the ones there are."""
    known = importers(pm)
    chosen = known.get(name.strip().lower())
    if chosen is None:
        names = ", ".join(sorted(known)) or "none (are the plugins loaded? see 'engage plugins')"
        raise EngageError(f"no importer for {name!r}; --from takes one of: {names}")
    return chosen


def guess_format(file: Path) -> str | None:
    """The importer a file's name suggests (``frames``: watson, ``.klg``: klog), for a hint."""
    if file.name == "frames" or (file.is_dir() and (file / "frames").is_file()):
        return "watson"
    return {".klg": "klog", ".timedot": "timedot", ".json": "timewarrior"}.get(file.suffix.lower())


@frozen
class ImportPlan:
    """What an import would add: new ledger records, and how many items were there already."""

    records: list[dict[str, object]]
    already: int
    skipped_empty: list[str]

    @property
    def hours(self) -> Fraction:
        """Hours in the new records (a few amounts recur: each is read once)."""
        counts: dict[str, int] = {}
        for record in self.records:
            text = str(record["hours"])
            counts[text] = counts.get(text, 0) + 1
        return sum((Fraction(text) * count for text, count in counts.items()), start=Fraction(0))

    def hours_text(self) -> str:
        """The hours as trackers show them, to compare: ``16.08 hours (16h 05m)``."""
        minutes = round(self.hours * 60)
        return f"{float(self.hours):.2f} hours ({minutes // 60}h {minutes % 60:02d}m)"


def parse_maps(engagement: Engagement, given: Sequence[str]) -> dict[str, str]:
    """``--map SOURCE=PHASE`` options as a dict, every phase checked."""
    phases = [p.key for p in engagement.phases]
    maps: dict[str, str] = {}
    for text in given:
        source, sep, phase = text.rpartition("=")
        source, phase = source.strip(), phase.strip()
        if not sep or not source or not phase:
            raise EngageError(f"--map {text!r}: give SOURCE=PHASE, such as --map ijm+desk=prep")
        if phase not in phases:
            raise EngageError(f"--map {text!r}: no phase {phase!r}; phases: {', '.join(phases)}")
        maps[source] = phase
    return maps


def parse_people(engagement: Engagement, given: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """``--consultant PERSON=KEY`` and ``--consultant KEY`` (everyone else) options, checked."""
    people: dict[str, str] = {}
    default: str | None = None
    for text in given:
        person, sep, key = text.rpartition("=")
        key = key.strip()
        named = engagement.consultant_of(key) if engagement.team else None
        if engagement.team and named is None:
            raise EngageError(
                f"--consultant {text!r}: {key!r} is not a consultant on {engagement.id}; "
                f"the schedule names: {', '.join(c.key for c in engagement.team)}"
            )
        key = named.key if named is not None else key
        if sep:
            people[person.strip()] = key
        else:
            default = key
    return people, default


def plan_import(
    engagement: Engagement,
    importer: Importer,
    file: Path,
    ledger_path: Path,
    maps: dict[str, str],
    people: dict[str, str],
    consultant: str | None,
    tz: str | None = None,
) -> ImportPlan:
    """Read ``file`` with ``importer`` and make ledger records of what is not yet imported.

    Raises EngageError naming the file and record of the first thing it cannot
    place (an unmapped project, an unknown person, an implausible amount);
    then nothing must be written.
    """
    if not file.exists():
        raise EngageError(f"{file}: no such file; give the {importer.name} file to import")
    file_zone, zone = _zones(engagement, tz)
    items = list(importer.read(file))
    if not items:
        raise EngageError(f"{file}: no time in it to import; give {importer.summary}")
    known = imported_sources(ledger_path)
    phases = {p.key for p in engagement.phases}
    seen: dict[str, int] = {}
    unmapped: dict[str, str] = {}
    changed: list[tuple[str, str]] = []
    empty: list[str] = []
    already = 0
    new = _NewEntries(engagement, people, consultant, len(items))
    for item in items:
        if item.hours == 0:
            empty.append(item.where)
            continue
        _check_hours(item, importer)
        day = _local_day(item, file_zone, zone)
        phase = _phase_of(item, maps, phases)
        if phase is None:
            for key in item.keys[:1] or item.fallback[:1] or ("(no project or tag)",):
                unmapped.setdefault(key, item.where)
            continue
        source = f"{importer.name}:{item.ref or _identity(item, day)}"
        seen[source] = seen.get(source, 0) + 1
        if seen[source] > 1:  # items alike in one file stay distinct
            source += f"#{seen[source]}"
        digest = _digest(item, day)
        earlier = known.get(source, [])
        live = [e for e in earlier if not e.voided]
        if live and live[-1].digest != digest:
            changed.append((item.where, live[-1].entry))
            continue
        if live or any(e.digest == digest for e in earlier):
            already += 1  # imported before (and, if voided, voided on purpose)
            continue
        new.add(item, day, phase, source, digest)
    _refuse_changed(changed, importer)
    _refuse_unmapped(unmapped, engagement, importer, file)
    return ImportPlan(new.records, already, empty)


def _zones(engagement: Engagement, tz: str | None) -> tuple[dt.tzinfo, dt.tzinfo]:
    """The zone of clock times the file writes without one (``--tz``, else the engagement's), and the
    engagement's own, in which each day is counted."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        file_zone = ZoneInfo(tz or engagement.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise EngageError(f"--tz {tz!r}: unknown time zone; give one such as Africa/Nairobi") from None
    return file_zone, ZoneInfo(engagement.timezone)


def _check_hours(item: ImportedTime, importer: Importer) -> None:
    """Refuse more hours than a day has in one item (or fewer than none): a timer left running."""
    if not 0 < item.hours <= MAX_HOURS:
        raise EngageError(
            f"{item.where}: {float(item.hours):g} hours in one entry; engage takes more than 0 "
            f"and at most {MAX_HOURS} hours (a timer left running? fix it in {importer.name})"
        )


class _NewEntries:
    """The ledger entries an import adds, made as its items are read.

    A few amounts and people recur over many items: each is worked out once.
    """

    def __init__(
        self, engagement: Engagement, people: dict[str, str], consultant: str | None, count: int
    ) -> None:
        self.engagement, self.people, self.consultant = engagement, people, consultant
        self.stamp = ledger_file.new_record("entry")  # one moment for the whole import
        drawn = os.urandom(6 * count).hex()
        self.ids = iter([drawn[i : i + 12] for i in range(0, len(drawn), 12)])
        self.amounts: dict[Fraction, dict[str, str]] = {}
        self.who: dict[str, str] = {}
        self.records: list[dict[str, object]] = []

    def add(self, item: ImportedTime, day: dt.date, phase: str, source: str, digest: str) -> None:
        """One entry for ``item``, marked with its ``source`` and what it said (``digest``)."""
        amount = self.amounts.get(item.hours)
        if amount is None:
            amount = self.amounts[item.hours] = _hours_field(item.hours)
        person = self.who.get(item.person)
        if person is None:
            person = self.who[item.person] = _consultant_of(
                self.engagement, item, self.people, self.consultant
            )
        self.records.append(
            {
                **self.stamp,
                "id": next(self.ids),
                "date": day.isoformat(),
                "phase": phase,
                **amount,
                "consultant": person,
                "note": item.note,
                "source": source,
                "source_digest": digest,
            }
        )


def _refuse_changed(changed: list[tuple[str, str]], importer: Importer) -> None:
    """Refuse items changed since they were imported, naming the first: which figure is right, the
    user decides (a void, then the import again)."""
    if changed:
        where, entry = changed[0]
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        raise EngageError(
            f"{where}: changed in {importer.name} since it was imported as entry {entry}{more}; "
            f"if the new figure is right, 'engage void {entry}' and import again"
        )


def _refuse_unmapped(
    unmapped: dict[str, str], engagement: Engagement, importer: Importer, file: Path
) -> None:
    """Refuse projects or tags no phase takes, naming the first three and where each first came."""
    if unmapped:
        shown = ", ".join(f"{key!r} (first: {where})" for key, where in list(unmapped.items())[:3])
        more = f" and {len(unmapped) - 3} more" if len(unmapped) > 3 else ""
        raise EngageError(
            f"{file}: no phase for {shown}{more}; map each {importer.map_by} to a phase with "
            f"--map SOURCE=PHASE (phases: {', '.join(p.key for p in engagement.phases)})"
        )


@frozen
class Imported:
    """An entry that came from another tracker: its id, what it said then, and whether it is voided."""

    entry: str
    digest: str
    voided: bool


def imported_sources(ledger_path: Path) -> dict[str, list[Imported]]:
    """Entries already imported, by ``source``, oldest first, voided ones included.

    A voided import is a decision the user made: importing the same item again
    must not bring it back; a changed item (a Watson frame edited since) may
    replace it.
    """
    try:
        raw = ledger_path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise EngageError(f"{ledger_path}: cannot read ledger: {exc.strerror or exc}") from None
    sources: list[tuple[str, str, str]] = []
    voided: set[str] = set()
    for line in raw.split(b"\n"):
        if b'"source"' not in line and b'"void"' not in line:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue  # a damaged line is reported by the ledger reader
        if not isinstance(data, dict):
            continue
        if data.get("kind") == "void":
            voided.add(str(data.get("target")))
        elif isinstance(data.get("source"), str):
            sources.append((data["source"], str(data.get("id")), str(data.get("source_digest", ""))))
    found: dict[str, list[Imported]] = {}
    for source, entry, digest in sources:
        found.setdefault(source, []).append(Imported(entry, digest, entry in voided))
    return found


def _local_day(item: ImportedTime, file_zone: dt.tzinfo, zone: dt.tzinfo) -> dt.date:
    if item.start is not None:
        start = item.start if item.start.tzinfo else item.start.replace(tzinfo=file_zone)
        return start.astimezone(zone).date()
    if item.day is None:
        raise EngageError(f"{item.where}: no date; the importer gave neither a start nor a day")
    return item.day


def _phase_of(item: ImportedTime, maps: dict[str, str], phases: set[str]) -> str | None:
    def lookup(key: str) -> str | None:
        return maps.get(key) or (key if key in phases else None)

    found = {p for p in (lookup(k) for k in item.keys) if p}
    if len(found) > 1:
        raise EngageError(
            f"{item.where}: {', '.join(repr(k) for k in item.keys)} map to different phases "
            f"({', '.join(sorted(found))}); map only one of them, or map a combination such as project+tag"
        )
    if found:
        return found.pop()
    for key in item.fallback:
        phase = lookup(key)
        if phase:
            return phase
    return None


def _consultant_of(
    engagement: Engagement, item: ImportedTime, people: dict[str, str], default: str | None
) -> str:
    from engage.schedule.lookup import resolve_consultant

    person = item.person.strip()
    if person in people:
        return people[person]
    named = engagement.consultant_of(person) if person and engagement.team else None
    if named is not None:
        return named.key
    if default is not None:
        return default
    if person and not engagement.team:
        return person
    if person:
        raise EngageError(
            f"{item.where}: {person!r} is not a consultant on {engagement.id}; pass "
            f"--consultant '{person}=KEY' with KEY one of: {', '.join(c.key for c in engagement.team)}"
        )
    try:
        return resolve_consultant(engagement, None)
    except EngageError as exc:
        raise EngageError(f"{item.where}: {exc.message}") from None


def _hours_field(hours: Fraction) -> dict[str, str]:
    return ledger_file.entry_fields(hours, "hours")


def _identity(item: ImportedTime, day: dt.date) -> str:
    """Which item this is, for a tracker that gives no ids: when, and by whom.

    Items alike get ``#2``, ``#3`` in file order. What an item says (hours,
    tags, note) is left out on purpose: an item edited since it was imported
    must be recognised as the same item, changed, never as a new one.
    """
    when = item.start.isoformat() if item.start else day.isoformat()
    return f"{when}|{item.person}"


def _digest(item: ImportedTime, day: dt.date) -> str:
    """What the item says, to notice when it changed since it was imported."""
    start = item.start.isoformat() if item.start else ""
    text = "\x1f".join([day.isoformat(), start, str(item.hours), *item.keys, "|", *item.fallback, item.note])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
