"""Gravity: point mass and the J2 zonal term.

The J2 acceleration is that of the second-degree zonal harmonic of the geopotential, axisymmetric about the
z axis, so it holds unchanged in ECEF and ECI. Higher harmonics (J3 is 1000 times smaller than J2) shift a
10,000 km ballistic impact by well under a kilometre and are left out.

References
----------
.. [Vallado] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-31
   (potential) and the J2 acceleration components that follow from it.
.. [TR8350] NIMA TR8350.2 (2000), Table 3.3: C̄(2,0) = -0.484166774985e-3.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth import constants as c

F64 = NDArray[np.float64]


def gravity_accel(r_m: ArrayLike, gm: float = c.GM_EARTH_M3_S2, j2: float = c.WGS84_J2,
                  re_m: float = c.WGS84_A_M) -> F64:
    """Gravitational acceleration with the J2 term (pass ``j2=0`` for a point mass).

    Parameters
    ----------
    r_m : array_like, shape (..., 3)
        Position in an Earth-centred frame whose z axis is the rotation axis (ECEF or ECI) [m].
    gm : float
        Gravitational parameter [m^3/s^2].
    j2 : float
        Second zonal harmonic [-].
    re_m : float
        Reference radius of ``j2`` [m].

    Returns
    -------
    g : ndarray, shape (..., 3)
        Acceleration [m/s^2], in the same frame as ``r_m``.

    Examples
    --------
    >>> float(np.linalg.norm(gravity_accel([6378137.0, 0.0, 0.0]))).__round__(3)
    9.814
    """
    r = np.asarray(r_m, dtype=float)
    r2 = np.einsum("...i,...i->...", r, r)
    rn = np.sqrt(r2)
    mu_r3 = gm / (r2 * rn)
    if j2 == 0.0:
        return -mu_r3[..., None] * r
    z2_r2 = r[..., 2] ** 2 / r2
    k = 1.5 * j2 * re_m * re_m / r2
    fxy = 1.0 - k * (5.0 * z2_r2 - 1.0)
    fz = 1.0 - k * (5.0 * z2_r2 - 3.0)
    f = np.stack([fxy, fxy, fz], axis=-1)
    return -mu_r3[..., None] * f * r


def gravity_potential(r_m: ArrayLike, gm: float = c.GM_EARTH_M3_S2, j2: float = c.WGS84_J2,
                      re_m: float = c.WGS84_A_M) -> F64:
    """Gravitational potential energy per unit mass U [J/kg] (negative), with the J2 term.

    ``U = -gm/r * (1 - j2 (re/r)^2 (3 sin^2(phi) - 1) / 2)`` with ``sin(phi) = z/r`` [Vallado] eq. 8-31;
    ``gravity_accel`` is ``-grad U``.
    """
    r = np.asarray(r_m, dtype=float)
    r2 = np.einsum("...i,...i->...", r, r)
    rn = np.sqrt(r2)
    s2 = r[..., 2] ** 2 / r2
    return -gm / rn * (1.0 - 0.5 * j2 * (re_m * re_m / r2) * (3.0 * s2 - 1.0))
