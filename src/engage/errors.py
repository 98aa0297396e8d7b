"""The one error type users see: raised anywhere, turned into a message at the CLI boundary."""

from __future__ import annotations


class EngageError(Exception):
    """A problem with what the user gave us (a schedule, an argument, a file).

    The message is one line saying what was wrong and what would be right; the
    command line prints it on stderr and exits with ``exit_code`` (2: bad input).
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PluginError(EngageError):
    """A plugin failed to load or raised inside a hook; the message names it."""
