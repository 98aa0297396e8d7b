"""A loose plugin file in a plugins folder (``--plugins-dir``) has a catalogue of its own too: its
``locale/`` folder beside the file, its domain the file's name."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from helpers import copy_seed, invoke

PLUGIN = '''
"""A loose plugin: a finding in the engagement's language."""
from engage import Finding, catalogue, hookimpl

_ = catalogue(__name__).gettext


@hookimpl
def engage_budget_checks(engagement, ledger, today, verdict):
    return [Finding("warning", "loose-hello", _("The loose plugin says hello"))]
'''


def test_a_loose_plugin_file_reads_its_own_catalogue(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    (folder / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "hello.py").write_text(PLUGIN, encoding="utf-8")
    catalog = Catalog(locale="fr", domain="hello")
    catalog.add("The loose plugin says hello", "Le greffon isolé dit bonjour")
    out = io.BytesIO()
    write_mo(out, catalog)
    (folder / "locale" / "fr" / "LC_MESSAGES" / "hello.mo").write_bytes(out.getvalue())
    ijm = copy_seed("ijm", tmp_path)
    english = ijm.run("--plugins-dir", str(folder), "budget")
    assert "The loose plugin says hello" in english.stdout, english.output
    french = invoke("-s", str(ijm.path), "--plugins-dir", str(folder), "budget", env={"LANG": "fr_FR.UTF-8"})
    assert "Le greffon isolé dit bonjour" in french.stdout, french.output
