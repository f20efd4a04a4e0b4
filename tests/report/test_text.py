"""Plain-text tables: nothing cut at any width, wrapped or stacked; csv/json/markdown for scripts."""

import csv
import io
import json

import pytest

from bmdsim.report.text import Column, fmt_num, fmt_pm, render, render_table

COLS = [Column("architecture", "architecture", "<"), Column("expected_leakers", "expected leakers"),
        Column("cost", "cost vs national $M"), Column("note", "source of the figure", "<", prose=True)]
ROWS = [["trilateral", fmt_pm(8.559, 0.066), fmt_num(-8.873, 1, signed=True),
         "U.S.-China Economic and Security Review Commission [seen]"],
        ["national", fmt_pm(9.264, 0.0686), fmt_num(0.0, 1, signed=True), "estimate"]]


def _words(rows):
    return {w for r in rows for v in r for w in v.replace("\u00a0", " ").split()}


@pytest.mark.parametrize("width", [120, 80, 60, 40])
def test_no_line_exceeds_the_width_and_no_word_is_cut(width):
    text = render_table(COLS, ROWS, width=width, title="A title that is long enough to need wrapping somewhere")
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), text
    assert "…" not in text
    shown = set(text.replace("\u00a0", " ").split())
    assert _words(ROWS) - shown <= {w for w in _words(ROWS) if len(w) > 12}  # only prose may break long words
    for h in ("architecture", "expected", "leakers"):
        assert h in shown


def test_stacks_rows_when_columns_cannot_fit():
    text = render_table(COLS, ROWS, width=30)
    assert "architecture" in text and "trilateral" in text and "8.56" in text
    assert all(len(line) <= 30 for line in text.splitlines())


def test_numbers_are_rounded_for_reading():
    assert fmt_num(-0.7050000000000001) == "-0.71"
    assert fmt_num(74760000.0 / 1e6, 1) == "74.8"
    assert fmt_num(float("nan")) == "-" and fmt_num(None) == "-"
    assert fmt_num(-0.0001, 2, signed=True) == "+0.00"
    assert fmt_pm(1.0, 0.25) == "1.00 ±\u00a00.25"


def test_csv_json_markdown():
    raw = [["trilateral", 8.559, -8873000.0, "x,y"], ["national", float("nan"), 0.0, "z"]]
    rows = list(csv.reader(io.StringIO(render(COLS, ROWS, "csv", raw_rows=raw))))
    assert rows[0] == ["architecture", "expected_leakers", "cost", "note"]
    assert rows[1] == ["trilateral", "8.559", "-8873000.0", "x,y"]
    data = json.loads(render(COLS, ROWS, "json", raw_rows=raw))
    assert data[1]["expected_leakers"] is None and data[0]["note"] == "x,y"
    md = render(COLS, ROWS, "markdown")
    assert md.splitlines()[0] == "| architecture | expected leakers | cost vs national $M | source of the figure |"
