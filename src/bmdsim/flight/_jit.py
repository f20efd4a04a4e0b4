"""Compiled Dormand-Prince trial step and event heights of the propagator (numba), for a batch of rows.

:func:`dp54_step` is :func:`bmdsim.flight.propagator._dp54_step` with the equations of motion of
:func:`bmdsim.flight.dynamics.derivative` inlined, one row at a time with plain floats: the propagator's
cost was numpy's per-call overhead on arrays of a few dozen rows (seven derivative calls of ~30 array
operations per step), not arithmetic. :func:`heights` gives the geodetic height and its rate at the ends of
the accepted steps in one call. Lift of the quasi-ballistic profile (:func:`bmdsim.flight.dynamics.lift_acceleration`)
is inlined in :func:`_derivative` the same way. Same formulas, operation by operation; results agree with the numpy path
to round-off (tests/flight/test_jit.py). Imported only when used (see :mod:`bmdsim.earth._kernels`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from bmdsim.earth._jit import approx_height, density_fast, geodetic_height, gravity, zhu_terms

njit = numba.njit(cache=True, nogil=True)

RAIL_SPEED_M_S = 30.0  # bmdsim.flight.dynamics.RAIL_SPEED_M_S
STEER_GRAVITY_TURN = 1
GLIDE_TIME_CONSTANT_S = 5.0  # bmdsim.flight.dynamics.GLIDE_TIME_CONSTANT_S
DIVE_RAMP_MPS = 100.0  # bmdsim.flight.dynamics.DIVE_RAMP_MPS


@njit
def _derivative(tau, y, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ld, gg, vd, ep,
                out):
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
    if ld[i] > 0.0 and thrust[i] <= 0.0:  # lift of the quasi-ballistic profile (dynamics.lift_acceleration)
        rn = math.sqrt(x * x + yy * yy + z * z)
        speed = math.sqrt(vx * vx + vy * vy + vz * vz)
        safe = max(speed, 1e-12)
        sin_g = min(max((x * vx + yy * vy + z * vz) / (rn * safe), -1.0), 1.0)
        cos_g = math.sqrt(1.0 - sin_g * sin_g)
        if cos_g > 1e-6:
            rho = density_fast(approx_height(x, yy, z, a, b, e2, f))
            a_max = ld[i] * 0.5 * rho * speed * speed * cda[i] / mass
            a_cmd = ((gm / (rn * rn) - speed * speed / rn) * cos_g
                     + speed * (gg[i] - math.asin(sin_g)) / GLIDE_TIME_CONSTANT_S)
            fade = min(max((speed - vd[i]) / DIVE_RAMP_MPS, 0.0), 1.0)
            a_l = min(max(a_cmd, 0.0), a_max) * fade / cos_g
            ax += a_l * (x / rn - sin_g * vx / safe)
            ay += a_l * (yy / rn - sin_g * vy / safe)
            az += a_l * (z / rn - sin_g * vz / safe)
    if omega != 0.0:
        ax += 2.0 * omega * vy + omega * omega * x
        ay += -2.0 * omega * vx + omega * omega * yy
    out[0], out[1], out[2], out[3], out[4], out[5] = vx, vy, vz, ax, ay, az


@njit
def dp54_step(tau0, y0, h, f0, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ld, gg,
              vd, ep, c, a_tab, b5, e_tab, atol, rtol):
    """One Dormand-Prince 5(4) trial step of every row: new state, its derivative (FSAL), error norm."""
    m = y0.shape[0]
    y1 = np.empty((m, 6))
    k7 = np.empty((m, 6))
    err_norm = np.empty(m)
    k = np.empty((7, 6))
    yi = np.empty(6)
    row = np.empty(6)
    for i in range(m):
        err_norm[i] = _one_step(i, tau0[i], y0[i], h[i], f0[i], thrust, mdot, m0, t0, cda, mode, u_h, u_up,
                                pitch_end, t_vert, t_pitch, ld, gg, vd, ep, c, a_tab, b5, e_tab, atol, rtol, k,
                                yi, row)
        for d in range(6):
            y1[i, d] = row[d]
            k7[i, d] = k[6, d]
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
        _, v = zhu_terms(p, z, a, b, e2)
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
        out[i] = _root_one(kind, h[i], y0[i], y1[i], a0[i], a1[i], s_hi[i], ep, buf, iterations, xtol)
    return out


@njit
def _one_step(i, tau, y, h, f, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ld, gg, vd,
              ep, c, a_tab, b5, e_tab, atol, rtol, k, yi, y1):
    """One trial step of row ``i`` into ``y1``; returns the error norm (the FSAL derivative is ``k[6]``)."""
    for d in range(6):
        k[0, d] = f[d]
    for s in range(1, 7):
        for d in range(6):
            acc = 0.0
            for j in range(s):
                if a_tab[s, j] != 0.0:
                    acc += a_tab[s, j] * k[j, d]
            yi[d] = y[d] + h * acc
        _derivative(tau + c[s] * h, yi, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert,
                    t_pitch, ld, gg, vd, ep, k[s])
    sq = 0.0
    for d in range(6):
        acc = 0.0
        er = 0.0
        for j in range(7):
            if b5[j] != 0.0:
                acc += b5[j] * k[j, d]
            if e_tab[j] != 0.0:
                er += e_tab[j] * k[j, d]
        y1[d] = y[d] + h * acc
        scale = atol[d] + rtol * max(abs(y[d]), abs(y1[d]))
        q = h * er / scale
        sq += q * q
    return math.sqrt(sq / 6.0)


@njit
def _phase_params(i, ph, phase_t_end, phase_thrust, phase_mdot, phase_m0, phase_cda, thrust, mdot, m0, t0, cda):
    """Load row ``i``'s parameters of phase ``ph`` into the one-row parameter arrays (FlightPlan.params)."""
    thrust[i] = phase_thrust[i, ph]
    mdot[i] = phase_mdot[i, ph]
    m0[i] = phase_m0[i, ph]
    cda[i] = phase_cda[i, ph]
    t0[i] = phase_t_end[i, ph - 1] if ph > 0 else 0.0


@njit
def _root_one(kind, h, y0, y1, a0, a1, s_hi, ep, buf, iterations=60, xtol=1e-10):
    """Illinois root of one step in [0, s_hi] (see event_root)."""
    lo, hi = 0.0, s_hi
    f_lo = _event(kind, lo, h, y0, y1, a0, a1, ep, buf)
    f_hi = _event(kind, hi, h, y0, y1, a0, a1, ep, buf)
    side = 0
    for _ in range(iterations):
        width = hi - lo
        if width <= xtol:
            break
        denom = f_lo - f_hi
        x = lo + f_lo * width / denom if denom != 0.0 else 0.5 * (lo + hi)
        if x <= lo or x >= hi or not math.isfinite(x):
            x = 0.5 * (lo + hi)
        fx = _event(kind, x, h, y0, y1, a0, a1, ep, buf)
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
    return min(max(guess, lo), hi)


@njit
def propagate_rows(r0, v0, t_launch, phase_t_end, phase_thrust, phase_mdot, phase_m0, phase_cda, t_burnout_plan,
                   mode, u_h, u_up, pitch_end, t_vert, t_pitch, ld, gg, vd, ep, c, a_tab, b5, e_tab, atol, rtol,
                   t_max, first_step, keep_steps):
    """Every row of a plan to ground impact, one row at a time (propagator.propagate, see there).

    Returns the events per row and, if ``keep_steps``, every accepted step (row, t_abs0, t_abs1,
    include_start, h, y0 (6), y1 (6), a0 (3), a1 (3)) as rows of a (steps, 24) table for the output grid.
    """
    n, n_phase = phase_t_end.shape
    thrust, mdot, m0, t0, cda = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    y_burnout = np.full((n, 6), np.nan)
    t_apogee = np.zeros(n)
    apogee_alt = np.empty(n)
    t_impact = np.full(n, np.nan)
    y_impact = np.full((n, 6), np.nan)
    is_impacted = np.zeros(n, dtype=np.bool_)
    n_steps = np.zeros(n, dtype=np.int64)
    steps = np.empty((1024 if keep_steps else 0, 24))
    n_rec = 0
    k = np.empty((7, 6))
    yi, y, y1, f, buf = np.empty(6), np.empty(6), np.empty(6), np.empty(6), np.empty(6)
    for i in range(n):
        tau = 0.0
        for d in range(3):
            y[d] = r0[i, d]
            y[d + 3] = v0[i, d]
        h = first_step
        phase = 0
        for p in range(n_phase):  # np.argmax(phase_t_end > 0): the first such phase, else 0
            if phase_t_end[i, p] > 0.0:
                phase = p
                break
        _phase_params(i, phase, phase_t_end, phase_thrust, phase_mdot, phase_m0, phase_cda, thrust, mdot, m0,
                      t0, cda)
        _derivative(tau, y, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch, ld, gg, vd,
                    ep, f)
        if t_burnout_plan[i] <= 0.0:
            y_burnout[i] = y
        apogee_alt[i] = geodetic_height(y[0], y[1], y[2], ep[5], ep[6], ep[7], ep[8])
        first = True
        while True:
            t_end = phase_t_end[i, phase]
            hh = min(h, t_max - tau)
            clipped = tau + hh >= t_end
            if clipped:
                hh = t_end - tau
            # the pitch program's kink (thrust direction starts to turn) is a step boundary too
            kink = thrust[i] > 0.0 and tau < t_vert[i] < tau + hh
            if kink:
                hh = t_vert[i] - tau
                clipped = False
            err = _one_step(i, tau, y, hh, f, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert,
                            t_pitch, ld, gg, vd, ep, c, a_tab, b5, e_tab, atol, rtol, k, yi, y1)
            factor = min(max(0.9 * (err if err > 0 else 1e-10) ** -0.2, 0.2), 5.0)
            h_next = hh * factor
            accept = err <= 1.0
            h = max(h, h_next) if (accept and (clipped or kink)) else h_next
            if not accept:
                continue
            n_steps[i] += 1
            alt1, rate1 = _height_and_rate(y1, ep)
            rate0 = _height_and_rate(y, ep)[1]
            a0 = f[3:]
            a1 = k[6, 3:]
            hit = alt1 < 0.0 and tau + hh > 1e-3
            s_end = 1.0
            if hit:
                s_hit = _root_one(0, hh, y, y1, a0, a1, 1.0, ep, buf)
                s_end = s_hit
                t_impact[i] = t_launch[i] + tau + s_hit * hh
                _hermite(s_hit, hh, y, y1, a0, a1, buf)
                y_impact[i] = buf
                is_impacted[i] = True
            if rate0 > 0 and rate1 <= 0:
                s_pk = _root_one(1, hh, y, y1, a0, a1, s_end, ep, buf)
                _hermite(s_pk, hh, y, y1, a0, a1, buf)
                alt_pk = geodetic_height(buf[0], buf[1], buf[2], ep[5], ep[6], ep[7], ep[8])
                if alt_pk > apogee_alt[i]:
                    apogee_alt[i] = alt_pk
                    t_apogee[i] = tau + s_pk * hh  # since launch
            if keep_steps:
                if n_rec == steps.shape[0]:
                    grown = np.empty((2 * n_rec, 24))
                    grown[:n_rec] = steps
                    steps = grown
                t_abs0 = t_launch[i] + tau
                rec = steps[n_rec]
                rec[0], rec[1], rec[2], rec[3], rec[4] = i, t_abs0, t_abs0 + s_end * hh, 1.0 if first else 0.0, hh
                rec[5:11] = y
                rec[11:17] = y1
                rec[17:20] = a0
                rec[20:23] = a1
                n_rec += 1
            first = False
            if hit:
                break
            tau = t_vert[i] if kink else tau + hh
            for d in range(6):
                y[d] = y1[d]
                f[d] = k[6, d]
            if clipped:
                tau = phase_t_end[i, phase]
                leaving_boost = phase_thrust[i, phase] > 0 and tau >= t_burnout_plan[i]
                phase = min(phase + 1, n_phase - 1)
                for _ in range(n_phase):  # skip zero-length phases
                    if phase_t_end[i, phase] <= tau:
                        phase = min(phase + 1, n_phase - 1)
                    else:
                        break
                if leaving_boost:
                    y_burnout[i] = y
                _phase_params(i, phase, phase_t_end, phase_thrust, phase_mdot, phase_m0, phase_cda, thrust, mdot,
                              m0, t0, cda)
                _derivative(tau, y, i, thrust, mdot, m0, t0, cda, mode, u_h, u_up, pitch_end, t_vert, t_pitch,
                            ld, gg, vd, ep, f)
            if tau >= t_max - 1e-9:
                break
    return (y_burnout, t_apogee, apogee_alt, t_impact, y_impact, is_impacted, n_steps, steps[:n_rec])
