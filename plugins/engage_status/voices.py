"""Which language each part of a report speaks.

An engagement's own section speaks its language (``speaking``: ``--lang``, else the schedule's
``language``, else the user's). What spans engagements (a portfolio's summary, the consultants'
view) speaks ``--lang``, else the user's. CSV and JSON are for programs (``machine()``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING

from engage import current_language, speaking

if TYPE_CHECKING:
    from engage import Engagement
    from engage_status.report import Report


def shared(engagements: Sequence[Engagement]) -> AbstractContextManager[None]:
    """The language of what spans ``engagements``: ``--lang``, else the user's (none of theirs)."""
    return speaking(replace(engagements[0], language=None)) if engagements else nullcontext()


def frame(reports: Sequence[Report]) -> AbstractContextManager[None]:
    """The language of what frames the reports (a page's title, a workbook's sheets): one
    engagement's own; a portfolio's, :func:`shared`."""
    if len(reports) == 1:
        return speaking(reports[0].engagement)
    return shared([r.engagement for r in reports])


def language_tag() -> str:
    """The language in force as HTML's ``lang`` writes it: ``fr``, ``fr-SN``."""
    return current_language().replace("_", "-")
