"""Nothing happens after the close: records dated or moved after it are refused, but those that may follow."""

from __future__ import annotations

from engage.errors import EngageError
from engage.ledger.kinds import Kinds
from engage.ledger.ledger import Ledger

_WHAT = {"entry": "time", "deliverable": "a deliverable's status", "meeting": "a meeting's outcome"}


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
        for field, said in (("date", "dated"), ("to", "moved to")):
            date = record.get(field)
            if isinstance(date, str) and date > close_date:
                kind = str(record.get("kind"))
                what = _WHAT.get(kind) or "the " + kind.rpartition(".")[2]
                raise EngageError(
                    f"the engagement was closed on {close_date} (record {closing.id}); {what} "
                    f"{said} {date} comes after it: give a date on or before {close_date}, or reopen the "
                    f"engagement with 'engage void {closing.id}'; nothing written"
                )
