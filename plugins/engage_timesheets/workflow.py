"""Submit, approve, reject, reopen and verify a sheet (being built)."""

from __future__ import annotations

from typing import Any

from engage import EngageError, Session


def step(session: Session, action: str, **given: Any) -> None:
    """Record one step of a sheet's approval."""
    raise EngageError(f"engage timesheet {action}: not built yet")


def verify_sheets(session: Session, **given: Any) -> None:
    """Check approved sheets against the ledger and their signatures."""
    raise EngageError("engage timesheet verify: not built yet")
