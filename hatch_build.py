"""The wheel's build hook: each catalogue (``locale/LANG/LC_MESSAGES/*.po``) compiled to its ``.mo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CataloguesHook(BuildHookInterface):  # type: ignore[misc]
    """Compiles the catalogues beside themselves, for a wheel and for an editable install alike."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        found = [
            *root.glob("src/*/locale/*/LC_MESSAGES/*.po"),
            *root.glob("plugins/*/locale/*/LC_MESSAGES/*.po"),
        ]
        for po in sorted(found):
            with open(po, "rb") as source:
                catalog = read_po(source)
            with open(po.with_suffix(".mo"), "wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
