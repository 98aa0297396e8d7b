"""A package's gettext catalogue: its words in the language in force, English where it has none."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engage.language.choice import ENGLISH, base, current

if TYPE_CHECKING:
    import gettext


class Catalogue:
    """The words of one gettext domain (``engage``, a plugin's package), translated when asked.

    Each call reads the language in force, so one string is French in a French engagement's report
    and English in the next; the ``.mo`` file of a language is read once, when first needed. English
    reads no file at all (``engage log`` stays as fast).
    """

    def __init__(self, domain: str, localedir: Path) -> None:
        self.domain = domain
        self.localedir = localedir
        self._loaded: dict[str, gettext.NullTranslations | None] = {}

    def translations(self, language: str | None = None) -> gettext.NullTranslations | None:
        """The catalogue in ``language`` (default: the one in force); None for English or none found."""
        language = language or current()
        if base(language) == ENGLISH:
            return None
        if language not in self._loaded:
            self._loaded[language] = self._read(language)
        return self._loaded[language]

    def _read(self, language: str) -> gettext.NullTranslations | None:
        """The ``.mo`` of ``language``, falling back on its base language's (``fr_SN``, then ``fr``).

        Found by path, as ``gettext.translation`` would find them, without its ``locale`` import
        (``engage log`` under a French locale pays for the one file it reads, no more).
        """
        import gettext

        found: gettext.NullTranslations | None = None
        for name in dict.fromkeys((language, base(language))):
            path = self.localedir / name / "LC_MESSAGES" / f"{self.domain}.mo"
            try:
                with open(path, "rb") as source:
                    read = gettext.GNUTranslations(source)
            except FileNotFoundError:
                continue
            if found is None:
                found = read
            else:
                found.add_fallback(read)
        return found

    def gettext(self, message: str) -> str:
        """``message`` in the language in force."""
        found = self.translations() if message else None
        return found.gettext(message) if found is not None else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of ``singular``/``plural`` for ``count``, by the language's own plural rule."""
        found = self.translations()
        if found is None:
            return singular if count == 1 else plural
        return found.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in the language in force, as meant in ``context`` (a word with two meanings)."""
        found = self.translations()
        return found.pgettext(context, message) if found is not None else message

    def npgettext(self, context: str, singular: str, plural: str, count: int) -> str:
        """:meth:`ngettext` in ``context``."""
        found = self.translations()
        if found is None:
            return singular if count == 1 else plural
        return found.npgettext(context, singular, plural, count)


_catalogues: dict[str, Catalogue] = {}


def catalogue(name: str, localedir: str | Path | None = None) -> Catalogue:
    """The catalogue of the package or module ``name`` (its gettext domain: the top package's name).

    Its ``.mo`` files are in ``locale/LANG/LC_MESSAGES/DOMAIN.mo`` beside the package's
    ``__init__.py``, unless ``localedir`` says where. A loose plugin file in a plugins folder
    (``engage_local_plugins.hello``) is its own domain (``hello``), its ``locale/`` beside it.
    """
    domain = name.partition(".")[0]
    module = sys.modules.get(domain)
    if module is None or getattr(module, "__file__", None) is None:  # a plugins folder's loose file
        domain, module = name.rpartition(".")[2], sys.modules.get(name)
    if domain not in _catalogues:
        if localedir is None:
            where = getattr(module, "__file__", None) or "."
            localedir = Path(where).parent / "locale"  # __file__ is absolute (resolve() costs a stat a part)
        _catalogues[domain] = Catalogue(domain, Path(localedir))
    return _catalogues[domain]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue, translated later where it is used (``_(CONSTANT)``)."""
    return message
