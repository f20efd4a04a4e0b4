"""Escaping of scenario strings for each medium they reach: terminal, CSV, HTML/XML.

Scenario names and descriptions are free text written by whoever wrote the file. Before they reach

- a **terminal**: control characters (ANSI escape sequences, carriage returns, bidirectional overrides)
  are removed and rich markup is escaped, so ``[/bold]`` prints as text and ``[link=...]`` stays inert
  (:func:`terminal_text`);
- a **CSV cell**: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
  with a single quote, so a spreadsheet shows it as text instead of evaluating a formula (OWASP, "CSV
  Injection"); the Parquet files keep the exact value (:func:`csv_cell`, :func:`csv_safe_frame`);
- **HTML, KML or XML**: ``&``, ``<``, ``>`` and quotes become entities (:func:`markup_text`).

References
----------
.. [OWASP] OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import html
import re

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may read as the start of a formula (OWASP)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_CONTROL_AND_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def strip_control(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` without control characters (C0, DEL, C1, bidirectional overrides); newlines and tabs become
    spaces unless ``keep_newlines``."""
    pattern = _CONTROL if keep_newlines else _CONTROL_AND_NEWLINES
    return pattern.sub(lambda m: " " if m.group() in "\t\n\r" else "", str(text))


def terminal_text(text: object) -> str:
    """A scenario string safe to print through rich: no control characters, markup escaped."""
    from rich.markup import escape

    return escape(strip_control(text))


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: strings with a formula prefix get a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell (and column name) passed through :func:`csv_cell` (a copy if changed)."""
    out = df
    for col in df.columns:
        series = df[col]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype):
            values = series.astype(object)
            mask = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
            if mask.any():
                if out is df:
                    out = df.copy()
                out[col] = values.map(csv_cell)
    renamed = {c: csv_cell(c) for c in out.columns if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)}
    return out.rename(columns=renamed) if renamed else out


def markup_text(text: object) -> str:
    """A scenario string safe inside HTML, KML or XML text and attribute values."""
    return html.escape(strip_control(text), quote=True)
