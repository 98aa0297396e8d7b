"""Watson frames and Timewarrior intervals: split at the engagement's midnight, running frames named, overflows refused."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

NAIROBI = dt.timezone(dt.timedelta(hours=3))  # the IJM seed's zone (Africa/Nairobi, no DST)


def entries(seed: Seed) -> list[dict[str, str]]:
    result = seed.run("entries", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def per_day(seed: Seed) -> dict[str, Fraction]:
    """Hours per date as engage counts them (days times the seed's 8 hours)."""
    totals: dict[str, Fraction] = {}
    for entry in entries(seed):
        hours = Fraction(entry["days"]).limit_denominator(10**6) * 8
        totals[entry["date"]] = totals.get(entry["date"], Fraction(0)) + hours
    return totals


def import_file(seed: Seed, fmt: str, path: Path, *maps: str) -> str:
    args = ["import", "--from", fmt, str(path)]
    for text in maps:
        args += ["--map", text]
    result = seed.run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout + result.stderr


# --- intervals across midnight ------------------------------------------------------------------------


def test_timewarrior_interval_across_midnight_is_split_at_the_engagements_midnight(
    ijm: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "timew.json"
    # 20:00-23:30 UTC on the 16th is 23:00-02:30 in Nairobi: 1h on the 16th, 2h30m on the 17th.
    path.write_text(
        json.dumps([{"id": 1, "start": "20211116T200000Z", "end": "20211116T233000Z", "tags": ["prep"]}])
    )
    out = import_file(ijm, "timewarrior", path)
    assert "That is 3.50 hours" in out
    assert per_day(ijm) == {"2021-11-16": Fraction(1), "2021-11-17": Fraction(5, 2)}
    assert "Nothing new" in ijm.run("import", "--from", "timewarrior", str(path)).stdout


def test_watson_frame_across_midnight_is_split_at_the_engagements_midnight(ijm: Seed, tmp_path: Path) -> None:
    start = dt.datetime(2021, 11, 16, 22, 0, tzinfo=NAIROBI)
    frames = [[int(start.timestamp()), int(start.timestamp()) + 4 * 3600, "prep", "a" * 32, [], 0]]
    path = tmp_path / "frames"
    path.write_text(json.dumps(frames))
    import_file(ijm, "watson", path)
    assert per_day(ijm) == {"2021-11-16": Fraction(2), "2021-11-17": Fraction(2)}
    assert "Nothing new" in ijm.run("import", "--from", "watson", str(path)).stdout


def test_watsons_running_frame_is_named_in_a_warning(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    start = dt.datetime(2021, 11, 16, 9, 0, tzinfo=NAIROBI)
    (folder / "frames").write_text(
        json.dumps([[int(start.timestamp()), int(start.timestamp()) + 3600, "prep", "b" * 32, [], 0]])
    )
    (folder / "state").write_text(
        json.dumps({"project": "prep", "start": int(start.timestamp()) + 7200, "tags": ["desk"]})
    )
    for given in (folder, folder / "frames"):
        result = ijm.run("import", "--from", "watson", str(given))
        assert result.exit_code == 0, result.stderr
        warning = [line for line in result.stderr.splitlines() if "running" in line]
        assert len(warning) == 1, result.stderr
        assert "'prep'" in warning[0] and "2021-11-16 11:00" in warning[0] and "watson stop" in warning[0]
    assert per_day(ijm) == {"2021-11-16": Fraction(1)}


# --- overflows ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("watson", '[[Infinity, Infinity, "prep", "x", [], 0]]'),
        ("watson", '[[1e20, 1e20, "prep", "x", [], 0]]'),
        ("watson", '[[-1e20, 0, "prep", "x", [], 0]]'),
        ("watson", '[[NaN, 0, "prep", "x", [], 0]]'),
        ("timewarrior", '[{"start": "99991231T230000Z", "end": "99991231T233000Z", "tags": ["prep"]}]'),
        ("watson", "[" * 100_000),
        ("timewarrior", "[" * 100_000 + "]" * 100_000),
    ],
)
def test_reader_overflows_are_one_line_input_errors(ijm: Seed, tmp_path: Path, fmt: str, text: str) -> None:
    path = tmp_path / "input.json"
    path.write_text(text)
    one_line_error(ijm.run("import", "--from", fmt, str(path)), "input.json")
    assert not ijm.ledger.exists()
