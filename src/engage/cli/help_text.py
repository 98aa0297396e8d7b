"""``--help`` and click's own words in the user's language, from the catalogue of each command's package."""

from __future__ import annotations

import inspect
import sys

import click

from engage.language import ENGLISH, WORDS, base, catalogue, current

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
    found = _looked_up(words, text)
    if found != text:
        return found
    return _composed(words, text)


def _looked_up(words: object, text: str) -> str:
    found = words.gettext(text)  # type: ignore[attr-defined]
    return found if found != text or words is WORDS else WORDS.gettext(text)


def _composed(words: object, text: str) -> str:
    """A help text built around one of parsing's (``f"Figures as of this date: {DATE_HELP}."``),
    translated as its template (``"Figures as of this date: {date_help}."``, as the extractor finds it:
    ``engage.language.extract``) with the part in it translated."""
    from engage import parsing
    from engage.language.extract import SHARED_HELP

    parts = {placeholder: getattr(parsing, name) for name, placeholder in SHARED_HELP.items()}
    for name, part in parts.items():
        if part in text and "{" not in text:
            template = text.replace(part, "{" + name + "}")
            for catalogue_words in (words, WORDS):
                if _holds(catalogue_words, template):
                    found = catalogue_words.gettext(template)  # type: ignore[attr-defined]
                    return str(found).format(**{name: WORDS.gettext(part)})
    return text


def _holds(words: object, text: str) -> bool:
    """Whether the catalogue in force has ``text`` (translated, if only as itself: "{date_help}.")."""
    found = words.translations()  # type: ignore[attr-defined]
    return found is not None and text in getattr(found, "_catalog", {})
