"""The HTML report: one self-contained file that opens offline.

``write_report(folder)`` reads a results folder (one run or a variant run) and writes ``report.html``
beside it: the answer tables, a theatre map, footprint maps, a timeline per raid, the detection timeline of
sensor-only scenarios, every metrics table, variants side by side, and the catalog figures the scenario
used with their sources. plotly.js and the Natural Earth outlines are inlined; the page's
Content-Security-Policy forbids any network request.

Escaping: every string from a scenario or a table is escaped with :func:`html.escape` in the page, and
figure data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&`` and the
line separators written as ``\\uXXXX`` escapes, so no name can close the script element or add markup.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from pathlib import Path

import pandas as pd

from bmdsim import __version__
from bmdsim.report import figures
from bmdsim.report.answers import Answer, answers, run_label, variants_vs_baseline
from bmdsim.report.load import RunFiles, baseline_index, load_folder

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
       "font-src data:; connect-src 'none'")
TABLES = ("summary", "attribution", "raids", "assets", "threats", "engagements", "batteries", "nations", "sensors",
          "spent_stages")
MAX_MAP_RUNS = 4

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1d3557;color:#fff;padding:1em 2em}header h1{margin:0 0 .3em 0;font-size:1.5em}
header p{margin:.2em 0;max-width:70em}main{padding:0 2em 3em 2em;max-width:90em}
nav{padding:.6em 2em;background:#e9eef5;position:sticky;top:0;z-index:10;font-size:.9em}
nav a{margin-right:1.2em;color:#1d3557}section{margin-top:2em}h2{border-bottom:2px solid #1d3557}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em;background:#fff}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}th{background:#eef2f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#555;font-size:.85em;max-width:70em}.fig{background:#fff;margin:.8em 0;border:1px solid #ddd}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}
.tag-seen{color:#2a7a2a}.tag-unverified{color:#b36b00}.tag-estimate{color:#a02020}
.scroll{overflow-x:auto}
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def script_json(obj: object) -> str:
    """JSON safe inside a <script> element: no '<', '>', '&', U+2028 or U+2029 appears literally."""
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False, default=_json_default)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(o: object) -> object:
    if hasattr(o, "tolist"):
        return o.tolist()  # type: ignore[union-attr]
    if hasattr(o, "item"):
        return o.item()  # type: ignore[union-attr]
    return str(o)


def _finite(obj: object) -> object:
    """Replace NaN and infinities by None (JSON null) everywhere in a figure's data."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if hasattr(obj, "tolist"):
        return _finite(obj.tolist())  # type: ignore[union-attr]
    return obj


class Page:
    """Collects sections and figures; ``render`` gives the whole document."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.nav: list[tuple[str, str]] = []
        self.figures: list[dict] = []

    def section(self, anchor: str, title: str) -> None:
        self.nav.append((anchor, title))
        self.parts.append(f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>')

    def end(self) -> None:
        self.parts.append("</section>")

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def figure(self, fig) -> None:
        fid = f"fig{len(self.figures)}"
        data = fig.to_plotly_json()
        self.figures.append({"id": fid, "data": _finite(data.get("data", [])),
                             "layout": _finite(data.get("layout", {}))})
        height = int(data.get("layout", {}).get("height") or 450)
        self.parts.append(f'<div class="fig" id="{fid}" style="height:{height}px"></div>')


def answer_html(a: Answer) -> str:
    head = "".join(f"<th>{esc(c.header)}</th>" for c in a.columns)
    rows = "".join("<tr>" + "".join(f'<td class="{"n" if c.align == ">" else "t"}">{esc(v)}</td>'
                                    for c, v in zip(a.columns, r, strict=True)) + "</tr>" for r in a.rows)
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in a.notes)
    return (f'<h3>{esc(a.title)}</h3><div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>{notes}")


def _cell(col: str, v: object) -> tuple[str, str]:
    """(css class, text) of one table cell, formatted by its column's unit."""
    if isinstance(v, bool) or v is None:
        return "t", "-" if v is None else str(v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        x = float(v)
        if not math.isfinite(x):
            return "n", "-"
        if col.endswith("_usd"):
            return "n", f"${x / 1e6:,.1f}M"
        if col.endswith("_deg"):
            return "n", f"{x:.4f}"
        if col.startswith(("p_", "protection")) or col.endswith("_se"):
            return "n", f"{x:.3f}"
        if col.endswith(("_s", "_km")) or float(x).is_integer():
            return "n", f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.1f}"
        return "n", f"{x:,.2f}"
    return "t", str(v)


def frame_html(df: pd.DataFrame, max_rows: int = 400) -> str:
    if df.empty:
        return '<p class="note">(empty)</p>'
    cols = list(df.columns)
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = []
    for rec in df.head(max_rows).itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec, strict=True):
            cls, text = _cell(c, v.item() if hasattr(v, "item") else v)
            cells.append(f'<td class="{cls}">{esc(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f'<p class="note">first {max_rows} of {len(df)} rows; all in the CSV</p>' if len(df) > max_rows else ""
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            f"</table></div>{more}")


RCS_MODEL_TEXT = {
    "nominal": "nominal: the radar catalog's published figures by flight phase (booster 1 m², re-entry vehicle "
               "0.01 m² nose-on at X band), the same for every radar, band and aspect",
    "aspect": "aspect: physical-optics RCS of each object's shape (capsule booster and stages, cone-sphere "
              "re-entry vehicle) at each look's aspect (body axis along the velocity) and the radar's "
              "wavelength; shapes from the threat catalog and the radar catalog's rcs_shapes",
}


def rcs_model_html(scenario: dict) -> str:
    """The radar-cross-section model of a run (scenario ``rcs.model``) and the catalog figures it uses."""
    from bmdsim.report.catalog import status
    from bmdsim.scenario.radar_catalog import load_radar_catalog

    rcs = scenario.get("rcs") if isinstance(scenario, dict) else None
    model = str(rcs.get("model", "nominal")) if isinstance(rcs, dict) else "nominal"
    cat = load_radar_catalog()
    block = cat.rcs if model == "nominal" else cat.rcs_shapes
    figures = [] if block is None else [(name, getattr(block, name)) for name in type(block).model_fields]
    rows = "".join(f"<tr><td>{esc(name)}</td><td class='n'>{esc(f'{fig.value:g}')}</td>"
                   f"<td class='tag-{esc(status(fig.source))}'>{esc(status(fig.source))}</td>"
                   f"<td>{esc(fig.source)}</td></tr>" for name, fig in figures)
    table = (f"<details><summary>radar cross section figures ({esc(model)} model, {len(figures)} figures)"
             "</summary><table><thead><tr><th>figure</th><th>value</th><th>status</th><th>source</th></tr>"
             f"</thead><tbody>{rows}</tbody></table></details>") if figures else ""
    return f'<p class="note">Radar cross section model: {esc(RCS_MODEL_TEXT.get(model, model))}.</p>{table}'


def assumptions_html(run: RunFiles) -> str:
    """Every catalog entry the scenario uses: each figure, its value, status and source."""
    from bmdsim.report.catalog import entries, entry_table

    sc = run.scenario
    used = {"threats": sorted({str(r.get("missile")) for r in sc.get("raids") or [] if isinstance(r, dict)}),
            "radars": sorted({str(s.get("type")) for s in sc.get("sensors") or []
                              if isinstance(s, dict) and s.get("enabled", True)}),
            "interceptors": sorted({str(s.get("interceptor")) for s in sc.get("shooters") or []
                                    if isinstance(s, dict) and s.get("enabled", True)})}
    out = ['<p class="note">Status: <span class="tag-seen">[seen]</span> read in the cited text; '
           '<span class="tag-unverified">[unverified]</span> a standard reference still to be checked page by page; '
           '<span class="tag-estimate">[estimate]</span> an engineering estimate (basis in the note). '
           "Scenario entries (sites, sensors, shooters) carry their own source in scenario.resolved.yaml.</p>",
           rcs_model_html(sc)]
    counts: dict[str, int] = {}
    for kind, keys in used.items():
        known = entries(kind)
        for key in keys:
            if key not in known:
                continue
            a = entry_table(kind, key)
            rows = []
            for r in a.rows:
                tag = r[2] if r[2] not in ("", "-") else "no source tag"
                counts[tag] = counts.get(tag, 0) + 1
                rows.append(f"<tr><td>{esc(r[0])}</td><td class='n'>{esc(r[1])}</td>"
                            f"<td class='tag-{esc(r[2])}'>{esc(r[2])}</td><td>{esc(r[3])}</td></tr>")
            out.append(f"<details><summary>{esc(kind)}: {esc(key)} ({len(rows)} figures)</summary>"
                       f"<p class='note'>{esc(a.title)}</p><table><thead><tr><th>figure</th><th>value</th>"
                       f"<th>status</th><th>source</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>")
    tally = ", ".join(f"{n} {esc(k)}" for k, n in sorted(counts.items()))
    out.insert(1, f'<p class="note">Figures used: {tally}.</p>')
    return "".join(out)


def provenance_html(runs: list[RunFiles]) -> str:
    """Version, seed, replications and scenario digest of each run (not the measured stage times, which
    would make two identical runs give different reports: they are in results.json)."""
    rows = []
    for r in runs:
        res = r.results
        rows.append(f"<tr><td>{esc(run_label(r))}</td><td>{esc(res.get('bmdsim_version'))}</td>"
                    f"<td>{esc(res.get('seed'))}</td><td>{esc(res.get('replications'))}</td>"
                    f"<td><code>{esc(str(res.get('scenario_sha256', '')))}</code></td></tr>")
    return ("<table><thead><tr><th>run</th><th>bmdsim</th><th>seed</th><th>replications</th>"
            "<th>SHA-256 of scenario.resolved.yaml</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def build_page(runs: list[RunFiles]) -> Page:
    page = Page()
    base = runs[baseline_index(runs)]
    sensor_only = all(r.is_sensor_only for r in runs)
    page.section("answer", "Answer")
    for a in answers(runs):
        page.add(answer_html(a))
    page.end()
    map_runs = runs if len(runs) <= MAX_MAP_RUNS else [base]
    page.section("theatre", "Theatre map")
    page.add('<p class="note">Sites (triangles radars, squares shooters, stars defended assets, crosses launch '
             "areas; colour by nation), radar coverage at the run's target altitudes (other altitudes in the "
             "legend), trajectories coloured by outcome, first intercept points and impact points. "
             "Drag to pan, scroll to zoom, click legend entries to show or hide.</p>")
    for r in map_runs:
        page.figure(figures.theatre_map(r))
    page.end()
    fps = figures.footprint_maps(base)
    if fps:
        page.section("footprints", "Footprints")
        page.add('<p class="note">Each grid point is a threat flown through the whole pipeline; green: some '
                 "shooter has an intercept opportunity; red: in the missile's reach but not engageable; grey: "
                 "out of reach.</p>")
        for f in fps:
            page.figure(f)
        page.end()
    if sensor_only:
        page.section("detections", "Detection timeline")
        page.add('<p class="note">Per threat: its boost, midcourse and terminal phases, and below it each radar '
                 "that detects it, from first to last detection (colour by nation).</p>")
        for r in runs:
            f = figures.detection_timeline(r)
            if f is not None:
                page.figure(f)
        page.end()
    else:
        page.section("timelines", "Timeline per raid")
        page.add(f'<p class="note">{esc(run_label(base))}: launch, first detection by any radar, first '
                 "fire-control-quality track of any nation, first interceptor launch and intercept per shooter, "
                 "impact. Warning time = impact - first detection; decision time = impact - fire-control track "
                 "(hover the bars).</p>")
        for f in figures.raid_timelines(base):
            page.figure(f)
        page.end()
    if len(runs) > 1 and not sensor_only:
        page.section("variants", "Variants side by side")
        page.add(answer_html(variants_vs_baseline(runs)))
        page.end()
    page.section("tables", "Metrics tables")
    for r in runs:
        for t in TABLES:
            df = r.table(t)
            if not df.empty:
                page.add(f"<details{' open' if t == 'summary' else ''}><summary>{esc(run_label(r))}: {esc(t)} "
                         f"({len(df)} rows)</summary>{frame_html(df)}</details>")
    page.end()
    page.section("assumptions", "Assumptions and sources")
    page.add(assumptions_html(base))
    page.add(provenance_html(runs))
    page.end()
    return page


def _asset(name: str) -> str:
    return resources.files("bmdsim.report").joinpath("assets", name).read_text(encoding="utf-8")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().replace("</script", "<\\/script")


LOADER = """
(function(){
  var figs = JSON.parse(document.getElementById('bmdsim-figures').textContent);
  var config = {displaylogo:false, responsive:true, topojsonURL:'about:blank', showSendToCloud:false};
  figs.forEach(function(f){ Plotly.newPlot(f.id, f.data, f.layout, config); });
  document.body.setAttribute('data-figures', String(figs.length));
})();
"""


def render_html(runs: list[RunFiles]) -> str:
    page = build_page(runs)
    base = runs[baseline_index(runs)]
    desc = str(base.scenario.get("description") or "")
    title = base.name.split(":")[0]
    nav = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in page.nav)
    topo = _asset("world_50m.json")
    return "".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>bmdsim report: {esc(title)}</title><style>{CSS}</style>",
        "<script>window.PlotlyGeoAssets={topojson:{world_50m:" + topo.replace("<", "\\u003c") + "}};</script>",
        f"<script>{_plotly_js()}</script></head><body>",
        f"<header><h1>bmdsim report: {esc(title)}</h1><p>{esc(' '.join(desc.split()))}</p>",
        f"<p>bmdsim {esc(__version__)}; {len(runs)} run{'s' if len(runs) > 1 else ''}; rebuild with "
        "<code>bmdsim report FOLDER</code>. Map outlines: Natural Earth (public domain).</p></header>",
        f"<nav>{nav}</nav><main>{''.join(page.parts)}</main>",
        f'<script type="application/json" id="bmdsim-figures">{script_json(page.figures)}</script>',
        f"<script>{LOADER}</script></body></html>\n"])


def write_report(folder: str | Path) -> Path:
    """Write ``folder/report.html`` from the results files in ``folder``; returns its path.

    Raises :class:`bmdsim.report.load.ResultsError` (one line) if the folder is not a results folder.
    """
    folder = Path(folder)
    runs = load_folder(folder)
    path = folder / "report.html"
    tmp = folder / ".report.html.tmp"
    tmp.write_text(render_html(runs), encoding="utf-8")
    tmp.replace(path)
    return path
