"""The installed ``engage`` run as CPython on Windows would run it (``helpers/winsim``), output to a file."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from helpers.processes import ENGAGE, engage_env

WINSIM = Path(__file__).with_name("winsim")


@dataclass
class Outcome:
    """What a command left: its status, standard output and error as the bytes written to files."""

    code: int
    out: bytes
    err: bytes

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")

    @property
    def error(self) -> str:
        return self.err.decode("utf-8")


def windows_env(*, streams: bool = True, fs: bool = True, open_: bool = True, **extra: str) -> dict[str, str]:
    """The environment of a child run under the Windows-behaviour layer, each behaviour chosen."""
    env = engage_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(WINSIM), env.get("PYTHONPATH", "")]))
    for name, on in (("WINSIM_STREAMS", streams), ("WINSIM_FS", fs), ("WINSIM_OPEN", open_)):
        if on:
            env[name] = "1"
        else:
            env.pop(name, None)
    return {**env, **extra}


def c_locale_env(**extra: str) -> dict[str, str]:
    """The environment of a child under the C locale with Python's UTF-8 mode and locale coercion off:
    Python then gives standard streams that are not a terminal ASCII (as Windows gives them cp1252)."""
    env = {k: v for k, v in engage_env().items() if not k.startswith(("LC_", "PYTHONIOENCODING"))}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    return {**env, **extra}


def engage_as_on_windows(
    folder: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, **extra: str
) -> Outcome:
    """``engage ARGS`` in ``folder`` under every Windows behaviour, stdout and stderr redirected to files."""
    return engage_redirected(folder, *args, stdin=stdin, env=env or windows_env(**extra))


def engage_redirected(
    folder: Path, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> Outcome:
    """``engage ARGS`` in ``folder`` with ``env`` (default: no Windows layer), stdout and stderr to files."""
    out, err = folder / ".stdout", folder / ".stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        done = subprocess.run(
            [ENGAGE, *args],
            input=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=folder,
            env=env or engage_env(),
            check=False,
        )
    return Outcome(done.returncode, out.read_bytes(), err.read_bytes())
