"""Shell completion of what a schedule holds: phase, deliverable and meeting keys (click's completion)."""

from __future__ import annotations

from collections.abc import Callable

import click
from click.shell_completion import CompletionItem


def _items(kind: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from engage.session import Session

        root = ctx.find_root()
        try:  # the schedule the command line names, else $ENGAGE_SCHEDULE or engage.toml
            engagement = Session(root.params.get("schedule"), None).engagement
        except Exception:  # nothing to offer from a schedule that cannot be read
            return []
        items = getattr(engagement, kind)
        wanted = incomplete.casefold()
        return [CompletionItem(i.key, help=i.name) for i in items if i.key.casefold().startswith(wanted)]

    return complete


phase_keys = _items("phases")
deliverable_keys = _items("deliverables")
meeting_keys = _items("meetings")
