"""Every catalogue complete: each word engage and its plugins mark is translated in French and Spanish,
with the same placeholders; and the compiled ``.mo`` files hold what their ``.po`` files say."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from engage.language.tooling import LANGUAGES, packages, po_path, problems

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = packages(ROOT)


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_catalogue_is_complete(package: Path) -> None:
    found = list(problems(package))
    assert not found, f"{len(found)} problems, the first: " + "\n".join(found[:20])


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_installed_mo_holds_the_po(package: Path) -> None:
    """The ``.mo`` engage reads (built by the wheel's hook) says what the ``.po`` says."""
    module = __import__(package.name)
    installed = Path(module.__file__).resolve().parent / "locale"
    for language in LANGUAGES:
        with open(po_path(package, language), "rb") as source:
            catalog = read_po(source)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        mo = installed / language / "LC_MESSAGES" / f"{package.name}.mo"
        assert mo.read_bytes() == compiled.getvalue(), f"{mo} is stale: pip install again"
