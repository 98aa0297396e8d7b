"""What a command works on: the chosen schedule, its engagement and its ledger."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from engage.errors import EngageError, PluginError
from engage.hooktypes import finding_problem
from engage.language import _, ngettext
from engage.ledger.closed import refuse_after_close
from engage.ledger.files import open_regular
from engage.ledger.kinds import Kinds
from engage.ledger.ledger import Ledger
from engage.ledger.records import LedgerProblem, TimesheetAction
from engage.ledger.writer import append_batch, write_in_progress
from engage.parsing import today_in
from engage.plugin.manager import available_plugin_names, environment_stamp, get_plugin_manager
from engage.schedule.model import Engagement

T = TypeVar("T")

SCHEDULE_VAR = "ENGAGE_SCHEDULE"
LEDGER_VAR = "ENGAGE_LEDGER"
DEFAULT_SCHEDULE = "engage.toml"
LEDGER_SUFFIX = ".ledger.jsonl"
KEPT_VERDICTS = 64
Held = tuple[Engagement, Ledger, "Verdict"]  # a verdict with what it judged, kept alive while it is kept


def ledger_beside(schedule: Path) -> Path:
    """The default ledger of a schedule: ``name.ledger.jsonl`` in the same folder."""
    return schedule.with_name(schedule.stem + LEDGER_SUFFIX)


def warn(message: str) -> None:
    """A one-line warning on stderr, the one form every warning takes."""
    from engage.output.colour import say

    say("engage", "warning", message)


class Session:
    """The schedule and ledger one command line points at, read when first needed."""

    def __init__(self, schedule: str | None = None, ledger: str | None = None) -> None:
        from engage.settings.files import use_schedule

        use_schedule(Path(schedule) if schedule else None)  # its folder holds the local settings
        self._schedule = schedule
        self._ledger = ledger
        self._warned: set[Path] = set()
        self._kinds: tuple[pluggy.PluginManager, Kinds] | None = None  # the plugins, their record kinds
        # One timeline per engagement and one verdict per engagement, ledger and date, for this command.
        # Each key holds its objects, so an id is never reused while it is a key. A portfolio keeps
        # only the latest verdicts: each holds its ledger, and memory stays bounded by what is shown.
        self._timelines: dict[int, tuple[Engagement, Timeline]] = {}
        self._verdicts: OrderedDict[tuple[int, int, dt.date, str], tuple[Engagement, Ledger, Verdict]] = (
            OrderedDict()
        )

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The loaded plugins."""
        return get_plugin_manager()

    @property
    def record_kinds(self) -> Kinds:
        """The record kinds ledgers are read with: the core's and the loaded plugins' (made once)."""
        pm = self.plugin_manager
        if self._kinds is None or self._kinds[0] is not pm:
            from engage.plugin.manager import plugin_files_stamp, plugin_record_kinds

            self._kinds = (pm, Kinds(plugin_record_kinds(pm).values(), plugin_files_stamp()))
        return self._kinds[1]

    def collect(self, hook: str, problem: Callable[[object], str], **arguments: object) -> list[Any]:
        """Call the collecting hook named ``hook`` and return every item its plugins gave, each checked
        by ``problem`` (``engage.finding_problem``, ``section_problem``: "" when fine).

        A bad item stops the command with one line naming the plugin that gave it: the plugins are
        asked again one at a time to find it, so a good run pays for nothing.
        """
        caller = getattr(self.plugin_manager.hook, hook)
        items = _items(caller(**arguments))
        if not any(problem(item) for item in items):
            return items
        for impl in caller.get_hookimpls():
            others = [i.plugin for i in caller.get_hookimpls() if i.plugin is not impl.plugin]
            alone = self.plugin_manager.subset_hook_caller(hook, remove_plugins=others)
            for item in _items(alone(**arguments)):
                if problem(item):
                    raise PluginError(
                        _("plugin {name} gave {problem} in {hook}()").format(
                            name=repr(impl.plugin_name), problem=problem(item), hook=hook
                        )
                    )
        found = next(problem(i) for i in items if problem(i))
        raise PluginError(_("a plugin gave {problem} in {hook}()").format(problem=found, hook=hook))

    def timeline(self, engagement: Engagement) -> Timeline:
        """The engagement laid out in time, with the plugins' days off: planned once per command."""
        held = self._timelines.get(id(engagement))
        if held is None:
            from engage.judging.timeline import plan

            held = self._timelines[id(engagement)] = (
                engagement,
                plan(engagement, self.plugin_manager.hook.engage_non_working_days),
            )
        return held[1]

    def verdict(self, engagement: Engagement, ledger: Ledger, as_of: dt.date) -> Verdict:
        """The one verdict on ``engagement`` with ``ledger`` as of ``as_of`` for this command.

        Every output and every hook that judges reads this object, so two reports cannot disagree:
        the timeline is planned with the plugins' days off, and the plugins' budget checks receive
        the verdict itself (``engage_budget_checks(verdict=…)``). Its words (reasons, findings) are
        in the language in force when it is asked for, so one verdict is kept per language: a
        portfolio's summary in the user's, each engagement's section in its own.
        """
        from engage.language import current

        key = (id(engagement), id(ledger), as_of, current())
        held = self._verdicts.get(key)
        if held is None:
            from engage.judging.verdict import Verdict

            made = Verdict(
                engagement,
                ledger,
                as_of,
                self.timeline(engagement),
                functools.partial(self.collect, "engage_budget_checks", finding_problem),
            )
            held = self._verdicts[key] = (engagement, ledger, made)
            while len(self._verdicts) > KEPT_VERDICTS:
                self._verdicts.popitem(last=False)
        return held[2]

    @cached_property
    def schedule_path(self) -> Path:
        """``--schedule``, else ``ENGAGE_SCHEDULE``, else ``engage.toml`` here or in a parent folder."""
        chosen = self._schedule or os.environ.get(SCHEDULE_VAR)
        if chosen:
            return Path(chosen)
        here = Path.cwd()
        for folder in (here, *here.parents):
            candidate = folder / DEFAULT_SCHEDULE
            if candidate.is_file():
                return candidate
        raise EngageError(
            _(
                "no schedule chosen: pass -s FILE, set {variable}, "
                "or run in a folder holding {file} (engage init {file} makes one)"
            ).format(variable=SCHEDULE_VAR, file=DEFAULT_SCHEDULE)
        )

    @cached_property
    def engagement(self) -> Engagement:
        """The chosen schedule's engagement."""
        return self.load(self.schedule_path)

    def load(self, path: Path) -> Engagement:
        """Read any schedule, accepting the tables of the plugins found and of those registered by hand
        (a plugin under test, registered with ``engage.testing``'s ``engage_plugin``)."""
        pm = self.plugin_manager  # loads plugins: their names are the tables they may read
        from engage.schedule import cache as schedule_cache

        registered = {name for name, _ in pm.list_name_plugin() if name}
        return schedule_cache.load(path, available_plugin_names() | registered, environment_stamp())

    @property
    def chosen_ledger(self) -> Path | None:
        """``--ledger``, else ``ENGAGE_LEDGER``, checked to be a ledger; None when neither is given."""
        chosen = self._ledger or os.environ.get(LEDGER_VAR)
        if not chosen:
            return None
        path = Path(chosen)
        given = "--ledger" if self._ledger else LEDGER_VAR
        schedule = self._schedule or os.environ.get(SCHEDULE_VAR)
        check_is_ledger(path, given, Path(schedule) if schedule else None)
        return path

    @property
    def ledger_path(self) -> Path:
        """``--ledger``, else ``ENGAGE_LEDGER``, else beside the schedule."""
        return self.chosen_ledger or ledger_beside(self.schedule_path)

    def ledger(self) -> Ledger:
        """The chosen engagement's ledger, read now (damaged lines are reported once)."""
        return self.read_ledger(self.engagement, self.ledger_path)

    def read_ledger(self, engagement: Engagement, path: Path | None = None) -> Ledger:
        """Read a ledger (by default the one beside the engagement's schedule)."""
        if path is None:
            assert engagement.source is not None
            path = ledger_beside(engagement.source)
        ledger = Ledger.read(path, engagement.hours_per_day, self.record_kinds)
        refuse_foreign(path, ledger.engagements, engagement)
        if ledger.problems and path not in self._warned:
            self._warned.add(path)
            # A batch without its commit while another engage holds the lock is being written now,
            # not interrupted: it is not counted yet, and nothing needs saying.
            busy = bool(ledger.dead_batches) and write_in_progress(path)
            for problem in ledger.problems:
                if not (busy and problem.last_line):
                    warn(str(problem))
        return ledger

    def write(self, records: list[dict[str, object]], check: Callable[[Ledger], None] | None = None) -> None:
        """Append records to the chosen ledger, all or none, stamped with the engagement's id.

        ``check`` runs under the ledger's lock with the ledger as it stands
        (see :func:`engage.ledger.writer.append_batch`), then the rule every write keeps:
        nothing dated after the engagement's close (:func:`engage.ledger.closed.refuse_after_close`), and
        nothing that changes an approved timesheet (:func:`engage.judging.timesheets.refuse_in_approved`).
        Everything the command needs is validated first (:meth:`validate`), so a written record
        is a done command.
        """
        engagement = self.engagement
        self.validate()
        kinds = self.record_kinds

        def checked(ledger: Ledger) -> None:
            if check is not None:
                check(ledger)  # may narrow ``records`` in place (an import leaves out what is in)
            refuse_after_close(ledger, records, kinds)
            if ledger.every(TimesheetAction):  # an approved timesheet locks its days
                from engage.judging.timesheets import refuse_in_approved

                refuse_in_approved(engagement, ledger, records)

        sealed = append_batch(
            self.ledger_path,
            records,
            engagement=engagement.id,
            who=_who(engagement),
            hours_per_day=engagement.hours_per_day,
            check=checked,
            kinds=kinds,
        )
        self._warned.add(self.ledger_path)  # what was sealed is said now; the rest on reading
        for problem in sealed:
            warn(f"{_sealed(problem)}")

    def validate(self) -> None:
        """Check what a command needs before it writes: the schedule's plan, holidays included.

        Bad input stops the command; a plugin fault here is left to
        :meth:`after_write`, which warns once the record is safe.
        """
        self.preview(lambda: self.timeline(self.engagement).windows)

    def preview(self, work: Callable[[], T]) -> tuple[T | None, Exception | None]:
        """Run what a command shows after writing, before it writes.

        Bad input (an ``EngageError``: a bad setting, an unknown holiday
        country) stops the command before anything is written. Any other
        failure is a fault in a plugin: it is returned, the record is written
        all the same, and :meth:`after_write` turns the failure into a warning.
        """
        try:
            return work(), None
        except EngageError:
            raise
        except Exception as exc:
            return None, exc

    @contextmanager
    def after_write(self, what: str) -> Iterator[None]:
        """Run what follows a write: a failure there is a warning, for the record is safe."""
        try:
            yield
        except BrokenPipeError:
            raise  # `engage import ... | head -1`: the reader left; the boundary ends quietly, status 0
        except Exception as exc:
            from engage.output.broken import output_failure

            if output_failure(exc):  # the output, not a plugin: said by the boundary, as for every command
                raise
            if isinstance(exc, EngageError):  # a user's problem (a mail server down), said as it is
                said = " ".join(exc.message.split())
                warn(_safe().format(what=what, failure=said))
                return
            from engage.plugin.manager import blame

            culprit = blame(exc) or _("engage failed")
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            failure = f"{culprit}: {message}"
            warn(_safe().format(what=what, failure=failure))

    def today(self, engagement: Engagement | None = None) -> dt.date:
        """Today in the engagement's time zone."""
        return today_in((engagement or self.engagement).timezone)

    def portfolio(self, targets: tuple[str, ...]) -> Iterator[Engagement]:
        """Engagements from schedule files and folders (every ``*.toml`` but templates)."""
        if not targets:
            yield self.engagement
            return
        seen: set[Path] = set()  # a schedule named twice (a folder and a file in it) counts once
        for target in targets:
            path = Path(target)
            if path.is_dir():
                files = sorted(p for p in path.glob("*.toml") if p.stem != "template")
                if not files:
                    raise EngageError(_("{path}: no .toml schedules in this folder").format(path=path))
            else:
                files = [path]
            for file in files:
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    yield self.load(file)


def _who(engagement: Engagement) -> dict[str, str]:
    """Who records, and on which machine: the fields every record a command writes carries (each left
    out when not known). A stat or two and one small read: ``engage log`` pays for it."""
    from engage.ledger.ledger import BY_FIELD, MACHINE_FIELD
    from engage.schedule.lookup import acting_consultant
    from engage.settings.machine import machine_id

    found = {BY_FIELD: acting_consultant(engagement), MACHINE_FIELD: machine_id()}
    return {field: value for field, value in found.items() if value}


def _items(results: list[Any]) -> list[Any]:
    """The items of a collecting hook's results: each plugin's iterable, or a lone value as given."""
    found: list[Any] = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, str | bytes) or not hasattr(result, "__iter__"):
            found.append(result)  # not a collection: checked, and named, as the item it is
        else:
            found.extend(result)
    return found


def _safe() -> str:
    """The warning after a write, for one record or command (the boundary counts several)."""
    return ngettext(
        "{what} is safely in the ledger; afterwards {failure}",
        "{what} are safely in the ledger; afterwards {failure}",
        1,
    )


def _sealed(problem: LedgerProblem) -> str:
    where = f"{problem.path}:{problem.line}" + (f"-{problem.last_line}" if problem.last_line else "")
    return _("{where}: sealed what an interrupted write left; it is not counted").format(where=where)


def check_is_ledger(path: Path, given: str, schedule: Path | None) -> None:
    """Refuse a --ledger that is a folder, a schedule, or a file whose first line is no JSON record."""
    if path.is_dir():
        raise EngageError(
            _("{given} {path} is a folder; give a ledger file such as {example}").format(
                given=given, path=path, example=f"NAME{LEDGER_SUFFIX}"
            )
        )
    if path.suffix.lower() == ".toml" or (
        schedule is not None and schedule.exists() and path.exists() and path.samefile(schedule)
    ):
        raise EngageError(
            _("{given} {path} is a schedule, not a ledger; give a ledger file such as {example}").format(
                given=given, path=path, example=f"NAME{LEDGER_SUFFIX}"
            )
        )
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise EngageError(_cannot_read(given, path, exc)) from None
    try:
        head = os.read(fd, 4096).lstrip()
    except OSError as exc:
        raise EngageError(_cannot_read(given, path, exc)) from None
    finally:
        os.close(fd)
    if head and not head.startswith((b"{", b"<<<<<<< ")):  # a ledger, perhaps mid-merge
        raise EngageError(
            _(
                "{given} {path} is not an engage ledger (its first line is not a JSON record); "
                "give a ledger file such as {example}, or a new file"
            ).format(given=given, path=path, example=f"NAME{LEDGER_SUFFIX}")
        )


def _cannot_read(given: str, path: Path, exc: OSError) -> str:
    return _("{given} {path}: cannot read: {error}").format(given=given, path=path, error=exc.strerror or exc)


def refuse_foreign(path: Path, engagements: frozenset[str], engagement: Engagement) -> None:
    """A ledger holding another engagement's records is refused, naming both."""
    others = sorted(engagements - {engagement.id})
    if others:
        raise EngageError(
            _(
                "{path} holds records of engagement {other}, not of {engagement} "
                "({source}); give each engagement its own ledger (--ledger FILE)"
            ).format(
                path=path, other=repr(others[0]), engagement=repr(engagement.id), source=engagement.source
            )
        )


if TYPE_CHECKING:
    import click

    from engage.judging.timeline import Timeline
    from engage.judging.verdict import Verdict

    pass_session = click.make_pass_decorator(Session)


def __getattr__(name: str) -> Any:
    """``pass_session``: made on first use, so that ``engage log`` can run without importing click."""
    if name != "pass_session":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import click

    made = globals()["pass_session"] = click.make_pass_decorator(Session)
    return made
