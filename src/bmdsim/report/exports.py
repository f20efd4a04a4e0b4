"""Exports of a results folder for other tools: CZML (Cesium), KML (Google Earth), GeoJSON (any GIS), PNG.

All coordinates are WGS 84 longitude, latitude in degrees and height above the ellipsoid in metres (the
order each format defines). CZML times are the scenario epoch (``epoch_utc``) plus scenario seconds.
Written for the baseline run of a variant folder (the first, or the one named ``baseline``).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from bmdsim.report.figures import NATION_COLOURS, OUTCOME_COLOURS, chosen_architecture, threat_outcomes
from bmdsim.report.geo import coverage_fans, sites
from bmdsim.report.load import ResultsError, RunFiles, baseline_index, load_folder


def _epoch(run: RunFiles) -> datetime:
    text = str(run.scenario.get("epoch_utc") or "2014-12-29T00:00:00Z")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime(2014, 12, 29, tzinfo=UTC)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _threat_labels(run: RunFiles) -> dict[int, dict]:
    th = run.table("threats")
    if th.empty:
        return {}
    return {int(r["threat"]): r.to_dict() for _, r in th.drop_duplicates("threat").iterrows()}


def _num(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# ---------------------------------------------------------------- GeoJSON
def geojson_sites(run: RunFiles) -> dict:
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon_deg, s.lat_deg]},
              "properties": {"name": s.name, "role": s.role, "nation": s.nation, "site": s.site, "detail": s.detail}}
             for s in sites(run)]
    return {"type": "FeatureCollection", "features": feats}


def geojson_impacts(run: RunFiles) -> dict:
    """Impact points (per threat, with P(kill) per architecture) and first intercept points."""
    th = run.table("threats")
    feats = []
    if not th.empty and "impact_lat_deg" in th.columns:
        for j, g in th.groupby("threat", sort=True):
            r = g.iloc[0]
            lat, lon = _num(r["impact_lat_deg"]), _num(r["impact_lon_deg"])
            if lat is None or lon is None:
                continue
            props = {"kind": "impact", "threat": int(j), "raid": str(r["raid"]), "missile": str(r["missile"]),
                     "aim": str(r["aim"]), "t_impact_s": _num(r["t_impact_s"]),
                     "launch_lat_deg": _num(r.get("launch_lat_deg")), "launch_lon_deg": _num(r.get("launch_lon_deg"))}
            for _, a in g.iterrows():
                props[f"p_killed_{a['architecture']}"] = _num(a["p_killed"])
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                          "properties": props})
    eng = run.table("engagements")
    if not eng.empty and "intercept_lat_deg" in eng.columns:
        for _, e in eng.iterrows():
            lat, lon, alt = _num(e["intercept_lat_deg"]), _num(e["intercept_lon_deg"]), _num(e["intercept_alt_km"])
            if lat is None or lon is None:
                continue
            feats.append({"type": "Feature",
                          "geometry": {"type": "Point", "coordinates": [lon, lat, (alt or 0.0) * 1e3]},
                          "properties": {"kind": "first intercept", "architecture": str(e["architecture"]),
                                         "shooter": str(e["shooter"]), "interceptor": str(e["interceptor"]),
                                         "threat": int(e["threat"]), "t_intercept_s": _num(e["t_first_intercept_s"]),
                                         "altitude_km": alt}})
    return {"type": "FeatureCollection", "features": feats}


# ---------------------------------------------------------------- KML
def _html_text(text: str) -> str:
    """A description as HTML text: Google Earth and Cesium render descriptions as HTML, so scenario strings
    (names of sites, raids, shooters) are escaped here and can never become markup or script."""
    import html

    return html.escape(text, quote=True)


def _kml_colour(hex_rgb: str, alpha: int = 255) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}"  # KML colours are aabbggrr


def write_kml(run: RunFiles, path: Path) -> Path:
    import simplekml

    kml = simplekml.Kml(name=f"bmdsim: {run.name}")
    folder = kml.newfolder(name="Sites")
    for s in sites(run):
        p = folder.newpoint(name=s.name, coords=[(s.lon_deg, s.lat_deg)],
                            description=_html_text(f"{s.role}, {s.nation or '-'}, {s.detail}"))
        p.style.iconstyle.color = _kml_colour(NATION_COLOURS.get(s.nation, "#444444"))
    arch = chosen_architecture(run)
    outcomes = threat_outcomes(run, arch)
    labels = _threat_labels(run)
    traj = run.table("trajectories")
    folder = kml.newfolder(name=f"Trajectories (outcome under {arch})" if arch else "Trajectories")
    if not traj.empty:
        for j, g in traj.groupby("threat", sort=True):
            lab = labels.get(int(j), {})
            ls = folder.newlinestring(name=f"threat {int(j)} {lab.get('missile', '')} -> {lab.get('aim', '')}",
                                      coords=list(zip(g["lon_deg"], g["lat_deg"], g["alt_km"] * 1e3, strict=True)),
                                      description=_html_text(f"raid {lab.get('raid', '')}; {outcomes.get(int(j), '')}"))
            ls.altitudemode = simplekml.AltitudeMode.absolute
            ls.style.linestyle.width = 2
            ls.style.linestyle.color = _kml_colour(OUTCOME_COLOURS.get(outcomes.get(int(j), ""), "#7f7f7f"))
    imp = geojson_impacts(run)["features"]
    folder = kml.newfolder(name="Impacts and intercepts")
    for f in imp:
        pr, c = f["properties"], f["geometry"]["coordinates"]
        name = (f"impact of threat {pr['threat']}" if pr["kind"] == "impact"
                else f"intercept of threat {pr['threat']} by {pr['shooter']} ({pr['architecture']})")
        p = folder.newpoint(name=name, coords=[tuple(c)])
        if len(c) == 3:
            p.altitudemode = simplekml.AltitudeMode.absolute
    folder = kml.newfolder(name="Radar coverage")
    for fan in coverage_fans(run):
        pol = folder.newpolygon(name=f"{fan['radar']}: target at {fan['altitude_km']:g} km",
                                outerboundaryis=list(zip(fan["lon_deg"], fan["lat_deg"], strict=True)))
        pol.style.polystyle.color = _kml_colour(NATION_COLOURS.get(fan["nation"], "#9467bd"), 60)
    kml.save(str(path))
    return path


# ---------------------------------------------------------------- CZML
def czml_packets(run: RunFiles) -> list[dict]:
    """CZML packets: a clock over the raid, each threat's path, sites, intercept points, coverage outlines."""
    from czml3 import Document, Packet
    from czml3.properties import (
        Clock,
        Color,
        Label,
        Path,
        Point,
        Polyline,
        PolylineMaterial,
        Position,
        PositionList,
        SolidColorMaterial,
    )

    epoch = _epoch(run)
    traj = run.table("trajectories")
    t0 = float(traj["t_s"].min()) if not traj.empty else 0.0
    t1 = float(traj["t_s"].max()) if not traj.empty else 60.0
    start, end = epoch + timedelta(seconds=t0), epoch + timedelta(seconds=t1)
    packets = [Packet(id="document", name=f"bmdsim: {run.name}", version="1.0",
                        clock=Clock(currentTime=start, multiplier=10, interval=f"{_iso(start)}/{_iso(end)}"))]

    def rgba(hex_rgb: str, a: int = 255) -> list[int]:
        return [int(hex_rgb[1:3], 16), int(hex_rgb[3:5], 16), int(hex_rgb[5:7], 16), a]

    arch = chosen_architecture(run)
    outcomes = threat_outcomes(run, arch)
    labels = _threat_labels(run)
    if not traj.empty:
        for j, g in traj.groupby("threat", sort=True):
            coords: list[float] = []
            for t, lat, lon, alt in zip(g["t_s"], g["lat_deg"], g["lon_deg"], g["alt_km"], strict=True):
                coords += [float(t), round(float(lon), 5), round(float(lat), 5), round(float(alt) * 1e3, 1)]
            ta, tb = epoch + timedelta(seconds=float(g["t_s"].min())), epoch + timedelta(seconds=float(g["t_s"].max()))
            colour = rgba(OUTCOME_COLOURS.get(outcomes.get(int(j), ""), "#7f7f7f"))
            lab = labels.get(int(j), {})
            packets.append(Packet(
                id=f"threat-{int(j)}", name=f"threat {int(j)} {lab.get('missile', '')} -> {lab.get('aim', '')}",
                description=_html_text(f"raid {lab.get('raid', '')}; {outcomes.get(int(j), '')} under {arch}"),
                availability=f"{_iso(ta)}/{_iso(tb)}",
                position=Position(epoch=epoch, cartographicDegrees=coords),
                point=Point(pixelSize=6, color=Color(rgba=colour)),
                path=Path(width=2, leadTime=0, trailTime=3600,
                          material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=colour))))))
    for k, s in enumerate(sites(run)):
        packets.append(Packet(
            id=f"site-{k}", name=s.name, description=_html_text(f"{s.role}, {s.nation or '-'}, {s.detail}"),
            position=Position(cartographicDegrees=[s.lon_deg, s.lat_deg, 0.0]),
            point=Point(pixelSize=8, color=Color(rgba=rgba(NATION_COLOURS.get(s.nation, "#444444")))),
            label=Label(text=s.name, font="11px sans-serif", show=True)))
    eng = run.table("engagements")
    if not eng.empty and "intercept_lat_deg" in eng.columns:
        e = eng[(eng["architecture"] == arch) & eng["intercept_lat_deg"].notna()]
        where = {x.name: x for x in sites(run) if x.role == "shooter"}
        for k, (_, r) in enumerate(e.iterrows()):
            ti = epoch + timedelta(seconds=float(r["t_first_intercept_s"]))
            shooter = where.get(str(r["shooter"]))
            if shooter is not None and math.isfinite(float(r["t_first_launch_s"])):
                tl = epoch + timedelta(seconds=float(r["t_first_launch_s"]))
                packets.append(Packet(
                    id=f"flyout-{k}", name=f"interceptor from {r['shooter']} at threat {int(r['threat'])}",
                    description="straight line from the launcher to the first intercept point (display only)",
                    availability=f"{_iso(tl)}/{_iso(ti)}",
                    position=Position(epoch=epoch, interpolationAlgorithm="LINEAR", cartographicDegrees=[
                        float(r["t_first_launch_s"]), shooter.lon_deg, shooter.lat_deg, 0.0,
                        float(r["t_first_intercept_s"]), float(r["intercept_lon_deg"]),
                        float(r["intercept_lat_deg"]), float(r["intercept_alt_km"]) * 1e3]),
                    point=Point(pixelSize=5, color=Color(rgba=[255, 127, 14, 255])),
                    path=Path(width=1, leadTime=0, trailTime=600,
                              material=PolylineMaterial(solidColor=SolidColorMaterial(
                                  color=Color(rgba=[255, 127, 14, 255]))))))
            packets.append(Packet(
                id=f"intercept-{k}", name=f"intercept of threat {int(r['threat'])} by {r['shooter']}",
                description=_html_text(f"{r['interceptor']}, {arch}"), availability=f"{_iso(ti)}/{_iso(end)}",
                position=Position(cartographicDegrees=[float(r["intercept_lon_deg"]), float(r["intercept_lat_deg"]),
                                                       float(r["intercept_alt_km"]) * 1e3]),
                point=Point(pixelSize=10, color=Color(rgba=[255, 127, 14, 255]))))
    for k, fan in enumerate(coverage_fans(run)):
        coords = []
        for lat, lon in zip(fan["lat_deg"], fan["lon_deg"], strict=True):
            coords += [float(lon), float(lat), fan["altitude_km"] * 1e3 if math.isfinite(fan["altitude_km"]) else 0.0]
        packets.append(Packet(
            id=f"coverage-{k}", name=f"{fan['radar']}: coverage at {fan['altitude_km']:g} km",
            polyline=Polyline(positions=PositionList(cartographicDegrees=coords), width=1,
                              material=PolylineMaterial(solidColor=SolidColorMaterial(
                                  color=Color(rgba=rgba(NATION_COLOURS.get(fan["nation"], "#9467bd"))))))))
    return json.loads(Document(packets=packets).dumps())


# ---------------------------------------------------------------- PNG
def write_pngs(folder: Path, run: RunFiles) -> list[Path]:
    """The report's figures as PNG images, through kaleido and a local Chrome or Chromium, offline.

    Kaleido's page gets the same plotly.js and Natural Earth outlines as report.html, so maps draw
    without the network.
    """
    import os
    import shutil
    import tempfile

    from bmdsim.report import figures
    from bmdsim.report.html import _asset

    try:
        import kaleido
    except ImportError:
        raise ResultsError("--png needs kaleido (pip install kaleido) and a local Chrome or Chromium; the same "
                           "figures are in report.html (each has a camera button that saves a PNG)") from None
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser and "BROWSER_PATH" not in os.environ:
        os.environ["BROWSER_PATH"] = browser
    figs = [("theatre", figures.theatre_map(run))]
    figs += [(f"footprint-{i}", f) for i, f in enumerate(figures.footprint_maps(run))]
    if run.is_sensor_only:
        det = figures.detection_timeline(run)
        figs += [("detections", det)] if det is not None else []
    else:
        figs += [(f"timeline-{i}", f) for i, f in enumerate(figures.raid_timelines(run))]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        from plotly.offline import get_plotlyjs

        (Path(tmp) / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
        (Path(tmp) / "outlines.js").write_text(
            "window.PlotlyGeoAssets={topojson:{world_50m:" + _asset("world_50m.json") + "}};", encoding="utf-8")
        page = kaleido.PageGenerator(plotly=str(Path(tmp) / "plotly.min.js"), mathjax=False,
                                     others=[str(Path(tmp) / "outlines.js")])
        for name, fig in figs:
            path = folder / f"figure-{name}.png"
            try:
                kaleido.write_fig_sync(fig, path=str(path), opts={"format": "png", "width": 1200,
                                                                  "height": int(fig.layout.height or 600),
                                                                  "scale": 2},
                                       kopts={"page_generator": page})
            except Exception as exc:  # no browser found, or it failed
                raise ResultsError(f"--png: kaleido could not render ({str(exc).splitlines()[0]}); the figures "
                                   "are in report.html") from None
            out.append(path)
    return out


def write_exports(folder: str | Path, *, czml: bool = False, kml: bool = False, geojson: bool = False,
                  png: bool = False) -> list[Path]:
    """Write the chosen exports beside the results; returns the paths written."""
    folder = Path(folder)
    runs = load_folder(folder)
    run = runs[baseline_index(runs)]
    written: list[Path] = []
    if geojson:
        for name, data in (("sites", geojson_sites(run)), ("impacts", geojson_impacts(run))):
            path = folder / f"{name}.geojson"
            path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")
            written.append(path)
    if kml:
        written.append(write_kml(run, folder / "raid.kml"))
    if czml:
        path = folder / "raid.czml"
        path.write_text(json.dumps(czml_packets(run), separators=(",", ":")) + "\n", encoding="utf-8")
        written.append(path)
    if png:
        written += write_pngs(folder, run)
    return written


__all__ = ["geojson_impacts", "geojson_sites", "write_exports", "write_kml"]
_ = pd  # tables arrive as pandas frames through RunFiles
