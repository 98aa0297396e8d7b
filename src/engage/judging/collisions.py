"""Decisions two machines took apart that a merged ledger holds both of: found, counted once, named.

Each laptop checks a status, an outcome or a close against its own ledger under the lock, so it
cannot record a contradiction; after a merge (``engage sync``) the union of two ledgers can. These
are found whenever a verdict is made, so after every merge, and reported as error findings naming
both records (id, who, date) and the way out, ``engage void ID`` of the wrong one. Until then the
figures read one deterministic version, the same on every machine whatever order the merge gave the
lines: see :class:`engage.judging.history.Progress` for statuses and outcomes, and
:meth:`engage.ledger.ledger.Ledger.closing` for closes (the latest date counts).

Detection rather than a design that cannot collide: a deliverable's acceptance, a meeting's
outcome and a close are facts about the world that someone learnt offline, not numbers engage hands
out; no reservation can stop two people recording them, only a merge can show they disagree.
"""

from __future__ import annotations

from engage.hooktypes import Finding
from engage.judging.history import Progress
from engage.ledger.ledger import Ledger
from engage.ledger.records import Closing, MeetingOutcome, StatusChange
from engage.schedule.model import Engagement

AFTER_MERGE = "recorded apart on two machines"


def named(record: StatusChange | MeetingOutcome | Closing, what: str) -> str:
    """A record as a finding names it: what, when, its id and who recorded it."""
    who = f", by {record.by}" if record.by else ""
    return f"{what} on {record.date} (record {record.id}{who})"


def collision_findings(engagement: Engagement, ledger: Ledger, progress: Progress) -> list[Finding]:
    """Error findings for the merged ledger's contradictions: statuses, outcomes, closes."""
    found: list[Finding] = []
    names = {d.key: d.name for d in engagement.deliverables} | {m.key: m.name for m in engagement.meetings}
    for pair in progress.contradictions:
        kept, left = pair.kept, pair.left
        if isinstance(left, StatusChange):
            key, code, choice = left.deliverable, "deliverable-status-collision", "status"
            kept_what, left_what = kept.status if isinstance(kept, StatusChange) else "", left.status
        else:
            assert isinstance(kept, MeetingOutcome)
            key, code, choice = left.meeting, "meeting-outcome-collision", "outcome"
            kept_what, left_what = kept.outcome, left.outcome
        found.append(
            Finding(
                "error",
                code,
                f"{names.get(key, key)}: {named(left, left_what)} contradicts {named(kept, kept_what)}, "
                f"{AFTER_MERGE}; counted: {kept_what} on {kept.date}, not the {choice} {left.id}; "
                f"void the wrong one: engage void {left.id} (or engage void {kept.id})",
                deliverable=key if isinstance(left, StatusChange) else None,
                date=left.date,
                records=(kept.id, left.id),
            )
        )
    counted = ledger.closing()
    if counted is not None:
        for other in ledger.live(Closing):
            if other.id != counted.id:
                found.append(
                    Finding(
                        "error",
                        "closed-twice",
                        f"closed twice, {AFTER_MERGE}: {named(counted, counted.outcome)} and "
                        f"{named(other, other.outcome)}; counted: the close on {counted.date}; "
                        f"void the wrong one: engage void {other.id} (or engage void {counted.id})",
                        date=other.date,
                        records=(counted.id, other.id),
                    )
                )
    return found
