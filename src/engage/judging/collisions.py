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
from engage.judging.words import outcome_text, state_text
from engage.language import _
from engage.language.formats import date_text
from engage.ledger.ledger import Ledger
from engage.ledger.records import Closing, MeetingOutcome, StatusChange
from engage.schedule.model import Engagement


def named(record: StatusChange | MeetingOutcome | Closing, what: str) -> str:
    """A record as a finding names it: what, when, its id and who recorded it."""
    if record.by:
        return _("{what} on {date} (record {id}, by {who})").format(
            what=what, date=date_text(record.date), id=record.id, who=record.by
        )
    return _("{what} on {date} (record {id})").format(what=what, date=date_text(record.date), id=record.id)


def _shown(record: StatusChange | MeetingOutcome | Closing) -> str:
    """What a record decided, as people read it: a status, an outcome."""
    if isinstance(record, StatusChange):
        return state_text(record.status)
    return outcome_text(record.outcome)


def collision_findings(engagement: Engagement, ledger: Ledger, progress: Progress) -> list[Finding]:
    """Error findings for the merged ledger's contradictions: statuses, outcomes, closes."""
    found: list[Finding] = []
    names = {d.key: d.name for d in engagement.deliverables} | {m.key: m.name for m in engagement.meetings}
    for pair in progress.contradictions:
        kept, left = pair.kept, pair.left
        if isinstance(left, StatusChange):
            key, code = left.deliverable, "deliverable-status-collision"
            message = _(
                "{name}: {left} contradicts {kept}, recorded apart on two machines; counted: {counted} on "
                "{date}, not the status {left_id}; void the wrong one: engage void {left_id} "
                "(or engage void {kept_id})"
            )
        else:
            assert isinstance(kept, MeetingOutcome)
            key, code = left.meeting, "meeting-outcome-collision"
            message = _(
                "{name}: {left} contradicts {kept}, recorded apart on two machines; counted: {counted} on "
                "{date}, not the outcome {left_id}; void the wrong one: engage void {left_id} "
                "(or engage void {kept_id})"
            )
        kept_what = _shown(kept) if isinstance(kept, type(left)) else ""
        found.append(
            Finding(
                "error",
                code,
                message.format(
                    name=names.get(key, key),
                    left=named(left, _shown(left)),
                    kept=named(kept, kept_what),
                    counted=kept_what,
                    date=date_text(kept.date),
                    left_id=left.id,
                    kept_id=kept.id,
                ),
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
                        _(
                            "closed twice, recorded apart on two machines: {counted} and {other}; counted: "
                            "the close on {date}; void the wrong one: engage void {other_id} "
                            "(or engage void {counted_id})"
                        ).format(
                            counted=named(counted, outcome_text(counted.outcome)),
                            other=named(other, outcome_text(other.outcome)),
                            date=date_text(counted.date),
                            other_id=other.id,
                            counted_id=counted.id,
                        ),
                        date=other.date,
                        records=(counted.id, other.id),
                    )
                )
    return found
