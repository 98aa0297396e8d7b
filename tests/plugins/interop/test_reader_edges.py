"""The readers' edges: what a line or a frame says read as its own tracker reads it, errors that say what
is missing once, and the TaskJuggler export keeping people apart and bookings end to end."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

WATSON_MAP = ("--map", "prep=prep")


@pytest.mark.parametrize("line", ["prep\t1", "ijm:prep\t2h", "prep \t\tx 1"])
def test_timedot_a_single_tab_before_an_amount_is_refused_as_hledger_reads_no_time(
    ijm: Seed, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "x.timedot"
    path.write_text(f"2021-11-16\n{line}\n")
    if line.startswith("prep \t\t"):  # two white-space characters end the account: 'x 1' is no amount
        one_line_error(ijm.run("import", "--from", "timedot", str(path)), f"{path}:2", "'x 1'")
    else:
        one_line_error(ijm.run("import", "--from", "timedot", str(path)), f"{path}:2", "two spaces")
    assert not ijm.ledger.exists()


@pytest.mark.parametrize("line", ["prep\t\t1", "prep \t1", "prep\t 1", "prep  1"])
def test_timedot_two_white_space_characters_end_the_account(ijm: Seed, tmp_path: Path, line: str) -> None:
    path = tmp_path / "x.timedot"
    path.write_text(f"2021-11-16\n{line}\n")
    done = ijm.run("import", "--from", "timedot", str(path))
    assert done.exit_code == 0, done.stderr
    assert "That is 1.00 hours" in done.stdout


def _bookings(text: str) -> dict[str, list[tuple[int, int]]]:
    """(start, end) in minutes of the day of each resource's bookings."""
    found: dict[str, list[tuple[int, int]]] = {}
    resource = ""
    for line in text.splitlines():
        if line.startswith("supplement resource "):
            resource = line.split()[2]
            assert resource not in found, f"{resource} twice"
            found[resource] = []
        booked = re.search(r"booking \S+ \d{4}-\d\d-\d\d-(\d\d):(\d\d) \+(\d+)(h|min)", line)
        if booked:
            start = int(booked[1]) * 60 + int(booked[2])
            length = int(booked[3]) * (60 if booked[4] == "h" else 1)
            found[resource].append((start, start + length))
    return found


def test_taskjuggler_gives_each_consultant_a_resource_of_their_own(ijm: Seed) -> None:
    for person in ("Ann B", "Ann-B", "ann b"):
        assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-c", person).exit_code == 0
    text = ijm.run("entries", "--format", "taskjuggler").stdout
    assert _bookings(text) == {"ann_b": [(540, 1020)], "ann_b_2": [(540, 1020)], "ann_b_3": [(540, 1020)]}
    assert "# Ann B\nsupplement resource ann_b {" in text and "# Ann-B\nsupplement resource ann_b_2 {" in text


def test_taskjuggler_bookings_meet_end_to_end_and_add_up_to_the_minute(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"  # 3601 s, 91 s and 1000 s: 78m12s in all
    path.write_text(
        '[[1637049600, 1637053201, "prep", "a1", [], 0], [1637053201, 1637053292, "prep", "a2", [], 0],'
        ' [1637053292, 1637054292, "prep", "a3", [], 0]]'
    )
    assert ijm.run("import", "--from", "watson", str(path), *WATSON_MAP).exit_code == 0
    (booked,) = _bookings(ijm.run("entries", "--format", "taskjuggler").stdout).values()
    assert booked == [(540, 600), (600, 602), (602, 618)]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(booked))
    assert booked[-1][1] - booked[0][0] == 78
