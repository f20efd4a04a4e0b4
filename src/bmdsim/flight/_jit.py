"""Compiled Dormand-Prince trial step and event heights of the propagator (numba), for a batch of rows.

:func:`dp54_step` is :func:`bmdsim.flight.propagator._dp54_step` with the equations of motion of
:func:`bmdsim.flight.dynamics.derivative` inlined, one row at a time with plain floats: the propagator's
cost was numpy's per-call overhead on arrays of a few dozen rows (seven derivative calls of ~30 array
operations per step), not arithmetic. :func:`heights` gives the geodetic height and its rate at the ends of
the accepted steps in one call. Same formulas, operation by operation; results agree with the numpy path
to round-off (tests/flight/test_jit.py). Imported only when used (see :mod:`bmdsim.earth._kernels`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from bmdsim.earth._jit import approx_height, density_fast, geodetic_height, gravity

njit = numba.njit(cache=True, nogil=True)

RAIL_SPEED_M_S = 30.0  # bmdsim.flight.dynamics.RAIL_SPEED_M_S
STEER_GRAVITY_TURN = 1


@njit
def _derivative(tau, y, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ep, out):
    """dy/dt of row ``i`` at row-local time ``tau`` (bmdsim.flight.dynamics.derivative)."""
    gm, j2, re, omega, drag, a, b, e2, f = ep[0], ep[1], ep[2], ep[3], ep[4], ep[5], ep[6], ep[7], ep[8]
    x, yy, z, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    ax, ay, az = gravity(x, yy, z, gm, j2, re)
    mass = m0[i] - mdot[i] * (tau - t0[i])
    if thrust[i] > 0.0:
        span = max(t_pitch[i] - t_vert[i], 1e-9)
        frac = min(max((tau - t_vert[i]) / span, 0.0), 1.0)
        theta = 0.5 * np.pi + (pitch_end[i] - 0.5 * np.pi) * frac
        ct, st = math.cos(theta), math.sin(theta)
        ux = ct * u_h[i, 0] + st * u_up[i, 0]
        uy = ct * u_h[i, 1] + st * u_up[i, 1]
        uz = ct * u_h[i, 2] + st * u_up[i, 2]
        if mode[i] == STEER_GRAVITY_TURN:
            speed = math.sqrt(vx * vx + vy * vy + vz * vz)
            if speed > RAIL_SPEED_M_S:
                inv = max(speed, 1e-12)
                ux, uy, uz = vx / inv, vy / inv, vz / inv
        tm = thrust[i] / mass
        ax += tm * ux
        ay += tm * uy
        az += tm * uz
    if drag != 0.0:
        rho = density_fast(approx_height(x, yy, z, a, b, e2, f))
        speed = math.sqrt(vx * vx + vy * vy + vz * vz)
        kd = 0.5 * rho * speed * cda[i] / mass
        ax -= kd * vx
        ay -= kd * vy
        az -= kd * vz
    if omega != 0.0:
        ax += 2.0 * omega * vy + omega * omega * x
        ay += -2.0 * omega * vx + omega * omega * yy
    out[0], out[1], out[2], out[3], out[4], out[5] = vx, vy, vz, ax, ay, az


@njit
def dp54_step(tau0, y0, h, f0, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ep,
              c, a_tab, b5, e_tab, atol, rtol):
    """One Dormand-Prince 5(4) trial step of every row: new state, its derivative (FSAL), error norm."""
    m = y0.shape[0]
    y1 = np.empty((m, 6))
    k7 = np.empty((m, 6))
    err_norm = np.empty(m)
    k = np.empty((7, 6))
    yi = np.empty(6)
    for i in range(m):
        hi = h[i]
        for d in range(6):
            k[0, d] = f0[i, d]
        for s in range(1, 7):
            for d in range(6):
                acc = 0.0
                for j in range(s):
                    if a_tab[s, j] != 0.0:
                        acc += a_tab[s, j] * k[j, d]
                yi[d] = y0[i, d] + hi * acc
            _derivative(tau0[i] + c[s] * hi, yi, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end,
                        t_vert, t_pitch, ep, k[s])
        sq = 0.0
        for d in range(6):
            acc = 0.0
            er = 0.0
            for j in range(7):
                if b5[j] != 0.0:
                    acc += b5[j] * k[j, d]
                if e_tab[j] != 0.0:
                    er += e_tab[j] * k[j, d]
            y1[i, d] = y0[i, d] + hi * acc
            scale = atol[d] + rtol * max(abs(y0[i, d]), abs(y1[i, d]))
            q = hi * er / scale
            sq += q * q
            k7[i, d] = k[6, d]
        err_norm[i] = math.sqrt(sq / 6.0)
    return y1, k7, err_norm


@njit
def _height_and_rate(y, ep):
    """Geodetic height [m] and its rate [m/s] (velocity along the ellipsoid normal) of one state."""
    a, b, e2, f = ep[5], ep[6], ep[7], ep[8]
    x, yy, z = y[0], y[1], y[2]
    alt = geodetic_height(x, yy, z, a, b, e2, f)
    lon = math.atan2(yy, x)
    p = math.hypot(x, yy)
    if f == 0.0:
        lat = math.atan2(z, p)
    else:
        # latitude of bmdsim.earth.frames.ecef_to_geodetic (Zhu 1993), as there
        ep2 = (a * a - b * b) / (b * b)
        z2 = z * z
        big_f = 54.0 * b * b * z2
        big_g = p * p + (1.0 - e2) * z2 - e2 * (a * a - b * b)
        cc = e2 * e2 * big_f * p * p / big_g**3
        s = np.cbrt(1.0 + cc + math.sqrt(cc * cc + 2.0 * cc))
        kk = s + 1.0 + 1.0 / s
        big_p = big_f / (3.0 * kk * kk * big_g * big_g)
        q = math.sqrt(1.0 + 2.0 * e2 * e2 * big_p)
        r0 = -(big_p * e2 * p) / (1.0 + q) + math.sqrt(
            max(0.5 * a * a * (1.0 + 1.0 / q) - big_p * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * big_p * p * p,
                0.0))
        v = math.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z2)
        z0 = b * b * z / (a * v)
        lat = math.atan2(z + ep2 * z0, p)
    cl = math.cos(lat)
    rate = cl * math.cos(lon) * y[3] + cl * math.sin(lon) * y[4] + math.sin(lat) * y[5]
    return alt, rate


@njit
def heights(y0, y1, ep):
    """Geodetic height at the step ends ``y1`` and height rates at both ends, each shape (m,)."""
    m = y0.shape[0]
    alt1 = np.empty(m)
    rate0 = np.empty(m)
    rate1 = np.empty(m)
    for i in range(m):
        rate0[i] = _height_and_rate(y0[i], ep)[1]
        alt1[i], rate1[i] = _height_and_rate(y1[i], ep)
    return alt1, rate0, rate1


@njit
def _hermite(s, h, y0, y1, a0, a1, out):
    """Quintic Hermite state at step fraction ``s`` of one step (propagator._hermite) into ``out`` (6,)."""
    s2 = s * s
    s3 = s2 * s
    s4 = s3 * s
    s5 = s4 * s
    h0 = 1 - 10 * s3 + 15 * s4 - 6 * s5
    h1 = s - 6 * s3 + 8 * s4 - 3 * s5
    h2 = 0.5 * s2 - 1.5 * s3 + 1.5 * s4 - 0.5 * s5
    h3 = 0.5 * s3 - s4 + 0.5 * s5
    h4 = -4 * s3 + 7 * s4 - 3 * s5
    h5 = 10 * s3 - 15 * s4 + 6 * s5
    d0 = -30 * s2 + 60 * s3 - 30 * s4
    d1 = 1 - 18 * s2 + 32 * s3 - 15 * s4
    d2 = s - 4.5 * s2 + 6 * s3 - 2.5 * s4
    d3 = 1.5 * s2 - 4 * s3 + 2.5 * s4
    d4 = -12 * s2 + 28 * s3 - 15 * s4
    d5 = -d0
    for d in range(3):
        r0, v0, r1, v1 = y0[d], y0[d + 3], y1[d], y1[d + 3]
        out[d] = (h0 * r0 + h1 * h * v0 + h2 * h * h * a0[d] + h3 * h * h * a1[d] + h4 * h * v1 + h5 * r1)
        out[d + 3] = (d0 * r0 / h + d1 * v0 + d2 * h * a0[d] + d3 * h * a1[d] + d4 * v1 + d5 * r1 / h)


@njit
def _event(kind, s, h, y0, y1, a0, a1, ep, buf):
    _hermite(s, h, y0, y1, a0, a1, buf)
    if kind == 0:
        return geodetic_height(buf[0], buf[1], buf[2], ep[5], ep[6], ep[7], ep[8])
    return _height_and_rate(buf, ep)[1]


@njit
def event_root(kind, h, y0, y1, a0, a1, s_hi, ep, iterations, xtol):
    """Step fraction in [0, s_hi] where geodetic height (``kind`` 0) or its rate (1) falls through zero.

    The Illinois search of propagator._bisect, per row: each row stops once its own bracket is narrower than
    ``xtol`` (the numpy path stops when every row's is), so the two differ by less than ``xtol``.
    """
    m = h.shape[0]
    out = np.empty(m)
    buf = np.empty(6)
    for i in range(m):
        lo, hi = 0.0, s_hi[i]
        f_lo = _event(kind, lo, h[i], y0[i], y1[i], a0[i], a1[i], ep, buf)
        f_hi = _event(kind, hi, h[i], y0[i], y1[i], a0[i], a1[i], ep, buf)
        side = 0
        for _ in range(iterations):
            width = hi - lo
            if width <= xtol:
                break
            denom = f_lo - f_hi
            x = lo + f_lo * width / denom if denom != 0.0 else 0.5 * (lo + hi)
            if x <= lo or x >= hi or not math.isfinite(x):
                x = 0.5 * (lo + hi)
            fx = _event(kind, x, h[i], y0[i], y1[i], a0[i], a1[i], ep, buf)
            if fx >= 0.0:
                if side == 1:
                    f_hi = 0.5 * f_hi
                lo, f_lo = x, fx
                side = 1
            else:
                if side == -1:
                    f_lo = 0.5 * f_lo
                hi, f_hi = x, fx
                side = -1
        denom = f_lo - f_hi
        guess = lo + f_lo * (hi - lo) / denom if denom != 0.0 else 0.5 * (lo + hi)
        out[i] = min(max(guess, lo), hi)
    return out
