"""Distances and azimuths along the surface of the Earth model.

On the WGS 84 ellipsoid these are geodesics, computed by PROJ's implementation of Karney's algorithm
(accurate to about 15 nm) through :class:`pyproj.Geod`; on the sphere option they are great circles, which
the same code gives exactly with zero flattening.

References
----------
.. [Karney13] C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87:43-55 (2013).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

from bmdsim.earth.model import WGS84, Ellipsoid

F64 = NDArray[np.float64]


@lru_cache(maxsize=8)
def _geod(a_m: float, f: float) -> Geod:
    return Geod(a=a_m, f=f)


def surface_inverse(lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike,
                    ellipsoid: Ellipsoid = WGS84) -> tuple[F64, F64, F64]:
    """Geodesic between two surface points.

    Returns
    -------
    distance_m : ndarray
        Length of the geodesic on the ellipsoid surface [m].
    az1_rad, az2_rad : ndarray
        Forward azimuth at point 1 and at point 2 (direction of travel), clockwise from north, in [0, 2π).
    """
    b = np.broadcast_arrays(*(np.degrees(np.asarray(x, dtype=float)) for x in
                              (lat1_rad, lon1_rad, lat2_rad, lon2_rad)))
    shape = b[0].shape
    lat1, lon1, lat2, lon2 = (np.ravel(x) for x in b)
    az1_deg, back_az2_deg, dist_m = _geod(ellipsoid.a_m, ellipsoid.f).inv(lon1, lat1, lon2, lat2)
    az1 = np.radians(np.asarray(az1_deg, dtype=float)) % (2 * np.pi)
    az2 = (np.radians(np.asarray(back_az2_deg, dtype=float)) + np.pi) % (2 * np.pi)
    return (np.asarray(dist_m, dtype=float).reshape(shape), az1.reshape(shape), az2.reshape(shape))


def surface_distance(lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike,
                     ellipsoid: Ellipsoid = WGS84) -> F64:
    """Length of the geodesic between two surface points [m]."""
    return surface_inverse(lat1_rad, lon1_rad, lat2_rad, lon2_rad, ellipsoid)[0]


def surface_forward(lat_rad: ArrayLike, lon_rad: ArrayLike, az_rad: ArrayLike, distance_m: ArrayLike,
                    ellipsoid: Ellipsoid = WGS84) -> tuple[F64, F64]:
    """The point reached by travelling ``distance_m`` along the geodesic leaving at azimuth ``az_rad``.

    Returns (lat_rad, lon_rad) of the end point.
    """
    b = np.broadcast_arrays(np.degrees(np.asarray(lat_rad, dtype=float)),
                            np.degrees(np.asarray(lon_rad, dtype=float)),
                            np.degrees(np.asarray(az_rad, dtype=float)), np.asarray(distance_m, dtype=float))
    shape = b[0].shape
    lat, lon, az, dist = (np.ravel(x) for x in b)
    lon2, lat2, _ = _geod(ellipsoid.a_m, ellipsoid.f).fwd(lon, lat, az, dist)
    return (np.radians(np.asarray(lat2, dtype=float)).reshape(shape),
            np.radians(np.asarray(lon2, dtype=float)).reshape(shape))
