"""The close-out report's text: a note says what an empty table means, and Markdown is escaped as
the status report's is (the two share one section renderer)."""

from __future__ import annotations

from helpers import Seed


def test_a_table_with_rows_shows_no_note_that_says_it_is_empty(ijm: Seed) -> None:
    assert ijm.run("deliver", "inception", "--status", "submitted", "--date", "2021-11-22").exit_code == 0
    report = ijm.run("report", "--as-of", "2021-11-30")
    assert report.exit_code == 0, report.output
    assert "submitted" in report.stdout
    assert "No deliverable has a recorded status." not in report.stdout


def test_a_report_with_nothing_recorded_says_so(ijm: Seed) -> None:
    report = ijm.run("report", "--as-of", "2021-11-30")
    assert "No deliverable has a recorded status." in report.stdout
    assert "No time logged in this period." in report.stdout


def test_report_markdown_escapes_html_in_notes(ijm: Seed) -> None:
    hostile = '<img src=x onerror="alert(1)"> <script>x</script>'
    assert (
        ijm.run(
            "deliver", "inception", "--status", "submitted", "--date", "2021-11-22", "--note", hostile
        ).exit_code
        == 0
    )
    markdown = ijm.run("report", "--as-of", "2021-11-30", "--format", "markdown").stdout
    assert "&lt;script&gt;" in markdown
    assert "<script>" not in markdown and "<img" not in markdown
