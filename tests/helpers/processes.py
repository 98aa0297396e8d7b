"""The installed ``engage`` command in a child process, as a user or a script runs it, and input for it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENGAGE = str(Path(sys.executable).with_name("engage"))


def engage_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_") or k == "ENGAGE_CACHE_DIR"}
    return {**env, "ENGAGE_CONSULTANT": "Test Consultant"}


def timesheet(path: Path, rows: int, note_size: int = 40, day: str = "2021-11-16") -> Path:
    pad = "n" * note_size
    lines = ["date,phase,hours,consultant,note"]
    lines += [f"{day},prep,1,Test Consultant,{pad} row {n}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
