"""engage_timesheets's words, in the language in force."""

from engage import catalogue

WORDS = catalogue(__name__)
_ = WORDS.gettext
ngettext = WORDS.ngettext
pgettext = WORDS.pgettext
