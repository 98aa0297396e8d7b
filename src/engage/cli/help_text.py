"""``--help`` and click's own words in the user's language, from the catalogue of each command's package."""

from __future__ import annotations

import inspect
import sys

import click

from engage.language import ENGLISH, WORDS, base, catalogue, current
from engage.language.extract import SHARED_HELP

_ENGLISH_HELP = "_engage_english_help"
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def speak_click() -> None:
    """Point click's ``gettext`` at engage's catalogue, which holds its words (``language/click_words``)."""
    if base(current()) == ENGLISH:
        return
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is not None and hasattr(module, "_"):
            module._ = WORDS.gettext  # type: ignore[attr-defined]
        if module is not None and hasattr(module, "ngettext"):
            module.ngettext = WORDS.ngettext  # type: ignore[attr-defined]


def speak_help(command: click.Command) -> None:
    """The command's help, its options' and its subcommands' in the language in force.

    The English texts are kept on the command, so that each command line translates them anew (a
    test runs French and English in one process). Each is looked up in the catalogue of the package
    the command comes from, then engage's (an option a plugin adds to a core command).
    """
    english = base(current()) == ENGLISH
    objects: list[click.Command | click.Parameter] = [command, *command.params]
    if english and not hasattr(command, _ENGLISH_HELP):
        return
    words = _catalogue_of(command)
    for item in objects:
        kept = item.__dict__.setdefault(
            _ENGLISH_HELP, {k: getattr(item, k, None) for k in ("help", "short_help")}
        )
        for key, text in kept.items():
            if text:
                setattr(item, key, text if english else _translated(words, inspect.cleandoc(text)))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speak_help(sub)


def _catalogue_of(command: click.Command) -> object:
    module = getattr(command.callback, "__module__", None) or "engage"
    return catalogue(module) if module.partition(".")[0] in sys.modules else WORDS


def _translated(words: object, text: str) -> str:
    """``text`` from the command's catalogue, else engage's; a text built around one of engage's shared
    help texts (``DATE_HELP``) is looked up as the extractor found it, the shared text a placeholder."""
    found = _looked_up(words, text)
    if found != text:
        return found
    import engage.parsing as shared

    for name, placeholder in SHARED_HELP.items():
        english = getattr(shared, name, "")
        if english and english in text:
            template = text.replace(english, "{" + placeholder + "}")
            translated = _looked_up(words, template)
            if translated != template:
                return translated.replace("{" + placeholder + "}", WORDS.gettext(english))
    return text


def _looked_up(words: object, text: str) -> str:
    found = words.gettext(text)  # type: ignore[attr-defined]
    return found if found != text or words is WORDS else WORDS.gettext(text)
