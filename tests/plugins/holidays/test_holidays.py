"""Public holidays from the `holidays` library move planned phase windows on both seeds; their cache path
comes from validated codes only."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Seed, invoke, one_line_error


def windows(seed: Seed, env: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    result = invoke("-s", str(seed.path), "show", "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return {p["key"]: (p["start"], p["end"]) for p in json.loads(result.stdout)["phases"]}


def test_ijm_finalisation_skips_jamhuri_day_observed_on_monday(ijm: Seed) -> None:
    # Seven finalisation days from Fri 3 Dec 2021: Jamhuri Day fell on Sunday 12 Dec and was
    # observed on Monday 13 Dec, so the window runs to Tuesday 14 Dec, not Monday 13 Dec.
    ijm.rewrite("days = 5\n", "days = 7\n")
    assert windows(ijm)["final"] == ("2021-12-03", "2021-12-14")
    ijm.rewrite('holidays = "KE"', "# no holidays")
    assert windows(ijm)["final"] == ("2021-12-03", "2021-12-13")


def test_defenders_planned_around_utamaduni_and_mashujaa_days(defenders: Seed) -> None:
    defenders.rewrite("start = 2023-09-04", "start = 2023-10-09")
    planned = windows(defenders)
    assert planned["desk"] == ("2023-10-09", "2023-10-13")  # Tue 10 Oct, Utamaduni Day, skipped
    assert planned["framework"] == ("2023-10-16", "2023-10-19")
    assert planned["legal"] == ("2023-10-23", "2023-10-25")  # Fri 20 Oct, Mashujaa Day, skipped
    # The holiday plugin switched off: the same schedule plans straight through.
    assert windows(defenders, env={"ENGAGE_BLOCK_PLUGINS": "holidays"})["desk"] == (
        "2023-10-09",
        "2023-10-12",
    )


def test_unknown_country_is_a_clear_error(ijm: Seed) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "XX"')
    one_line_error(ijm.run("show"), "holidays = 'XX'", "ISO 3166")


def test_unknown_subdivision_is_a_clear_error(ijm: Seed) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "KE"\nholidays_subdivision = "Atlantis"')
    one_line_error(ijm.run("show"), "holidays_subdivision = 'Atlantis'")


def test_holidays_are_cached_per_library_version_and_recomputed_when_damaged(ijm: Seed, tmp_path) -> None:
    import holidays as library

    assert ijm.run("show").exit_code == 0
    cached = tmp_path / "cache" / f"holidays-{library.__version__}-KE-all-2021.json"
    expected = [[d.isoformat(), n] for d, n in sorted(library.country_holidays("KE", years=2021).items())]
    assert json.loads(cached.read_bytes()[:-4]) == expected  # and its seal after it
    cached.write_text("{ damaged")
    ijm.rewrite("days = 5\n", "days = 7\n")
    assert windows(ijm)["final"] == ("2021-12-03", "2021-12-14")
    assert json.loads(cached.read_bytes()[:-4]) == expected


def test_log_imports_no_heavy_library_once_holidays_are_cached(ijm: Seed) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from engage.cli import cli\n"
        f"cli.main(['-s', {str(ijm.path)!r}, 'log', '1', '-p', 'prep', '-d', '2021-11-16'], standalone_mode=False)\n"
        "print(sorted(m for m in ('holidays', 'icalendar', 'tabulate', 'openpyxl', 'pendulum', 'caldav', 'babel') if m in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.strip().splitlines()[-1] == "['holidays']"  # the first time, the cache is filled
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert again.stdout.strip().splitlines()[-1] == "[]"


def test_holiday_subdivision_cannot_steer_the_cache_path(ijm: Seed, tmp_path: Path) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "KE"\nholidays_subdivision = "../../../escaped"')
    result = ijm.run("log", "1", "-p", "prep")
    one_line_error(result, "holidays_subdivision", "not a subdivision code")
    assert not list(tmp_path.rglob("*escaped*")) and not ijm.ledger.exists()
