"""Which language speaks: the user's (messages) from the locale variables, a document's its engagement's."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ENGLISH = "en"
# GNU gettext's order: $LANGUAGE (a list, colon-separated) unless the locale itself is C or POSIX;
# then the first of $LC_ALL, $LC_MESSAGES and $LANG that is set.
MESSAGE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
CORE_LOCALE = Path(__file__).parent.parent / "locale"  # engage/locale, beside engage/language
# The language in force where a document is written in its engagement's (None: the user's).
# (A stack, not a ContextVar: a command line writes its documents in one thread, and ``contextvars``
# would cost ``engage log`` two more imports.)
_in_force: list[str | None] = []
_user: dict[tuple[str, ...], str] = {}
_user_now: list[str] = []  # this command line's, once read
# Languages whose people write a decimal comma (1,5), as CLDR has it; every other language, English
# among them, and C or POSIX, write a decimal point. A territory may differ from its language.
# fmt: off
_DECIMAL_COMMA = frozenset({
    "af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fo", "fr", "gl",
    "hr", "ht", "hu", "hy", "id", "is", "it", "ka", "kk", "ky", "lb", "lt", "lv", "mk", "nb", "nl", "nn",
    "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "tr", "uk", "uz", "vi", "wo",
})
_DECIMAL_POINT_TERRITORIES = frozenset({
    "de_CH", "de_LI", "it_CH", "fr_RW", "es_419", "es_BR", "es_BZ", "es_CU", "es_DO", "es_GT", "es_HN",
    "es_MX", "es_NI", "es_PA", "es_PE", "es_PR", "es_SV", "es_US",
})
# fmt: on


def normalise(tag: str) -> str | None:
    """A language tag as BCP 47 or POSIX write it (``fr``, ``fr-SN``, ``es_419``, ``fr_FR.UTF-8``),
    as engage names it (``fr``, ``fr_SN``, ``es_419``); None when it is not one."""
    text = tag.strip().partition(".")[0].partition("@")[0]
    parts = text.replace("-", "_").split("_")
    language = parts[0].lower()
    if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
        return None
    region = ""
    for part in parts[1:]:
        if len(part) == 2 and part.isascii() and part.isalpha() and not region:
            region = part.upper()
        elif len(part) == 3 and part.isdigit() and not region:
            region = part
        elif len(part) == 4 and part.isascii() and part.isalpha():
            continue  # a script (sr_Latn): the language and region decide here
        else:
            return None
    return f"{language}_{region}" if region else language


def uses_decimal_comma(language: str) -> bool:
    """Whether people of ``language`` (``fr``, ``es_MX``) write a decimal comma, as CLDR has it."""
    return base(language) in _DECIMAL_COMMA and language not in _DECIMAL_POINT_TERRITORIES


def shown_tag(tag: object) -> str:
    """A tag as an error names it, cut after 40 characters (a hostile one may be megabytes)."""
    text = repr(tag) if not isinstance(tag, str) or len(tag) <= 40 else repr(tag[:40]) + "…"
    return text


def base(language: str) -> str:
    """``fr`` of ``fr_SN``."""
    return language.partition("_")[0]


def spoken() -> tuple[str, ...]:
    """The languages engage has a catalogue in, English first (English is its own)."""
    found = sorted(
        path.name for path in CORE_LOCALE.glob("*") if (path / "LC_MESSAGES" / "engage.mo").is_file()
    )
    return (ENGLISH, *[name for name in found if name != ENGLISH])


def speaks(language: str) -> bool:
    """Whether engage has words in ``language`` (``fr_SN`` is spoken where ``fr`` is)."""
    return base(language) == ENGLISH or base(language) in spoken() or language in spoken()


def user_language(environ: Mapping[str, str] | None = None) -> str:
    """The user's language for messages, from the locale variables; English when no catalogue fits.

    Read from the environment once per command line (:func:`forget` starts anew): every word a
    report writes asks for it."""
    if environ is None and _user_now:
        return _user_now[0]
    env = os.environ if environ is None else environ
    key = tuple(env.get(name, "") for name in ("LANGUAGE", *MESSAGE_VARS))
    known = _user.get(key)
    if known is None:
        known = _user[key] = _choose(key) if any(key) else _system_language()
    if environ is None:
        _user_now.append(known)
    return known


def _choose(key: tuple[str, ...]) -> str:
    languages, *variables = key
    locale = next((value for value in variables if value), "")
    if normalise(locale) is None and locale:  # C, POSIX, C.UTF-8: English, $LANGUAGE aside
        return ENGLISH
    for candidate in [*languages.split(":"), locale]:
        name = normalise(candidate) if candidate else None
        if name is not None and speaks(name):
            return name
    return ENGLISH


def _system_language() -> str:
    """Where no variable is set (Windows, a macOS app): the system's own choice, else English."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        name = normalise(locale.windows_locale.get(lcid, ""))
        return name if name is not None and speaks(name) else ENGLISH
    return ENGLISH


def plural_count(value: object) -> int:
    """The count that picks the plural form of a number of days that may be a fraction, in the
    language in force, for ``ngettext``: French reads below 2 as one ("1,5 jour"), Spanish exactly 1
    ("1,0 día"), English always its plural ("1.0 days", as engage has always written days)."""
    language = base(current())
    if language == ENGLISH:
        return 2
    number = float(value)  # type: ignore[arg-type]
    if language == "fr":
        return 1 if number < 2 else 2
    return 1 if number == 1 else 2


def decimal_text(text: str) -> str:
    """A number written with a decimal point (``1.5``) as the language in force writes it (``1,5``)."""
    return text.replace(".", ",") if uses_decimal_comma(current()) else text


def current() -> str:
    """The language in force: a document's where one is being written, else the user's."""
    return (_in_force[-1] if _in_force else None) or user_language()


current_language = current  # as the public API names it (engage.current_language)


@contextmanager
def using(language: str | None) -> Iterator[None]:
    """Speak ``language`` inside (None: the user's), as a document in its engagement's language does."""
    _in_force.append(language)
    try:
        yield
    finally:
        _in_force.pop()


_chosen: list[str] = []  # --lang, for this command line


def choose(tag: str | None) -> None:
    """``--lang``: the language of this command line's documents, whatever their engagements say."""
    _chosen.clear()
    if tag is not None:
        from engage.errors import EngageError
        from engage.language import _

        name = normalise(tag)
        if name is None:
            raise EngageError(
                _('--lang: {tag} is not a language tag; give one such as "fr", "es" or "fr-SN"').format(
                    tag=shown_tag(tag)
                )
            )
        if not speaks(name):
            raise EngageError(
                _("--lang: engage has no words in {tag}; it speaks {languages}").format(
                    tag=shown_tag(tag), languages=", ".join(spoken())
                )
            )
        _chosen.append(name)


def document_language(written: str | None) -> str | None:
    """The language a document speaks: ``--lang``, else its engagement's (``written``), else None
    (the user's)."""
    return _chosen[0] if _chosen else written


def forget() -> None:
    """Forget the user's language read before and ``--lang`` (a test runs commands in one process)."""
    _user.clear()
    _user_now.clear()
    _chosen.clear()
