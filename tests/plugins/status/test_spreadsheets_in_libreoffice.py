"""The seed portfolio's workbook and CSV open in a real spreadsheet program: LibreOffice, headless."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import SEEDS, copy_seed, invoke

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)"
)
def test_libreoffice_converts_the_portfolio_workbook_and_csv(tmp_path: Path) -> None:
    folder = tmp_path / "portfolio"
    folder.mkdir()
    for name in SEEDS:
        seed = copy_seed(name, folder)
        assert (
            seed.run("log", "4h", "-p", "prep" if name == "ijm" else "desk", "-d", "2021-11-22").exit_code
            == 0
        )
    workbook, table = tmp_path / "book.xlsx", tmp_path / "table.csv"
    for fmt, target in (("xlsx", workbook), ("csv", table)):
        result = invoke("status", "--week", "2021-W47", "--format", fmt, "-o", str(target), str(folder))
        assert result.exit_code == 0, result.stderr
    out = tmp_path / "pdf"
    assert SOFFICE is not None
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         # the CSV as a user opens it: comma-separated UTF-8 (76), quotes as text delimiters
        "--infilter=CSV:44,34,76,1", "--convert-to", "pdf", "--outdir", str(out), str(workbook), str(table)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdfs = {p.stem: p for p in out.glob("*.pdf")}
    assert sorted(pdfs) == ["book", "table"], (done.stdout, done.stderr)
    for pdf in pdfs.values():
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # the figures made it onto the pages
        book = subprocess.run([pdftotext, str(pdfs["book"]), "-"], capture_output=True, text=True).stdout
        assert "Facilitation and Consolidation" in book and "ijm-kenya-pap-2021" in book
        flat = subprocess.run([pdftotext, str(pdfs["table"]), "-"], capture_output=True, text=True).stdout
        assert "engagement_id" in flat and "Kenya" in flat and "Ã" not in flat and "ï»¿" not in flat
