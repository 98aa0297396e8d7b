"""The wheel's build hook: each ``locale/LANG/LC_MESSAGES/*.po`` compiled to its ``.mo`` beside it.

Hatchling runs it for every wheel (and an editable install) because ``pyproject.toml`` has a
``[tool.hatch.build.hooks.custom]`` table; the ``.mo`` files are not kept in git (``artifacts``
puts them in the wheel all the same). Copy it as it is into your own plugin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CataloguesHook(BuildHookInterface[Any]):
    """Compiles the catalogues beside themselves, so that the wheel's package holds them."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(self.root).glob("src/*/locale/*/LC_MESSAGES/*.po")):
            with open(po, "rb") as source:
                catalog = read_po(source)
            with open(po.with_suffix(".mo"), "wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
