"""engage in a child process (the installed command, or this Python running its main) and input for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENGAGE = str(Path(sys.executable).with_name("engage"))
MAIN = "from engage.cli import main; main()"


def engage_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_") or k == "ENGAGE_CACHE_DIR"}
    return {**env, "ENGAGE_CONSULTANT": "Test Consultant"}


def timesheet(path: Path, rows: int, note_size: int = 40, day: str = "2021-11-16") -> Path:
    pad = "n" * note_size
    lines = ["date,phase,hours,consultant,note"]
    lines += [f"{day},prep,1,Test Consultant,{pad} row {n}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def engage_in(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``engage -s FOLDER/engage.toml ARGS...`` by this Python, in FOLDER, its cache in FOLDER/cache."""
    environ = {**os.environ, "ENGAGE_CACHE_DIR": str(folder / "cache"), **env}
    return subprocess.run(
        [sys.executable, "-c", MAIN, "-s", str(folder / "engage.toml"), *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=folder,
    )
