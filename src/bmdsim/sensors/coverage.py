"""How far a radar sees a target at a given altitude, azimuth by azimuth.

What it computes
----------------
For each azimuth of the radar's sector (1 deg steps by default), the farthest ground range ``d`` (along the
geodesic leaving the site at that azimuth, on the chosen Earth) at which a target at height ``h_t`` is

* in line of sight and at or above the minimum elevation (with optional 4/3-Earth refraction,
  :mod:`.visibility`), and at or below the maximum elevation;
* within the maximum instrumented range; and
* detectable in search: slant range at most the range at which the single-look SNR equals the detection
  threshold (``reference_snr_db``) for that RCS (:func:`.radar.detection_range_m`).

plus the slant range there and which limit binds (``"horizon"`` when the line of sight or a minimum
elevation at or below 0 deg binds, ``"elevation"`` when a positive minimum elevation binds,
``"max_range"``, ``"detection"``).

Method: the conditions are evaluated on a grid of ground ranges (512 points from the site to just past
the geometric horizon or the maximum range), the farthest grid point where all hold is found, and the
boundary beyond it is refined by 60 bisection steps (to well below a millimetre). The grid makes no
assumption of monotonicity (a target below the antenna, or a maximum elevation, can leave gaps near the
site); features narrower than the grid spacing (about 0.2% of the span) could be missed.

References
----------
.. [Karney13] C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87:43-55 (2013) (geodesic
   positions, via :mod:`bmdsim.earth.geodesy`).
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 8.4 (radar horizon).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.frames import geodetic_to_ecef, wrap_to_2pi
from bmdsim.earth.geodesy import surface_forward
from bmdsim.sensors.radar import RadarSite, detection_range_m
from bmdsim.sensors.visibility import look_geometry

F64 = NDArray[np.float64]

_N_GRID = 512
_N_BISECT = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """Coverage of one radar site against a target at one altitude.

    Attributes
    ----------
    azimuth_rad : ndarray, shape (m,)
        Azimuths of the sector, clockwise from north, in [0, 2π) [rad].
    ground_range_m, slant_range_m : ndarray, shape (m,)
        Farthest ground range along the geodesic and the slant range there [m] (0 where nothing is seen).
    limited_by : tuple of str, length m
        ``"horizon"``, ``"elevation"``, ``"max_range"`` or ``"detection"``.
    target_alt_m, rcs_m2 : float
        Target height [m] and RCS [m^2].
    detection_range_m : float
        Search-mode detection range for that RCS [m].
    min_elevation_rad : float
        Minimum elevation used [rad].
    refraction_k : float
        Effective-Earth factor used (1 = none).
    """

    azimuth_rad: F64
    ground_range_m: F64
    slant_range_m: F64
    limited_by: tuple[str, ...]
    target_alt_m: float
    rcs_m2: float
    detection_range_m: float
    min_elevation_rad: float
    refraction_k: float


def sector_azimuths_rad(site: RadarSite, step_rad: float = math.radians(1.0)) -> F64:
    """Azimuths of the site's sector in steps of ``step_rad``: 0..360 deg (exclusive) for a 360-deg radar,
    else boresight - half-width .. boresight + half-width inclusive, wrapped to [0, 2π)."""
    if not step_rad > 0:
        raise ValueError(f"step_rad must be > 0 rad, got {step_rad}")
    radar = site.radar
    if radar.is_rotator_or_full_circle:
        n = round(2.0 * math.pi / step_rad)
        return np.arange(n, dtype=float) * (2.0 * math.pi / n)
    n = math.floor(2.0 * radar.sector_half_width_rad / step_rad + 1e-9)
    offsets = -radar.sector_half_width_rad + step_rad * np.arange(n + 1)
    return wrap_to_2pi(site.boresight_az_rad + offsets)


def _conditions(site: RadarSite, az: F64, d: F64, h_t: float, refraction_k: float, el_min: float,
                r_det: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_], F64]:
    """(line of sight and elevation, max range, detection) conditions and slant range at (az, d)."""
    lat, lon = surface_forward(site.lat_rad, site.lon_rad, az, d, site.ellipsoid)
    r = geodetic_to_ecef(lat, lon, np.full(lat.shape, h_t), site.ellipsoid)
    g = look_geometry(site, r, refraction_k=refraction_k, alt_m=np.full(lat.shape, h_t))
    radar = site.radar
    sight = g.is_clear & (g.el_apparent_rad >= el_min) & (g.el_apparent_rad <= radar.max_elevation_rad)
    return sight, g.range_m <= radar.max_range_m, g.range_m <= r_det, g.range_m


def _span_m(site: RadarSite, target_alt_m: float, refraction_k: float) -> float:
    ell = site.ellipsoid
    r_big = refraction_k * ell.a_m**2 / ell.b_m  # the largest radius of curvature (polar)
    h_r = max(site.alt_m, 0.0)
    horizon = r_big * (math.acos(r_big / (r_big + h_r)) + math.acos(r_big / (r_big + target_alt_m)))
    span = min(horizon, 1.1 * site.radar.max_range_m) * 1.02 + 1e3
    return min(span, 0.99 * math.pi * ell.b_m)


def coverage(site: RadarSite, *, target_alt_m: float, rcs_m2: float, refraction_k: float = 1.0,
             min_elevation_rad: float | None = None, az_step_rad: float = math.radians(1.0)) -> Coverage:
    """Farthest ground and slant range of detection per azimuth (see the module docstring).

    Parameters
    ----------
    site : RadarSite
        Radar, position, boresight and Earth (``site.ellipsoid``: WGS 84 or the 6371.0 km sphere).
    target_alt_m : float
        Target height above the ellipsoid [m], >= 0.
    rcs_m2 : float
        Target RCS [m^2], > 0.
    refraction_k : float
        Effective-Earth factor (1 none, 4/3 standard atmosphere).
    min_elevation_rad : float, optional
        Overrides the radar's minimum elevation [rad].
    az_step_rad : float
        Azimuth step [rad].

    Returns
    -------
    Coverage
    """
    el_min = _checked_inputs(site, target_alt_m, rcs_m2, min_elevation_rad)
    radar = site.radar
    r_det = float(detection_range_m(radar, rcs_m2, "search"))
    az = sector_azimuths_rad(site, az_step_rad)
    m = az.size
    d_grid = np.linspace(0.0, _span_m(site, target_alt_m, refraction_k), _N_GRID)
    az2 = np.repeat(az, _N_GRID)
    d2 = np.tile(d_grid, m)
    sight, in_range, detect, _ = _conditions(site, az2, d2, target_alt_m, refraction_k, el_min, r_det)
    ok = (sight & in_range & detect).reshape(m, _N_GRID)
    any_ok = ok.any(axis=1)
    last = _N_GRID - 1 - np.argmax(ok[:, ::-1], axis=1)
    lo = np.where(any_ok, d_grid[last], 0.0)
    hi = np.where(any_ok, d_grid[np.minimum(last + 1, _N_GRID - 1)], 0.0)
    refine = any_ok & (last < _N_GRID - 1)
    for _ in range(_N_BISECT):
        if not refine.any():
            break
        mid = 0.5 * (lo + hi)
        s, r_ok, dt, _ = _conditions(site, az[refine], mid[refine], target_alt_m, refraction_k, el_min, r_det)
        good = s & r_ok & dt
        idx = np.flatnonzero(refine)
        lo[idx[good]] = mid[idx[good]]
        hi[idx[~good]] = mid[idx[~good]]
    _, _, _, slant = _conditions(site, az, lo, target_alt_m, refraction_k, el_min, r_det)
    beyond = np.where(any_ok, hi, 0.0)
    s, r_ok, _, _ = _conditions(site, az, beyond, target_alt_m, refraction_k, el_min, r_det)
    labels = tuple(_label(bool(si), bool(ri), el_min) for si, ri in zip(s, r_ok, strict=True))
    return Coverage(azimuth_rad=az, ground_range_m=lo, slant_range_m=np.where(any_ok, slant, 0.0),
                    limited_by=labels, target_alt_m=float(target_alt_m), rcs_m2=float(rcs_m2),
                    detection_range_m=r_det, min_elevation_rad=el_min, refraction_k=float(refraction_k))


def _checked_inputs(site: RadarSite, target_alt_m: float, rcs_m2: float,
                    min_elevation_rad: float | None) -> float:
    """Validate the coverage inputs; return the minimum elevation to use [rad]."""
    if not (math.isfinite(target_alt_m) and target_alt_m >= 0):
        raise ValueError(f"coverage: target_alt_m must be >= 0 m, got {target_alt_m}")
    if not (math.isfinite(rcs_m2) and rcs_m2 > 0):
        raise ValueError(f"coverage: rcs_m2 must be > 0 m^2, got {rcs_m2}")
    radar = site.radar
    el_min = radar.min_elevation_rad if min_elevation_rad is None else float(min_elevation_rad)
    if not -math.pi / 2 <= el_min < radar.max_elevation_rad:
        raise ValueError(f"coverage: min_elevation_rad must be in [-pi/2, max elevation), got {el_min}")
    return el_min


def _label(sight_ok: bool, range_ok: bool, el_min: float) -> str:
    if not sight_ok:
        return "elevation" if el_min > 0 else "horizon"
    if not range_ok:
        return "max_range"
    return "detection"
