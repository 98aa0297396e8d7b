"""Long work shows a progress bar on a terminal (stderr), and nothing on pipes."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import IJM


def _portfolio(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    text = IJM.read_text(encoding="utf-8")
    for n in range(count):
        (folder / f"e{n:02d}.toml").write_text(text.replace('id = "ijm-kenya-pap-2021"', f'id = "e{n:02d}"'))
    return folder


def _stderr_on_a_terminal(args: list[str], out_file: Path) -> tuple[str, bytes]:
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    with out_file.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace"), out_file.read_bytes()


def test_a_portfolio_over_20_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    engage = shutil.which("engage")
    if engage is None:
        pytest.skip("the installed engage command is not on PATH")
    folder = _portfolio(tmp_path, 21)
    if 'id = "ijm-kenya-pap-2021"' not in IJM.read_text(encoding="utf-8"):
        pytest.fail("the seed's id line changed; update this test")
    args = [engage, "status", "--week", "2021-W47", "--format", "json", str(folder)]
    shown, out = _stderr_on_a_terminal(args, tmp_path / "out.json")
    assert "Reading engagements" in shown and "21/21" in shown
    assert out.startswith(b"[")  # the report itself is untouched on stdout
    piped = subprocess.run(args, capture_output=True, timeout=120)
    assert piped.returncode == 0 and b"Reading engagements" not in piped.stderr


def test_twenty_or_fewer_show_nothing(tmp_path: Path) -> None:
    engage = shutil.which("engage")
    if engage is None:
        pytest.skip("the installed engage command is not on PATH")
    folder = _portfolio(tmp_path, 3)
    args = [engage, "status", "--week", "2021-W47", "--format", "json", str(folder)]
    shown, _ = _stderr_on_a_terminal(args, tmp_path / "out.json")
    assert "Reading engagements" not in shown


def test_an_import_over_2000_rows_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    engage = shutil.which("engage")
    if engage is None:
        pytest.skip("the installed engage command is not on PATH")
    schedule = tmp_path / "ijm.toml"
    schedule.write_text(IJM.read_text(encoding="utf-8"), encoding="utf-8")
    sheet = tmp_path / "big.csv"
    rows = [f"2021-11-{16 + n % 5},prep,30m,Test Consultant,row {n}" for n in range(2001)]
    sheet.write_text("date,phase,hours,consultant,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    shown, out = _stderr_on_a_terminal(
        [engage, "-s", str(schedule), "import", str(sheet)], tmp_path / "out.txt"
    )
    assert "Checking big.csv" in shown and "2001/2001" in shown
    assert out.startswith(b"Imported 2001 entries")
