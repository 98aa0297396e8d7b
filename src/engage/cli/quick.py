"""``engage log`` in its plain form, run without click: the command a consultant types most often.

Importing click and building its parser is about a sixth of what ``engage log``
costs (``benchmarks/run.py``). The plain forms are read here: the global
options before ``log``; one DAYS; ``-p/--phase``, ``-d/--date``, ``-n/--note``,
``-c/--consultant``, ``--at`` and the trailing ``-s``, ``--ledger`` and
``--color/--no-color``, each at most once, as ``-p VALUE``, ``--phase VALUE``
or ``--phase=VALUE``. Anything else (help, ``--version``, an unknown or
repeated option, ``--``, a value that starts with ``-``, a missing argument,
shell completion, a plugin's own ``log``) is left to the click group, so every
message about a mistyped command line is click's. ``tests/test_quick_log.py``
checks that click reads every command line accepted here the same way.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

from engage.output import colour

COMMAND = "log"
BEFORE_VALUES = {
    "-s": "schedule",
    "--schedule": "schedule",
    "--ledger": "ledger",
    "--plugins-dir": "plugins_dir",
}
AFTER_VALUES = {
    "-p": "phase",
    "--phase": "phase",
    "-d": "day",
    "--date": "day",
    "-n": "note",
    "--note": "note",
    "-c": "consultant",
    "--consultant": "consultant",
    "--at": "at",
    "-s": "schedule",  # the global options, also after the command
    "--schedule": "schedule",
    "--ledger": "ledger",
}
FLAGS = {"--color": True, "--no-color": False}
COMPLETE_VAR = "_ENGAGE_COMPLETE"  # click's shell completion for prog_name "engage"


def parse(argv: list[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The options given before ``log`` and ``log``'s own (DAYS as "days"); None when not a plain form."""
    before: dict[str, Any] = {}
    at = _options(argv, 0, BEFORE_VALUES, before)
    if at is None or at >= len(argv) or argv[at] != COMMAND:
        return None
    after: dict[str, Any] = {}
    at += 1
    while at < len(argv):
        token = argv[at]
        if token.startswith("-"):
            moved = _options(argv, at, AFTER_VALUES, after)
            if moved is None or moved == at:
                return None
            at = moved
        elif "days" in after:
            return None  # a second argument: click says so
        else:
            after["days"] = token
            at += 1
    if "days" not in after or "phase" not in after:
        return None
    return before, after


def _options(argv: list[str], at: int, values: dict[str, str], into: dict[str, Any]) -> int | None:
    """Read options from ``argv[at]`` on into ``into``; where they stop, or None at one not plain."""
    while at < len(argv) and argv[at].startswith("-"):
        name, equals, attached = argv[at].partition("=")
        value: str | bool
        if name in FLAGS and not equals:
            key, value, at = "color", FLAGS[name], at + 1
        elif name in values and (not equals or name.startswith("--")):
            key = values[name]
            if equals:
                value, at = attached, at + 1
            elif at + 1 < len(argv):
                value, at = argv[at + 1], at + 2
            else:
                return None
            if value.startswith("-"):  # click would take it as the value; people mean an option
                return None
        else:
            return None
        if key in into:
            return None
        into[key] = value
    return at


def run_quick(argv: list[str], complete_var: str | None = None, *, group: Callable[[], Any]) -> int | None:
    """Run ``engage log`` when ``argv`` is a plain form of it: its exit status; None: not run, ask click.

    ``group`` gives the click group, for a plugin's ``engage_after_log`` that looks for its context.
    """
    parsed = parse(argv)
    if parsed is None or os.environ.get(complete_var or COMPLETE_VAR):
        return None
    before, after = parsed
    from engage.cli.boundary import run_guarded
    from engage.ledger.cache.checked import Checked

    declined = False

    def run() -> None:
        nonlocal declined
        from engage.cli.log_entry import log_time
        from engage.plugin.manager import plugins_adding, use_plugins_dir
        from engage.session import Session

        use_plugins_dir(before.get("plugins_dir"))
        session = Session(before.get("schedule"), before.get("ledger"))
        if plugins_adding(session.plugin_manager, COMMAND):  # a plugin's command of that name wins
            declined = True
            return
        colour.choose(before.get("color"))
        for key in ("schedule", "ledger"):
            if key in after:
                setattr(session, f"_{key}", after[key])
        if "color" in after:
            colour.choose(after["color"])
        given = {
            "days": after["days"],
            "phase": after["phase"],
            "day": after.get("day", "today"),
            "note": after.get("note", ""),
            "consultant": after.get("consultant"),
            "at": after.get("at"),
        }
        with _as_under_click(session, given, group):
            log_time(session, **given)

    try:
        with Checked.scope():
            code = run_guarded(_as_click_would(run))
    finally:
        finish()
    return None if declined else code


def _as_under_click(
    session: Any, given: dict[str, Any], group: Callable[[], Any]
) -> contextlib.AbstractContextManager[Any]:
    """The click context the click path runs ``log`` in, where a plugin's ``engage_after_log`` may look.

    A plugin may call ``click.get_current_context()`` (to reach the session), or ``click.echo``,
    which keeps escape sequences only under engage's context. engage's own plugins do neither;
    with another's ``engage_after_log`` (or click loaded already), ``log`` runs in one.
    """
    from engage.plugin.manager import DISTRIBUTION, plugin_infos

    infos = plugin_infos()
    others = [
        impl
        for impl in session.plugin_manager.hook.engage_after_log.get_hookimpls()
        if getattr(infos.get(impl.plugin_name), "origin", None) != DISTRIBUTION
    ]
    if not others and "click" not in sys.modules:
        return contextlib.nullcontext()
    import click

    from engage.cli.ledger import log

    outer = click.Context(group(), info_name="engage", obj=session, color=True)
    inner = click.Context(log, info_name=COMMAND, parent=outer, color=True)
    inner.params.update(given)
    return inner


def _as_click_would(run: Any) -> Any:
    """``run`` with an interrupt ending as it does under click's ``main``: "engage: aborted", status 1."""

    def guarded() -> int:
        try:
            run()
        except (EOFError, KeyboardInterrupt):
            from engage.cli.boundary import interrupted

            return interrupted()
        return 0

    return guarded


def finish() -> None:
    """After a command line: the next one (in tests, the same process) chooses plugins and colour anew."""
    plugins = sys.modules.get("engage.plugin.manager")
    if plugins is not None:
        plugins.use_plugins_dir(None)
    colour.choose(None)
