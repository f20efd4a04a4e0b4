"""Two results folders side by side: each metric in A and B and the difference B - A with its standard error.

Either folder may be one run or a variant run. Variants are paired by name; a single run is paired with
every variant of the other folder.
"""

from __future__ import annotations

import math

from bmdsim.report.answers import SE_NOTE, Answer, _f, _p_se, _se_diff
from bmdsim.report.load import RunFiles
from bmdsim.report.text import Column, fmt_pm

# key, label, digits, scale (shown value = stored / scale)
METRICS = (("expected_leakers", "expected leakers", 2, 1.0), ("p_zero_leakers", "P(zero leakers)", 3, 1.0),
           ("threats_engageable", "threats engageable", 0, 1.0),
           ("expected_interceptors", "interceptors spent", 1, 1.0), ("expected_cost_usd", "cost $M", 1, 1e6))


def _se(a: dict, key: str) -> float:
    if key == "expected_leakers":
        return _f(a, "expected_leakers_se")
    if key == "p_zero_leakers":
        return _p_se(_f(a, key), _f(a, "replications"))
    return math.nan


def pairs(a: list[RunFiles], b: list[RunFiles]) -> list[tuple[str, RunFiles, RunFiles]]:
    if len(a) == 1 or len(b) == 1:
        return [(x.variant or y.variant or "", x, y) for x in a for y in b]
    by_name = {r.variant: r for r in b}
    out = [(x.variant or "", x, by_name[x.variant]) for x in a if x.variant in by_name]
    return out


def compare_runs(a: list[RunFiles], b: list[RunFiles], label_a: str, label_b: str) -> Answer:
    cols = [Column("variant", "variant", "<"), Column("architecture", "architecture", "<"),
            Column("metric", "metric", "<"), Column("a", "A"), Column("b", "B"), Column("b_minus_a", "B - A")]
    rows, raw = [], []
    matched = pairs(a, b)
    for variant, ra, rb in matched:
        for arch in list(dict.fromkeys([*ra.architectures, *rb.architectures])):
            xa, xb = ra.architectures.get(arch, {}), rb.architectures.get(arch, {})
            for key, label, digits, scale in METRICS:
                va, vb = _f(xa, key), _f(xb, key)
                d = vb - va
                rows.append([variant, arch, label, fmt_pm(va / scale, _se(xa, key) / scale, digits),
                             fmt_pm(vb / scale, _se(xb, key) / scale, digits),
                             fmt_pm(d / scale, _se_diff(_se(xa, key), _se(xb, key)) / scale, digits, signed=True)])
                raw.append([variant, arch, key, va, vb, d])
    if not any(v for v, _, _ in matched):
        cols, rows, raw = cols[1:], [r[1:] for r in rows], [r[1:] for r in raw]
    name_a = a[0].name if a else "?"
    name_b = b[0].name if b else "?"
    notes = [f"A: {label_a} ({name_a}); B: {label_b} ({name_b}).", SE_NOTE]
    if not matched:
        notes.insert(0, "No variants in common: nothing to compare.")
    return Answer("bmdsim compare", cols, rows, raw, tuple(notes))
