"""The verdict's states as people read them, in the language in force (the verdict keeps English ids)."""

from __future__ import annotations

from engage.language import pgettext
from engage.output.colour import severity_text as severity_text  # the one severity's words


def state_text(state: str) -> str:
    """A state the verdict gives (``late``, ``on track``, ``with client``...) in the language in force."""
    return pgettext("state", state) if state else state


def kind_text(kind: str) -> str:
    """A milestone's or a meeting's kind (``deliverable due``, ``deadline``, ``workshop``...) as people
    read it, in the language in force (the verdict keeps the English id)."""
    return pgettext("kind", kind) if kind else kind


def outcome_text(outcome: str) -> str:
    """A close's outcome (``completed``, ``terminated``) or a meeting's (``changes-requested``...) as
    people read it, in the language in force (the ledger keeps the English id)."""
    return pgettext("outcome", outcome) if outcome else outcome


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
        # A timesheet's (and a deliverable's status: not submitted, submitted)
        pgettext("state", "not submitted"),
        pgettext("state", "submitted"),
        pgettext("state", "approved"),
        pgettext("state", "rejected"),
        pgettext("state", "reopened"),
        # Milestones' and meetings' kinds
        pgettext("kind", "deliverable due"),
        pgettext("kind", "deadline"),
        pgettext("kind", "retreat"),
        pgettext("kind", "workshop"),
        pgettext("kind", "validation"),
        pgettext("kind", "other"),
        # Outcomes: a close's, a meeting's
        pgettext("outcome", "completed"),
        pgettext("outcome", "terminated"),
        pgettext("outcome", "held"),
        pgettext("outcome", "validated"),
        pgettext("outcome", "changes-requested"),
        pgettext("outcome", "postponed"),
        pgettext("outcome", "cancelled"),
    ):
        pass
