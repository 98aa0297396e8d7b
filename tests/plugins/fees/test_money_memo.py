"""The money memo: it gives babel's text, spares a second report from importing babel, and never fails
a command (a damaged memo is asked again; a cache folder that is a file prints no traceback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import IJM, Seed
from helpers.processes import engage_in


def test_money_is_babels_and_a_second_report_does_not_load_babel(ijm: Seed) -> None:
    from babel.numbers import format_currency

    from engage_fees import money

    for amount, currency in [("1500", "KES"), ("-687903750.00", "KES"), ("0.5", "USD"), ("12", "UGX")]:
        money.money.cache_clear()
        assert money.money(__import__("decimal").Decimal(amount), currency, "en") == format_currency(
            __import__("decimal").Decimal(amount), currency, locale="en"
        )
    probe = (
        "import sys; from engage.cli import cli; "
        f"cli.main(['-s', {str(ijm.path)!r}, 'status', '--week', '2021-W47'], standalone_mode=False); "
        "print('babel loaded' if 'babel' in sys.modules else 'babel not loaded', file=sys.stderr)"
    )
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert "KES" in first.stdout and first.stdout == second.stdout
    assert "babel loaded" in first.stderr and "babel not loaded" in second.stderr
    memory = next(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("money-*.json"))
    memory.write_text("{not json", encoding="utf-8")  # a damaged memo is asked again, not believed
    third = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert third.stdout == first.stdout and json.loads(memory.read_text(encoding="utf-8"))


def test_a_cache_folder_that_is_a_file_prints_no_traceback(tmp_path: Path) -> None:
    """Not an error (the cache only saves time): no traceback, as for ``log`` (plugin/test_startup_cache.py)."""
    shutil.copy(IJM, tmp_path / "engage.toml")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    done = engage_in(tmp_path, "fees", "--as-of", "2021-12-31", ENGAGE_CACHE_DIR=str(blocked))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr  # fails: money.py's atexit _save raises
