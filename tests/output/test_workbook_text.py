"""A workbook holds any text a consultant typed: control characters a workbook cannot hold are shown
escaped, never a crash that loses the report."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from helpers import Seed

PASTED = "from Word\x0bsecond line\x1b[31m"  # a vertical tab, and an escape sequence


def test_a_note_with_control_characters_reaches_every_workbook(ijm: Seed, tmp_path: Path) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-n", PASTED).exit_code == 0
    for args, shows_notes in (
        (("status", "--week", "2021-W46"), True),
        (("entries",), True),
        (("report", "--as-of", "2021-12-10"), False),  # totals only: its notes are the statuses'
    ):
        out = tmp_path / f"{args[0]}.xlsx"
        done = ijm.run(*args, "-o", str(out))
        assert done.exit_code == 0, (args, done.output)
        texts = [c for sheet in load_workbook(out) for row in sheet.iter_rows(values_only=True) for c in row]
        escaped = [c for c in texts if isinstance(c, str) and "from Word\\x0bsecond line\\x1b[31m" in c]
        assert bool(escaped) == shows_notes, args
