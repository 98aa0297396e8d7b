"""engage's merge driver for ledgers: every record once, nothing dropped, the same result on every machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engage.sync.merge import merge


def line(ident: str, note: str = "") -> bytes:
    return json.dumps({"id": ident, "kind": "entry", "note": note}).encode()


def lines(*items: bytes) -> bytes:
    return b"".join(item + b"\n" for item in items)


ids = st.lists(st.sampled_from([f"{n:012x}" for n in range(12)]), unique=True, max_size=8)


@given(ids, ids, ids)
def test_every_record_of_either_side_lands_once_and_both_sides_agree(
    base: list, mine: list, theirs: list
) -> None:
    ancestor = lines(*map(line, base))
    ours = ancestor + lines(*(line(i) for i in mine if i not in base))
    other = ancestor + lines(*(line(i) for i in theirs if i not in base))
    merged = merge(ancestor, ours, other)
    kept = [json.loads(x)["id"] for x in merged.splitlines()]
    assert len(kept) == len(set(kept))
    assert set(kept) == set(base) | set(mine) | set(theirs)
    assert set(merge(ancestor, other, ours).splitlines()) == set(merged.splitlines())  # either way round
    assert merge(ancestor, merged, merged) == merged  # merging again changes nothing


def test_ours_first_then_their_new_lines_in_their_order() -> None:
    a, b, c, d = (line(x) for x in ("a", "b", "c", "d"))
    assert merge(lines(a), lines(a, b), lines(a, d, c)) == lines(a, b, d, c)


def test_a_damaged_line_is_kept_once_and_a_line_fixed_by_hand_stays_fixed() -> None:
    damaged, fixed = b'{"id": "x", "kind": "entry", "note": ', line("x", "fixed")
    ancestor = lines(line("a"), damaged)
    assert merge(ancestor, ancestor + lines(line("b")), ancestor + lines(line("c"))).count(damaged) == 1
    repaired = lines(line("a"), fixed)  # one side fixed the line by hand, the other did not touch it
    merged = merge(ancestor, ancestor + lines(line("b")), repaired)
    assert damaged not in merged.splitlines() and merged.splitlines().count(fixed) == 1


def test_two_versions_of_one_id_keep_the_same_one_on_every_machine() -> None:
    first, second = line("x", "one way"), line("x", "another way")
    assert merge(b"", lines(first), lines(second)) == merge(b"", lines(second), lines(first)) == lines(second)


def test_crlf_and_a_missing_last_newline_do_not_double_a_record() -> None:
    ours = line("a") + b"\r\n" + line("b")
    assert merge(b"", ours, lines(line("a"), line("b"))) == lines(line("a"), line("b"))


def test_the_driver_writes_the_merge_over_ours_for_git(tmp_path: Path) -> None:
    ancestor, ours, theirs = (tmp_path / name for name in ("O", "A", "B"))
    ancestor.write_bytes(lines(line("a")))
    ours.write_bytes(lines(line("a"), line("b")))
    theirs.write_bytes(lines(line("a"), line("c")))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "engage.sync.driver",
            "engage-ledger",
            str(ancestor),
            str(ours),
            str(theirs),
            "x.ledger.jsonl",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert ours.read_bytes() == lines(line("a"), line("b"), line("c"))
