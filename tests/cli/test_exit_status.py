"""Honest exit status: checked before writing, exit 0 once written, the plugin at fault named."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import Result

from engage.ledger.ledger import Ledger
from helpers import Seed, invoke


def test_unknown_holiday_country_is_refused_before_writing(ijm: Seed) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "ZZ"')
    result = ijm.run("log", "1", "-p", "prep")
    assert result.exit_code == 2 and "ZZ" in result.stderr
    assert not ijm.ledger.exists()


def test_bad_budget_setting_is_refused_before_writing(ijm: Seed) -> None:
    ijm.rewrite("warn_at = 0.8", "warn_at = 7")
    result = ijm.run("log", "1", "-p", "prep")
    assert result.exit_code == 2 and "budget.warn_at" in result.stderr
    assert not ijm.ledger.exists()


def write_plugin(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def log_with(seed: Seed, plugins: Path) -> Result:
    """``engage log`` of a day's work with the plugins in ``plugins`` loaded too."""
    return invoke(
        "-s", str(seed.path), "--plugins-dir", str(plugins), "log", "1", "-p", "prep", "-d", "2021-11-16"
    )


def test_plugin_failing_in_holidays_is_a_warning_once_the_entry_is_safe(ijm: Seed, tmp_path: Path) -> None:
    folder = write_plugin(
        tmp_path / "p",
        "broken_days",
        """
        from engage import hookimpl
        @hookimpl
        def engage_non_working_days(engagement, start, end):
            raise RuntimeError("calendar server down")
        """,
    )
    result = log_with(ijm, folder)
    assert result.exit_code == 0
    assert "safely in the ledger" in result.stderr and "plugin 'broken_days'" in result.stderr
    assert "calendar server down" in result.stderr
    assert len(Ledger.read(ijm.ledger, 8).entries()) == 1


def test_a_plugins_engage_error_in_after_log_refuses_the_entry_and_another_fault_does_not(
    ijm: Seed, tmp_path: Path
) -> None:
    """What the hookspec promises: EngageError (a bad setting) stops log with nothing written; any
    other exception is the plugin's fault, named once the entry is written."""
    refusing = write_plugin(
        tmp_path / "refusing",
        "strict",
        """
        from engage import hookimpl
        from engage.errors import EngageError

        @hookimpl
        def engage_after_log(engagement, entry, ledger):
            raise EngageError("strict.limit: must be a number of days such as 3")
        """,
    )
    refused = log_with(ijm, refusing)
    assert refused.exit_code == 2 and "strict.limit" in refused.stderr
    assert not ijm.ledger.exists()
    failing = write_plugin(
        tmp_path / "failing",
        "buggy",
        """
        from engage import hookimpl
        @hookimpl
        def engage_after_log(engagement, entry, ledger):
            return [entry.nothing]
        """,
    )
    written = log_with(ijm, failing)
    assert written.exit_code == 0 and "safely in the ledger" in written.stderr and "buggy" in written.stderr
    assert len(Ledger.read(ijm.ledger, 8).entries()) == 1


def test_damaged_line_does_not_make_a_written_log_fail(ijm: Seed) -> None:
    ijm.ledger.write_bytes(
        b'{"id": "x", "kind": "entry", "recorded_at": "r", "date": "2021-11-16", "phase": "prep", "days": "1e999999"}\n'
    )
    result = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    assert result.exit_code == 0, result.stderr
    assert "Preparation: 1.0 of 7 days used" in result.stdout
    assert f"{ijm.ledger.name}:1: damaged line not counted" in result.stderr


def test_plugin_blamed_is_the_one_whose_code_raised(ijm: Seed, tmp_path: Path) -> None:
    folder = write_plugin(
        tmp_path / "p",
        "loose_check",
        """
        from engage import hookimpl
        @hookimpl
        def engage_budget_checks(engagement, ledger, today):
            raise KeyError("no such thing")
        """,
    )
    result = invoke("-s", str(ijm.path), "--plugins-dir", str(folder), "budget")
    assert result.exit_code == 2
    assert "plugin 'loose_check' failed in engage_budget_checks()" in result.stderr
    assert "'budget'" not in result.stderr


def test_a_reader_that_leaves_after_an_import_is_no_failure(tmp_path: Path) -> None:
    """``engage import ... | head -1``: the pipe closes before the second line; the rows are in,
    and nothing says 'afterwards engage failed: BrokenPipeError' (at 1b1abcf it did)."""
    import shutil
    import subprocess
    import sys

    from helpers import IJM
    from helpers.processes import MAIN, engage_env

    shutil.copy(IJM, tmp_path / "engage.toml")
    sheet = tmp_path / "t.csv"
    sheet.write_text("date,phase,hours,note\n2021-11-22,prep,1,x\n2021-11-23,prep,1,y\n")
    child = subprocess.Popen(
        [sys.executable, "-c", MAIN, "-s", "engage.toml", "import", "t.csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=engage_env(),
        cwd=tmp_path,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before engage says anything
    _, stderr = child.communicate(timeout=60)
    assert stderr == "" and child.returncode == 0, stderr
    assert (tmp_path / "engage.ledger.jsonl").read_text().count('"kind": "entry"') == 2
