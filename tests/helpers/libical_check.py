"""Run by Debian's system python3 (python3-gi, gir1.2-ical-3.0): libical's iTIP restriction check.

Reads one iCalendar object on stdin; prints libical's X-LIC-ERROR messages, one a line, and
exits 1 if there are any (parse errors included), else 0.
"""

import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402


def errors(component, found):
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop:
        found.append(prop.get_xlicerror())
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child:
        errors(child, found)
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    return found


calendar = ICalGLib.Component.new_from_string(sys.stdin.read())
if calendar is None:
    print("libical could not parse the calendar")
    sys.exit(1)
passed = ICalGLib.restriction_check(calendar)
problems = errors(calendar, [])
print("\n".join(problems))
sys.exit(0 if passed and not problems else 1)
