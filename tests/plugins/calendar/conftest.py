"""Fixtures of the calendar plugin's tests."""

from __future__ import annotations

import pytest

from helpers.calendar_checks import ORGANIZER


@pytest.fixture
def organizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The address the feed names as ORGANIZER (ENGAGE_MAIL_FROM); modules that export feeds use it."""
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)
