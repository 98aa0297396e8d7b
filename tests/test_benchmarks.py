"""The benchmarks run in a reduced size, so that they cannot rot (figures are read by people)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_peer_benchmark_runs_and_compares() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "peers.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for line in (
        "beside 10 records",
        "beside 2,000 records",
        "status / timew summary",
        "status / watson report",
    ):
        assert line in out
    assert "2,000 CSV rows, atomic" in out and "peak memory" in out
    assert out.count("ratio") + out.count("not installed here") == 4  # every peer compared, or said absent
