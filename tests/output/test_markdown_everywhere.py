"""Every Markdown output escapes what people typed: no HTML, no link or image, no cell cut by a pipe."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Seed

NOTE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) a|b *bold*"
TITLE = "GEO <b onmouseover=alert(4)>Lima</b> & [Callao](javascript:alert(5))"
PERSON = "<i>Eve</i> [me](javascript:alert(6))"
RAW = ("<i>", "[me](", "<script>", "<img", "<b ", "[x](javascript:", "[Callao](", "a|b", "*bold*")


@pytest.fixture
def hostile(geo: Seed) -> Seed:
    geo.rewrite(
        'title = "GEO Lima & Callao: integrated environmental assessment report"', f'title = "{TITLE}"'
    )
    logged = geo.run("log", "1", "-p", "draft", "-d", "2004-03-02", "--note", NOTE, "-c", PERSON)
    assert logged.exit_code == 0, logged.stderr
    assert (
        geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04", "--note", NOTE).exit_code
        == 0
    )
    assert geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08").exit_code == 0
    return geo


def _outputs(seed: Seed, folder: Path) -> dict[str, str]:
    runs = {
        "entries": ("entries", "--format", "markdown"),
        "status": ("status", "--as-of", "2004-03-09", "--format", "markdown"),
        "status by consultant": (
            "status",
            "--as-of",
            "2004-03-09",
            "--by",
            "consultant",
            "--format",
            "markdown",
        ),
        "report": ("report", "--as-of", "2004-03-09", "--format", "markdown"),
        "fees": ("fees", "--as-of", "2004-03-09", "--format", "markdown"),
    }
    texts = {}
    for name, args in runs.items():
        result = seed.run(*args)
        assert result.exit_code == 0 and "alert(" in result.stdout, (name, result.stderr)
        texts[name] = result.stdout
    made = seed.run("invoice", "-d", "2004-03-09", "-o", str(folder / "inv.md"))
    assert made.exit_code == 0, made.stderr
    texts["invoice"] = (folder / "inv.md").read_text()
    return texts


def test_every_markdown_output_escapes_typed_text(hostile: Seed, tmp_path: Path) -> None:
    for name, text in _outputs(hostile, tmp_path).items():
        for raw in RAW:
            assert raw not in text, (name, raw, text)
        assert "&lt;b onmouseover=alert(4)&gt;" in text or name in ("entries", "status by consultant"), name


def test_escaped_text_reads_back_as_typed_in_a_markdown_renderer(hostile: Seed) -> None:
    import markdown_it as markdown

    text = hostile.run("entries", "--format", "markdown").stdout
    rendered = markdown.MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<strong>" not in rendered and "<em>" not in rendered
    cells = rendered.split("<td>")
    assert any("a|b *bold*" in cell.replace("&lt;", "<").replace("&gt;", ">") for cell in cells), rendered
