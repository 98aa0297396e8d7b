"""The one benchmark command runs in a reduced size, so that it cannot rot (figures are read by people)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

TARGETS = [
    "log beside 10 records <= 1x watson add",
    "log beside 2,000 <= 1.2x log beside 10",
    "weekly status <= 1x timew summary",
    "weekly status <= 0.1x watson report",
    "weekly status peak memory < 150 MiB",
    "import of 2,000 CSV rows < 2 s",
]


def test_run_compares_with_the_peers_and_says_each_target() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-install"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert re.search(r"machine: .+, \d+ CPUs, ", out) and re.search(r"Python 3\.\d+\.\d+, 20\d\d-", out)
    rows = {
        "log, beside 10 records": "watson",
        "log, beside 2,000": "watson",
        "weekly status / timew summary": "timew",
        "weekly status / watson report": "watson",
    }
    bin_folder = Path(sys.executable).parent
    for label, peer in rows.items():
        line = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert re.search(r"\d+ ms", line), line  # engage's own time is always there
        if shutil.which(peer, path=str(bin_folder)) or shutil.which(peer):
            assert re.search(r"\d+ ms +\d+\.\d\dx$", line), line  # the peer measured, and the ratio
        else:
            assert "not installed here" in line, line  # a missing peer is said, not hidden
    assert re.search(r"weekly status, peak memory +\d+ MiB", out)
    assert re.search(r"import 2,000 CSV rows, atomic +\d+ ms", out)
    for heading in ("engage log (median", "portfolio folder", "calendar, ", "ledger, 20,000 entries"):
        assert heading in out
    targets = out.split("\ntargets (", 1)[1].splitlines()[1:]
    for target, line in zip(TARGETS, targets, strict=False):
        assert line.strip().startswith(target), (target, line)
        assert line.rstrip().endswith(("PASS", "MISS", "-")), line
    assert re.search(r"\d of \d measured targets met", out)
    figures = [line for line in out.splitlines() if re.search(r"\d (ms|s|MiB)\b|\dx$", line)]
    assert figures and max(map(len, figures)) <= 80, max(figures, key=len)  # an 80-column terminal
