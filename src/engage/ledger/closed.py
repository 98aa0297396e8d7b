"""Nothing happens after the close: records dated or moved after it are refused, but those that may follow."""

from __future__ import annotations

from engage.errors import EngageError
from engage.language import N_, _
from engage.ledger.kinds import Kinds
from engage.ledger.ledger import Ledger

# What is refused, by kind and by the field that falls after the close.
_WHAT = {
    ("entry", "date"): N_("time dated {date}"),
    ("entry", "to"): N_("time moved to {date}"),
    ("deliverable", "date"): N_("a deliverable's status dated {date}"),
    ("deliverable", "to"): N_("a deliverable's status moved to {date}"),
    ("meeting", "date"): N_("a meeting's outcome dated {date}"),
    ("meeting", "to"): N_("a meeting's outcome moved to {date}"),
}
_OTHER = {"date": N_("the {kind} dated {date}"), "to": N_("the {kind} moved to {date}")}


def refuse_after_close(ledger: Ledger, records: list[dict[str, object]], kinds: Kinds) -> None:
    """Refuse ``records`` when one is dated after the engagement's close (an invoice or a payment may be),
    or moves something to a day after it (a postponement's ``to``).

    Time, deliverable statuses, meeting outcomes and expenses dated on or
    before the close are still taken: that is filling in what happened.
    """
    closing = ledger.closing()
    if closing is None:
        return
    close_date = closing.date.isoformat()
    for record in records:
        if record.get("kind") in kinds.after_close:
            continue
        for field in ("date", "to"):
            date = record.get(field)
            if isinstance(date, str) and date > close_date:
                kind = str(record.get("kind"))
                said = _WHAT.get((kind, field)) or _OTHER[field]
                what = _(said).format(kind=kind.rpartition(".")[2], date=date)
                raise EngageError(
                    _(
                        "the engagement was closed on {closed} (record {record}); {what} comes after it: "
                        "give a date on or before {closed}, or reopen the engagement with "
                        "'engage void {record}'; nothing written"
                    ).format(closed=close_date, record=closing.id, what=what)
                )
