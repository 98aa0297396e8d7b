"""The formats a sheet is written in: plain, markdown, csv, json, xlsx, html, pdf; one module each."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from engage import TimesheetDocument, output_target, using, write_output
from engage_timesheets.catalogue import _


def wrote(output: str) -> None:
    """Say where the file went, in the user's language (the sheet may be in another)."""
    with using(None):
        print(_("Wrote {path}").format(path=output), file=sys.stderr)


def write(
    documents: Sequence[TimesheetDocument], fmt: str, output: str | None, names: Sequence[str] = ()
) -> None:
    """Write ``documents`` (one per consultant, ``names`` theirs: the workbook's sheets) to ``-o FILE``
    or standard output."""
    if fmt == "xlsx":
        from engage_timesheets.formats.xlsx import write_xlsx

        assert output is not None  # refused before: a workbook needs -o
        write_xlsx(documents, output_target(output, "timesheet"), names)
        wrote(output)
        return
    if fmt == "pdf":
        from engage import write_file
        from engage_timesheets.formats.pdf import pdf_bytes

        data = pdf_bytes(documents)
        if output:
            write_file(output_target(output, "timesheet"), data, "timesheet")
            wrote(output)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    if fmt == "markdown":
        from engage_timesheets.formats.markdown import markdown_text as render
    elif fmt == "csv":
        from engage_timesheets.formats.csv import csv_sheet as render
    elif fmt == "json":
        from engage_timesheets.formats.json import json_sheet as render
    elif fmt == "html":
        from engage_timesheets.formats.html import html_page as render
    else:
        from engage_timesheets.formats.plain import plain_text as render
    write_output(render(documents), output, "timesheet", bom=fmt == "csv")
