"""Footprints over the rotating Earth: where the defence can engage, and what each radar covers.

- **Aim-point footprint** (the defended area): threats of one type launched from one site at every point of
  a grid of aim points; for each architecture, whether any shooter has an intercept opportunity. The
  share of engageable aim points, and the map of them, is the defended area of the laydown against that
  launch site.
- **Launch-point footprint**: threats launched from every point of a grid at one defended asset; whether
  they can be engaged before they reach it.
- **Radar coverage**: each radar's farthest detection range per azimuth at chosen target altitudes and RCS.

Every grid threat goes through the same pipeline as a raid (full-model targeting, radar measurements with
their own seeded streams, per-nation tracking under each architecture, fire control), so a footprint means
exactly what an engagement in the main run means. Aim points out of the missile's reach are reported as
such, not engaged.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from bmdsim.assessment.build import ResolvedScenario
from bmdsim.assessment.run import Pipeline, Timer, fly_scenario
from bmdsim.earth.geodesy import surface_forward
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.raid import ThreatTable
from bmdsim.flight.targeting import maximum_range
from bmdsim.scenario.errors import InputError
from bmdsim.scenario.schema import GridEntry
from bmdsim.scenario.seeds import SeedPlan
from bmdsim.sensors.coverage import coverage


def grid_points(lat_rad: float, lon_rad: float, radius_m: float, per_side: int) -> tuple[np.ndarray, np.ndarray]:
    """A square grid of ``per_side``^2 points spanning +-radius east-west and north-south of a centre."""
    offsets = np.linspace(-radius_m, radius_m, per_side)
    east, north = np.meshgrid(offsets, offsets)
    dist = np.hypot(east, north).ravel()
    az = np.arctan2(east, north).ravel()
    lat, lon = surface_forward(np.full(dist.size, lat_rad), np.full(dist.size, lon_rad), az, dist)
    return lat, lon


def _site(sc: ResolvedScenario, key: str, what: str) -> tuple[float, float]:
    from bmdsim.scenario.sites import load_site_catalog

    assets = {a.name: a.site for a in sc.config.assets}
    key = assets.get(key, key)
    if key in sc.config.sites:
        s = sc.config.sites[key]
        return float(np.radians(s.lat_deg)), float(np.radians(s.lon_deg))
    gaz = load_site_catalog().sites
    if key in gaz:
        return float(np.radians(gaz[key].lat_deg.value)), float(np.radians(gaz[key].lon_deg.value))
    raise InputError(f"{sc.file}: footprints: {what}: unknown site {key!r}")


def _table(missile: str, lat: np.ndarray, lon: np.ndarray, alat: np.ndarray, alon: np.ndarray) -> ThreatTable:
    n = lat.size
    return ThreatTable(missile=(missile,) * n, raid=np.zeros(n, dtype=np.int64), wave=np.zeros(n, dtype=np.int64),
                       aim=("grid",) * n, value=np.ones(n), launch_lat_rad=lat, launch_lon_rad=lon,
                       aim_lat_rad=alat, aim_lon_rad=alon, t_launch_s=np.zeros(n),
                       profile=("minimum-energy",) * n, has_decoys=np.zeros(n, dtype=bool),
                       decoys_light=np.zeros(n, dtype=bool))


def _engageable(sc: ResolvedScenario, table: ThreatTable, seeds: SeedPlan,
                timer: Timer | None) -> dict[str, np.ndarray]:
    """Per architecture: number of shooters with an opportunity against each grid threat.

    The grid threats go through the same stage calls as a raid (:class:`~bmdsim.assessment.run.Pipeline`):
    flight, sensing, each sensor's tracks, the network's pictures and fire control.
    """
    sub = dataclasses.replace(sc, threats=table, seeds=seeds)
    pipe = Pipeline(sub, fly_scenario(sub, timer), timer)
    out = {}
    for name, arch in sc.architectures.items():
        pics, _, own, _ = pipe.picture(arch)
        out[name] = (pipe.fire_control(pics, own).windows.looks > 0).sum(axis=0)
    return out


def _in_reach(missile: str, lat0, lon0, lat1, lon1, sc: ResolvedScenario) -> np.ndarray:
    from bmdsim.earth.geodesy import surface_inverse

    dist, az, _ = surface_inverse(lat0, lon0, lat1, lon1, sc.earth.ellipsoid)
    rmax, _ = maximum_range(threat_vehicle(missile), lat0, lon0, az, earth=sc.earth)
    return dist < 0.98 * rmax  # a 2% margin keeps the grid clear of the targeting's reach limit


def grid_footprint(sc: ResolvedScenario, grid: GridEntry, kind: str, seeds: SeedPlan,
                   timer: Timer | None = None) -> pd.DataFrame:
    """One aim- or launch-point footprint as a table: a row per grid point and architecture."""
    c_lat, c_lon = _site(sc, grid.center, f"{grid.name}.center")
    lat, lon = grid_points(c_lat, c_lon, grid.radius_km * 1e3, grid.points_per_side)
    if kind == "aim":
        if grid.launch_site is None:
            raise InputError(f"{sc.file}: footprints: {grid.name}.launch_site: required for an aim grid")
        l_lat, l_lon = _site(sc, grid.launch_site, f"{grid.name}.launch_site")
        launch = (np.full(lat.size, l_lat), np.full(lat.size, l_lon))
        aim = (lat, lon)
    else:
        if grid.aim is None:
            raise InputError(f"{sc.file}: footprints: {grid.name}.aim: required for a launch grid")
        a_lat, a_lon = _site(sc, grid.aim, f"{grid.name}.aim")
        launch = (lat, lon)
        aim = (np.full(lat.size, a_lat), np.full(lat.size, a_lon))
    reach = _in_reach(grid.missile, *launch, *aim, sc)
    counts = {a: np.zeros(lat.size, dtype=np.int64) for a in sc.architectures}
    if reach.any():
        table = _table(grid.missile, launch[0][reach], launch[1][reach], aim[0][reach], aim[1][reach])
        for a, c in _engageable(sc, table, seeds, timer).items():
            counts[a][reach] = c
    rows = []
    for a, c in counts.items():
        for i in range(lat.size):
            rows.append({"footprint": grid.name, "kind": kind, "architecture": a, "missile": grid.missile,
                         "lat_deg": float(np.degrees(lat[i])), "lon_deg": float(np.degrees(lon[i])),
                         "in_reach": bool(reach[i]), "engagement_opportunities": int(c[i]),
                         "engageable": bool(c[i] > 0)})
    return pd.DataFrame(rows)


def coverage_table(sc: ResolvedScenario) -> pd.DataFrame:
    """Each radar's detection coverage at the configured altitudes and RCS (a row per azimuth)."""
    fp = sc.config.footprints
    rows = []
    for site in sc.radars:
        for alt_km in fp.coverage_altitudes_km:
            cov = coverage(site, target_alt_m=alt_km * 1e3, rcs_m2=fp.coverage_rcs_m2)
            for az, g, sl, lim in zip(cov.azimuth_rad, cov.ground_range_m, cov.slant_range_m, cov.limited_by,
                                      strict=True):
                rows.append({"radar": site.name, "nation": site.nation, "altitude_km": alt_km,
                             "rcs_m2": fp.coverage_rcs_m2, "azimuth_deg": float(np.degrees(az)),
                             "ground_range_km": float(g / 1e3), "slant_range_km": float(sl / 1e3),
                             "limited_by": lim})
    return pd.DataFrame(rows)


def footprint_tables(sc: ResolvedScenario, timer: Timer | None = None) -> dict[str, pd.DataFrame]:
    """All configured footprints; empty dict when the scenario asks for none.

    Grid threats draw from the run's ``footprint`` stream (their own radar and infrared draws).
    """
    fp = sc.config.footprints
    out: dict[str, pd.DataFrame] = {}
    seeds = sc.seeds.sub("footprint")
    if fp.aim_grids:
        out["footprint_aim"] = pd.concat([grid_footprint(sc, g, "aim", seeds, timer) for g in fp.aim_grids],
                                         ignore_index=True)
    if fp.launch_grids:
        out["footprint_launch"] = pd.concat([grid_footprint(sc, g, "launch", seeds, timer)
                                             for g in fp.launch_grids], ignore_index=True)
    if fp.coverage_altitudes_km:
        out["coverage"] = coverage_table(sc)
    return out
