"""Plotly figures of a run, built from its results files: theatre map, footprints, timelines, detections.

Every string that comes from a scenario (names of raids, sites, radars...) goes through :func:`esc` before
it reaches a figure: Plotly renders a few HTML-like tags in labels, so markup in a name must arrive as text.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bmdsim.report.geo import coverage_fans, sites
from bmdsim.report.load import RunFiles

NATION_COLOURS = {"US": "#1f77b4", "JP": "#d62728", "ROK": "#2ca02c"}
OUTCOME_COLOURS = {"intercepted": "#2ca02c", "leaks": "#d62728", "not engaged": "#7f7f7f",
                   "detected": "#1f77b4", "not detected": "#7f7f7f"}
OUTCOME_LABELS = {"intercepted": "trajectories: intercepted (P(kill) ≥ 0.5)",
                  "leaks": "trajectories: engaged, P(kill) < 0.5", "not engaged": "trajectories: never engaged",
                  "detected": "trajectories: detected by a radar", "not detected": "trajectories: never detected"}
ROLE_SYMBOLS = {"radar": "triangle-up", "shooter": "square", "asset": "star", "launch": "x"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _geo_layout(lat: list[float], lon: list[float], height: int = 560) -> dict:
    lat_a, lon_a = np.asarray([x for x in lat if math.isfinite(x)]), np.asarray([x for x in lon if math.isfinite(x)])
    if lat_a.size == 0:
        lat_a, lon_a = np.array([30.0, 45.0]), np.array([120.0, 145.0])
    lon_a = np.mod(lon_a + 180.0, 360.0) - 180.0
    if float(np.ptp(lon_a)) > 180.0:  # the points straddle the antimeridian: centre the map on the Pacific
        lon_a = np.mod(lon_a, 360.0)
    rotation = float(lon_a.min() + lon_a.max()) / 2.0  # Plotly centres the view on the rotation
    pad_lat = max(0.4, 0.1 * float(np.ptp(lat_a)))
    pad_lon = max(0.4, 0.1 * float(np.ptp(lon_a)))
    return {"height": height, "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
            "legend": {"bgcolor": "rgba(255,255,255,0.85)", "x": 0.01, "y": 0.99},
            "geo": {"resolution": 50, "scope": "world", "showland": True, "landcolor": "#f2efe6",
                    "showocean": True, "oceancolor": "#e6f0f7", "showcountries": True, "countrycolor": "#999",
                    "showcoastlines": True, "coastlinecolor": "#666", "showlakes": False,
                    "projection": {"type": "equirectangular", "rotation": {"lon": rotation}},
                    "lataxis": {"range": [float(lat_a.min()) - pad_lat, float(lat_a.max()) + pad_lat]},
                    "lonaxis": {"range": [float(lon_a.min()) - pad_lon, float(lon_a.max()) + pad_lon]}}}


def chosen_architecture(run: RunFiles) -> str:
    """The architecture the maps and timelines show: the last one run (the most sharing in the presets)."""
    return run.shown_architecture


def threat_outcomes(run: RunFiles, arch: str) -> dict[int, str]:
    th = run.table("threats")
    if th.empty:
        return {}
    if run.is_sensor_only:
        det = run.table_for("sensors", arch)
        seen = set(det.loc[det["detections"] > 0, "threat"].astype(int)) if not det.empty else set()
        return {int(j): "detected" if int(j) in seen else "not detected" for j in th["threat"].unique()}
    t = th[th["architecture"] == arch]
    out = {}
    for _, r in t.iterrows():
        if float(r.get("p_engaged", 0) or 0) <= 0:
            out[int(r["threat"])] = "not engaged"
        else:
            out[int(r["threat"])] = "intercepted" if float(r["p_killed"]) >= 0.5 else "leaks"
    return out


def theatre_map(run: RunFiles) -> go.Figure:
    """Sites, radar coverage fans, trajectories coloured by outcome, intercept and impact points."""
    arch = chosen_architecture(run)
    fig = go.Figure()
    lat_all: list[float] = []
    lon_all: list[float] = []
    fans = coverage_fans(run)
    alts = sorted({f["altitude_km"] for f in fans})
    shown: set[float] = set()
    for f in fans:
        colour = NATION_COLOURS.get(f["nation"], "#9467bd")
        first = f["altitude_km"] == alts[0] if alts else True
        fig.add_trace(go.Scattergeo(
            lat=f["lat_deg"], lon=f["lon_deg"], mode="lines", fill="toself", line={"width": 1, "color": colour},
            opacity=0.25, name=f"radar coverage, target at {f['altitude_km']:g} km",
            legendgroup=f"cov{f['altitude_km']}", showlegend=f["altitude_km"] not in shown,
            visible=True if first else "legendonly",
            hovertext=esc(f"{f['radar']}: farthest detection of a target at {f['altitude_km']:g} km"),
            hoverinfo="text"))
        shown.add(f["altitude_km"])
    # trajectories, one trace per outcome (threats separated by gaps)
    traj = run.table("trajectories")
    th = run.table("threats")
    outcomes = threat_outcomes(run, arch)
    label = {}
    if not th.empty:
        for _, r in th.drop_duplicates("threat").iterrows():
            label[int(r["threat"])] = esc(f"threat {int(r['threat'])} {r['missile']} → {r['aim']} ({r['raid']})")
    if not traj.empty:
        for outcome in dict.fromkeys(outcomes.values()):
            lat, lon, text = [], [], []
            for j, g in traj.groupby("threat", sort=True):
                if outcomes.get(int(j)) != outcome:
                    continue
                lat += [*g["lat_deg"], None]
                lon += [*g["lon_deg"], None]
                text += [f"{label.get(int(j), j)}<br>t = {t:.0f} s, altitude {a:.0f} km"
                         for t, a in zip(g["t_s"], g["alt_km"], strict=True)] + [""]
            lat_all += [x for x in lat if x is not None]
            lon_all += [x for x in lon if x is not None]
            fig.add_trace(go.Scattergeo(lat=lat, lon=lon, mode="lines", name=OUTCOME_LABELS[outcome],
                                        line={"width": 2, "color": OUTCOME_COLOURS[outcome]}, hovertext=text,
                                        hoverinfo="text"))
    if not th.empty and "impact_lat_deg" in th.columns:
        t = th.drop_duplicates("threat")
        fig.add_trace(go.Scattergeo(lat=t["impact_lat_deg"], lon=t["impact_lon_deg"], mode="markers",
                                    name="impact points", marker={"symbol": "circle-open", "size": 7,
                                                                  "color": "#000"},
                                    hovertext=[label.get(int(j), "") for j in t["threat"]], hoverinfo="text"))
        lat_all += list(t["impact_lat_deg"])
        lon_all += list(t["impact_lon_deg"])
    eng = run.table("engagements")
    if not eng.empty and "intercept_lat_deg" in eng.columns:
        e = eng[(eng["architecture"] == arch) & eng["intercept_lat_deg"].notna()]
        if not e.empty:
            fig.add_trace(go.Scattergeo(
                lat=e["intercept_lat_deg"], lon=e["intercept_lon_deg"], mode="markers",
                name=esc(f"first intercept points ({arch})"), marker={"symbol": "diamond", "size": 7,
                                                                     "color": "#ff7f0e"},
                hovertext=[esc(f"{s} ({i}) on threat {j} at {a:.0f} km, t = {t:.0f} s") for s, i, j, a, t in
                           zip(e["shooter"], e["interceptor"], e["threat"], e["intercept_alt_km"],
                               e["t_first_intercept_s"], strict=True)], hoverinfo="text"))
    for role in ("launch", "asset", "radar", "shooter"):
        pts = [s for s in sites(run) if s.role == role]
        if not pts:
            continue
        lat_all += [p.lat_deg for p in pts]
        lon_all += [p.lon_deg for p in pts]
        fig.add_trace(go.Scattergeo(
            lat=[p.lat_deg for p in pts], lon=[p.lon_deg for p in pts], mode="markers+text",
            name={"launch": "launch areas", "asset": "defended assets"}.get(role, f"{role}s"),
            text=[esc(p.name) for p in pts], textposition="top center",
            textfont={"size": 9}, marker={"symbol": ROLE_SYMBOLS[role], "size": 9,
                                          "color": [NATION_COLOURS.get(p.nation, "#444") for p in pts]},
            hovertext=[esc(f"{p.name} ({p.role}, {p.nation or '-'}, {p.detail}) at {p.lat_deg:.3f}, "
                           f"{p.lon_deg:.3f}") for p in pts], hoverinfo="text"))
    layout = _geo_layout(lat_all, lon_all)
    layout["title"] = {"text": esc(f"Theatre: {run.name} (outcomes under {arch})") if not run.is_sensor_only
                       else esc(f"Theatre: {run.name}")}
    fig.update_layout(**layout)
    return fig


def footprint_maps(run: RunFiles) -> list[go.Figure]:
    """Per footprint table and architecture: grid points coloured engageable / in reach / out of reach."""
    figs = []
    for table in ("footprint_aim", "footprint_launch"):
        fp = run.table(table)
        if fp.empty or "lat_deg" not in fp.columns:
            continue
        for (name, arch), g in fp.groupby(["footprint", "architecture"], sort=False):
            fig = go.Figure()
            cls = np.where(g["engageable"].astype(bool), "engageable",
                           np.where(g["in_reach"].astype(bool), "in reach, not engageable", "out of reach"))
            colours = {"engageable": "#2ca02c", "in reach, not engageable": "#d62728", "out of reach": "#bbbbbb"}
            for c, colour in colours.items():
                m = cls == c
                if m.any():
                    fig.add_trace(go.Scattergeo(
                        lat=g.loc[m, "lat_deg"], lon=g.loc[m, "lon_deg"], mode="markers", name=c,
                        marker={"size": 9, "color": colour, "symbol": "square"},
                        hovertext=[f"{la:.2f}, {lo:.2f}: {int(n)} opportunities" for la, lo, n in
                                   zip(g.loc[m, "lat_deg"], g.loc[m, "lon_deg"],
                                       g.loc[m, "engagement_opportunities"], strict=True)], hoverinfo="text"))
            for s in sites(run):
                if s.role == "shooter":
                    fig.add_trace(go.Scattergeo(lat=[s.lat_deg], lon=[s.lon_deg], mode="markers",
                                                marker={"symbol": "square-open", "size": 10, "color": "#000"},
                                                name=esc(s.name), showlegend=False, hovertext=esc(s.name),
                                                hoverinfo="text"))
            share = float(np.mean(cls == "engageable")) if cls.size else 0.0
            layout = _geo_layout(list(g["lat_deg"]), list(g["lon_deg"]), height=420)
            kind = "defended area (aim points)" if table == "footprint_aim" else "launch area"
            layout["title"] = {"text": esc(f"{name}: {kind} under {arch}, {share:.0%} engageable")}
            fig.update_layout(**layout)
            figs.append(fig)
    return figs


def raid_timelines(run: RunFiles) -> list[go.Figure]:
    """Per raid: each threat's flight, first detection (by any radar, and by each), the fire-control track of
    each nation, first launch and intercept, impact."""
    arch = chosen_architecture(run)
    th = run.table("threats")
    if th.empty:
        return []
    th = th[th["architecture"] == arch] if "architecture" in th.columns else th
    eng = run.table("engagements")
    eng = eng[eng["architecture"] == arch] if not eng.empty else eng
    figs = []
    for raid, g in th.groupby("raid", sort=False):
        ys = [esc(f"{int(j)} {m}→{a}") for j, m, a in zip(g["threat"], g["missile"], g["aim"], strict=True)]
        fig = go.Figure()
        fig.add_trace(go.Bar(y=ys, x=g["t_impact_s"] - g["t_launch_s"], base=g["t_launch_s"], orientation="h",
                             name="in flight", marker={"color": "rgba(120,120,120,0.25)"},
                             hovertext=[f"warning {fmt(w)} s, decision {fmt(d)} s" for w, d in
                                        zip(g["warning_time_s"], g["decision_time_s"], strict=True)],
                             hoverinfo="text+x"))
        marks = [("t_launch_s", "launch", "#000", "circle"),
                 ("t_first_detection_s", "first detection", "#1f77b4", "triangle-up"),
                 ("t_fire_control_track_s", "fire-control track", "#9467bd", "diamond"),
                 ("t_impact_s", "impact", "#d62728", "x")]
        for col, name, colour, sym in marks:
            if col in g.columns:
                fig.add_trace(go.Scatter(x=g[col], y=ys, mode="markers", name=name,
                                         marker={"color": colour, "symbol": sym, "size": 9}))
        fc = run.table_for("fire_control", arch)
        if not fc.empty:
            yl = {int(j): y for j, y in zip(g["threat"], ys, strict=True)}
            symbols = ("diamond-open", "square-open", "circle-open", "hexagon-open", "star-open")
            for i, (nation, d) in enumerate(fc[fc["threat"].isin(g["threat"])].groupby("nation", sort=False)):
                d = d[d["t_fire_control_s"].notna()]
                if d.empty:
                    continue
                fig.add_trace(go.Scatter(x=d["t_fire_control_s"], y=[yl[int(j)] for j in d["threat"]],
                                         mode="markers", name=esc(f"fire-control track, {nation}"),
                                         marker={"color": "#9467bd", "symbol": symbols[i % len(symbols)],
                                                 "size": 11}))
        sens = run.table_for("sensors", arch)
        if not sens.empty and "first_detection_s" in sens.columns:
            d = sens[sens["threat"].isin(g["threat"]) & sens["first_detection_s"].notna()]
            yl = {int(j): y for j, y in zip(g["threat"], ys, strict=True)}
            fig.add_trace(go.Scatter(x=d["first_detection_s"], y=[yl[int(j)] for j in d["threat"]], mode="markers",
                                     name="first detection by each radar",
                                     marker={"color": "#1f77b4", "symbol": "line-ns-open", "size": 12},
                                     hovertext=[esc(f"{s} ({n})") for s, n in zip(d["sensor"], d["nation"],
                                                                                    strict=True)],
                                     hoverinfo="text+x"))
        if not eng.empty:
            e = eng[eng["threat"].isin(g["threat"])]
            yl = {int(j): y for j, y in zip(g["threat"], ys, strict=True)}
            fig.add_trace(go.Scatter(x=e["t_first_launch_s"], y=[yl[int(j)] for j in e["threat"]], mode="markers",
                                     name="interceptor launch", marker={"color": "#ff7f0e", "symbol": "triangle-right",
                                                                        "size": 9},
                                     hovertext=[esc(s) for s in e["shooter"]], hoverinfo="text+x"))
            fig.add_trace(go.Scatter(x=e["t_first_intercept_s"], y=[yl[int(j)] for j in e["threat"]],
                                     mode="markers", name="intercept",
                                     marker={"color": "#2ca02c", "symbol": "star", "size": 11},
                                     hovertext=[esc(s) for s in e["shooter"]], hoverinfo="text+x"))
        fig.update_layout(title={"text": esc(f"Raid {raid} under {arch}")}, barmode="overlay",
                          height=140 + 28 * len(ys), margin={"l": 10, "r": 10, "t": 40, "b": 40},
                          xaxis={"title": {"text": "time from scenario start [s]"}},
                          yaxis={"autorange": "reversed", "type": "category"})
        figs.append(fig)
    return figs


def fmt(x: object) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    return f"{v:.0f}" if math.isfinite(v) else "-"


def detection_timeline(run: RunFiles) -> go.Figure | None:
    """Which radar sees which missile, when, against each threat's boost, midcourse and terminal phases."""
    arch = chosen_architecture(run)
    sensors, th = run.table_for("sensors", arch), run.table("threats")
    if sensors.empty or th.empty:
        return None
    th = th.drop_duplicates("threat").set_index("threat")
    det = sensors[sensors["detections"] > 0]
    fig = go.Figure()
    phase_colours = {"boost": "rgba(255,127,14,0.35)", "midcourse": "rgba(31,119,180,0.25)",
                     "terminal": "rgba(214,39,40,0.35)"}
    rows_y: list[str] = []
    for j, t in th.iterrows():
        y = esc(f"{int(j)} {t['missile']}→{t['aim']}: flight")
        rows_y.append(y)
        t0 = float(t["t_launch_s"])
        if {"t_burnout_s", "t_reentry_s"} <= set(t.index):
            spans = {"boost": (t0, t["t_burnout_s"]), "midcourse": (t["t_burnout_s"], t["t_reentry_s"]),
                     "terminal": (t["t_reentry_s"], t["t_impact_s"])}
            for p, (a, b) in spans.items():
                fig.add_trace(go.Bar(y=[y], x=[float(b) - float(a)], base=[float(a) - t0], orientation="h",
                                     marker={"color": phase_colours[p]}, name=p, legendgroup=p,
                                     showlegend=int(j) == int(th.index[0]), hoverinfo="name+x"))
        for _, s in det[det["threat"] == j].iterrows():
            ys = esc(f"{int(j)} {t['missile']}→{t['aim']}: {s['sensor']}")
            rows_y.append(ys)
            fig.add_trace(go.Bar(y=[ys], x=[float(s["last_detection_s"]) - float(s["first_detection_s"])],
                                 base=[float(s["first_detection_s"]) - t0], orientation="h",
                                 marker={"color": NATION_COLOURS.get(str(s["nation"]), "#444")},
                                 name=esc(f"{s['sensor']} ({s['nation']})"), showlegend=False,
                                 hovertext=esc(f"{s['sensor']}: first detection "
                                               f"{float(s['first_detection_s']) - t0:.0f} s after launch, "
                                               f"{int(s['detections'])} detections"),
                                 hoverinfo="text"))
    fig.update_layout(title={"text": esc(f"Detections: {run.name} (cues shared as under {arch})")}, barmode="overlay",
                      height=160 + 24 * len(rows_y), margin={"l": 10, "r": 10, "t": 40, "b": 40},
                      xaxis={"title": {"text": "time after launch [s]"}},
                      yaxis={"autorange": "reversed", "type": "category", "categoryorder": "array",
                             "categoryarray": rows_y})
    return fig


def frame_to_records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")
