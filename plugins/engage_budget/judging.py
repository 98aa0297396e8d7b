"""The verdict for the budget checks, imported on first use: ``engage log`` loads the plugin, never judges."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engage import Engagement, Ledger
    from engage.judging.verdict import Verdict


def judge(engagement: Engagement, ledger: Ledger, today: dt.date) -> Verdict:
    """:func:`engage.judge`, the one verdict every check reads."""
    from engage.judging.verdict import judge as verdict

    return verdict(engagement, ledger, today)
