"""Plain output fits the terminal: no line wider than $COLUMNS (80 and 120) for every command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engage.output.terminal import fit_table
from helpers import SCHEDULE_FILES, Seed, copy_seed, invoke

WIDTHS = (80, 120)
WEEK = "2021-W47"


def _logged(seed: Seed) -> Seed:
    """A seed with a week of work, a long note, a submitted and returned deliverable."""
    shown = json.loads(seed.run("show", "--format", "json").stdout)
    phase = shown["phases"][0]["key"]
    who = ["-c", shown["team"][0]["key"]] if shown.get("team") else []
    for day, note in (
        ("2021-11-22", "desk review of the ToR, the 2019 strategy and the donor reports"),
        ("2021-11-23", "calls"),
    ):
        assert seed.run("log", "4h", "-p", phase, "-d", day, "-n", note, *who).exit_code == 0
    return seed


def _commands(seed: Seed) -> list[tuple[str, ...]]:
    return [
        ("show",),
        ("budget", "--as-of", "2021-11-28"),
        ("entries",),
        ("entries", "--all"),
        ("plugins",),
        ("status", "--week", WEEK),
        ("report",),
        ("status", "--week", WEEK, "--by", "consultant"),
        ("--help",),
        ("log", "--help"),
        ("status", "--help"),
    ]


def _too_wide(text: str, width: int) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(SCHEDULE_FILES))
def test_every_command_fits(name: str, width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    seed = _logged(copy_seed(name, tmp_path))
    for args in _commands(seed):
        result = seed.run(*args)
        errors = re.search(r"\b[1-9]\d* errors?\b", result.stdout.splitlines()[-1] if result.stdout else "")
        assert result.exit_code == (1 if args[0] == "budget" and errors else 0), (args, result.stderr)
        assert result.stdout.strip(), args
        assert not _too_wide(result.stdout, width), (args, _too_wide(result.stdout, width))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_readme_portfolio_fits(width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    for name in SCHEDULE_FILES:
        _logged(copy_seed(name, tmp_path))
    text = invoke("status", "--week", WEEK, str(tmp_path)).stdout
    assert not _too_wide(text, width), _too_wide(text, width)
    summary = text.split("\n\n")[1]
    # each engagement's state stays beside it: the summary's rows start with a title and end with a state
    assert "late" in summary and ("on track" in summary or "at risk" in summary)
    # short cells never break: the figures and dates are whole
    assert "1.0 / 20" in summary and "2021-12-02" in summary


def test_piped_output_is_100_wide_without_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    seed = _logged(copy_seed("ijm", tmp_path))
    text = seed.run("status", "--week", WEEK).stdout
    assert max(len(line) for line in text.splitlines()) <= 100
    assert max(len(line) for line in text.splitlines()) > 80  # it does use the room


def test_long_text_wraps_in_its_cell_and_short_cells_stay_whole() -> None:
    rows = [["draft", "A deliverable with a very long name that has to wrap", "2021-12-02", "3.25 / 20"]]
    text = fit_table(["key", "deliverable", "due", "days"], rows, 48)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 48
    assert lines[0].split() == ["key", "deliverable", "due", "days"] and lines[1].startswith("-----  ")
    assert len(lines) > 3  # the name wrapped onto more lines
    assert "2021-12-02" in lines[2] and "3.25 / 20" in lines[2]
    words = " ".join(line[7:].split("2021")[0] for line in lines[2:]).split()
    assert " ".join(words) == rows[0][1]  # nothing lost in the wrap


def test_optional_columns_go_first_and_it_is_said() -> None:
    rows = [["k", "x" * 30 + " word " * 5, "kept", "y" * 20 + " more words here"]]
    text = fit_table(["key", "name", "state", "extra"], rows, 44, optional=("extra",))
    assert "extra" not in text.splitlines()[0] and "(not shown at 44 columns: extra)" in text
    assert max(len(line) for line in text.splitlines()) <= 44
    wide = fit_table(["key", "name", "state", "extra"], rows, 120, optional=("extra",))
    assert "extra" in wide.splitlines()[0] and "not shown" not in wide


def test_a_figure_against_its_limit_stays_on_one_line() -> None:
    rows = [
        ["Facilitation and Consolidation of the Strategic Plan", "KES0.00 / KES900,000.00", "late: 6 days"]
    ]
    text = fit_table(["engagement", "invoiced / ceiling", "state"], rows, 50)
    assert max(len(line) for line in text.splitlines()) <= 50
    assert any("KES0.00 / KES900,000.00" in line for line in text.splitlines())


def test_every_commands_help_and_fees_fit_80_columns(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's --help (examples included), plugins' commands too, and the fees statement."""
    import click

    from engage.cli import cli

    monkeypatch.setenv("COLUMNS", "80")
    context = click.Context(cli)
    names = cli.list_commands(context)
    assert {"fees", "invoice", "expense", "report", "close"} <= set(names)
    for name in names:
        command = cli.get_command(context, name)
        paths = [(name, sub) for sub in getattr(command, "commands", {})] or [(name,)]
        for path in paths:
            result = ijm.run(*path, "--help")
            assert result.exit_code == 0 and not _too_wide(result.stdout, 80), (
                path,
                _too_wide(result.stdout, 80),
            )
    assert not _too_wide(ijm.run("fees").stdout, 80)
