"""Clean text for calendar properties: no control characters, one line where a client needs one."""

from __future__ import annotations

import re

# Characters that mean "new line" to someone: CR LF, a pasted Word line break (vertical tab), form
# feed, the Unicode line and paragraph separators, NEL and the information separators.
_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Every other control character except tab: C0, DEL and C1. They are invalid in iCalendar text
# (RFC 5545 3.3.11) and strict parsers reject the whole calendar over one of them.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def multiline(text: str) -> str:
    """Text for a DESCRIPTION: line breaks kept (as LF), other control characters dropped."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text)).strip("\n")


def one_line(text: str) -> str:
    """Text for a SUMMARY, LOCATION, NAME or mail header: line breaks become single spaces."""
    lines = [line.strip() for line in multiline(text).split("\n")]
    return " ".join(line for line in lines if line)
