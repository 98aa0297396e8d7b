"""engage_donor_report's words in the language in force: its own gettext catalogue, in ``locale/``.

``_("text")`` is ``text`` in French inside a French engagement's document (``speaking``), in the
user's language in a message, and English where the catalogue has no such language.
"""

from __future__ import annotations

from engage import catalogue

WORDS = catalogue(__name__)  # the domain is the top package's name: engage_donor_report
_ = WORDS.gettext
ngettext = WORDS.ngettext
pgettext = WORDS.pgettext


def kind_text(kind: str) -> str:
    """A milestone's kind (``deliverable due``, ``retreat``...) in the language in force."""
    return pgettext("milestone", kind)


def _marked() -> None:
    """Never called: marks for the catalogue each kind of milestone the verdict names."""
    for _kind in (
        pgettext("milestone", "deliverable due"),
        pgettext("milestone", "deadline"),
        pgettext("milestone", "retreat"),
        pgettext("milestone", "workshop"),
        pgettext("milestone", "validation"),
        pgettext("milestone", "other"),
    ):
        pass
