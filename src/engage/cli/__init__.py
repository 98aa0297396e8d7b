"""The ``engage`` command line: its entry point, the one place that chooses between quick and click.

The click group lives in :mod:`engage.cli.app`; ``engage log`` in its plain
form runs without it (:mod:`engage.cli.quick`), so this module imports no click.
The error boundary is :mod:`engage.cli.boundary`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from engage.cli.boundary import TRACEBACK_VAR, guard_streams, run_guarded

if TYPE_CHECKING:
    from engage.cli.app import CORE_COMMANDS, EngageGroup, accept_global_options, cli

__all__ = [
    "CORE_COMMANDS",
    "TRACEBACK_VAR",
    "EngageGroup",
    "accept_global_options",
    "cli",
    "main",
    "run_guarded",
]
_IN_APP = {"cli", "EngageGroup", "CORE_COMMANDS", "accept_global_options"}


def __getattr__(name: str) -> Any:
    """The click group and its helpers, imported from :mod:`engage.cli.app` on first use."""
    if name not in _IN_APP:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from engage.cli import app

    return getattr(app, name)


def main() -> None:
    """Console-script entry point."""
    guard_streams()
    from engage.cli.quick import run_quick

    code = run_quick(sys.argv[1:], group=_group)
    if code is not None:
        sys.exit(code)
    _group().main(prog_name="engage", quick=False)


def _group() -> Any:
    """The click group, imported only when a command needs click."""
    from engage.cli.app import cli

    return cli
