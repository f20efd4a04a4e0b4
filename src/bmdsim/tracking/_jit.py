"""Compiled prediction of the EKF with the ballistic motion model (numba), for a batch of tracks.

The same arithmetic as :func:`bmdsim.tracking.ekf.predict` with a :class:`~bmdsim.tracking.dynamics.
BallisticModel` (RK4 state step, ``Φ = I + F h + F^2 h^2 / 2`` at the midpoint, ``P ← Φ P Φ^T + Q(h)``,
symmetrized, with the same drag and lift noise terms; the same substep rule), one track at a time with
plain floats, so that a prediction of every live track costs one call instead of hundreds of small numpy
operations. Results agree with the numpy path to round-off (relative 1e-12 after 600 s of coasting;
tests/tracking/test_jit.py). Imported only when used (see :mod:`bmdsim.earth._kernels`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from bmdsim.earth._jit import approx_height, density_fast, geodetic_height, gravity

njit = numba.njit(cache=True, nogil=True)

# layout of the parameter vector (see params_of)
(GM, J2, RE, OMEGA, DRAG, ELL_A, ELL_B, ELL_E2, ELL_F, Q, BETA, EPS, TAU_C, CEILING, SUBSTEP, FRAC,
 TAU_L) = range(17)

_DRHO_DH_STEP_M = 50.0
_MIN_STEP_S = 0.05
_DENSITY_SCALE_HEIGHT_M = 6000.0
_DRAG_ACCEL_FLOOR_M_S2 = 0.01


def params_of(model) -> np.ndarray:
    """The float parameter vector of a :class:`~bmdsim.tracking.dynamics.BallisticModel`."""
    e = model.earth
    ell = e.ellipsoid
    return np.array([e.gm_m3_s2, e.j2, e.j2_radius_m, e.omega_rad_s, 1.0 if e.drag else 0.0, ell.a_m, ell.b_m,
                     ell.e2, ell.f, model.q_m2_s3, model.ballistic_coefficient_kg_m2, model.beta_rel_sigma,
                     model.drag_noise_corr_time_s, model.drag_ceiling_m, model.substep_s,
                     model.drag_step_fraction, model.lift_noise_corr_time_s])


@njit
def _drag_factor(x, p):
    """rho |v| / 2β, density and height (BallisticModel._drag_factor) of one state."""
    h = approx_height(x[0], x[1], x[2], p[ELL_A], p[ELL_B], p[ELL_E2], p[ELL_F])
    rho = density_fast(min(h, p[CEILING])) if h < p[CEILING] else 0.0
    speed = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
    return rho * speed / (2.0 * p[BETA]), rho, h


@njit
def _derivative(x, p, out):
    gx, gy, gz = gravity(x[0], x[1], x[2], p[GM], p[J2], p[RE])
    om = p[OMEGA]
    if om != 0.0:
        gx += 2.0 * om * x[4] + om * om * x[0]
        gy += -2.0 * om * x[3] + om * om * x[1]
    if p[DRAG] != 0.0:
        k = _drag_factor(x, p)[0]
        gx -= k * x[3]
        gy -= k * x[4]
        gz -= k * x[5]
    out[0], out[1], out[2] = x[3], x[4], x[5]
    out[3], out[4], out[5] = gx, gy, gz


@njit
def _gravity_gradient(r, gm, j2, re, out):
    """:func:`bmdsim.tracking.dynamics.gravity_gradient` of one point into ``out`` (3, 3)."""
    r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2]
    rn = math.sqrt(r2)
    inv_r3 = 1.0 / (r2 * rn)
    inv_r5 = inv_r3 / r2
    for i in range(3):
        for j in range(3):
            out[i, j] = gm * (3.0 * inv_r5 * r[i] * r[j] - (inv_r3 if i == j else 0.0))
    if j2 == 0.0:
        return
    c = 1.5 * j2 * gm * re * re
    z = r[2]
    inv_r7 = inv_r5 / r2
    inv_r9 = inv_r7 / r2
    w_common = 5.0 * z * z * inv_r7
    for i in range(3):
        w = w_common - (3.0 if i == 2 else 1.0) * inv_r5
        ki = 15.0 if i == 2 else 5.0
        for j in range(3):
            dw = (-35.0 * z * z * inv_r9 + ki * inv_r7) * r[j]
            if j == 2:
                dw += 10.0 * z * inv_r7
            out[i, j] += c * ((w if i == j else 0.0) + r[i] * dw)


@njit
def _jacobian(x, p, out):
    """F = ∂f/∂x of one state into ``out`` (6, 6) (BallisticModel.jacobian)."""
    out[:, :] = 0.0
    out[0, 3] = out[1, 4] = out[2, 5] = 1.0
    da = np.empty((3, 3))
    _gravity_gradient(x[:3], p[GM], p[J2], p[RE], da)
    om = p[OMEGA]
    da[0, 0] += om * om
    da[1, 1] += om * om
    out[3, 4] = 2.0 * om
    out[4, 3] = -2.0 * om
    if p[DRAG] != 0.0:
        k, rho, h = _drag_factor(x, p)
        v = x[3:]
        speed = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        inv_speed = 1.0 / max(speed, 1e-12) if speed > 0.0 else 0.0
        for i in range(3):
            for j in range(3):
                out[3 + i, 3 + j] -= k * ((1.0 if i == j else 0.0) + inv_speed * inv_speed * v[i] * v[j])
        hi = min(h + _DRHO_DH_STEP_M, p[CEILING])
        lo = min(h - _DRHO_DH_STEP_M, p[CEILING])
        dlnrho = 0.0
        if rho > 0.0:
            dlnrho = math.log(density_fast(hi) / density_fast(lo)) / max(hi - lo, 1e-9)
        rn = math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
        kd = k * dlnrho
        for i in range(3):
            for j in range(3):
                da[i, j] -= kd * v[i] * (x[j] / rn)
    out[3:, :3] = da


@njit
def _max_step(x, p):
    step = p[SUBSTEP]
    if p[DRAG] != 0.0:
        k = _drag_factor(x, p)[0]
        speed = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
        rn = math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
        radial = abs(x[0] * x[3] + x[1] * x[4] + x[2] * x[5]) / rn
        tau = min(1.0 / max(k, 1e-30), _DENSITY_SCALE_HEIGHT_M / max(radial, 1e-9))
        if k * speed > _DRAG_ACCEL_FLOOR_M_S2:
            step = min(step, p[FRAC] * tau)
        step = max(step, _MIN_STEP_S)
    return step


@njit
def _noise_psd(x, p, ld):
    """BallisticModel.noise_psd_m2_s3 of one state with lift-to-drag bound ``ld`` (0: no lift term)."""
    speed = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
    if p[DRAG] == 0.0:
        q = p[Q]
    else:
        a_drag = _drag_factor(x, p)[0] * speed
        q = p[Q] + 2.0 * p[TAU_C] * (p[EPS] * a_drag) ** 2
    if ld > 0.0:  # BallisticModel.lift_noise_psd_m2_s3
        bound = ld * (_drag_factor(x, p)[0] * speed)
        q = q + 2.0 * p[TAU_L] * bound * bound / 3.0
    return q


@njit
def _predict_step(x, P, h, q_extra, ld, p, x1, k1, k2, k3, k4, tmp, F, Phi, A):
    """One substep of one track, in place on ``x`` (6,) and ``P`` (6, 6)."""
    _derivative(x, p, k1)
    for i in range(6):
        tmp[i] = x[i] + 0.5 * h * k1[i]
    _derivative(tmp, p, k2)
    for i in range(6):
        tmp[i] = x[i] + 0.5 * h * k2[i]
    _derivative(tmp, p, k3)
    for i in range(6):
        tmp[i] = x[i] + h * k3[i]
    _derivative(tmp, p, k4)
    for i in range(6):
        x1[i] = x[i] + h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i])
    for i in range(6):
        tmp[i] = 0.5 * (x[i] + x1[i])
    _jacobian(tmp, p, F)
    for i in range(6):
        for j in range(6):
            F[i, j] *= h
    for i in range(6):
        for j in range(6):
            s = 0.0
            for m in range(6):
                s += F[i, m] * F[m, j]
            Phi[i, j] = (1.0 if i == j else 0.0) + F[i, j] + 0.5 * s
    q = _noise_psd(x, p, ld) + q_extra
    for i in range(6):  # A = Phi P
        for j in range(6):
            s = 0.0
            for m in range(6):
                s += Phi[i, m] * P[m, j]
            A[i, j] = s
    pp = q * h**3 / 3.0
    pv = q * h**2 / 2.0
    vv = q * h
    for i in range(6):  # P = A Phi^T + Q
        for j in range(6):
            s = 0.0
            for m in range(6):
                s += A[i, m] * Phi[j, m]
            F[i, j] = s  # reuse F as the unsymmetrized result
    for i in range(3):
        F[i, i] += pp
        F[i, i + 3] += pv
        F[i + 3, i] += pv
        F[i + 3, i + 3] += vv
    for i in range(6):
        for j in range(6):
            P[i, j] = 0.5 * (F[i, j] + F[j, i])
    for i in range(6):
        x[i] = x1[i]


@njit
def _predict_row(x, P, dt, q_extra, ld, p, x1, k1, k2, k3, k4, tmp, F, Phi, A):
    """One track carried forward by ``dt`` [s] in substeps, in place (see ekf.predict)."""
    rem = dt
    while rem != 0.0:
        n_left = max(math.ceil(abs(rem) / _max_step(x, p)), 1.0)
        h = rem / n_left
        _predict_step(x, P, h, q_extra, ld, p, x1, k1, k2, k3, k4, tmp, F, Phi, A)
        rem = 0.0 if n_left == 1.0 else rem - h


@njit
def predict(x_in, P_in, dt, q_extra, ld, p):
    """States (m, 6) and covariances (m, 6, 6) carried forward by ``dt`` (m,) [s], with extra noise density
    ``q_extra`` (m,) and lift-to-drag bounds ``ld`` (m,) (see ekf.predict)."""
    m = x_in.shape[0]
    x_out = x_in.copy()
    P_out = P_in.copy()
    x1, k1, k2, k3, k4, tmp = np.empty(6), np.empty(6), np.empty(6), np.empty(6), np.empty(6), np.empty(6)
    F, Phi, A = np.empty((6, 6)), np.empty((6, 6)), np.empty((6, 6))
    for r in range(m):
        _predict_row(x_out[r], P_out[r], dt[r], q_extra[r], ld[r], p, x1, k1, k2, k3, k4, tmp, F, Phi, A)
    return x_out, P_out


@njit
def _update_row(x, P, z, sigma, rs, Rm, x_out, P_out, H, HP, S, K, A, AP):
    """EKF update of one track (ekf.update) into ``x_out`` (6,), ``P_out`` (6, 6); returns the NIS."""
    two_pi = 2.0 * np.pi
    nis = 0.0
    dx = x[0] - rs[0]
    dy = x[1] - rs[1]
    dz = x[2] - rs[2]
    e = Rm[0, 0] * dx + Rm[0, 1] * dy + Rm[0, 2] * dz
    n = Rm[1, 0] * dx + Rm[1, 1] * dy + Rm[1, 2] * dz
    u = Rm[2, 0] * dx + Rm[2, 1] * dy + Rm[2, 2] * dz
    horiz0 = math.hypot(e, n)
    nu0 = z[0] - math.sqrt(horiz0 * horiz0 + u * u)
    nu1 = z[1] - math.atan2(e, n) % two_pi
    nu1 = (nu1 + np.pi) % two_pi - np.pi
    nu2 = z[2] - math.atan2(u, horiz0)
    # Jacobian (ekf.measurement_jacobian)
    rho2 = e * e + n * n + u * u
    rho = math.sqrt(rho2)
    horiz = max(math.hypot(e, n), 1e-9 * rho)
    d00, d01, d02 = e / rho, n / rho, u / rho
    d10, d11, d12 = n / (horiz * horiz), -e / (horiz * horiz), 0.0
    d20, d21, d22 = -e * u / (horiz * rho2), -n * u / (horiz * rho2), horiz / rho2
    for j in range(3):
        H[0, j] = d00 * Rm[0, j] + d01 * Rm[1, j] + d02 * Rm[2, j]
        H[1, j] = d10 * Rm[0, j] + d11 * Rm[1, j] + d12 * Rm[2, j]
        H[2, j] = d20 * Rm[0, j] + d21 * Rm[1, j] + d22 * Rm[2, j]
    for i in range(3):
        for j in range(6):
            s = 0.0
            for k in range(6):
                s += H[i, k] * P[k, j]
            HP[i, j] = s
    for i in range(3):
        for j in range(3):
            s = 0.0
            for k in range(6):
                s += HP[i, k] * H[j, k]
            S[i, j] = s
    for i in range(3):
        S[i, i] += sigma[i] * sigma[i]
    s10 = 0.5 * (S[1, 0] + S[0, 1])
    s20 = 0.5 * (S[2, 0] + S[0, 2])
    s21 = 0.5 * (S[2, 1] + S[1, 2])
    # Cholesky S = L L^T (ekf.solve_spd3), then K^T = S^-1 H P and S^-1 nu
    l11 = math.sqrt(S[0, 0])
    l21 = s10 / l11
    l31 = s20 / l11
    l22 = math.sqrt(S[1, 1] - l21 * l21)
    l32 = (s21 - l31 * l21) / l22
    l33 = math.sqrt(S[2, 2] - l31 * l31 - l32 * l32)
    for j in range(7):
        b0 = HP[0, j] if j < 6 else nu0
        b1 = HP[1, j] if j < 6 else nu1
        b2 = HP[2, j] if j < 6 else nu2
        y1 = b0 / l11
        y2 = (b1 - l21 * y1) / l22
        y3 = (b2 - l31 * y1 - l32 * y2) / l33
        x3 = y3 / l33
        x2 = (y2 - l32 * x3) / l22
        x1 = (y1 - l21 * x2 - l31 * x3) / l11
        if j < 6:
            K[j, 0], K[j, 1], K[j, 2] = x1, x2, x3
        else:
            nis = nu0 * x1 + nu1 * x2 + nu2 * x3
    for i in range(6):
        x_out[i] = x[i] + (K[i, 0] * nu0 + K[i, 1] * nu1 + K[i, 2] * nu2)
    for i in range(6):
        for j in range(6):
            s = 0.0
            for k in range(3):
                s += K[i, k] * H[k, j]
            A[i, j] = (1.0 if i == j else 0.0) - s
    for i in range(6):
        for j in range(6):
            s = 0.0
            for k in range(6):
                s += A[i, k] * P[k, j]
            AP[i, j] = s
    v0, v1, v2 = sigma[0] ** 2, sigma[1] ** 2, sigma[2] ** 2
    for i in range(6):
        for j in range(6):
            s = 0.0
            for k in range(6):
                s += AP[i, k] * A[j, k]
            A_KRK = K[i, 0] * v0 * K[j, 0] + K[i, 1] * v1 * K[j, 1] + K[i, 2] * v2 * K[j, 2]
            P_out[i, j] = s + A_KRK
    for i in range(6):
        for j in range(i + 1, 6):
            a = 0.5 * (P_out[i, j] + P_out[j, i])
            P_out[i, j] = a
            P_out[j, i] = a
    return nis


@njit
def update(x_in, P_in, z, sigma, r_sensor, R_enu):
    """EKF update of every row, Joseph form (ekf.update): posterior states, covariances and NIS."""
    m = x_in.shape[0]
    x_out = np.empty_like(x_in)
    P_out = np.empty_like(P_in)
    nis = np.empty(m)
    H, HP, S, K = np.zeros((3, 6)), np.empty((3, 6)), np.empty((3, 3)), np.empty((6, 3))
    A, AP = np.empty((6, 6)), np.empty((6, 6))
    for r in range(m):
        nis[r] = _update_row(x_in[r], P_in[r], z[r], sigma[r], r_sensor[r], R_enu[r], x_out[r], P_out[r], H, HP,
                             S, K, A, AP)
    return x_out, P_out, nis


@njit
def run_tracks(x0, P0, t0, alive0, ev_t, ev_code, ev_count, t_last_meas, meas_z, meas_sigma, meas_sensor, site_r,
               site_R, n_grid, p, man_q, man_fading, man_enter, man_leave, ld):
    """The tracker's rounds (tracker._run), one track at a time: predict to each event, update or record.

    ``ld`` (n,) is each track's lift-to-drag bound (0: ballistic).

    Tracks are independent (association is by truth), so running each threat through its own event list is
    the same computation as the numpy path's rounds over all threats. Returns the grid states (n, k, 6),
    covariances (n, k, 6, 6), update counts and last update times.
    """
    n = x0.shape[0]
    xs = np.full((n, n_grid, 6), np.nan)
    Ps = np.full((n, n_grid, 6, 6), np.nan)
    n_upd = np.zeros(n, dtype=np.int64)
    t_upd = t0.copy()
    x1, k1, k2, k3, k4, tmp = np.empty(6), np.empty(6), np.empty(6), np.empty(6), np.empty(6), np.empty(6)
    F, Phi, A, AP = np.empty((6, 6)), np.empty((6, 6)), np.empty((6, 6)), np.empty((6, 6))
    H, HP, S, K = np.zeros((3, 6)), np.empty((3, 6)), np.empty((3, 3)), np.empty((6, 3))
    xu, Pu = np.empty(6), np.empty((6, 6))
    for i in range(n):
        if not alive0[i]:
            continue
        x = x0[i].copy()
        P = P0[i].copy()
        t = t0[i]
        nis_sum = 0.0
        is_man = False
        for e in range(ev_count[i]):
            te = ev_t[i, e]
            code = ev_code[i, e]
            _predict_row(x, P, te - t, man_q if is_man else 0.0, ld[i], p, x1, k1, k2, k3, k4, tmp, F, Phi, A)
            t = te
            if code >= 0:
                sn = meas_sensor[code]
                nis = _update_row(x, P, meas_z[code], meas_sigma[code], site_r[sn], site_R[sn], xu, Pu, H, HP, S,
                                  K, A, AP)
                x[:] = xu
                P[:, :] = Pu
                n_upd[i] += 1
                t_upd[i] = te
                nis_sum = man_fading * nis_sum + nis
                is_man = nis_sum > man_leave if is_man else nis_sum > man_enter
            else:
                kk = -code - 1
                below = geodetic_height(x[0], x[1], x[2], p[ELL_A], p[ELL_B], p[ELL_E2], p[ELL_F]) < 0.0
                if not below:
                    xs[i, kk] = x
                    Ps[i, kk] = P
                elif te > t_last_meas[i]:
                    break  # the track has ended
    return xs, Ps, n_upd, t_upd
