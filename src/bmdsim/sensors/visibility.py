"""Line of sight from a radar to targets over the curved Earth, with optional 4/3-Earth refraction.

What it models
--------------
**Geometry (no refraction).** The target's azimuth, elevation and slant range are taken in the site's
local ENU frame (up along the ellipsoid normal; :mod:`bmdsim.earth.frames`). The straight line of sight
is clear when the segment from antenna to target does not pass inside the ellipsoid. This is tested
exactly: the linear map ``(x/a, y/a, z/b)`` sends the ellipsoid to the unit sphere and segments to
segments, so the segment is blocked when its closest point to the origin, in the scaled coordinates, lies
inside the unit sphere.

Why the elevation test alone suffices for ``el >= 0`` (and a site on or above the surface): the site's
horizontal plane is parallel to the tangent plane of the ellipsoid at the foot of the site's normal and
lies ``h >= 0`` outside it. A convex body lies entirely on one side of each of its tangent planes, so the
whole ellipsoid lies on or below the site's horizontal plane. A target with ``el >= 0`` lies on or above
that plane, hence so does the whole segment, which therefore cannot enter the ellipsoid. The explicit
segment test matters only for negative elevations (elevated sites looking down toward the horizon dip).

**Refraction (effective Earth radius).** The standard ``k = 4/3`` model replaces the Earth's radius by
``k R`` and treats rays as straight ([Doerry13] sec. 2; [Skolnik01] sec. 8.4). On the ellipsoid bmdsim
applies it on the *osculating sphere* of the site in the direction of the target: radius ``R_alpha``, the
Euler radius of curvature at the site's latitude in the target's azimuth, ``1 / R_alpha = cos^2(az) / M +
sin^2(az) / N``. On that sphere the target's central angle ``psi`` follows from the slant range and the
two heights; the effective geometry keeps the heights and the ground distance ``R_alpha psi`` and puts them
on a sphere of radius ``k R_alpha`` (central angle ``psi / k``). The elevation is raised by the difference
of the two spherical elevations, ``el_app = el + (el_eff - el_sphere)``, and line of sight is tested on
the effective sphere. On the sphere option (``R_alpha = R``) this *is* the effective-Earth model; with
``k = 1`` the correction is exactly zero. Measurements report the geometric angles (radars correct for
refraction); refraction only decides what can be seen.

Validity: the 4/3 model describes the standard atmosphere's bending for rays in the troposphere. For
exo-atmospheric targets it overstates the bending of long rays (the correction grows as ``rho / (8 R)``
while real bending saturates near 0.5 deg), so it is optional and off by default.

References
----------
.. [Doerry13] A. W. Doerry, "Earth curvature and atmospheric refraction effects on radar signal
   propagation", Sandia report SAND2012-10690 (2013), sec. 2-3 (4/3 Earth, radar horizon).
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 8.4 (refraction,
   the 4/3 Earth).
.. [TR8350] NIMA TR8350.2 (2000), eqs. 4-15/4-16 (radii of curvature M and N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.frames import ecef_to_geodetic, enu_to_az_el_range
from bmdsim.earth.model import Ellipsoid
from bmdsim.sensors.radar import RadarSite, in_sector

F64 = NDArray[np.float64]

STANDARD_REFRACTION_K = 4.0 / 3.0
"""Effective-Earth-radius factor of the standard atmosphere [-] ([Skolnik01] sec. 8.4)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LookGeometry:
    """Where targets are as seen from one site.

    Attributes
    ----------
    az_rad, el_rad : ndarray
        Geometric azimuth (clockwise from north, [0, 2π)) and elevation in the site's ENU frame [rad].
    el_apparent_rad : ndarray
        Elevation with the refraction correction (equal to ``el_rad`` without refraction) [rad].
    range_m : ndarray
        Slant range [m].
    is_clear : ndarray of bool
        Line of sight clear of the (effective) Earth.
    """

    az_rad: F64
    el_rad: F64
    el_apparent_rad: F64
    range_m: F64
    is_clear: NDArray[np.bool_]


def segment_misses_unit_sphere(p0: ArrayLike, p1: ArrayLike) -> NDArray[np.bool_]:
    """True where the segment p0-p1 (shape (..., 3)) does not pass inside the unit sphere.

    ``|p0 + t d|^2 - 1 = c + 2 b t + |d|^2 t^2`` with ``b = p0 . d`` and ``c = |p0|^2 - 1``; its minimum over
    ``t`` in [0, 1] is negative exactly when the segment enters the sphere. An end point within 1e-12 of the
    radius (6 µm on the Earth) counts as on the surface (``c = 0``), so an antenna at height 0 sees along
    its tangent plane but not below it, whatever the rounding of its position.
    """
    a = np.asarray(p0, dtype=float)
    d = np.asarray(p1, dtype=float) - a
    dd = np.einsum("...i,...i->...", d, d)
    b = np.einsum("...i,...i->...", a, d)
    c = np.einsum("...i,...i->...", a, a) - 1.0
    c = np.where(np.abs(c) < 2e-12, 0.0, c)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(dd > 0, np.clip(-b / np.where(dd > 0, dd, 1.0), 0.0, 1.0), 0.0)
    return c + t * (2.0 * b + t * dd) >= 0.0


def is_clear_of_ellipsoid(r0_ecef_m: ArrayLike, r1_ecef_m: ArrayLike,
                          ellipsoid: Ellipsoid) -> NDArray[np.bool_]:
    """True where the straight segment between ECEF points (shape (..., 3)) does not enter the ellipsoid."""
    scale = np.array([1.0 / ellipsoid.a_m, 1.0 / ellipsoid.a_m, 1.0 / ellipsoid.b_m])
    return segment_misses_unit_sphere(np.asarray(r0_ecef_m, dtype=float) * scale,
                                      np.asarray(r1_ecef_m, dtype=float) * scale)


def euler_radius_m(lat_rad: ArrayLike, az_rad: ArrayLike, ellipsoid: Ellipsoid) -> F64:
    """Radius of curvature of the ellipsoid's normal section at latitude ``lat`` in azimuth ``az`` [m].

    ``1 / R = cos^2(az) / M + sin^2(az) / N`` (Euler's theorem) with the meridian radius
    ``M = a (1 - e^2) / (1 - e^2 sin^2 lat)^1.5`` and the prime-vertical radius ``N = a / sqrt(1 - e^2
    sin^2 lat)`` [TR8350]. On a sphere, ``R = a``.
    """
    s2 = np.sin(np.asarray(lat_rad, dtype=float)) ** 2
    w = 1.0 - ellipsoid.e2 * s2
    m = ellipsoid.a_m * (1.0 - ellipsoid.e2) / w**1.5
    n = ellipsoid.a_m / np.sqrt(w)
    az = np.asarray(az_rad, dtype=float)
    return 1.0 / (np.cos(az) ** 2 / m + np.sin(az) ** 2 / n)


def _sphere_el(radius_m: F64, h0_m: F64, h1_m: F64, psi: F64) -> F64:
    """Elevation at height h0 of a point at height h1 and central angle psi on a sphere (stable form)."""
    rise = (h1_m - h0_m) - 2.0 * (radius_m + h1_m) * np.sin(0.5 * psi) ** 2
    return np.arctan2(rise, (radius_m + h1_m) * np.sin(psi))


def central_angle_rad(radius_m: ArrayLike, h0_m: ArrayLike, h1_m: ArrayLike, range_m: ArrayLike) -> F64:
    """Central angle between two points at heights h0, h1 on a sphere, from their chord (slant range).

    ``sin^2(psi/2) = (rho^2 - (h1 - h0)^2) / (4 (R + h0)(R + h1))``, written so that small angles keep
    full precision.
    """
    r = np.asarray(radius_m, dtype=float)
    h0 = np.asarray(h0_m, dtype=float)
    h1 = np.asarray(h1_m, dtype=float)
    rho = np.asarray(range_m, dtype=float)
    dh = h1 - h0
    s2 = (rho - dh) * (rho + dh) / (4.0 * (r + h0) * (r + h1))
    return 2.0 * np.arcsin(np.sqrt(np.clip(s2, 0.0, 1.0)))


def refraction_geometry(radius_m: ArrayLike, h0_m: ArrayLike, h1_m: ArrayLike, range_m: ArrayLike,
                        k: float) -> tuple[F64, NDArray[np.bool_]]:
    """Effective-Earth elevation correction and line-of-sight test on the osculating sphere.

    Parameters
    ----------
    radius_m : array_like
        Radius of the osculating sphere at the site in the target's direction [m].
    h0_m, h1_m : array_like
        Heights of the antenna and the target [m].
    range_m : array_like
        Slant range [m].
    k : float
        Effective-radius factor (4/3 for the standard atmosphere).

    Returns
    -------
    delta_el_rad : ndarray
        ``el_eff - el_sphere`` [rad], to add to the geometric elevation.
    is_clear : ndarray of bool
        Straight segment clear of the sphere of radius ``k R``.
    """
    r = np.asarray(radius_m, dtype=float)
    h0 = np.asarray(h0_m, dtype=float)
    h1 = np.asarray(h1_m, dtype=float)
    psi = central_angle_rad(r, h0, h1, range_m)
    r_eff = k * r
    psi_eff = psi / k
    delta = _sphere_el(r_eff, h0, h1, psi_eff) - _sphere_el(r, h0, h1, psi)
    zero = np.zeros_like(psi_eff)
    p0 = np.stack(np.broadcast_arrays(zero, (r_eff + h0) / r_eff, zero), axis=-1)
    p1 = np.stack(np.broadcast_arrays((r_eff + h1) / r_eff * np.sin(psi_eff),
                                      (r_eff + h1) / r_eff * np.cos(psi_eff), zero), axis=-1)
    return delta, segment_misses_unit_sphere(p0, p1)


def look_geometry(site: RadarSite, r_ecef_m: ArrayLike, *, refraction_k: float = 1.0,
                  alt_m: ArrayLike | None = None) -> LookGeometry:
    """Azimuth, elevation, range and line of sight of targets seen from a site.

    Parameters
    ----------
    site : RadarSite
        The radar and its position (its ``ellipsoid`` is the Earth of the test).
    r_ecef_m : array_like, shape (..., 3)
        Target positions in ECEF [m]; NaN rows give NaN angles and ``is_clear = False``.
    refraction_k : float
        Effective-Earth factor; 1 is no refraction, 4/3 the standard atmosphere.
    alt_m : array_like, shape (...), optional
        Target heights above the ellipsoid [m] if already known (only used with refraction).

    Returns
    -------
    LookGeometry
    """
    if not refraction_k >= 1.0:
        raise ValueError(f"refraction_k must be >= 1, got {refraction_k}")
    r = np.asarray(r_ecef_m, dtype=float)
    r0 = site.r_ecef_m
    dr_enu = np.einsum("ij,...j->...i", site.R_enu_from_ecef, r - r0)
    az, el, rng = enu_to_az_el_range(dr_enu)
    finite = np.isfinite(rng)
    if refraction_k == 1.0:
        clear = np.zeros(rng.shape, dtype=bool)
        clear[finite] = is_clear_of_ellipsoid(r0, r[finite], site.ellipsoid)
        return LookGeometry(az_rad=az, el_rad=el, el_apparent_rad=el, range_m=rng, is_clear=clear)
    h1 = ecef_to_geodetic(r, site.ellipsoid)[2] if alt_m is None else np.asarray(alt_m, dtype=float)
    radius = euler_radius_m(site.lat_rad, az, site.ellipsoid)
    with np.errstate(invalid="ignore"):
        delta, clear = refraction_geometry(radius, site.alt_m, h1, rng, refraction_k)
    return LookGeometry(az_rad=az, el_rad=el, el_apparent_rad=el + delta, range_m=rng,
                        is_clear=clear & finite)


def is_visible(site: RadarSite, geometry: LookGeometry, *, min_elevation_rad: float | None = None,
               use_max_range: bool = True) -> NDArray[np.bool_]:
    """True where a target is within the radar's field of view and line of sight.

    Line of sight clear, apparent elevation within ``[min, max]`` (``min_elevation_rad`` overrides the
    radar's own minimum), azimuth inside the sector and, if ``use_max_range``, slant range within the
    maximum instrumented range. NaN positions are not visible.
    """
    radar = site.radar
    el_min = radar.min_elevation_rad if min_elevation_rad is None else min_elevation_rad
    el = geometry.el_apparent_rad
    with np.errstate(invalid="ignore"):
        ok = geometry.is_clear & (el >= el_min) & (el <= radar.max_elevation_rad)
        ok &= in_sector(site, geometry.az_rad)
        if use_max_range:
            ok &= geometry.range_m <= radar.max_range_m
    return ok & np.isfinite(geometry.range_m)
