"""Time from other trackers: an importer's items checked, mapped and made into ledger records.

Importers (plugins implementing ``engage_importers``) only read files. This
module turns what they read into ledger records: dates in the engagement's
time zone, phases through ``--map``, people through ``--consultant``, and
each record marked with its ``source`` (which item) and ``source_digest`` (what
it said), so that importing the same file again adds nothing and an item
changed since is reported, never counted twice. Every item is checked as ``log``
checks what is typed (amounts, dates) before anything is written. It writes
nothing: ``engage import`` hands the records to the one import write path,
exactly as for its own CSV, and which items are already imported is decided
there, under the ledger's lock, from the entries the ledger counts
(:meth:`ImportPlan.new_in`).
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
from engage.importing.days import by_day
from engage.importing.timesheet import MAX_CELL_BYTES
from engage.language import N_, _
from engage.language.choice import decimal_text
from engage.ledger import ledger as ledger_file
from engage.ledger.ledger import Ledger
from engage.parsing import FIRST_YEAR, LAST_YEAR, check_date, format_hours
from engage.schedule.model import Engagement
from engage.values import frozen

NO_KEY = "(no project or tag)"  # what --map names an item with no project, tag or account
MAX_HOURS_SHOWN = 10**6  # hours in an item beyond which its figure is not shown


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
        names = ", ".join(sorted(known)) or _("none (are the plugins loaded? see 'engage plugins')")
        raise EngageError(
            _("no importer for {name}; --from takes one of: {names}").format(name=repr(name), names=names)
        )
    return chosen


def guess_format(file: Path) -> str | None:
    """The importer a file's name suggests (``frames``: watson, ``.klg``: klog), for a hint."""
    if file.name == "frames" or (file.is_dir() and (file / "frames").is_file()):
        return "watson"
    return {".klg": "klog", ".timedot": "timedot", ".json": "timewarrior"}.get(file.suffix.lower())


@frozen
class ImportPlan:
    """What an import would add if the ledger held none of it: a ledger record per item, each checked.

    ``wheres`` says where each record's item is in the file. Which records are
    new is for :meth:`new_in` to say, under the ledger's lock.
    """

    importer: str
    records: list[dict[str, object]]
    wheres: list[str]
    skipped_empty: list[str]

    def new_in(self, ledger: Ledger) -> tuple[list[dict[str, object]], int]:
        """The records whose items ``ledger`` does not count yet, and how many it does.

        Call it under the ledger's lock, with the ledger as it stands there: an
        item counts as imported only once the entry made of it counts (its batch
        committed), so an import killed before its commit lands whole when run
        again, and two imports at once cannot both add it. A voided import stays
        out (the user decided); an item changed since it was imported is refused.
        """
        known = imported_sources(ledger)
        if not known:
            return list(self.records), 0
        fresh: list[dict[str, object]] = []
        changed: list[tuple[str, str]] = []
        already = 0
        for record, where in zip(self.records, self.wheres, strict=True):
            earlier = known.get(str(record["source"]), [])
            live = [e for e in earlier if not e.voided]
            digest = record["source_digest"]
            if live and live[-1].digest != digest:
                changed.append((where, live[-1].entry))
            elif live or any(e.digest == digest for e in earlier):
                already += 1  # imported before (and, if voided, voided on purpose)
            else:
                fresh.append(record)
        _refuse_changed(changed, self.importer)
        return fresh, already


def hours_text(records: list[dict[str, object]]) -> str:
    """The hours in records, as trackers show them, to compare: ``16.08 hours (16h 05m)``."""
    counts: dict[str, int] = {}
    for record in records:  # a few amounts recur: each is read once
        text = str(record["hours"])
        counts[text] = counts.get(text, 0) + 1
    hours = sum((Fraction(text) * count for text, count in counts.items()), start=Fraction(0))
    minutes = round(hours * 60)
    return _("{hours} hours ({whole}h {minutes}m)").format(
        hours=decimal_text(f"{float(hours):.2f}"), whole=minutes // 60, minutes=f"{minutes % 60:02d}"
    )


def parse_maps(engagement: Engagement, given: Sequence[str]) -> dict[str, str]:
    """``--map SOURCE=PHASE`` options as a dict, every phase checked."""
    phases = [p.key for p in engagement.phases]
    maps: dict[str, str] = {}
    for text in given:
        source, sep, phase = text.rpartition("=")
        source, phase = source.strip(), phase.strip()
        if not sep or not source or not phase:
            raise EngageError(
                _("--map {text}: give SOURCE=PHASE, such as --map ijm+desk=prep").format(text=repr(text))
            )
        if phase not in phases:
            raise EngageError(
                _("--map {text}: no phase {phase}; phases: {phases}").format(
                    text=repr(text), phase=repr(phase), phases=", ".join(phases)
                )
            )
        maps[source] = phase
    return maps


def parse_people(engagement: Engagement, given: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """``--consultant PERSON=KEY`` and ``--consultant KEY`` (everyone else) options, checked."""
    from engage.schedule.lookup import consultant_name

    people: dict[str, str] = {}
    default: str | None = None
    for text in given:
        person, sep, key = text.rpartition("=")
        key = key.strip()
        named = engagement.consultant_of(key) if engagement.team else None
        if engagement.team and named is None:
            raise EngageError(
                _(
                    "--consultant {text}: {key} is not a consultant on {engagement}; "
                    "the schedule names: {keys}"
                ).format(
                    text=repr(text),
                    key=repr(key),
                    engagement=engagement.id,
                    keys=", ".join(c.key for c in engagement.team),
                )
            )
        key = named.key if named is not None else key
        if sep:
            people[consultant_name(person)] = key
        else:
            default = key
    return people, default


def plan_import(
    engagement: Engagement,
    importer: Importer,
    file: Path,
    maps: dict[str, str],
    people: dict[str, str],
    consultant: str | None,
    tz: str | None = None,
) -> ImportPlan:
    """Read ``file`` with ``importer`` and make a ledger record of every item, each checked.

    Raises EngageError naming the file and item of the first thing it cannot
    place or that ``log`` would refuse (an unmapped project, an unknown person,
    an amount or a date out of range); then nothing must be written.
    """
    if str(file) != "-" and not file.exists():  # - is standard input, which every reader reads
        raise EngageError(
            _("{file}: no such file; give the {importer} file to import").format(
                file=file, importer=importer.name
            )
        )
    file_zone, zone = _zones(engagement, tz)
    items = by_day(_read_items(importer, file), file_zone, zone)
    if not items:
        raise EngageError(
            _("{file}: no time in it to import; give {summary}").format(file=file, summary=importer.summary)
        )
    phases = {p.key for p in engagement.phases}
    seen: dict[str, int] = {}
    unmapped: dict[str, str] = {}
    empty: list[str] = []
    wheres: list[str] = []
    new = _NewEntries(engagement, people, consultant, len(items))
    for item in items:
        if item.hours == 0:
            empty.append(item.where)
            continue
        where = _where(file, item)
        _check_text(item, where, importer)
        try:
            amount = new.amount(item, where, importer)
            day = _local_day(item, where, (file_zone, zone), importer)
        except (OverflowError, ValueError, ArithmeticError) as exc:  # a figure past what Python holds
            raise EngageError(
                _("{where}: cannot take its time ({reason}); fix it in {importer}").format(
                    where=where, reason=" ".join(str(exc).split()), importer=importer.name
                )
            ) from None
        phase = _phase_of(item, maps, phases)
        if phase is None:
            for key in item.keys[:1] or item.fallback[:1] or (NO_KEY,):
                unmapped.setdefault(key, item.where)
            continue
        source = f"{importer.name}:{item.ref or _identity(item, day)}"
        seen[source] = seen.get(source, 0) + 1
        if seen[source] > 1:  # items alike in one file stay distinct
            source += f"#{seen[source]}"
        new.add(item, day, phase, amount, (source, _digest(item, day)))
        wheres.append(where)
    _refuse_unmapped(unmapped, engagement, importer, file)
    return ImportPlan(importer.name, new.records, wheres, empty)


def _read_items(importer: Importer, file: Path) -> list[ImportedTime]:
    """Every item the importer reads in ``file``; what it cannot read (a number beyond any date,
    JSON nested past Python's limit) is one error naming the file, never an internal one."""
    try:
        return list(importer.read(file))
    except EngageError:
        raise
    except RecursionError:
        raise EngageError(
            _("{file}: nested too deeply to be a {importer} file; give {summary}").format(
                file=file, importer=importer.name, summary=importer.summary
            )
        ) from None
    except (OverflowError, ValueError, ArithmeticError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise EngageError(
            _("{file}: cannot read it as a {importer} file ({reason}); give {summary}").format(
                file=file, importer=importer.name, reason=reason, summary=importer.summary
            )
        ) from None


def _check_text(item: ImportedTime, where: str, importer: Importer) -> None:
    """Refuse text no output could show (a lone surrogate, which JSON can write as ``"\\ud800"``), and a
    note longer than a CSV timesheet's cell may be: one limit for every import."""
    texts = [(N_("note"), item.note), (N_("consultant"), item.person), (N_("id"), item.ref)]
    texts += [(N_("project or tag"), key) for key in (*item.keys, *item.fallback)]
    for what, text in texts:
        if text.isascii():
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EngageError(
                _(
                    "{where}: its {what} holds {character}, half a character (a lone surrogate) "
                    "that no text can show; fix it in {importer}"
                ).format(where=where, what=_(what), character=repr(text[exc.start]), importer=importer.name)
            ) from None
    if len(item.note) > MAX_CELL_BYTES // 4 and len(item.note.encode("utf-8")) > MAX_CELL_BYTES:
        raise EngageError(
            _(
                "{where}: its note is longer than {size} KB, the most a note may hold "
                "(as in a CSV timesheet); shorten it in {importer}"
            ).format(where=where, size=MAX_CELL_BYTES // 1024, importer=importer.name)
        )


def _where(file: Path, item: ImportedTime) -> str:
    """Where an item is, its file named: importers name it in ``where``, but a plugin's may not."""
    return item.where if str(file) in item.where else f"{file}: {item.where}"


def _zones(engagement: Engagement, tz: str | None) -> tuple[dt.tzinfo, dt.tzinfo]:
    """The zone of clock times the file writes without one (``--tz``, else the engagement's), and the
    engagement's own, in which each day is counted."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        file_zone = ZoneInfo(tz or engagement.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise EngageError(
            _("--tz {tz}: unknown time zone; give one such as Africa/Nairobi").format(tz=repr(tz))
        ) from None
    return file_zone, ZoneInfo(engagement.timezone)


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

    def amount(self, item: ImportedTime, where: str, importer: Importer) -> dict[str, str]:
        """How the entry of ``item`` stores its hours, checked as ``log`` checks an amount."""
        amount = self.amounts.get(item.hours)
        if amount is None:
            if abs(item.hours) > MAX_HOURS_SHOWN:  # more than a float holds, or a screen: said in words
                raise EngageError(
                    _(
                        "{where}: more than a million hours in one entry; give at most 24h per entry "
                        "(a timer left running? fix it in {importer}, or leave it out of the file)"
                    ).format(where=where, importer=importer.name)
                )
            try:
                amount = self.amounts[item.hours] = ledger_file.new_entry_amount(
                    item.hours, "hours", _typed_hours(item.hours)
                )
            except EngageError as exc:
                raise EngageError(
                    _(
                        "{where}: {hours} hours in one entry: {problem} "
                        "(fix it in {importer}, or leave it out of the file)"
                    ).format(
                        where=where,
                        hours=decimal_text(f"{float(item.hours):g}"),
                        problem=exc.message,
                        importer=importer.name,
                    )
                ) from None
        return amount

    def add(
        self, item: ImportedTime, day: dt.date, phase: str, amount: dict[str, str], source: tuple[str, str]
    ) -> None:
        """One entry for ``item``, marked with its ``source`` and what it said (its digest)."""
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
                "source": source[0],
                "source_digest": source[1],
            }
        )


def _refuse_changed(changed: list[tuple[str, str]], importer: str) -> None:
    """Refuse items changed since they were imported, naming the first: which figure is right, the
    user decides (a void, then the import again)."""
    if changed:
        where, entry = changed[0]
        more = _(" (and {count} more)").format(count=len(changed) - 1) if len(changed) > 1 else ""
        raise EngageError(
            _(
                "{where}: changed in {importer} since it was imported as entry {entry}{more}; "
                "if the new figure is right, 'engage void {entry}' and import again"
            ).format(where=where, importer=importer, entry=entry, more=more)
        )


def _refuse_unmapped(
    unmapped: dict[str, str], engagement: Engagement, importer: Importer, file: Path
) -> None:
    """Refuse projects or tags no phase takes, naming the first three and where each first came."""
    if unmapped:
        first = _("{key} (first: {where})")
        shown = ", ".join(
            first.format(key=repr(key), where=where) for key, where in list(unmapped.items())[:3]
        )
        more = _(" and {count} more").format(count=len(unmapped) - 3) if len(unmapped) > 3 else ""
        raise EngageError(
            _(
                "{file}: no phase for {shown}{more}; map each {what} to a phase with "
                "--map SOURCE=PHASE (phases: {phases})"
            ).format(
                file=file,
                shown=shown,
                more=more,
                what=importer.map_by,
                phases=", ".join(p.key for p in engagement.phases),
            )
        )


@frozen
class Imported:
    """An entry that came from another tracker: its id, what it said then, and whether it is voided."""

    entry: str
    digest: str
    voided: bool


def imported_sources(ledger: Ledger) -> dict[str, list[Imported]]:
    """Entries ``ledger`` counts that came from another tracker, by ``source``, oldest first, voided
    ones included.

    Only entries the ledger reader counts: the lines of an interrupted write
    (a batch without its commit) or a damaged line are no import, so the item
    is imported again. The ledger's entries hold no ``source``: it is read from
    their lines, each matched to an entry the ledger counts by line and id.
    A voided import is a decision the user made: importing the same item again
    must not bring it back; a changed item (a Watson frame edited since) may
    replace it.
    """
    try:
        raw = ledger.path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise EngageError(
            _("{path}: cannot read ledger: {reason}").format(path=ledger.path, reason=exc.strerror or exc)
        ) from None
    lines: dict[int, tuple[str, str, str]] = {}  # line -> id, source, digest
    dates: list[str] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):  # numbered as the reader numbers them
        if b'"source"' not in line:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue  # a damaged line: the ledger does not count it
        if isinstance(data, dict) and data.get("kind") == "entry" and isinstance(data.get("source"), str):
            lines[number] = (str(data.get("id")), data["source"], str(data.get("source_digest", "")))
            dates.append(str(data.get("date")))
    if not lines:
        return {}
    first, last = _span(dates)
    counted = sorted((e.line, e.id) for e in ledger.entries(True, first, last) if e.line in lines)
    found: dict[str, list[Imported]] = {}
    for number, entry in counted:
        ident, source, digest = lines[number]
        if ident == entry:
            found.setdefault(source, []).append(Imported(entry, digest, ledger.is_void(entry)))
    return found


def _span(dates: list[str]) -> tuple[dt.date | None, dt.date | None]:
    """The first and last of the dates imported entries carry (None: no bound where one is no date)."""
    try:
        return dt.date.fromisoformat(min(dates)), dt.date.fromisoformat(max(dates))
    except ValueError:
        return None, None


def _local_day(
    item: ImportedTime, where: str, zones: tuple[dt.tzinfo, dt.tzinfo], importer: Importer
) -> dt.date:
    """The item's date in the engagement's zone, checked as ``log`` checks a date."""
    file_zone, zone = zones
    try:
        if item.start is not None:
            start = item.start if item.start.tzinfo else item.start.replace(tzinfo=file_zone)
            day = start.astimezone(zone).date()
        elif item.day is None:
            raise EngageError(
                _("{where}: no date; the importer gave neither a start nor a day").format(where=where)
            )
        else:
            day = item.day
    except (OverflowError, ValueError):  # a year 9999 instant moved into a zone east of UTC
        raise EngageError(
            _(
                "{where}: {start} is beyond the calendar in {zone}; "
                "give dates from {first} to {last} (fix it in {importer})"
            ).format(
                where=where,
                start=item.start,
                zone=zone,
                first=FIRST_YEAR,
                last=LAST_YEAR,
                importer=importer.name,
            )
        ) from None
    try:
        return check_date(
            day, day.isoformat(), _("a date from {first} to {last}").format(first=FIRST_YEAR, last=LAST_YEAR)
        )
    except EngageError as exc:
        raise EngageError(
            _("{where}: {problem} (fix it in {importer})").format(
                where=where, problem=exc.message, importer=importer.name
            )
        ) from None


def _typed_hours(hours: Fraction) -> str:
    """Hours as a person would type them for ``log``, seconds where less than a minute: ``30s``."""
    seconds = hours * 3600
    if 0 < seconds < 60:
        return f"{float(seconds):g}s"
    return format_hours(hours)


def _phase_of(item: ImportedTime, maps: dict[str, str], phases: set[str]) -> str | None:
    def lookup(key: str) -> str | None:
        return maps.get(key) or (key if key in phases else None)

    if not item.keys and not item.fallback:  # untagged: --map '(no project or tag)=PHASE' places it
        return lookup(NO_KEY)

    found = {p for p in (lookup(k) for k in item.keys) if p}
    if len(found) > 1:
        raise EngageError(
            _(
                "{where}: {keys} map to different phases ({phases}); "
                "map only one of them, or map a combination such as project+tag"
            ).format(
                where=item.where, keys=", ".join(repr(k) for k in item.keys), phases=", ".join(sorted(found))
            )
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
    from engage.schedule.lookup import consultant_name, resolve_consultant

    person = consultant_name(item.person)  # as log --consultant reads a name
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
            _(
                "{where}: {name} is not a consultant on {engagement}; pass "
                "--consultant '{person}=KEY' with KEY one of: {keys}"
            ).format(
                where=item.where,
                name=repr(person),
                engagement=engagement.id,
                person=person,
                keys=", ".join(c.key for c in engagement.team),
            )
        )
    try:
        return resolve_consultant(engagement, None)
    except EngageError as exc:
        raise EngageError(f"{item.where}: {exc.message}") from None


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
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]  # text checked: no lone surrogate
