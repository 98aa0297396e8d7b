"""Who takes a step (``--as``, $ENGAGE_CONSULTANT, your engage or git identity), and whose sheet it is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from engage import EngageError, Engagement, find_setting, frozen, sheet_owner
from engage_timesheets.catalogue import _

SUPERVISOR = "supervisor"
CONSULTANT_VAR = "ENGAGE_CONSULTANT"
GIT_SECONDS = 10


@frozen
class Actor:
    """A person of the schedule taking a step: ``key`` is "supervisor" or a consultant's key."""

    key: str
    name: str
    email: str = ""

    @property
    def is_supervisor(self) -> bool:
        """True for the engagement's supervisor."""
        return self.key == SUPERVISOR


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def match(engagement: Engagement, text: str) -> Actor | None:
    """The person ``text`` names: "supervisor", the supervisor's name or email, a consultant's key,
    name or email; on a schedule that names no team, any other name is its consultant."""
    wanted = _folded(text)
    if not wanted:
        return None
    supervisor = engagement.supervisor
    if wanted == SUPERVISOR or wanted in {_folded(supervisor.name), _folded(supervisor.email)} - {""}:
        return Actor(SUPERVISOR, supervisor.name or _("the supervisor"), supervisor.email)
    person = engagement.consultant_of(text) if engagement.team else None
    if person is None:
        person = next((c for c in engagement.team if c.email and _folded(c.email) == wanted), None)
    if person is not None:
        return Actor(person.key, person.name or person.key, person.email)
    if not engagement.team and "@" not in text:  # the one consultant, whatever name they go by
        return Actor(sheet_owner(engagement, text), " ".join(text.split()))
    return None


def people(engagement: Engagement) -> str:
    """Whom ``--as`` may name, for errors."""
    return ", ".join([SUPERVISOR, *(c.key for c in engagement.team)])


def acting_person(engagement: Engagement, given: str | None) -> Actor:
    """Who takes the step: ``--as``, else $ENGAGE_CONSULTANT (each must name someone), else the first of
    your engage settings (``consultant.ID``, ``user.email``, ``user.name``) and your git identity
    (``user.email``, ``user.name``) that names someone on the engagement."""
    if given is not None and not given.strip():
        raise EngageError(
            _("--as is empty; give 'supervisor' or one of: {people}").format(people=people(engagement))
        )
    for text, source in ((given, "--as"), (os.environ.get(CONSULTANT_VAR), f"${CONSULTANT_VAR}")):
        if text and text.strip():
            found = match(engagement, text)
            if found is None:
                raise EngageError(
                    _(
                        "{source} {text} is nobody on {engagement}; give 'supervisor' or one of: "
                        "{people} (a key, a name or an email)"
                    ).format(
                        source=source,
                        text=repr(text.strip()),
                        engagement=engagement.id,
                        people=people(engagement),
                    )
                )
            return found
    for text in _identities(engagement):
        found = match(engagement, text)
        if found is not None:
            return found
    raise EngageError(
        _(
            "who is taking this step on {engagement}? pass --as with 'supervisor' or one of: "
            "{people}, or set {variable} (your engage and git identities name nobody there)"
        ).format(engagement=engagement.id, people=people(engagement), variable=f"${CONSULTANT_VAR}")
    )


def _identities(engagement: Engagement) -> list[str]:
    """Your engage settings' names and address, then git's, as far as they are set."""
    found = []
    for key in (f"consultant.{engagement.id}", "user.email", "user.name"):
        try:
            setting = find_setting(key)
        except EngageError:
            setting = None
        if setting is not None and setting.value.strip():
            found.append(setting.value)
    folder = engagement.source.parent if engagement.source is not None else Path.cwd()
    found += [value for value in (git_config(folder, "user.email"), git_config(folder, "user.name")) if value]
    return found


def git_config(folder: Path, key: str) -> str:
    """``git config --get KEY`` as seen from ``folder``; "" where unset or git is missing."""
    try:
        done = subprocess.run(
            ["git", "config", "--get", key],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def whose(engagement: Engagement, given: str) -> str:
    """The sheet's consultant from ``--consultant``: a team member's key, else (no team) the name."""
    if engagement.team and engagement.consultant_of(given) is None:
        keys = ", ".join(c.key for c in engagement.team)
        raise EngageError(
            _("{given} is not a consultant on {engagement}; give --consultant with one of: {keys}").format(
                given=repr(given), engagement=engagement.id, keys=keys
            )
        )
    return sheet_owner(engagement, given)
