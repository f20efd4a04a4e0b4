"""Compiled scalar Earth kernels (numba): gravity, fast density, approximate and geodetic height of one point.

The same formulas as :func:`bmdsim.earth.gravity.gravity_accel`, :func:`bmdsim.earth.atmosphere.
density_fast_kg_m3`, :func:`bmdsim.flight.dynamics.approximate_height_m` and :func:`bmdsim.earth.frames.
ecef_to_geodetic` (height only), operation by operation, for plain floats, so the compiled propagator and
filter kernels can inline them. Imported only when a kernel is needed (see :mod:`bmdsim.earth._kernels`).
The density tables are compile-time constants taken from :mod:`bmdsim.earth.atmosphere`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from bmdsim.earth import atmosphere as _atm

_LOG_RHO = np.ascontiguousarray(_atm._FAST_LOG_RHO)
_DLOG_RHO = np.ascontiguousarray(_atm._FAST_DLOG_RHO)
_ALT_MIN, _ALT_MAX, _Z_JOIN = _atm.ALT_MIN_M, _atm.ALT_MAX_M, _atm._Z_JOIN_M
_U_LOW_A, _U_LOW_B, _R0 = _atm._FAST_U_LOW_A, _atm._FAST_U_LOW_B, _atm._R0_M
_DZ_HI, _U_HIGH_A = _atm._FAST_DZ_HI_M, _atm._FAST_U_HIGH_A

njit = numba.njit(cache=True, nogil=True)


@njit
def density_fast(z_raw: float) -> float:
    """:func:`bmdsim.earth.atmosphere.density_fast_kg_m3` for one altitude [m] -> [kg/m^3]."""
    if z_raw > _ALT_MAX:
        return 0.0
    z = min(max(z_raw, _ALT_MIN), _ALT_MAX)
    if z <= _Z_JOIN:
        u = _U_LOW_A - _U_LOW_B / (_R0 + z)
    else:
        u = z / _DZ_HI + _U_HIGH_A
    i = int(u) if u > 0.0 else 0  # NaN maps to cell 0, as np.fmax does
    u -= i
    u *= _DLOG_RHO[i]
    u += _LOG_RHO[i]
    return math.exp(u)


@njit
def gravity(x: float, y: float, z: float, gm: float, j2: float, re: float) -> tuple[float, float, float]:
    """:func:`bmdsim.earth.gravity.gravity_accel` at one ECEF point [m] -> [m/s^2]."""
    r2 = x * x + y * y + z * z
    rn = math.sqrt(r2)
    mu_r3 = gm / (r2 * rn)
    if j2 == 0.0:
        return -mu_r3 * x, -mu_r3 * y, -mu_r3 * z
    z2_r2 = z * z / r2
    k = 1.5 * j2 * re * re / r2
    fxy = 1.0 - k * (5.0 * z2_r2 - 1.0)
    fz = 1.0 - k * (5.0 * z2_r2 - 3.0)
    return -mu_r3 * fxy * x, -mu_r3 * fxy * y, -mu_r3 * fz * z


@njit
def approx_height(x: float, y: float, z: float, a: float, b: float, e2: float, f: float) -> float:
    """:func:`bmdsim.flight.dynamics.approximate_height_m` of one ECEF point [m]."""
    r2 = x * x + y * y + z * z
    rn = math.sqrt(r2)
    if f == 0.0:
        return rn - a
    cos2 = 1.0 - z * z / r2
    return rn - b / math.sqrt(1.0 - e2 * cos2)


@njit
def zhu_terms(p: float, z: float, a: float, b: float, e2: float) -> tuple[float, float]:
    """``r0`` and ``V`` of Zhu's closed form (1993) for a point at distance ``p`` from the axis and ``z``
    along it, as :func:`bmdsim.earth.frames.ecef_to_geodetic` computes them: shared by height and latitude."""
    z2 = z * z
    big_f = 54.0 * b * b * z2
    big_g = p * p + (1.0 - e2) * z2 - e2 * (a * a - b * b)
    cc = e2 * e2 * big_f * p * p / big_g**3
    s = np.cbrt(1.0 + cc + math.sqrt(cc * cc + 2.0 * cc))
    k = s + 1.0 + 1.0 / s
    big_p = big_f / (3.0 * k * k * big_g * big_g)
    q = math.sqrt(1.0 + 2.0 * e2 * e2 * big_p)
    r0 = -(big_p * e2 * p) / (1.0 + q) + math.sqrt(
        max(0.5 * a * a * (1.0 + 1.0 / q) - big_p * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * big_p * p * p, 0.0))
    v = math.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z2)
    return r0, v


@njit
def geodetic_height(x: float, y: float, z: float, a: float, b: float, e2: float, f: float) -> float:
    """Height above the ellipsoid as :func:`bmdsim.earth.frames.ecef_to_geodetic` gives it (Zhu 1993) [m]."""
    p = math.hypot(x, y)
    if f == 0.0:
        return math.sqrt(p * p + z * z) - a
    r0, v = zhu_terms(p, z, a, b, e2)
    u = math.sqrt((p - e2 * r0) ** 2 + z * z)
    return u * (1.0 - b * b / (a * v))
