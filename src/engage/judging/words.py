"""The verdict's states as people read them, in the language in force (the verdict keeps English ids)."""

from __future__ import annotations

from engage.language import pgettext


def state_text(state: str) -> str:
    """A state the verdict gives (``late``, ``on track``, ``with client``...) in the language in force."""
    return pgettext("state", state) if state else state


def _marked() -> None:
    """Never called: marks each state for the catalogue (the verdict and judging modules name them)."""
    for _state in (
        # The engagement's and phases' (STATE_ORDER)
        pgettext("state", "over"),
        pgettext("state", "late"),
        pgettext("state", "problem"),
        pgettext("state", "at risk"),
        pgettext("state", "on track"),
        pgettext("state", "closed"),
        # A deliverable's
        pgettext("state", "not due"),
        pgettext("state", "due soon"),
        pgettext("state", "with client"),
        pgettext("state", "review overdue"),
        pgettext("state", "returned"),
        pgettext("state", "accepted"),
        pgettext("state", "replaced"),
        pgettext("state", "waiting"),
        # A meeting's
        pgettext("state", "held"),
        pgettext("state", "validated"),
        pgettext("state", "changes requested"),
        pgettext("state", "postponed"),
        pgettext("state", "cancelled"),
        pgettext("state", "planned"),
        # A timesheet's
        pgettext("state", "not submitted"),
        pgettext("state", "submitted"),
        pgettext("state", "approved"),
        pgettext("state", "rejected"),
        pgettext("state", "reopened"),
    ):
        pass
