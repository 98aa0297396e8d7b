"""What a command works on: the chosen schedule, its engagement and its ledger."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import click
import pluggy

from engage.errors import EngageError
from engage.ledger import Ledger
from engage.model import Engagement
from engage.parsing import today_in
from engage.plugins import available_plugin_names, get_plugin_manager
from engage.schedule import load_schedule

SCHEDULE_VAR = "ENGAGE_SCHEDULE"
LEDGER_VAR = "ENGAGE_LEDGER"
DEFAULT_SCHEDULE = "engage.toml"
LEDGER_SUFFIX = ".ledger.jsonl"


def ledger_beside(schedule: Path) -> Path:
    """The default ledger of a schedule: ``name.ledger.jsonl`` in the same folder."""
    return schedule.with_name(schedule.stem + LEDGER_SUFFIX)


def warn(message: str) -> None:
    """A one-line warning on stderr, the one form every warning takes."""
    import sys

    from engage.colour import enabled, severity

    click.echo(f"engage: {severity('warning')}: {message}", err=True, color=enabled(sys.stderr))


class Session:
    """The schedule and ledger one command line points at, read when first needed."""

    def __init__(self, schedule: str | None = None, ledger: str | None = None) -> None:
        self._schedule = schedule
        self._ledger = ledger
        self._warned: set[Path] = set()

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The loaded plugins."""
        return get_plugin_manager()

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
            f"no schedule chosen: pass -s FILE, set {SCHEDULE_VAR}, "
            f"or run in a folder holding {DEFAULT_SCHEDULE} (engage init {DEFAULT_SCHEDULE} makes one)"
        )

    @cached_property
    def engagement(self) -> Engagement:
        """The chosen schedule's engagement."""
        return self.load(self.schedule_path)

    def load(self, path: Path) -> Engagement:
        """Read any schedule, accepting the tables that known plugins read."""
        get_plugin_manager()  # loads plugins: their names are the tables they may read
        return load_schedule(path, plugin_sections=available_plugin_names())

    @property
    def ledger_path(self) -> Path:
        """``--ledger``, else ``ENGAGE_LEDGER``, else beside the schedule."""
        chosen = self._ledger or os.environ.get(LEDGER_VAR)
        return Path(chosen) if chosen else ledger_beside(self.schedule_path)

    def ledger(self) -> Ledger:
        """The chosen engagement's ledger, read now (damaged lines are reported once)."""
        return self.read_ledger(self.engagement, self.ledger_path)

    def read_ledger(self, engagement: Engagement, path: Path | None = None) -> Ledger:
        """Read a ledger (by default the one beside the engagement's schedule)."""
        if path is None:
            assert engagement.source is not None
            path = ledger_beside(engagement.source)
        ledger = Ledger.read(path, engagement.hours_per_day)
        if ledger.problems and path not in self._warned:
            self._warned.add(path)
            for problem in ledger.problems:
                warn(str(problem))
        return ledger

    def today(self, engagement: Engagement | None = None) -> dt.date:
        """Today in the engagement's time zone."""
        return today_in((engagement or self.engagement).timezone)

    def portfolio(self, targets: tuple[str, ...]) -> Iterator[Engagement]:
        """Engagements from schedule files and folders (every ``*.toml`` but templates)."""
        if not targets:
            yield self.engagement
            return
        for target in targets:
            path = Path(target)
            if path.is_dir():
                files = sorted(p for p in path.glob("*.toml") if p.stem != "template")
                if not files:
                    raise EngageError(f"{path}: no .toml schedules in this folder")
                for file in files:
                    yield self.load(file)
            else:
                yield self.load(path)


pass_session = click.make_pass_decorator(Session)
