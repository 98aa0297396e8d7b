"""What makes large tables fast keeps every character the same: the plain-text table's one-line-a-row
path gives what the wrapping path gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.output import terminal as layout

cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8), width=st.integers(20, 120)
)
def test_the_fast_table_is_the_table_row_by_row(rows: list[list[str]], width: int) -> None:
    headers = ["date", "note", "days"]
    fast = layout.fit_table(headers, rows, width)
    widths, _ = layout._layout(headers, rows, width)
    slow = [*layout._row_lines(headers, widths), "  ".join("-" * w for w in widths)]
    for row in rows:
        slow += layout._row_lines(row, widths)
    assert fast.split("\n")[: len(slow)] == slow
    floors = [
        max([layout._floor(column[0], 0), *(layout._floor(c) for c in column[1:])])
        for column in zip(headers, *rows, strict=True)
    ]
    assert [layout._column_floor(c) for c in zip(headers, *rows, strict=True)] == floors
