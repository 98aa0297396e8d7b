"""What an import adds to a ledger: its days as the ledger will count them, and rows already logged."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from engage.errors import EngageError
from engage.language import ngettext
from engage.ledger.ledger import Ledger, entry_fields


def days_in(records: list[dict[str, object]], hours_per_day: Fraction) -> Fraction:
    """Days in new entry records, as the ledger will count them (hours through hours per day)."""
    amounts: dict[tuple[str, str], int] = {}
    for record in records:
        unit = "days" if "days" in record else "hours"
        key = (unit, str(record[unit]))
        amounts[key] = amounts.get(key, 0) + 1
    total = Fraction(0)
    for (unit, text), count in amounts.items():
        value = Fraction(text) * count
        total += value if unit == "days" else value / hours_per_day
    return total


def refuse_duplicates(ledger: Ledger, records: list[dict[str, object]], file: Path | str) -> None:
    """Refuse ``records`` when any is already logged, as typed (date, phase, amount, consultant, note)."""

    def signature(r: dict[str, object]) -> tuple[object, ...]:
        get = r.get
        return (get("date"), get("phase"), get("days"), get("hours"), get("consultant"), get("note"))

    stored: dict[tuple[int, str], tuple[str | None, str | None]] = {}

    def stored_as(amount: Fraction, unit: str) -> tuple[str | None, str | None]:
        """(days, hours) exactly as a new record would store the amount; a few amounts recur.

        Keyed by the Fraction object: the reader shares one object among equal
        amounts, and every entry (so every key's object) is alive meanwhile.
        """
        key = (id(amount), unit)
        if key not in stored:
            fields = entry_fields(amount, unit)
            stored[key] = (fields.get("days"), fields.get("hours"))
        return stored[key]

    logged = {
        (e.date.isoformat(), e.phase, *stored_as(e.amount, e.unit), e.consultant, e.note)
        for e in ledger.entries()
    }
    repeats = [r for r in records if signature(r) in logged] if logged else []
    if repeats:
        rows = ngettext("{count} row", "{count} rows", len(records)).format(count=len(records))
        raise EngageError(
            ngettext(
                "{file}: {count} of {rows} is already in the ledger (first: {date} {phase}); "
                "nothing imported. Pass --allow-duplicates if they are new work",
                "{file}: {count} of {rows} are already in the ledger (first: {date} {phase}); "
                "nothing imported. Pass --allow-duplicates if they are new work",
                len(repeats),
            ).format(
                file=file, count=len(repeats), rows=rows, date=repeats[0]["date"], phase=repeats[0]["phase"]
            )
        )
