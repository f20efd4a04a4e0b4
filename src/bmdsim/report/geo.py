"""Where things are, for maps and GIS exports, read from a results folder and the built-in gazetteer.

Sites come from the resolved scenario (its own ``sites`` first, then the gazetteer); coverage fans are the
polygon through each radar's farthest detection range per azimuth (``coverage`` table), drawn along the
WGS 84 geodesic. Presentation only: no detection is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from bmdsim.report.load import RunFiles

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class SitePoint:
    name: str
    role: str  # radar, shooter, asset, launch
    nation: str
    site: str
    lat_deg: float
    lon_deg: float
    detail: str = ""


def _gazetteer() -> dict:
    from bmdsim.scenario.sites import load_site_catalog

    return dict(load_site_catalog().sites)


def site_lat_lon(run: RunFiles, key: str) -> tuple[float, float] | None:
    own = run.scenario.get("sites") or {}
    if isinstance(own, dict) and key in own and isinstance(own[key], dict):
        s = own[key]
        try:
            return float(s["lat_deg"]), float(s["lon_deg"])
        except (KeyError, TypeError, ValueError):
            return None
    gaz = _gazetteer()
    if key in gaz:
        return float(gaz[key].lat_deg.value), float(gaz[key].lon_deg.value)
    return None


def sites(run: RunFiles) -> list[SitePoint]:
    """Enabled radars and shooters, defended assets and launch sites of the run, with coordinates."""
    sc = run.scenario
    out: list[SitePoint] = []

    def add(name: str, role: str, nation: str, site: str, detail: str = "") -> None:
        ll = site_lat_lon(run, site) if site else None
        if ll is not None:
            out.append(SitePoint(str(name), role, str(nation or ""), str(site), ll[0], ll[1], detail))

    for s in sc.get("sensors") or []:
        if isinstance(s, dict) and s.get("enabled", True):
            add(s.get("name", ""), "radar", s.get("nation", ""), s.get("site", ""), str(s.get("type", "")))
    for s in sc.get("shooters") or []:
        if isinstance(s, dict) and s.get("enabled", True):
            add(s.get("name", ""), "shooter", s.get("nation", ""), s.get("site", ""), str(s.get("interceptor", "")))
    for a in sc.get("assets") or []:
        if isinstance(a, dict):
            add(a.get("name", ""), "asset", "", a.get("site", a.get("name", "")), f"value {a.get('value', '')}")
    seen = set()
    for r in sc.get("raids") or []:
        if isinstance(r, dict) and r.get("launch_site") and r["launch_site"] not in seen:
            seen.add(r["launch_site"])
            add(r["launch_site"], "launch", "", r["launch_site"], str(r.get("missile", "")))
    return out


def coverage_fans(run: RunFiles) -> list[dict]:
    """One closed polygon per radar and target altitude: dicts with radar, altitude_km, lat_deg, lon_deg lists."""
    cov = run.table("coverage")
    if cov.empty or not {"radar", "azimuth_deg", "ground_range_km"} <= set(cov.columns):
        return []
    where = {s.name: s for s in sites(run) if s.role == "radar"}
    fans = []
    group_cols = ["radar", "altitude_km"] if "altitude_km" in cov.columns else ["radar"]
    for key, g in cov.groupby(group_cols, sort=False):
        radar = key[0] if isinstance(key, tuple) else key
        alt = key[1] if isinstance(key, tuple) and len(key) > 1 else math.nan
        s = where.get(str(radar))
        g = g[np.isfinite(g["ground_range_km"].to_numpy(float))].sort_values("azimuth_deg")
        if s is None or g.empty:
            continue
        az = g["azimuth_deg"].to_numpy(float)
        dist = g["ground_range_km"].to_numpy(float) * 1e3
        lon, lat, _ = _GEOD.fwd(np.full(az.size, s.lon_deg), np.full(az.size, s.lat_deg), az, dist)
        full_circle = az.size > 2 and (az.max() - az.min()) >= 359.0
        lats = list(np.round(lat, 4)) + ([lat[0]] if full_circle else [s.lat_deg])
        lons = list(np.round(lon, 4)) + ([lon[0]] if full_circle else [s.lon_deg])
        if not full_circle:
            lats, lons = [s.lat_deg, *lats], [s.lon_deg, *lons]
        fans.append({"radar": str(radar), "nation": s.nation, "altitude_km": float(alt), "lat_deg": lats,
                     "lon_deg": lons})
    return fans
