"""``engage timesheet``: a sheet in a layout and a format (being built)."""

from __future__ import annotations

from typing import Any

from engage import EngageError, Session


def show(session: Session, **given: Any) -> None:
    """Render the chosen sheets."""
    raise EngageError("engage timesheet: showing a sheet is not built yet")
