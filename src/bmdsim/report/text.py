"""Plain-text tables that fit any width: wrapped headers, stacked rows when even those do not fit.

A table is a list of :class:`Column` and rows of already-formatted strings. ``render`` gives

- ``table``: aligned columns whose headers wrap at word boundaries; if the columns still do not fit the
  width, each row is printed as a block of ``header: value`` lines (nothing is ever cut);
- ``markdown``: a pipe table; ``csv``: RFC 4180 with the raw values; ``json``: a list of records.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

FORMATS = ("table", "markdown", "csv", "json")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    align: str = ">"
    prose: bool = False
    """Free text (names, sources): may break a long word to fit; other cells break only between words."""


def terminal_width(default: int = 80) -> int:
    """Columns of the terminal (``COLUMNS`` wins; 80 when piped), at least 30."""
    return max(30, shutil.get_terminal_size((default, 24)).columns)


def fmt_num(v: object, digits: int = 2, signed: bool = False) -> str:
    """A number for reading: fixed decimals, thousands separators, '-' for missing."""
    if v is None:
        return "-"
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return "-"
    if abs(x) < 0.5 * 10 ** -digits:
        x = 0.0
    return f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"


def fmt_pm(v: object, se: object, digits: int = 2, signed: bool = False) -> str:
    """``value ± standard error`` (the error dropped when unknown)."""
    out = fmt_num(v, digits, signed)
    try:
        s = float(se)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return out
    return f"{out} ±\u00a0{fmt_num(s, digits)}" if math.isfinite(s) and out != "-" else out


def wrap_paragraph(text: str, width: int, indent: str = "") -> str:
    """Wrap prose at word boundaries (never mid-word) to ``width`` columns."""
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def _wrap(text: str, width: int, prose: bool = False) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=prose, break_on_hyphens=prose) or [""]


def _natural_width(col: Column, values: Sequence[str]) -> tuple[int, int]:
    """(minimum, natural) width: the longest word of header or values, and the one-line header or value."""
    longest_word = max((len(w) for t in (col.header, *values) for w in t.split(" ")), default=0)
    longest_value = max((len(v) for v in values), default=0)
    if col.prose:
        longest_word = min(longest_word, max(10, max((len(w) for w in col.header.split(" ")), default=0)))
    return max(longest_word, 1), max(len(col.header), longest_value, 1)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None = None,
                 title: str = "") -> str:
    """Aligned columns; headers and cells wrap at word boundaries; stacked rows if even that is too wide."""
    width = width or terminal_width()
    mins, nats = zip(*[_natural_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)], strict=True)
    gap = 2 if sum(mins) + 2 * (len(columns) - 1) <= width else 1
    mins, nats = zip(*[_natural_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)], strict=True)
    widths = list(nats)
    total = sum(widths) + gap * (len(columns) - 1)
    # narrow the widest column that can still wrap (prose first: it is the widest) until the table fits
    while total > width:
        can = [k for k in range(len(widths)) if widths[k] > mins[k]]
        if not can:
            break
        i = max(can, key=lambda k: (widths[k], columns[k].prose))
        widths[i] -= 1
        total -= 1
    out = [*_wrap(title, width)] if title else []
    if total > width:
        return "\n".join(out + _stacked(columns, rows, width))
    sep = " " * gap
    heads = [_wrap(c.header, w) for c, w in zip(columns, widths, strict=True)]
    depth = max(len(h) for h in heads)
    for line in range(depth):
        cells = []
        for c, h, w in zip(columns, heads, widths, strict=True):
            text = h[line - (depth - len(h))] if line >= depth - len(h) else ""
            cells.append(f"{text:{c.align}{w}}")
        out.append(sep.join(cells).rstrip())
    out.append(sep.join("-" * w for w in widths))
    for r in rows:
        cells = [_wrap(v, w, c.prose) for c, v, w in zip(columns, r, widths, strict=True)]
        for line in range(max(len(x) for x in cells)):
            out.append(sep.join(f"{(x[line] if line < len(x) else ''):{c.align}{w}}"
                                for c, x, w in zip(columns, cells, widths, strict=True)).rstrip())
    return "\n".join(out)


def _stacked(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    label_w = min(max(len(c.header) for c in columns), max(10, width // 2))
    out: list[str] = []
    for r in rows:
        out.append("-" * min(width, 40))
        for c, v in zip(columns, r, strict=True):
            label = _wrap(c.header, label_w)
            value = _wrap(v, max(10, width - label_w - 2))
            for k in range(max(len(label), len(value))):
                a = label[k] if k < len(label) else ""
                b = value[k] if k < len(value) else ""
                out.append(f"{a:<{label_w}}  {b}".rstrip())
    return out


def render(columns: Sequence[Column], rows: Sequence[Sequence[str]], fmt: str = "table", *,
           raw_rows: Sequence[Sequence[object]] | None = None, width: int | None = None, title: str = "") -> str:
    """Render in one of :data:`FORMATS`; csv and json use ``raw_rows`` (unformatted values) when given.

    Scenario strings are made safe for each medium: control characters (escape sequences, carriage
    returns, bidirectional overrides) are removed for the terminal and markdown; CSV cells that a
    spreadsheet would read as a formula get a leading quote.
    """
    from bmdsim.report.escape import csv_cell, strip_control

    if fmt in ("table", "markdown"):
        columns = [Column(c.key, strip_control(c.header), c.align, c.prose) for c in columns]
        rows = [[strip_control(v) for v in r] for r in rows]
        title = strip_control(title)
    if fmt == "table":
        return render_table(columns, rows, width, title)
    if fmt == "markdown":
        esc = [[str(v).replace("|", "\\|") for v in r] for r in rows]
        lines = [f"**{title}**", ""] if title else []
        lines.append("| " + " | ".join(c.header for c in columns) + " |")
        lines.append("|" + "|".join("---:" if c.align == ">" else ":---" for c in columns) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in esc]
        return "\n".join(lines)
    data = raw_rows if raw_rows is not None else rows
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.key for c in columns])
        w.writerows([[csv_cell(_plain(v)) for v in r] for r in data])
        return buf.getvalue().rstrip("\n")
    if fmt == "json":
        return json.dumps([{c.key: _plain(v) for c, v in zip(columns, r, strict=True)} for r in data], indent=1)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


def _plain(v: object) -> object:
    """JSON/CSV-safe scalar: numpy to Python, NaN to None, floats rounded to 12 significant digits."""
    if hasattr(v, "item"):
        v = v.item()  # type: ignore[union-attr]
    if isinstance(v, float):
        return None if not math.isfinite(v) else float(f"{v:.12g}")
    return v
