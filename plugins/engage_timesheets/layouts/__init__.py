"""The built-in timesheet layouts, one module each, offered through ``engage_timesheet_layouts``."""

from __future__ import annotations

from engage import TimesheetLayout


def built_in() -> list[TimesheetLayout]:
    """plain, eu and worldbank (undp is the fees plugin's: it needs the fee)."""
    from engage_timesheets.layouts import eu, plain, worldbank

    return [plain.LAYOUT, eu.LAYOUT, worldbank.LAYOUT]
