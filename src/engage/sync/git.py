"""git, run for ``engage sync``: each call a child process, its failure one line naming what git said."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engage.errors import EngageError
from engage.language import _

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
        """What git said, in one line: its messages joined, git's "hint:" lines left out."""
        lines = [line.strip() for line in (self.err or self.out).splitlines() if line.strip()]
        kept = [line for line in lines if not line.startswith("hint:")]
        return " ".join(kept)[:400] if kept else _("git exited with status {code}").format(code=self.code)


class Git:
    """git in one work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def program() -> str:
        found = shutil.which("git")
        if found is None:
            raise EngageError(_("engage sync needs git, which is not installed; install it (git-scm.com)"))
        return found

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> Done:
        """``git ARGS`` in the work tree; EngageError with git's own words when it fails and ``check``.

        A git that does not answer within ``timeout`` (a network that hangs) is stopped with what it
        started (ssh), and counts as failed: "no answer in 60s"."""
        child = subprocess.Popen(
            [self.program(), *args],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **QUIET},
            start_new_session=os.name != "nt",
        )
        try:
            out, err = child.communicate(timeout=timeout)
            result = Done(child.returncode, _text(out), _text(err))
        except subprocess.TimeoutExpired:
            _stop(child)
            result = Done(124, "", _("no answer in {seconds}s").format(seconds=f"{timeout:.0f}"))
        if check and not result.ok:
            raise EngageError(_("git {command} failed: {said}").format(command=args[0], said=result.said()))

        return result

    def value(self, *args: str) -> str:
        """What ``git ARGS`` prints, stripped; "" when it fails (an unset config, no such ref)."""
        done = self.run(*args, check=False)
        return done.out.strip() if done.ok else ""

    @property
    def git_dir(self) -> Path:
        return (self.root / self.value("rev-parse", "--git-dir")).resolve()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End a git that hangs, and the ssh it started, then collect it."""
    if os.name != "nt":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    child.kill()
    child.communicate()


def repository_of(folder: Path) -> Path | None:
    """The work tree holding ``folder``, or None when it is in none."""
    done = Git(folder).run("rev-parse", "--show-toplevel", check=False)
    return Path(done.out.strip()) if done.ok and done.out.strip() else None
