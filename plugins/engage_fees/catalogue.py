"""engage_fees's words, in the language in force (the user's for messages, the engagement's in documents)."""

from engage import catalogue

WORDS = catalogue(__name__)
_ = WORDS.gettext
ngettext = WORDS.ngettext
pgettext = WORDS.pgettext
