"""What a person types, found in the schedule: a phase, deliverable or meeting by key or name, the
consultant an entry is logged by, the place it was worked."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol, TypeVar

from engage.errors import EngageError
from engage.language import N_, _
from engage.parsing import fold
from engage.schedule.model import UNNAMED_KEY, Engagement

CONSULTANT_VAR = "ENGAGE_CONSULTANT"
# What find_item says of an item it cannot find, by kind: (ambiguous, unknown), without and with the
# engagement named.
_AMBIGUOUS = {
    "phase": N_("phase {typed} is ambiguous: it could be {named}; give the key"),
    "deliverable": N_("deliverable {typed} is ambiguous: it could be {named}; give the key"),
    "meeting": N_("meeting {typed} is ambiguous: it could be {named}; give the key"),
}
_AMBIGUOUS_OF = {
    "phase": N_("phase {typed} is ambiguous of {engagement}: it could be {named}; give the key"),
    "deliverable": N_("deliverable {typed} is ambiguous of {engagement}: it could be {named}; give the key"),
    "meeting": N_("meeting {typed} is ambiguous of {engagement}: it could be {named}; give the key"),
}
_UNKNOWN = {
    "phase": N_("unknown phase {typed}; phases: {keys} (a key or a name, in any case)"),
    "deliverable": N_("unknown deliverable {typed}; deliverables: {keys} (a key or a name, in any case)"),
    "meeting": N_("unknown meeting {typed}; meetings: {keys} (a key or a name, in any case)"),
}
_UNKNOWN_OF = {
    "phase": N_("unknown phase {typed}; phases of {engagement}: {keys} (a key or a name, in any case)"),
    "deliverable": N_(
        "unknown deliverable {typed}; deliverables of {engagement}: {keys} (a key or a name, in any case)"
    ),
    "meeting": N_("unknown meeting {typed}; meetings of {engagement}: {keys} (a key or a name, in any case)"),
}


class Named(Protocol):
    """A phase, deliverable or meeting: a key and a name."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


Item = TypeVar("Item", bound=Named)


def find_item(items: Sequence[Item], typed: str, kind: str, engagement: str = "") -> Item:
    """The item whose key is ``typed``, else whose key or name it is in any case, else ignoring accents
    too ("redaction" finds "Rédaction"); refused listing the keys, or the items it could be.

    ``kind`` is ``phase``, ``deliverable`` or ``meeting``; ``engagement`` (an id), where given, is
    named in the refusal."""
    spaced, wanted = " ".join(typed.split()).casefold(), fold(typed)
    ambiguous: list[Item] = []
    for match in (
        lambda item: item.key == typed,
        lambda item: " ".join(item.key.split()).casefold() == spaced,
        lambda item: " ".join(item.name.split()).casefold() == spaced,
        lambda item: fold(item.key) == wanted,
        lambda item: fold(item.name) == wanted,
    ):
        found = [item for item in items if match(item)]
        if len(found) == 1:
            return found[0]
        ambiguous = ambiguous or found
    if ambiguous:
        named = ", ".join(f"{item.key} ({item.name})" if item.name else item.key for item in ambiguous)
        said = (_AMBIGUOUS_OF if engagement else _AMBIGUOUS)[kind]
        raise EngageError(_(said).format(typed=repr(typed), named=named, engagement=engagement))
    keys = ", ".join(item.key for item in items) or _("(none in this schedule)")
    said = (_UNKNOWN_OF if engagement else _UNKNOWN)[kind]
    raise EngageError(_(said).format(typed=repr(typed), keys=keys, engagement=engagement))


def find_phase(engagement: Engagement, typed: str) -> str:
    """The phase's key, typed in any case or as its name; or an error listing the phases there are."""
    return find_item(engagement.phases, typed, "phase", engagement.id).key


def consultant_name(text: str) -> str:
    """A consultant's name as the ledger stores it, typed or imported: every run of white space (a
    newline, a tab) one space, none at either end."""
    return " ".join(text.split())


def resolve_consultant(engagement: Engagement, given: str | None) -> str:
    """Who worked, as the ledger stores it: ``--consultant``, else $ENGAGE_CONSULTANT, else the
    schedule's only consultant.

    On a schedule that names consultants, the answer is one of their keys, and
    anyone else is refused, naming who it does name; with several and none
    given, the choices are named. On a schedule that names nobody, the ToR's
    single consultant is whoever logs: the name given (so one person's entries
    can be followed across engagements), else ``consultant``; never the
    machine's login name.
    """
    name = consultant_name(given or os.environ.get(CONSULTANT_VAR) or "")
    source = _no_source if given else _from_variable
    if not name:
        name, source = _configured(engagement)
    team = engagement.team
    if not team:
        return name or UNNAMED_KEY
    choices = ", ".join(c.key for c in team)
    if name:
        person = engagement.consultant_of(name)
        if person is None:
            _refuse_ambiguous(engagement, name, source)
            raise EngageError(
                _(
                    "{name}{source} is not a consultant on {engagement}; "
                    "give --consultant with one of: {choices}"
                ).format(name=repr(name), source=source(), engagement=engagement.id, choices=choices)
            )
        return person.key
    if len(team) == 1:
        return team[0].key
    raise EngageError(
        _(
            "{engagement} has several consultants; pass --consultant (or set ${variable}, or "
            "engage config user.name) with one of: {choices}"
        ).format(engagement=engagement.id, variable=CONSULTANT_VAR, choices=choices)
    )


def acting_consultant(engagement: Engagement) -> str:
    """Who is recording, for the ``by`` every written record carries: the consultant key
    :func:`resolve_consultant` gives with no ``--consultant`` (from $ENGAGE_CONSULTANT or the settings),
    else the name given when the schedule's team does not hold it (a supervisor), else "" when nobody
    is known. Never raises: who recorded is a note on the record, not a condition for writing it."""
    try:
        key = resolve_consultant(engagement, None)
    except EngageError:
        name = consultant_name(os.environ.get(CONSULTANT_VAR) or "") or _configured(engagement)[0]
        return name  # a name the team does not hold, or "" with several consultants and none named
    return "" if key == UNNAMED_KEY else key


def _configured(engagement: Engagement) -> tuple[str, Callable[[], str]]:
    """Who the settings say logs on this engagement, and from where (for errors): ``consultant.ID``,
    else the team's consultant whose email is ``user.email``, else ``user.name``; ("", nothing) when none.
    With no config file, this costs a stat or two."""
    from engage.settings.keys import key_of
    from engage.settings.lookup import find_setting

    per_engagement = f"consultant.{engagement.id}"
    found = find_setting(per_engagement) if key_of(per_engagement) is not None else None
    if found is not None:
        return consultant_name(found.value), partial(_from_setting, per_engagement, found.source)
    email = find_setting("user.email")
    if email is not None:
        matched = [c for c in engagement.team if c.email and c.email.casefold() == email.value.casefold()]
        if len(matched) == 1:
            return matched[0].key, _no_source
    found = find_setting("user.name")
    if found is not None:
        return consultant_name(found.value), partial(_from_setting, "user.name", found.source)
    return "", _no_source


def _no_source() -> str:
    """Where a consultant's name came from, said in errors: nowhere to say (typed, or by email)."""
    return ""


def _from_variable() -> str:
    return _(" (from ${variable})").format(variable=CONSULTANT_VAR)


def _from_setting(setting: str, where: object) -> str:
    return _(" ({setting} from {source})").format(setting=setting, source=where)


def _refuse_ambiguous(engagement: Engagement, typed: str, source: Callable[[], str]) -> None:
    """Refuse ``typed`` when it folds alike (case and accents aside) to several consultants' names."""
    wanted = fold(typed)
    alike = [c for c in engagement.team if wanted in (fold(c.key), fold(c.name))]
    if len(alike) > 1:
        named = ", ".join(f"{c.key} ({c.name})" if c.name else c.key for c in alike)
        raise EngageError(
            _("{typed}{source} is ambiguous on {engagement}: it could be {named}; give the key").format(
                typed=repr(typed), source=source(), engagement=engagement.id, named=named
            )
        )


def check_place(engagement: Engagement, key: str | None) -> str:
    """The location key given to ``--at`` (in any case, accents optional, or the location's name), or
    an error listing the locations there are."""
    typed = key
    key = (key or "").strip().lower()
    if not key:
        return ""
    if key in engagement.locations:
        return key
    wanted, places = fold(typed or ""), engagement.locations
    alike = [k for k in places if fold(k) == wanted]
    alike = alike or [k for k, place in places.items() if place.name and fold(place.name) == wanted]
    if len(alike) == 1:
        return alike[0]
    if alike:
        named = ", ".join(f"{k} ({places[k].name})" for k in alike)
        raise EngageError(
            _("location {typed} is ambiguous on {engagement}: it could be {named}; give the key").format(
                typed=repr(typed), engagement=engagement.id, named=named
            )
        )
    if key not in engagement.locations:
        known = ", ".join(engagement.locations) or _("none (the schedule has no [locations] tables)")
        raise EngageError(
            _("unknown location {key}; locations of {engagement}: {keys}").format(
                key=repr(key), engagement=engagement.id, keys=known
            )
        )
    return key


def consultant_filter(engagement: Engagement, given: str | None) -> Callable[[str], bool] | None:
    """A test for an entry's consultant field, or None for everyone; an unknown consultant is refused."""
    if given is None:
        return None
    if not engagement.team:  # the single unnamed consultant: entries carry whatever name was logged
        wanted = fold(given)
        return lambda logged: fold(logged) == wanted
    person = engagement.consultant_of(given)
    if person is None:
        _refuse_ambiguous(engagement, given, _no_source)
        keys = ", ".join(c.key for c in engagement.team)
        raise EngageError(
            _("{name} is not a consultant on {engagement}; give one of: {keys}").format(
                name=repr(given), engagement=engagement.id, keys=keys
            )
        )

    return lambda logged: engagement.consultant_of(logged) == person
