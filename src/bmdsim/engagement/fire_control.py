"""Fire control: intercept windows of each shooter against each threat, and shoot-look-shoot opportunities.

For a shooter at a fixed site and a threat flying its (predicted) trajectory on a time grid, an intercept
at grid time ``t_k`` is feasible when

- the threat is past its boost (``phase == 1``) and inside the interceptor's envelope: altitude within
  [min_alt, max_alt], ground range from the launcher within [min_range, max_range] (the catalog's
  envelopes are ground ranges), elevation above the launcher's horizon;
- the interceptor can get there: ``t_launch = t_k - TOF(point)`` is finite, and
- the shooter may fire then: ``t_launch >= t_earliest_launch``, the first time the shooter's nation holds a
  fire-control-quality track (from the sensors it may use, plus data latency) plus the decision and
  reaction time.

The first feasible grid time is the earliest intercept; shoot-look-shoot then asks, look after look,
for the next feasible intercept whose launch comes after the previous intercept plus the kill-assessment
time. Windows are read on the trajectory grid, so times are exact to the grid step (1 s by default).

Engagement uses the threat's true trajectory as the predicted one once a fire-control-quality track
exists; track errors enter through the time at which that quality is reached, not through miss
distance (kill probability is the catalog's single-shot Pk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.frames import ecef_to_enu, enu_to_az_el_range, geodetic_to_ecef
from bmdsim.engagement.battle import Opportunities
from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.flight.propagator import Trajectories

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class EngagementWindows:
    """Per (shooter, threat) results of fire control.

    Attributes
    ----------
    looks : ndarray of int, shape (s, n)
        Shoot-look-shoot opportunities (capped at ``max_looks``), 0 if the shooter cannot engage.
    t_intercept_s, t_launch_s : ndarray, shape (s, n, max_looks)
        Intercept and launch times of each look (NaN beyond ``looks``).
    t_window_open_s, t_window_close_s : ndarray, shape (s, n)
        First and last feasible intercept time ignoring the launch-time constraint (geometry only).
    r_intercept_ecef_m : ndarray, shape (s, n, 3)
        Point of the first intercept (NaN if none).
    t_last_chance_s : ndarray, shape (s, n)
        Latest feasible intercept with a launch the shooter may make (NaN if none): its last chance.
    """

    looks: NDArray[np.int64]
    t_intercept_s: F64
    t_launch_s: F64
    t_window_open_s: F64
    t_window_close_s: F64
    r_intercept_ecef_m: F64
    t_last_chance_s: F64
    t_last_chance_launch_s: F64

    def opportunities(self) -> Opportunities:
        has = self.looks > 0
        last_look = np.take_along_axis(self.t_intercept_s, np.maximum(self.looks - 1, 0)[..., None], axis=2)[..., 0]
        return Opportunities(looks=self.looks, t_intercept_s=np.where(has, self.t_intercept_s[..., 0], np.inf),
                             t_final_look_s=np.where(has, last_look, np.inf),
                             t_last_chance_s=np.where(has, self.t_last_chance_s, -np.inf),
                             t_launch_looks_s=self.t_launch_s, t_last_chance_launch_s=self.t_last_chance_launch_s)


def ground_range_m(r_ecef_m: F64, site_lla: F64, earth_ellipsoid) -> F64:
    """Ground range from a site to the points below ``r_ecef_m`` (..., 3) [m].

    The geocentric angle between the site and each point times the site's geocentric radius: within 0.5 %
    of the geodesic on the WGS 84 ellipsoid for ranges up to a few thousand km (the radius varies by 0.3 %
    between the equator and the poles).
    """
    r_site = geodetic_to_ecef(site_lla[0], site_lla[1], 0.0, earth_ellipsoid)
    cross = np.linalg.norm(np.cross(r_ecef_m, r_site), axis=-1)
    dot = np.einsum("...i,i->...", r_ecef_m, r_site)
    return np.linalg.norm(r_site) * np.arctan2(cross, dot)


def _feasible(tr: Trajectories, site_lla: F64, cfg: InterceptorConfig, earth_ellipsoid) -> tuple[F64, F64]:
    """Geometric feasibility (n, k) and the launch time needed for each grid point (n, k).

    The catalog's range envelope is a ground range (docs/methods/interceptor-catalog.md), checked as such.
    The time of flight is read on the interceptor's own flyout model (``cfg.flyout``): for the arc, by ground
    range and height above the launcher, and a point beyond the arc's reach is infeasible even inside the
    catalog envelope (the catalog and the kinematics both bind); for the line, at the slant range.
    """
    enu = ecef_to_enu(tr.r_ecef_m, site_lla[0], site_lla[1], site_lla[2], earth_ellipsoid)
    _, el, slant = enu_to_az_el_range(enu)
    alt = tr.alt_m
    with np.errstate(invalid="ignore"):
        ground = ground_range_m(tr.r_ecef_m, site_lla, earth_ellipsoid)
        geom = ((tr.phase == 1) & (alt >= cfg.min_alt_m) & (alt <= cfg.max_alt_m)
                & (ground >= cfg.min_range_m) & (ground <= cfg.max_range_m) & (el > 0.0))
    tof = np.full(alt.shape, np.inf)
    if geom.any():
        tof[geom] = cfg.flight_time_to_s(ground[geom], alt[geom] - site_lla[2], slant[geom], el[geom])
    t_launch = tr.t_s[None, :] - tof
    return geom & np.isfinite(tof), t_launch


def fire_control(tr: Trajectories, site_lla: F64, interceptors: list[InterceptorConfig],
                 t_earliest_launch_s: F64, kill_assessment_s: F64, max_looks: NDArray[np.int64],
                 earth_ellipsoid, t_earliest_intercept_s: F64 | None = None,
                 geometry_cache: dict | None = None) -> EngagementWindows:
    """Intercept windows and shoot-look-shoot opportunities for ``s`` shooters against ``n`` threats.

    Parameters
    ----------
    tr : Trajectories
        Threat trajectories on a grid (``output_step_s`` set).
    site_lla : ndarray, shape (s, 3)
        Launcher positions, geodetic [rad, rad, m].
    interceptors : list of InterceptorConfig, length s
    t_earliest_launch_s : ndarray, shape (s, n)
        Earliest time each shooter may launch at each threat (inf: never: no usable track).
    kill_assessment_s : ndarray, shape (s,)
        Time after an intercept before the next launch decision [s].
    max_looks : ndarray of int, shape (s,)
    earth_ellipsoid : Ellipsoid
    t_earliest_intercept_s : ndarray, shape (s, n), optional
        Earliest time each shooter may intercept each threat (e.g. its own fire-control radar's
        fire-control-quality track for an interceptor launched on remote data; inf: never). Default: no limit.
    geometry_cache : dict, optional
        Reused across calls on the same trajectories and shooters: each shooter's feasible intercept points
        and launch times depend on geometry only, not on when its tracks are ready.
    """
    s, n, k = len(interceptors), tr.n, tr.t_s.size
    m = int(max(np.max(max_looks, initial=1), 1))
    looks = np.zeros((s, n), dtype=np.int64)
    t_int = np.full((s, n, m), np.nan)
    t_lau = np.full((s, n, m), np.nan)
    w_open = np.full((s, n), np.nan)
    w_close = np.full((s, n), np.nan)
    r_int = np.full((s, n, 3), np.nan)
    t_last = np.full((s, n), np.nan)
    t_last_launch = np.full((s, n), np.nan)
    t_grid = np.broadcast_to(tr.t_s, (n, k))
    rows = np.arange(n)
    for i, cfg in enumerate(interceptors):
        key = (id(tr), site_lla[i].tobytes(), cfg)
        if geometry_cache is not None and key in geometry_cache:
            geom, t_launch = geometry_cache[key]
        else:
            geom, t_launch = _feasible(tr, site_lla[i], cfg, earth_ellipsoid)
            if geometry_cache is not None:
                geometry_cache[key] = (geom, t_launch)
        geom = geom.copy()
        any_geom = geom.any(axis=1)
        w_open[i, any_geom] = np.max(np.where(geom, -t_grid, -np.inf), axis=1)[any_geom] * -1.0
        w_close[i, any_geom] = np.max(np.where(geom, t_grid, -np.inf), axis=1)[any_geom]
        if t_earliest_intercept_s is not None:
            with np.errstate(invalid="ignore"):
                geom &= tr.t_s[None, :] >= t_earliest_intercept_s[i][:, None]
        not_before = t_earliest_launch_s[i].copy()
        ok0 = geom & (t_launch >= not_before[:, None])
        any0 = ok0.any(axis=1)
        k_last = k - 1 - np.argmax(ok0[:, ::-1], axis=1)
        t_last[i, any0] = tr.t_s[k_last[any0]]
        t_last_launch[i, any0] = t_launch[rows[any0], k_last[any0]]
        for look in range(int(max_looks[i])):
            ok = geom & (t_launch >= not_before[:, None])
            has = ok.any(axis=1)
            if not has.any():
                break
            kk = np.argmax(ok, axis=1)
            t_int[i, has, look] = tr.t_s[kk[has]]
            t_lau[i, has, look] = t_launch[rows[has], kk[has]]
            if look == 0:
                r_int[i, has] = tr.r_ecef_m[rows[has], kk[has]]
            looks[i, has] += 1
            not_before = np.where(has, tr.t_s[kk] + kill_assessment_s[i], np.inf)
    return EngagementWindows(looks=looks, t_intercept_s=t_int, t_launch_s=t_lau, t_window_open_s=w_open,
                             t_window_close_s=w_close, r_intercept_ecef_m=r_int, t_last_chance_s=t_last,
                             t_last_chance_launch_s=t_last_launch)
