"""Shared fixtures: seed schedules copied to a temp folder, and the CLI run in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engage.cli import cli
from engage.testing import ISOLATED_VARS

ROOT = Path(__file__).resolve().parents[1]
SCHEDULES = ROOT / "schedules"
IJM = SCHEDULES / "ijm-kenya-pap-strategic-plan.toml"
DEFENDERS = SCHEDULES / "defenders-coalition-protection-policy.toml"
SEEDS = {"ijm": IJM, "defenders": DEFENDERS}
# Schedules modelled on more real ToRs, besides the two seeds.
GEO = SCHEDULES / "tors" / "geo-lima-callao-assessment.toml"
# A team: a lead and field staff, a Dhaka mission and home days, intermittent over two months.
UNDP = SCHEDULES / "tors" / "undp-srepgen-midterm-review.toml"
SCHEDULE_FILES = {**SEEDS, "geo": GEO, "undp": UNDP}


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's engage settings, or writes beside the repo's schedules."""
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Test Consultant")
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


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


@pytest.fixture(params=sorted(SEEDS))
def seed(request: pytest.FixtureRequest, tmp_path: Path) -> Seed:
    """Each seed schedule in turn, copied to a temp folder."""
    return copy_seed(request.param, tmp_path)


@pytest.fixture
def ijm(tmp_path: Path) -> Seed:
    return copy_seed("ijm", tmp_path)


@pytest.fixture
def defenders(tmp_path: Path) -> Seed:
    return copy_seed("defenders", tmp_path)


@pytest.fixture
def undp(tmp_path: Path) -> Seed:
    """UNDP SREPGen midterm review: a team in two places, intermittent over a period."""
    return copy_seed("undp", tmp_path)


@pytest.fixture
def geo(tmp_path: Path) -> Seed:
    """GEO Lima & Callao: relative due dates and a review cycle."""
    return copy_seed("geo", tmp_path)


def one_line_error(result: Result, *fragments: str) -> str:
    """Assert the usage-error contract: exit 2, one line on stderr, no traceback; return it."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


Runner = Callable[..., Result]
