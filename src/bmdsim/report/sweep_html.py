"""The report of a sweep: each swept metric against each varied input, with its Monte Carlo error bars.

Written by ``bmdsim sweep`` as ``OUT/report.html`` (offline, like the run report: plotly inlined, no
network). For each varied path and each metric, one chart: the metric's mean over the cases that share
that value of the path, per architecture, with error bars of one standard error; where other paths vary
too, one line per combination of their values. Standard errors: expected leakers from each case's own
``expected_leakers_se``; P(zero leakers) as a binomial proportion, ``sqrt(p (1 - p) / replications)``;
interceptors and cost have no stored standard error and are drawn without bars (said on the chart).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bmdsim.report.html import CSP, CSS, LOADER, Page, _plotly_js, esc, frame_html, script_json

METRICS = (("expected_leakers", "expected leakers", "expected_leakers_se"),
           ("p_zero_leakers", "P(zero leakers)", "binomial"),
           ("expected_interceptors", "interceptors spent", None),
           ("expected_cost_usd", "interceptor cost [USD]", None))


def _se(df: pd.DataFrame, metric: str, how: str | None) -> pd.Series | None:
    if how is None:
        return None
    if how == "binomial":
        p = df[metric].astype(float)
        return (p * (1.0 - p) / df["replications"].astype(float)).pow(0.5)
    return df[how].astype(float) if how in df.columns else None


def sweep_figures(df: pd.DataFrame, paths: list[str]) -> list:
    """One plotly figure per (varied path, metric)."""
    import plotly.graph_objects as go

    figs = []
    for path in paths:
        others = [p for p in paths if p != path]
        for metric, label, how in METRICS:
            if metric not in df.columns:
                continue
            fig = go.Figure()
            groups = df.groupby(["architecture", *others], sort=False, dropna=False) if others else \
                df.groupby("architecture", sort=False)
            for key, g in groups:
                key = key if isinstance(key, tuple) else (key,)
                g = g.sort_values(path, key=lambda s: pd.to_numeric(s, errors="coerce").fillna(0))
                name = str(key[0]) + "".join(f", {p}={v}" for p, v in zip(others, key[1:], strict=True))
                se = _se(g, metric, how)
                fig.add_trace(go.Scatter(x=[str(v) for v in g[path]], y=g[metric], mode="lines+markers",
                                         name=esc(name), error_y=None if se is None else
                                         {"type": "data", "array": list(se), "visible": True}))
            note = "" if how else " (no standard error stored)"
            fig.update_layout(title={"text": esc(f"{label} against {path}{note}")}, height=380,
                              xaxis={"title": {"text": esc(path)}, "type": "category"},
                              yaxis={"title": {"text": esc(label)}}, margin={"l": 60, "r": 10, "t": 50, "b": 50})
            figs.append(fig)
    return figs


def write_sweep_report(out: str | Path) -> Path:
    """Write ``out/report.html`` from a sweep folder (``sweep.json`` and ``sweep.parquet/``)."""
    from bmdsim.assessment.sweep import read_sweep

    out = Path(out)
    manifest = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    paths = [a["path"] for a in manifest.get("axes", [])]
    df = read_sweep(out)
    page = Page()
    page.section("sweep", "Swept metrics")
    page.add(f'<p class="note">{len(df)} rows: {df["case_key"].nunique() if "case_key" in df else 0} of '
             f"{len(manifest.get('cases', []))} cases done, {esc(manifest.get('replications'))} replications "
             "each. Error bars: one standard error of the Monte Carlo mean (module notes of "
             "bmdsim.report.sweep_html).</p>")
    for fig in sweep_figures(df, paths):
        page.figure(fig)
    page.end()
    page.section("table", "Cases")
    page.add(frame_html(df))
    page.end()
    name = str(manifest.get("scenario") or "sweep")
    body = "".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>bmdsim sweep: {esc(name)}</title><style>{CSS}</style>",
        f"<script>{_plotly_js()}</script></head><body>",
        f"<header><h1>bmdsim sweep: {esc(name)}</h1><p>varied: {esc(', '.join(paths))}</p></header>",
        f"<main>{''.join(page.parts)}</main>",
        f'<script type="application/json" id="bmdsim-figures">{script_json(page.figures)}</script>',
        f"<script>{LOADER}</script></body></html>\n"])
    path = out / "report.html"
    tmp = out / ".report.html.tmp"
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)
    return path
