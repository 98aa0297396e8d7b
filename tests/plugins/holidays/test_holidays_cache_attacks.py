"""Attacks on the holidays cache, each through ``engage show`` in a process of its own.

A fake holiday put into the cache moved a phase window; ``[[1,2]]`` in it made ``show`` exit 2
until the file was deleted. The kept year is now sealed under what it was computed from and
checked to be a year's holidays: each attack gives the window the library gives.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest

from helpers import IJM
from helpers.processes import engage_in

WINDOW = ["2021-12-03", "2021-12-14"]  # seven days from Fri 3 Dec; Jamhuri Day observed on Mon 13 Dec


def engagement(folder: Path) -> Path:
    """The IJM seed with a seven-day finalisation, in ``folder``; its holidays kept in folder/cache."""
    text = IJM.read_text(encoding="utf-8").replace("days = 5\n", "days = 7\n", 1)
    (folder / "engage.toml").write_text(text, encoding="utf-8")
    assert final_window(folder) == WINDOW  # computed, and kept
    return kept_year(folder, 2021)


def final_window(folder: Path) -> list[str]:
    done = engage_in(folder, "show", "--format", "json")
    assert done.returncode == 0, done.stderr
    (final,) = [p for p in json.loads(done.stdout)["phases"] if p["key"] == "final"]
    return [final["start"], final["end"]]


def kept_year(folder: Path, year: int) -> Path:
    (path,) = (folder / "cache").glob(f"holidays-*-KE-all-{year}.json")
    return path


def sealed(path: Path, payload: bytes, year: int) -> bytes:
    """``payload`` sealed as engage seals the year (what someone who can write the folder could do)."""
    version = path.name.split("-")[1]
    key = "\0".join(["holidays", version, "KE", "", str(year)]).encode()
    return payload + zlib.crc32(payload, zlib.crc32(key)).to_bytes(4, "little")


def held(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        return json.loads(data)  # as engage kept it before the seal
    except ValueError:
        return json.loads(data[:-4])


def edited(path: Path, days: object) -> None:
    """The kept year's JSON replaced, its trailer (if any) kept: a hand edit, a bad sync, a tamperer."""
    data = path.read_bytes()
    text = json.dumps(days).encode()
    try:
        json.loads(data)
        path.write_bytes(text)
    except ValueError:
        path.write_bytes(text + data[-4:])


def test_a_fake_holiday_put_into_the_cache_moves_no_window(tmp_path: Path) -> None:
    path = engagement(tmp_path)
    truth = held(path)
    edited(path, sorted([*truth, ["2021-12-06", "Fake Day"]]))
    assert final_window(tmp_path) == WINDOW  # was 2021-12-15
    assert held(path) == truth  # computed again, and kept


@pytest.mark.parametrize("seal", [False, True])
def test_a_cache_of_the_wrong_shape_is_computed_again(tmp_path: Path, seal: bool) -> None:
    path = engagement(tmp_path)
    truth = held(path)
    if seal:  # well sealed, wrong in shape
        path.write_bytes(sealed(path, b"[[1,2]]", 2021))
    else:
        edited(path, [[1, 2]])
    assert final_window(tmp_path) == WINDOW  # was exit 2 until the file was deleted
    assert held(path) == truth


@pytest.mark.parametrize(
    "days",
    [
        [["2021-13-01", "No such month"]],
        [["2021-12-06", ""]],
        [["2035-12-06", "Another decade"]],
        [["2021-12-25", "Christmas"], ["2021-12-06", "Out of order"]],
        [["2021-12-06", "Fake", "third"]],
        {"2021-12-06": "Fake"},
    ],
    ids=["no such date", "no name", "another decade", "out of order", "three fields", "a dict"],
)
def test_a_sealed_cache_that_is_no_years_holidays_is_computed_again(tmp_path: Path, days: object) -> None:
    path = engagement(tmp_path)
    truth = held(path)
    path.write_bytes(sealed(path, json.dumps(days).encode(), 2021))
    assert final_window(tmp_path) == WINDOW
    assert held(path) == truth


def test_another_years_holidays_copied_in_are_not_believed(tmp_path: Path) -> None:
    path = engagement(tmp_path)
    truth = held(path)
    schedule = tmp_path / "engage.toml"
    text = schedule.read_text(encoding="utf-8")
    schedule.write_text(text.replace("2021-", "2022-"), encoding="utf-8")  # the same plan a year on
    assert engage_in(tmp_path, "show").returncode == 0
    shutil.copy(kept_year(tmp_path, 2022), path)  # 2022's holidays under 2021's name
    schedule.write_text(text, encoding="utf-8")
    assert final_window(tmp_path) == WINDOW
    assert held(path) == truth


def test_a_fake_holiday_in_a_cache_folder_others_can_write_is_not_read(tmp_path: Path) -> None:
    path = engagement(tmp_path)
    truth = held(path)
    path.write_bytes(sealed(path, json.dumps(sorted([*truth, ["2021-12-06", "Fake Day"]])).encode(), 2021))
    (tmp_path / "cache").chmod(0o777)
    done = engage_in(tmp_path, "show", "--format", "json")
    (final,) = [p for p in json.loads(done.stdout)["phases"] if p["key"] == "final"]
    assert [final["start"], final["end"]] == WINDOW
    assert done.stderr.count("caches not used") == 1 and "writable by every user" in done.stderr
