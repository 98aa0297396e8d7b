"""Record kinds are handed to the ledger layer, never fetched: it reads the kinds it is given, and a
plugin's record read without its kind is damage it names, never a record silently taken or dropped."""

from __future__ import annotations

from fractions import Fraction

from engage.ledger.ledger import Ledger
from engage.session import Session
from helpers import Seed


def test_a_ledger_reads_the_kinds_it_is_handed(ijm: Seed) -> None:
    done = ijm.run("expense", "120.5", "--category", "travel", "-d", "2021-11-25")
    assert done.exit_code == 0, done.output
    core_only = Ledger.read(ijm.ledger, Fraction(8))
    assert [p.line for p in core_only.problems] == [1]
    assert "fees.expense" in core_only.problems[0].reason
    with_plugins = Ledger.read(ijm.ledger, Fraction(8), Session().record_kinds)
    assert with_plugins.problems == []
    assert [type(r).__name__ for r in with_plugins.records] == ["Expense"]
    # Read twice with other kinds, the cache keeps each reading apart: the core's read again is the same.
    assert [p.line for p in Ledger.read(ijm.ledger, Fraction(8)).problems] == [1]
