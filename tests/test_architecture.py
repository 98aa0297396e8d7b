"""The house as built: import-linter's contracts, the top floor's size, and a public API the plugins keep to."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engage

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "engage"
PLUGINS = ROOT / "plugins"


def test_every_import_linter_contract_is_kept() -> None:
    """Layers, the plugins' public API, plugins apart, no circles: ``lint-imports`` as CI runs it."""
    program = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(program).exists():
        pytest.skip("lint-imports is not installed (pip install '.[test]' brings it)")
    done = subprocess.run([program, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 kept, 0 broken" in done.stdout


def test_the_top_floor_holds_at_most_16_modules() -> None:
    modules = sorted(p.name for p in SRC.glob("*.py"))
    assert len(modules) <= 16, modules


def _engage_names(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "engage":
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, "") for alias in node.names if alias.name.split(".")[0] == "engage"}
    return found


def test_built_in_plugins_import_only_what_engage_exports() -> None:
    """What a built-in plugin imports from engage is what a third party may: ``engage.__all__``."""
    outside = set()
    for path in PLUGINS.rglob("*.py"):
        for module, name in _engage_names(path):
            if module != "engage" or name not in engage.__all__:
                outside.add(f"{path.relative_to(ROOT)}: {module} {name}")
    assert not outside, sorted(outside)


def test_every_public_name_resolves_and_is_documented() -> None:
    """Each exported name imports, and the plugin guide names it, so the API a plugin sees is written down."""
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in engage.__all__:
        assert getattr(engage, name) is not None, name
        said = f"`{name}`" in guide or f"`{name}(" in guide
        assert said, f"docs/plugins.md does not describe engage.{name}"


def test_engage_ships_its_type_information() -> None:
    assert (SRC / "py.typed").is_file()


def test_the_plugin_guide_imports_only_the_public_api() -> None:
    """What the guide teaches a plugin author to import is what the contract lets them."""
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    internal = [
        line for line in guide.splitlines() if line.lstrip().startswith(("from engage.", "import engage."))
    ]
    allowed = ("from engage.testing",)
    assert [line for line in internal if not line.lstrip().startswith(allowed)] == []
