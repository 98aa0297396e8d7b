"""Languages: messages speak the user's, documents their engagement's; engage's own words are ``_``.

``_("text")`` is ``text`` in the language in force (:func:`current`): the user's, from the locale
variables, or a document's inside :func:`using`. Plugins make their own with :func:`catalogue`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from engage.language.catalogue import N_, Catalogue, catalogue
from engage.language.choice import (
    CORE_LOCALE,
    ENGLISH,
    base,
    choose,
    current,
    document_language,
    forget,
    normalise,
    plural_count,
    speaks,
    spoken,
    user_language,
    uses_decimal_comma,
    using,
)

if TYPE_CHECKING:
    from engage.schedule.model import Engagement

__all__ = [
    "ENGLISH",
    "N_",
    "Catalogue",
    "_",
    "base",
    "catalogue",
    "choose",
    "current",
    "document_language",
    "forget",
    "ngettext",
    "normalise",
    "npgettext",
    "pgettext",
    "plural_count",
    "speaking",
    "speaks",
    "spoken",
    "user_language",
    "uses_decimal_comma",
    "using",
]


def speaking(engagement: Engagement) -> AbstractContextManager[None]:
    """Inside, the engagement's documents are written in its language (``--lang`` first; else the
    schedule's ``language``; else the user's)."""
    return using(document_language(engagement.language))


WORDS = catalogue("engage", CORE_LOCALE)
_ = WORDS.gettext
ngettext = WORDS.ngettext
pgettext = WORDS.pgettext
npgettext = WORDS.npgettext
