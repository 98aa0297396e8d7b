"""The catalogues' tooling, on Babel's: extract a package's words, update its ``.po`` files, compile them.

``python -m engage.language.tooling update plugins/engage_fees`` extracts the package's words (with
:mod:`engage.language.extract`), writes ``locale/DOMAIN.pot`` and merges it into each
``locale/LANG/LC_MESSAGES/DOMAIN.po``, as ``pybabel extract`` and ``pybabel update`` do; ``compile``
writes the ``.mo`` files (the wheel's build hook does it too); ``check`` lists what a catalogue
misses. The domain is the package's folder name. Not imported by engage's commands.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
METHOD_MAP = [("**/locale/**", "ignore"), ("**.py", "engage.language.extract:extract")]
COMMENT_TAGS = ("Translators:",)
LANGUAGES = ("fr", "es")
# A fixed header: a catalogue changes only where its words do (no merge conflict on a date line).
_HEADER: dict[str, Any] = {
    "project": "engage",
    "version": "",
    "copyright_holder": "engage developers",
    "msgid_bugs_address": "",
    "last_translator": "engage developers",
    "language_team": "engage developers",
    "creation_date": dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
    "revision_date": dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
    "charset": "utf-8",
}
_FIELD = re.compile(r"\{([^{}]*)\}")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifr%]")


def template(package: Path) -> Catalog:
    """Every word the package asks to translate, as a ``.pot`` holds them."""
    catalog = Catalog(**_HEADER, domain=package.name, fuzzy=False)
    found = extract_from_dir(
        package, METHOD_MAP, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        flags = {"python-brace-format"} if any(_fields(m) for m in _texts(message)) else set()
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context, flags=flags)
    return catalog


def po_path(package: Path, language: str) -> Path:
    """Where the package's catalogue in ``language`` is kept."""
    return package / "locale" / language / "LC_MESSAGES" / f"{package.name}.po"


def update(package: Path, languages: Iterable[str] = LANGUAGES) -> None:
    """Write the package's ``.pot`` and merge it into each language's ``.po`` (new ones made)."""
    pot = template(package)
    (package / "locale").mkdir(exist_ok=True)
    with open(package / "locale" / f"{package.name}.pot", "wb") as out:
        write_po(out, pot, no_location=True, sort_output=True, width=100)
    for language in languages:
        path = po_path(package, language)
        if path.exists():
            with open(path, "rb") as source:
                catalog = read_po(source, locale=language, domain=package.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(**_HEADER, locale=language, domain=package.name, fuzzy=False)
        catalog.update(pot, no_fuzzy_matching=True)
        with open(path, "wb") as out:
            write_po(out, catalog, no_location=True, sort_output=True, ignore_obsolete=True, width=100)


def compile_catalogues(root: Path) -> list[Path]:
    """Every ``.po`` under ``root`` compiled beside itself as ``.mo``; the ``.mo`` files written."""
    written = []
    for path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        with open(path, "rb") as source:
            catalog = read_po(source)
        mo = path.with_suffix(".mo")
        with open(mo, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def problems(package: Path, languages: Iterable[str] = LANGUAGES) -> Iterator[str]:
    """What each language's catalogue of the package misses or gets wrong, one line each."""
    pot = template(package)
    for language in languages:
        path = po_path(package, language)
        if not path.exists():
            yield f"{path}: missing"
            continue
        with open(path, "rb") as source:
            catalog = read_po(source, locale=language)
        for wanted in pot:
            if not wanted.id:
                continue
            found = catalog.get(wanted.id, wanted.context)
            yield from (f"{path}: {line}" for line in _message_problems(wanted, found))


def _message_problems(wanted: Message, found: Message | None) -> Iterator[str]:
    name = _texts(wanted.id)[0][:60]
    if found is None:
        yield f"not translated: {name!r}"
        return
    if found.fuzzy:
        yield f"fuzzy: {name!r}"
    strings = _texts(found.string)
    if not all(strings):
        yield f"not translated: {name!r}"
        return
    if len(wanted.id if isinstance(wanted.id, str) else wanted.id[0]) >= 80 and any(
        len(text) < len(_texts(wanted.id)[0]) / 2 for text in strings
    ):
        yield f"translated in part (less than half as long): {name!r}"
    want = _fields(_texts(wanted.id)[-1])
    for text in strings:
        if _fields(text) != want:
            yield f"placeholders differ in {name!r}: {sorted(_fields(text))} for {sorted(want)}"
            return


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [str(value or "")]


def _fields(text: str) -> set[str]:
    """The placeholders ``{name}`` (and ``%s``) a text carries."""
    return {match.split(":")[0].split("!")[0] for match in _FIELD.findall(text)} | set(_PERCENT.findall(text))


def packages(root: Path) -> list[Path]:
    """The packages of engage's source tree that keep catalogues: the core and each built-in plugin."""
    return [
        root / "src" / "engage",
        *sorted(path for path in (root / "plugins").glob("engage_*") if path.is_dir()),
    ]


def main(argv: list[str]) -> int:
    """``update|compile|check [PACKAGE_DIR...]`` (default: every package of the source tree here)."""
    action, *given = argv or ["check"]
    targets = [Path(name) for name in given] or packages(Path.cwd())
    if action == "update":
        for package in targets:
            update(package)
    elif action == "compile":
        for package in targets:
            for mo in compile_catalogues(package):
                print(mo)
    elif action == "check":
        found = [line for package in targets for line in problems(package)]
        print("\n".join(found) or "every catalogue complete")
        return 1 if found else 0
    else:
        print(
            "usage: python -m engage.language.tooling update|compile|check [PACKAGE_DIR...]", file=sys.stderr
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
