"""The money memo: it gives babel's text, spares a second report from importing babel, and never fails
a command (a damaged memo is asked again; a cache folder that is a file prints no traceback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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
    assert third.stdout == first.stdout and _load(memory)["said"]


def test_a_cache_folder_that_is_a_file_prints_no_traceback(tmp_path: Path) -> None:
    """Not an error (the cache only saves time): no traceback, as for ``log`` (plugin/test_startup_cache.py)."""
    shutil.copy(IJM, tmp_path / "engage.toml")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    done = engage_in(tmp_path, "fees", "--as-of", "2021-12-31", ENGAGE_CACHE_DIR=str(blocked))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr  # fails: money.py's atexit _save raises


# --- attacks on the memo: each answered with the right figures ------------------------------


def _load(memo_file: Path) -> dict:
    """The memo's JSON, its seal (engage.write_checked's last four bytes) left off."""
    return json.loads(memo_file.read_bytes()[:-4])


def _store(memo_file: Path, memo: dict, sealed: bool) -> None:
    """Put ``memo`` back: with the seal recomputed under the installed babel's key, as one who can
    write the cache folder could, or with the old seal (an edit that does not recompute it)."""
    from engage.cachedir import seal
    from engage_fees import money

    payload = json.dumps(memo).encode("utf-8")
    if sealed:
        tail = seal(payload, money._memory_key().encode("utf-8", "surrogateescape")).to_bytes(4, "little")
    else:
        tail = memo_file.read_bytes()[-4:]
    memo_file.write_bytes(payload + tail)


def _entries(memo: dict) -> dict:
    """The memo's entries, whichever way the file holds them."""
    return memo["said"] if isinstance(memo.get("said"), dict) else memo


def _set(key_part: str, value: str) -> Callable[[dict], None]:
    def attack(memo: dict) -> None:
        entries = _entries(memo)
        for key in [k for k in entries if key_part in k]:
            entries[key] = value

    return attack


def _other_babel(memo: dict) -> None:
    memo["format"] = "engage-money-memo/0"
    _entries(memo)["digits KES"] = "0"


def _swapped(memo: dict) -> None:
    entries = _entries(memo)
    texts = [k for k in entries if k.endswith(" KES en")]
    first, last = texts[0], texts[-1]
    entries[first], entries[last] = entries[last], entries[first]


MEMO_ATTACKS: dict[str, Callable[[dict], None]] = {
    "digits of KES set to 0": _set("digits KES", "0"),
    "digits of KES set to 7": _set("digits KES", "7"),
    "digits of KES not a number": _set("digits KES", "two"),
    "KES said unknown": _set("known KES", "no"),
    "an amount's text changed": _set("10.45 KES en", "KES99.99"),
    "two amounts' texts swapped": _swapped,
    "a memo of another babel": _other_babel,
}


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = engage_in(folder, *args)
    assert done.returncode == 0, done.stderr
    return done


# Edits no seal can tell from babel's own answers (another digit count in 0-4, a currency said
# unknown, a text) need one who can write the user's own cache folder; the rest are refused on
# reading even with the seal recomputed.
RESEALED = ["digits of KES set to 7", "digits of KES not a number", "a memo of another babel"]
CASES = [(name, False) for name in sorted(MEMO_ATTACKS)] + [(name, True) for name in RESEALED]


@pytest.mark.parametrize(("attack", "resealed"), CASES)
def test_an_altered_memo_is_rebuilt_never_believed(tmp_path: Path, attack: str, resealed: bool) -> None:
    shutil.copy(IJM, tmp_path / "engage.toml")
    _run(tmp_path, "expense", "10.45", "--category", "travel", "-d", "2021-11-17")
    _run(tmp_path, "expense", "1.5", "--category", "travel", "-d", "2021-11-18")
    _run(tmp_path, "fees", "--as-of", "2021-11-30")  # the memo now holds what the report asked babel
    memo_file = next((tmp_path / "cache").glob("money-*.json"))
    memo = _load(memo_file)
    assert "digits KES" in _entries(memo)
    MEMO_ATTACKS[attack](memo)
    _store(memo_file, memo, sealed=resealed)

    report = _run(tmp_path, "fees", "--as-of", "2021-11-30", "--format", "json")
    assert json.loads(report.stdout)["expenses"] == "11.95", attack
    plain = _run(tmp_path, "fees", "--as-of", "2021-11-30").stdout
    assert "KES11.95" in plain and "99.99" not in plain, (attack, plain)
    made = _run(tmp_path, "invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.md"))
    assert "KES11.95" in made.stdout, (attack, made.stdout)
    record = json.loads((tmp_path / "engage.ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["kind"] == "fees.invoice" and record["total"] == "11.95", (attack, record)
    document = (tmp_path / "inv.md").read_text(encoding="utf-8")
    assert "KES10.45" in document and "KES11.95" in document and "99.99" not in document, attack
    rebuilt = _entries(_load(memo_file))
    assert rebuilt.get("digits KES") == "2" and "KES99.99" not in rebuilt.values(), attack


def test_a_memo_whose_checksum_is_forged_cannot_change_what_is_recorded(tmp_path: Path) -> None:
    """One who can write the cache folder and recompute the checksum may change what a report shows
    (the cache folder's own checks are its defence), never what invoice and expense record."""
    from engage_fees import money

    shutil.copy(IJM, tmp_path / "engage.toml")
    _run(tmp_path, "expense", "10.45", "--category", "travel", "-d", "2021-11-17")
    _run(tmp_path, "fees", "--as-of", "2021-11-30")
    memo_file = next((tmp_path / "cache").glob("money-*.json"))
    memo = _load(memo_file)
    memo["said"]["digits KES"] = "0"
    memo["said"] = {k: v for k, v in memo["said"].items() if " KES en" not in k}
    assert money  # whose key the forged seal is made under
    _store(memo_file, memo, sealed=True)
    _run(tmp_path, "invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.md"))
    record = json.loads((tmp_path / "engage.ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["total"] == "10.45" and "KES10.45" in (tmp_path / "inv.md").read_text(encoding="utf-8")


def test_a_memo_in_a_folder_others_can_write_is_never_read(tmp_path: Path) -> None:
    shutil.copy(IJM, tmp_path / "engage.toml")
    _run(tmp_path, "expense", "10.45", "--category", "travel", "-d", "2021-11-17")
    _run(tmp_path, "fees", "--as-of", "2021-11-30")
    memo_file = next((tmp_path / "cache").glob("money-*.json"))
    memo = _load(memo_file)
    memo["said"] = {k: v for k, v in memo["said"].items() if " KES en" not in k} | {"digits KES": "0"}
    _store(memo_file, memo, sealed=True)  # a memo another user put there, sealed as engage seals it
    (tmp_path / "cache").chmod(0o777)
    done = engage_in(tmp_path, "fees", "--as-of", "2021-11-30")
    assert done.returncode == 0 and "KES10.45" in done.stdout, done.stdout
    assert "caches not used" in done.stderr and "writable by every user" in done.stderr
    assert _load(memo_file)["said"].get("digits KES") == "0"  # nor written over: it is not engage's
