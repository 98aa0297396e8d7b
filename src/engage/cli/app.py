"""The ``engage`` click group: global options, core and plugin commands loaded when asked for."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import click

from engage import __version__
from engage.cli.boundary import ReaderLeft, run_guarded
from engage.cli.help_text import speak_click, speak_help
from engage.language import choose, forget
from engage.ledger.cache.checked import Checked
from engage.output import colour

# The core commands and the module of each, imported when the command is asked for:
# ``engage log`` does not pay for importing ``show`` or ``import`` (a test checks this table).
CORE_COMMANDS = {
    "init": "schedule",
    "show": "schedule",
    "log": "ledger",
    "void": "ledger",
    "entries": "entries",
    "import": "imports",
    "deliver": "progress",
    "meeting": "progress",
    "close": "progress",
    "plugins": "plugins",
    "config": "config",
    "repair": "repair",
    "sync": "sync",
}


class EngageGroup(click.Group):
    """Loads commands (the core's, plugins') when they are looked up; turns errors into one line.

    Looking up one command imports only its module and asks only the plugins
    that add a command of that name (the start-up cache knows which); listing
    them all, or a name nobody knows (for click's suggestions), loads them all.
    """

    core_commands: frozenset[str] = frozenset(CORE_COMMANDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._core_modules: set[str] = set()

    def _core(self, names: Any) -> None:
        for module_name in dict.fromkeys(CORE_COMMANDS[name] for name in names):
            if module_name in self._core_modules:
                continue
            module = importlib.import_module(f"engage.cli.{module_name}")
            for command in module.COMMANDS:
                self.commands.setdefault(command.name or "", command)  # a plugin's command of that name wins
                accept_global_options(command)
            self._core_modules.add(module_name)

    def _with_plugins(self, ctx: click.Context, name: str | None = None) -> None:
        # Called before the group's callback runs, so the session is made from the parsed options.
        from engage.plugin.manager import commands_added, plugins_adding

        if ctx.obj is None:
            _start(ctx, ctx.params.get("schedule"), ctx.params.get("ledger"), ctx.params.get("plugins_dir"))
        pm = ctx.obj.plugin_manager
        if getattr(self, "_commands_from", None) is not pm:  # new plugins: every command anew
            self._commands_from = pm
            self._asked: list[object] = []
            self._all = False
            self.commands.clear()
            self._core_modules.clear()
        if self._all:
            return
        adding = plugins_adding(pm, name) if name is not None else []
        # A plugin not known to add only its own commands may amend any (an option on ``show``):
        # it must find them all there, as before the start-up cache.
        amending = any(commands_added(plugin) is None for plugin in adding)
        if name is None or amending or (name not in CORE_COMMANDS and not adding):
            self.commands.clear()  # everything anew, in the order plugins have always been asked in
            self._core_modules.clear()
            self._core(CORE_COMMANDS)
            pm.hook.engage_register_commands(cli=self)
            self._all = True
        else:
            if name in CORE_COMMANDS:
                self._core([name])
            todo = [plugin for plugin in adding if plugin not in self._asked]
            if todo:
                others = [plugin for plugin in pm.get_plugins() if plugin not in todo]
                pm.subset_hook_caller("engage_register_commands", others)(cli=self)
                self._asked += todo
        for command in self.commands.values():
            accept_global_options(command)
            speak_help(command)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click's main would end with status 1, though a record may be written
            raise ReaderLeft() from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._with_plugins(ctx, cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._with_plugins(ctx)
        return super().list_commands(ctx)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        quick: bool = True,
        **extra: Any,
    ) -> Any:
        """Run a command line; ``quick``: ``engage log`` in its plain form runs without click's parser."""
        given = sys.argv[1:] if args is None else list(args)
        forget()  # the locale variables and --lang of this command line, not the last one's
        try:
            code = self._run(given, args, prog_name, complete_var, quick, extra)
        finally:
            forget()  # nor the next one's (a test's commands share a process)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        given: list[str],
        args: Any,
        prog_name: str | None,
        complete_var: str | None,
        quick: bool,
        extra: Any,
    ) -> Any:
        """The command line's status: ``engage log`` by the quick path where it can, else through click."""
        from engage.cli.quick import finish, run_quick

        code = run_quick(given, complete_var, group=lambda: self) if quick else None
        # Arguments as typed: on Windows click would expand ~, %VAR%, $VAR and wildcards in each
        # (a note "~3 days late" made a path, "*.docx" a list of files); a shell that does, already has.
        options = {"color": True, "windows_expand_args": False, **extra}
        if code is None:
            speak_click()
            speak_help(self)
            try:
                with Checked.scope():  # a ledger read twice in one command is checked once
                    code = run_guarded(
                        lambda: super(EngageGroup, self).main(
                            args, prog_name, complete_var, standalone_mode=False, **options
                        )
                    )
            finally:
                finish()
        return code


def _set_session(attribute: str) -> Any:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is not None:
            from engage.session import Session

            session = ctx.find_object(Session)
            if session is not None:
                setattr(session, attribute, value)

    return store


def _set_colour(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        colour.choose(value)


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        choose(value)


def _trailing_options() -> list[click.Option]:
    """``-s``, ``--ledger`` and ``--color`` as every command also accepts them after its name."""
    return [
        _trailing(["-s", "--schedule", "_schedule"], _set_session("_schedule")),
        _trailing(["--ledger", "_ledger"], _set_session("_ledger")),
        _trailing(["--color/--no-color", "_color"], _set_colour, default=None),
        _trailing(["--lang", "_lang"], _set_language),
    ]


def _trailing(declarations: list[str], callback: Callable[..., Any], **settings: Any) -> click.Option:
    """A global option as a command also takes it after its name: hidden, its value handed to ``callback``."""
    return click.Option(
        declarations, hidden=True, expose_value=False, callback=callback, is_eager=True, **settings
    )


def accept_global_options(command: click.Command) -> None:
    """Let a command (and a group's commands) take the global options after its name too.

    ``engage log 1 -p prep -s x.toml`` then means ``engage -s x.toml log 1 -p prep``.
    An option the command already defines under the same name keeps its meaning.
    """
    if getattr(command, "_takes_global_options", False):
        return
    taken = {
        flag
        for param in command.params
        for flag in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])
    }
    names = {param.name for param in command.params}
    for option in _trailing_options():
        if not taken.intersection(option.opts + option.secondary_opts) and option.name not in names:
            command.params.append(option)
    command._takes_global_options = True  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_global_options(sub)


@click.group("engage", cls=EngageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-s",
    "--schedule",
    metavar="FILE",
    help="The engagement's schedule (default: $ENGAGE_SCHEDULE, else engage.toml here or above).",
)
@click.option(
    "--ledger", metavar="FILE", help="The time log (default: $ENGAGE_LEDGER, else beside the schedule)."
)
@click.option(
    "--plugins-dir",
    metavar="DIR",
    is_eager=True,  # before --help, so that plugin commands are listed
    help="A folder of .py plugins, e.g. an organisation's own checks (default: $ENGAGE_PLUGINS_DIR).",
)
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    is_eager=True,
    help="Colour states and warnings (default: on a terminal only; honours NO_COLOR and FORCE_COLOR).",
)
@click.option(
    "--lang",
    metavar="LANG",
    is_eager=True,
    callback=_set_language,
    expose_value=False,
    help="The language of this command's documents, e.g. fr, es, fr-SN (default: the schedule's language).",
)
@click.version_option(__version__, "--version", prog_name="engage")
@click.pass_context
def cli(
    ctx: click.Context, schedule: str | None, ledger: str | None, plugins_dir: str | None, color: bool | None
) -> None:
    """Track a consultancy engagement: log days against its phases, check the budget,
    send the supervisor a calendar, report weekly status.

    -s, --ledger, --color/--no-color and --lang may also follow the command.

    \b
    Examples:
      engage -s schedules/ijm-kenya-pap-strategic-plan.toml show
      engage show -s schedules/ijm-kenya-pap-strategic-plan.toml
      engage log 1.5 --phase prep --note "desk review"
      engage budget
    """
    colour.choose(color)
    if ctx.obj is None:
        _start(ctx, schedule, ledger, plugins_dir)


def _start(ctx: click.Context, schedule: str | None, ledger: str | None, plugins_dir: str | None) -> None:
    """The command line's session, and its plugins folder (imported here: ``--version`` needs neither)."""
    from engage.plugin.manager import use_plugins_dir
    from engage.session import Session

    use_plugins_dir(plugins_dir)
    ctx.obj = Session(schedule, ledger)
