"""Reference frames and coordinate conversions on an ellipsoidal (or spherical) Earth.

Frames
------
ECEF
    Earth-centred, Earth-fixed, rotating with the Earth (WGS 84 axes: z to the north pole, x through the
    prime meridian on the equator). Positions ``r_ecef`` [m].
Geodetic ``lla``
    (lat, lon, alt) in radians and metres above the ellipsoid along its normal. Never (lon, lat).
ENU
    Local east-north-up frame at a geodetic point: the tangent plane of the ellipsoid, up along the
    ellipsoid normal.
AER
    Azimuth clockwise from north in [0, 2π), elevation above the local (geodetic) horizontal, slant range [m].

Approximations and their error
------------------------------
The geodetic conversion uses Heikkinen's exact closed form (Heikkinen 1982, as given by Zhu 1993), which is
exact to round-off (below 1 µm) everywhere except within about 43 km of the Earth's centre, far from
any trajectory. On the sphere option the same formulas run with zero flattening and are exact.

References
----------
.. [Zhu93] J. Zhu, "Exact conversion of Earth-centered, Earth-fixed coordinates to geodetic coordinates",
   J. Guidance, Control and Dynamics 16(2):389-391 (1993).
.. [TR8350] NIMA TR8350.2 (2000), eq. 4-14 (geodetic to ECEF).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.model import WGS84, Ellipsoid

F64 = NDArray[np.float64]


def wrap_to_pi(angle_rad: ArrayLike) -> F64:
    """Wrap angles to [-π, π). Every angle difference in bmdsim goes through this."""
    a = np.asarray(angle_rad, dtype=float)
    return (a + np.pi) % (2.0 * np.pi) - np.pi


def wrap_to_2pi(angle_rad: ArrayLike) -> F64:
    """Wrap angles to [0, 2π) (the azimuth convention)."""
    return np.asarray(angle_rad, dtype=float) % (2.0 * np.pi)


def geodetic_to_ecef(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike,
                     ellipsoid: Ellipsoid = WGS84) -> F64:
    """Geodetic (lat, lon, alt) to ECEF position.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and longitude [rad]; broadcast together with ``alt_m``.
    alt_m : array_like
        Height above the ellipsoid [m].
    ellipsoid : Ellipsoid
        Figure of the Earth.

    Returns
    -------
    r_ecef : ndarray, shape (..., 3)
        ECEF position [m].

    Examples
    --------
    >>> geodetic_to_ecef(0.0, 0.0, 0.0).round(3).tolist()
    [6378137.0, 0.0, 0.0]
    """
    lat, lon, alt = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (lat_rad, lon_rad, alt_m)))
    e2 = ellipsoid.e2
    sin_lat = np.sin(lat)
    n_m = ellipsoid.a_m / np.sqrt(1.0 - e2 * sin_lat**2)  # prime-vertical radius of curvature
    cos_lat = np.cos(lat)
    x = (n_m + alt) * cos_lat * np.cos(lon)
    y = (n_m + alt) * cos_lat * np.sin(lon)
    z = (n_m * (1.0 - e2) + alt) * sin_lat
    return np.stack([x, y, z], axis=-1)


def ecef_to_geodetic(r_ecef: ArrayLike, ellipsoid: Ellipsoid = WGS84) -> tuple[F64, F64, F64]:
    """ECEF position to geodetic (lat, lon, alt), exact closed form [Zhu93].

    Parameters
    ----------
    r_ecef : array_like, shape (..., 3)
        ECEF position [m].

    Returns
    -------
    lat_rad, lon_rad, alt_m : ndarray, shape (...)
        Geodetic latitude and longitude [rad] and height above the ellipsoid [m].
    """
    r = np.asarray(r_ecef, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    lon = np.arctan2(y, x)
    a = ellipsoid.a_m
    if ellipsoid.f == 0.0:
        p = np.hypot(x, y)
        return np.arctan2(z, p), lon, np.sqrt(p * p + z * z) - a
    b = ellipsoid.b_m
    e2 = ellipsoid.e2
    ep2 = (a * a - b * b) / (b * b)  # second eccentricity squared
    p = np.hypot(x, y)
    z2 = z * z
    big_f = 54.0 * b * b * z2
    big_g = p * p + (1.0 - e2) * z2 - e2 * (a * a - b * b)
    cc = e2 * e2 * big_f * p * p / big_g**3
    s = np.cbrt(1.0 + cc + np.sqrt(cc * cc + 2.0 * cc))
    k = s + 1.0 + 1.0 / s
    big_p = big_f / (3.0 * k * k * big_g * big_g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * big_p)
    r0 = -(big_p * e2 * p) / (1.0 + q) + np.sqrt(
        np.maximum(0.5 * a * a * (1.0 + 1.0 / q) - big_p * (1.0 - e2) * z2 / (q * (1.0 + q))
                   - 0.5 * big_p * p * p, 0.0))
    u = np.sqrt((p - e2 * r0) ** 2 + z2)
    v = np.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z2)
    z0 = b * b * z / (a * v)
    alt = u * (1.0 - b * b / (a * v))
    lat = np.arctan2(z + ep2 * z0, p)
    return lat, lon, alt


def geodetic_altitude(r_ecef: ArrayLike, ellipsoid: Ellipsoid = WGS84) -> F64:
    """Height above the ellipsoid [m] of ECEF positions, shape (...) from (..., 3)."""
    return ecef_to_geodetic(r_ecef, ellipsoid)[2]


def enu_from_ecef_matrix(lat_rad: ArrayLike, lon_rad: ArrayLike) -> F64:
    """Rotation matrix ``R_enu_from_ecef`` at geodetic (lat, lon), shape (..., 3, 3).

    Rows are the east, north and up unit vectors in ECEF, so ``r_enu = R_enu_from_ecef @ dr_ecef``.
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(sl * so)
    east = np.stack([-so + zero, co + zero, zero], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl + zero], axis=-1)
    up = np.stack([cl * co, cl * so, sl + zero], axis=-1)
    return np.stack([east, north, up], axis=-2)


def ecef_to_enu(r_ecef: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike, alt0_m: ArrayLike,
                ellipsoid: Ellipsoid = WGS84) -> F64:
    """ECEF positions to ENU coordinates about the geodetic origin (lat0, lon0, alt0), shape (..., 3) [m]."""
    r0_ecef = geodetic_to_ecef(lat0_rad, lon0_rad, alt0_m, ellipsoid)
    R_enu_from_ecef = enu_from_ecef_matrix(lat0_rad, lon0_rad)
    dr_ecef = np.asarray(r_ecef, dtype=float) - r0_ecef
    return np.einsum("...ij,...j->...i", R_enu_from_ecef, dr_ecef)


def enu_to_az_el_range(r_enu: ArrayLike) -> tuple[F64, F64, F64]:
    """ENU vector to azimuth [rad, clockwise from north, in [0, 2π)], elevation [rad] and range [m]."""
    r = np.asarray(r_enu, dtype=float)
    e, n, u = r[..., 0], r[..., 1], r[..., 2]
    horiz = np.hypot(e, n)
    return wrap_to_2pi(np.arctan2(e, n)), np.arctan2(u, horiz), np.sqrt(horiz * horiz + u * u)


def az_el_to_enu_unit(az_rad: ArrayLike, el_rad: ArrayLike) -> F64:
    """Unit vector in ENU for an azimuth (clockwise from north) and elevation [rad], shape (..., 3)."""
    az = np.asarray(az_rad, dtype=float)
    el = np.asarray(el_rad, dtype=float)
    ce = np.cos(el)
    return np.stack(np.broadcast_arrays(ce * np.sin(az), ce * np.cos(az), np.sin(el)), axis=-1)
