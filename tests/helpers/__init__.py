"""What tests share besides fixtures: where the seed schedules are, a seed copied to a temp folder, the CLI run
in-process, and the usage-error contract. Fixtures live in conftest.py; tests import from here.

Submodules: ``processes`` (the installed command in a child process), ``calendar_checks`` (independent
parsers of engage's iCalendar output), ``seed_edits`` (changes the calendar tests make to a seed),
``servers`` (real SMTP and CalDAV servers, a pytest plugin that conftest.py loads), ``teams`` (a
team's laptop: a git clone with engage run in it as one person), ``timesheets`` (timesheet steps
through the real writer, SSH keys and the allowed-signers file).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from engage.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SCHEDULES = ROOT / "schedules"
IJM = SCHEDULES / "ijm-kenya-pap-strategic-plan.toml"
DEFENDERS = SCHEDULES / "defenders-coalition-protection-policy.toml"
SEEDS = {"ijm": IJM, "defenders": DEFENDERS}
# Schedules modelled on more real ToRs, besides the two seeds.
GEO = SCHEDULES / "tors" / "geo-lima-callao-assessment.toml"
# A team: a lead and field staff, a Dhaka mission and home days, intermittent over two months.
UNDP = SCHEDULES / "tors" / "undp-srepgen-midterm-review.toml"
SCHEDULE_FILES = {**SEEDS, "geo": GEO, "undp": UNDP}


@dataclass
class Seed:
    """A seed schedule copied into a temp folder, with a runner bound to it."""

    name: str
    path: Path

    @property
    def ledger(self) -> Path:
        return self.path.with_name(self.path.stem + ".ledger.jsonl")

    def run(self, *args: str, input: str | None = None) -> Result:
        """``engage -s COPY ARGS...`` in-process; exceptions surface as failures."""
        return invoke("-s", str(self.path), *args, input=input)

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def rewrite(self, old: str, new: str) -> None:
        text = self.text()
        assert old in text, f"{old!r} not in {self.path.name}"
        self.path.write_text(text.replace(old, new, 1), encoding="utf-8")


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """The real CLI, in-process, stdout and stderr kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def copy_seed(name: str, folder: Path) -> Seed:
    target = folder / SCHEDULE_FILES[name].name
    shutil.copy(SCHEDULE_FILES[name], target)
    return Seed(name, target)


def one_line_error(result: Result, *fragments: str) -> str:
    """Assert the usage-error contract: exit 2, one line on stderr, no traceback; return it."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def budget_exit(found: list[dict]) -> int:
    """What ``engage budget`` must exit with for its JSON findings: 1 when one is an error, else 0."""
    return 1 if any(f["severity"] == "error" for f in found) else 0


Runner = Callable[..., Result]
