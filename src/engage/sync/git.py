"""git, run for ``engage sync``: each call a child process, its failure one line naming what git said."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engage.errors import EngageError

# never ask on a terminal (a password prompt would hang a sync run from a script) nor open an editor
QUIET = {"GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no", "LC_ALL": "C"}


@dataclass
class Done:
    """A finished git command: its status and what it printed."""

    code: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def said(self) -> str:
        """What git said, in one line: its last non-empty line of error, else of output."""
        lines = [line.strip() for line in (self.err or self.out).splitlines() if line.strip()]
        return lines[-1] if lines else f"git exited with status {self.code}"


class Git:
    """git in one work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def program() -> str:
        found = shutil.which("git")
        if found is None:
            raise EngageError("engage sync needs git, which is not installed; install it (git-scm.com)")
        return found

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> Done:
        """``git ARGS`` in the work tree; EngageError with git's own words when it fails and ``check``."""
        try:
            done = subprocess.run(
                [self.program(), *args],
                cwd=self.root,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                env={**os.environ, **QUIET},
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            late = f"git {args[0]} took over {timeout:.0f}s; check the network and try again"
            raise EngageError(late) from None
        result = Done(done.returncode, done.stdout, done.stderr)
        if check and not result.ok:
            raise EngageError(f"git {args[0]} failed: {result.said()}")
        return result

    def value(self, *args: str) -> str:
        """What ``git ARGS`` prints, stripped; "" when it fails (an unset config, no such ref)."""
        done = self.run(*args, check=False)
        return done.out.strip() if done.ok else ""

    @property
    def git_dir(self) -> Path:
        return (self.root / self.value("rev-parse", "--git-dir")).resolve()


def repository_of(folder: Path) -> Path | None:
    """The work tree holding ``folder``, or None when it is in none."""
    done = Git(folder).run("rev-parse", "--show-toplevel", check=False)
    return Path(done.out.strip()) if done.ok and done.out.strip() else None
