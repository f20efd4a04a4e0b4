"""Extended Kalman filter in ECEF for radar measurements, vectorized over tracks.

Notation ([BLK01] ch. 5 and 10): state ``x`` (m, 6) = ECEF position [m] and velocity [m/s]; covariance
``P`` (m, 6, 6); measurement ``z = (range [m], azimuth [rad], elevation [rad])`` in the sensor's ENU
frame, ``h(x) = enu_to_az_el_range(R_enu_from_ecef @ (r - r_sensor))``; its Jacobian ``H`` (m, 3, 6);
measurement noise ``R = diag(sigma^2)``; innovation ``ν = z - h(x)`` with the azimuth difference wrapped
to [-π, π); innovation covariance ``S = H P H^T + R``; gain ``K = P H^T S^-1``.

Prediction
----------
The state is integrated with classical RK4 over substeps no longer than the motion model allows
(5 s in vacuum). The covariance is carried by the linearized transition matrix of each substep,

    Φ ≈ I + F h + F^2 h^2 / 2,     F = ∂f/∂x at the substep's midpoint ((x0 + x1) / 2),

followed by ``P ← Φ P Φ^T + Q(h)``, ``Q`` from the model's spectral density at the substep's start
(including, for a target given a lift bound, the Singer manoeuvre term of
:mod:`bmdsim.tracking.dynamics`). Why a second-order series rather than integrating dΦ/dt = F Φ: in
vacuum ``F = [[0, I], [G, C]]`` with the gravity gradient ``|G| <= 2 GM / R^3 = 3.1e-6 /s^2`` and the
Coriolis term ``|C| = 2Ω = 1.5e-4 /s``; the first neglected term, ``F^3 h^3 / 6``, is then
``G h^3 / 6 ≈ 6e-5 s`` in the position-velocity block, 1.3e-5 of its value ``h = 5 s``; evaluating F at
the midpoint makes the error of its time variation third order as well. tests/tracking/test_dynamics.py
compares the predicted covariance with one mapped by the finite-difference Jacobian of bmdsim.flight's
propagator: 2e-5 relative after 600 s in vacuum. In dense air the drag terms make ``|F h|`` larger; the
substep is then cut to a tenth of the time in which the drag changes (``|v| / |a_drag|``, and the
density scale height over the vertical speed), which keeps ``|F h| <~ 0.15``; the same comparison over
20 s at 40 km gives 0.25%, most of it from the density gradient (a ±50 m difference of the table).
For the constant-velocity model ``F^2 = 0`` and one step is exact, which is what lets this filter
reproduce Stone Soup's and filterpy's linear prediction to round-off.

Update
------
Joseph form ``P ← (I - K H) P (I - K H)^T + K R K^T`` (symmetric and positive semi-definite even with
a suboptimal gain, [BLK01] sec. 5.2), then symmetrized. ``K`` comes from solving ``S K^T = H P``
by a Cholesky factorization of the 3x3 ``S`` (:func:`solve_spd3`), not from an explicit inverse. The
normalized innovation squared ``ν^T S^-1 ν`` (NIS) is returned for consistency tests ([BLK01] sec. 5.4).

References
----------
.. [BLK01] Y. Bar-Shalom, X. R. Li and T. Kirubarajan, *Estimation with Applications to Tracking and
   Navigation*, Wiley (2001), sec. 5.2 (Kalman filter, Joseph form), 5.4 (NEES/NIS consistency),
   10.3 (extended Kalman filter).
.. [Zar09] P. Zarchan and H. Musoff, *Fundamentals of Kalman Filtering: A Practical Approach*, 3rd ed.,
   AIAA (2009), ch. 7 (extended Kalman filtering) and ch. 9 (radar tracking of a ballistic target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth._kernels import jit_enabled
from bmdsim.earth.frames import wrap_to_pi
from bmdsim.tracking.dynamics import BallisticModel, MotionModel, process_noise, step_rk4

F64 = NDArray[np.float64]

_EYE6 = np.eye(6)


class Filter(Protocol):
    """A recursive filter over a batch of tracks: what the tracker calls (an EKF here; a UKF could follow)."""

    def predict(self, x_ecef: F64, P_ecef: F64, dt_s: F64, q_extra_m2_s3: F64 | None = None,
                lift_to_drag: F64 | None = None) -> tuple[F64, F64]:
        """States (m, 6) and covariances (m, 6, 6) carried forward by ``dt_s`` (m,) [s], with
        ``q_extra_m2_s3`` (m,) added to the model's white-noise acceleration density and ``lift_to_drag``
        (m,) each target's lift bound (the model's lift noise; None: none)."""
        ...

    def update(self, x_ecef: F64, P_ecef: F64, z: F64, sigma: F64, r_sensor_ecef_m: F64,
               R_enu_from_ecef: F64) -> tuple[F64, F64, F64]:
        """Posterior states, covariances and NIS (m,) after one measurement per track."""
        ...


def measure_range_az_el(r_ecef_m: F64, r_sensor_ecef_m: F64, R_enu_from_ecef: F64) -> F64:
    """Noise-free measurement ``h(x)``: slant range [m], azimuth [rad, in [0, 2π)], elevation [rad].

    Parameters
    ----------
    r_ecef_m : ndarray, shape (m, 3)
        Target ECEF positions [m].
    r_sensor_ecef_m : ndarray, shape (m, 3)
        Sensor ECEF positions [m].
    R_enu_from_ecef : ndarray, shape (m, 3, 3)
        Rotations into each sensor's ENU frame.

    Returns
    -------
    ndarray, shape (m, 3)
        The same quantities as :func:`bmdsim.earth.frames.enu_to_az_el_range`, in the order of
        ``Measurements.z``.
    """
    d = np.einsum("mij,mj->mi", R_enu_from_ecef, r_ecef_m - r_sensor_ecef_m)
    horiz = np.hypot(d[:, 0], d[:, 1])
    return np.stack([np.sqrt(horiz * horiz + d[:, 2] * d[:, 2]), np.arctan2(d[:, 0], d[:, 1]) % (2.0 * np.pi),
                     np.arctan2(d[:, 2], horiz)], axis=1)


def measurement_jacobian(r_ecef_m: F64, r_sensor_ecef_m: F64, R_enu_from_ecef: F64) -> F64:
    """Analytic ``H = ∂h/∂x``, shape (m, 3, 6); the velocity columns are zero.

    With ``d = (e, n, u) = R (r - r_sensor)``, ``ρ = |d|`` and ``ρ_h = sqrt(e^2 + n^2)``:
    ``∂ρ/∂d = d / ρ``; ``az = atan2(e, n)`` gives ``(n, -e, 0) / ρ_h^2``; ``el = atan2(u, ρ_h)`` gives
    ``(-e u / ρ_h, -n u / ρ_h, ρ_h) / ρ^2``; then ``∂/∂r = (∂/∂d) R``. ``ρ_h`` is floored at 1e-9 ρ so a
    target at the zenith (where azimuth is undefined) gives a finite, if useless, row.
    """
    d = np.einsum("mij,mj->mi", R_enu_from_ecef, r_ecef_m - r_sensor_ecef_m)
    e, n, u = d[:, 0], d[:, 1], d[:, 2]
    rho2 = np.einsum("mi,mi->m", d, d)
    rho = np.sqrt(rho2)
    horiz = np.maximum(np.hypot(e, n), 1e-9 * rho)
    dz_dd = np.empty((d.shape[0], 3, 3))
    dz_dd[:, 0] = d / rho[:, None]
    dz_dd[:, 1, 0] = n / (horiz * horiz)
    dz_dd[:, 1, 1] = -e / (horiz * horiz)
    dz_dd[:, 1, 2] = 0.0
    dz_dd[:, 2, 0] = -e * u / (horiz * rho2)
    dz_dd[:, 2, 1] = -n * u / (horiz * rho2)
    dz_dd[:, 2, 2] = horiz / rho2
    H = np.zeros((d.shape[0], 3, 6))
    H[:, :, :3] = dz_dd @ R_enu_from_ecef
    return H


def solve_spd3(S: F64, B: F64) -> F64:
    """Solve ``S X = B`` for symmetric positive-definite 3x3 ``S`` (m, 3, 3) and ``B`` (m, 3, k).

    Cholesky factorization ``S = L L^T`` and two triangular substitutions, written out element by element
    so that a batch of small systems costs a few dozen array operations instead of one LAPACK call per
    matrix (4x faster than ``np.linalg.solve`` on 1,000 systems). Cholesky needs no pivoting for a
    positive-definite matrix and is backward stable (Golub and Van Loan, *Matrix Computations*, 4th ed.,
    sec. 4.2; [BLK01] ch. 7 on the numerics of covariance updates); ``S = H P H^T + R`` is positive
    definite because ``R`` is.
    """
    l11 = np.sqrt(S[:, 0, 0])
    l21 = S[:, 1, 0] / l11
    l31 = S[:, 2, 0] / l11
    l22 = np.sqrt(S[:, 1, 1] - l21 * l21)
    l32 = (S[:, 2, 1] - l31 * l21) / l22
    l33 = np.sqrt(S[:, 2, 2] - l31 * l31 - l32 * l32)
    l11, l21, l31, l22, l32, l33 = (a[:, None] for a in (l11, l21, l31, l22, l32, l33))
    y1 = B[:, 0] / l11  # L y = B
    y2 = (B[:, 1] - l21 * y1) / l22
    y3 = (B[:, 2] - l31 * y1 - l32 * y2) / l33
    x3 = y3 / l33  # L^T x = y
    x2 = (y2 - l32 * x3) / l22
    x1 = (y1 - l21 * x2 - l31 * x3) / l11
    return np.stack([x1, x2, x3], axis=1)


def predict_step(x_ecef: F64, P_ecef: F64, h_s: F64, model: MotionModel,
                 q_extra_m2_s3: F64 | None = None, lift_to_drag: F64 | None = None) -> tuple[F64, F64]:
    """One substep: RK4 for the state, ``Φ = I + F h + F^2 h^2/2`` and ``Q(h)`` for the covariance.

    Parameters
    ----------
    x_ecef : ndarray, shape (m, 6)
    P_ecef : ndarray, shape (m, 6, 6)
    h_s : ndarray, shape (m,)
        Substep length [s] (zero leaves a row unchanged).
    model : MotionModel
    q_extra_m2_s3 : ndarray, shape (m,), optional
        Added to the model's white-noise acceleration spectral density [m^2/s^3].
    lift_to_drag : ndarray, shape (m,), optional
        Each target's lift-to-drag bound, for the model's lift noise
        (:meth:`~bmdsim.tracking.dynamics.BallisticModel.lift_noise_psd_m2_s3`); None or zero: none.

    Returns
    -------
    x_ecef, P_ecef : ndarray, shapes (m, 6) and (m, 6, 6)
    """
    x1 = step_rk4(x_ecef, h_s, model)
    hh = h_s[:, None, None]
    F = model.jacobian(0.5 * (x_ecef + x1)) * hh  # F h
    if model.is_linear:
        Phi = _EYE6 + F  # F^2 = 0 for constant velocity: exact
    else:
        Phi = _EYE6 + F + 0.5 * (F @ F)
    q = model.noise_psd_m2_s3(x_ecef) if lift_to_drag is None else model.noise_psd_m2_s3(x_ecef, lift_to_drag)
    if q_extra_m2_s3 is not None:
        q = q + q_extra_m2_s3
    P1 = Phi @ P_ecef @ Phi.transpose(0, 2, 1) + process_noise(h_s, q)
    return x1, 0.5 * (P1 + P1.transpose(0, 2, 1))


def predict(x_ecef: F64, P_ecef: F64, dt_s: F64, model: MotionModel,
            q_extra_m2_s3: F64 | None = None, lift_to_drag: F64 | None = None) -> tuple[F64, F64]:
    """Carry states and covariances forward by ``dt_s`` (m,) [s], in substeps the model allows.

    Before each substep the remaining interval is split into ``ceil(remaining / max_step)`` equal parts
    (``max_step`` from the model at the current state, so a coast into dense air shortens its steps as
    it goes) and one of them is taken; rows that are done drop out, so one long coast does not slow the
    others. A linear model (``max_step = inf``) takes the whole interval in one exact step.
    ``dt_s`` may be zero (no change) or negative (backward prediction, used by tests only);
    ``q_extra_m2_s3`` (m,), if given, is added to the model's process noise density; ``lift_to_drag``
    (m,), if given, bounds each target's lift (the model's lift noise, evaluated at every substep).
    """
    if jit_enabled() and isinstance(model, BallisticModel):
        return _predict_compiled(x_ecef, P_ecef, dt_s, model, q_extra_m2_s3, lift_to_drag)
    x, P = x_ecef.copy(), P_ecef.copy()
    remaining = np.asarray(dt_s, dtype=float).copy()
    rows = np.flatnonzero(remaining != 0.0)
    while rows.size:
        if rows.size == x.shape[0]:  # every row steps: no gathers and scatters
            x, P, remaining = _substep(x, P, remaining, model, q_extra_m2_s3, lift_to_drag)
        else:
            q_rows = None if q_extra_m2_s3 is None else q_extra_m2_s3[rows]
            ld_rows = None if lift_to_drag is None else lift_to_drag[rows]
            x[rows], P[rows], remaining[rows] = _substep(x[rows], P[rows], remaining[rows], model, q_rows,
                                                         ld_rows)
        rows = rows[remaining[rows] != 0.0]
    return x, P


def _predict_compiled(x_ecef: F64, P_ecef: F64, dt_s: F64, model: BallisticModel,
                      q_extra_m2_s3: F64 | None, lift_to_drag: F64 | None = None) -> tuple[F64, F64]:
    """:func:`predict` by the compiled kernel of :mod:`bmdsim.tracking._jit` (same arithmetic, one call)."""
    from bmdsim.tracking import _jit

    m = x_ecef.shape[0]
    dt = np.ascontiguousarray(np.broadcast_to(np.asarray(dt_s, dtype=float), (m,)))
    q_extra = np.zeros(m) if q_extra_m2_s3 is None else np.ascontiguousarray(q_extra_m2_s3, dtype=float)
    ld = np.zeros(m) if lift_to_drag is None else np.ascontiguousarray(lift_to_drag, dtype=float)
    key = id(model)
    params = _PARAMS.get(key)
    if params is None or params[0] is not model:
        params = _PARAMS[key] = (model, _jit.params_of(model))
    return _jit.predict(np.ascontiguousarray(x_ecef, dtype=float), np.ascontiguousarray(P_ecef, dtype=float),
                        dt, q_extra, ld, params[1])


_PARAMS: dict[int, tuple[BallisticModel, F64]] = {}


def _substep(x_ecef: F64, P_ecef: F64, remaining_s: F64, model: MotionModel, q_extra_m2_s3: F64 | None,
             lift_to_drag: F64 | None = None) -> tuple[F64, F64, F64]:
    """One equal part of each row's remaining interval; returns the state, covariance and what remains."""
    n_left = np.maximum(np.ceil(np.abs(remaining_s) / model.max_step_s(x_ecef)), 1.0)
    h = remaining_s / n_left
    x1, P1 = predict_step(x_ecef, P_ecef, h, model, q_extra_m2_s3, lift_to_drag)
    return x1, P1, np.where(n_left == 1.0, 0.0, remaining_s - h)


def update(x_ecef: F64, P_ecef: F64, z: F64, sigma: F64, r_sensor_ecef_m: F64,
           R_enu_from_ecef: F64) -> tuple[F64, F64, F64]:
    """EKF measurement update, Joseph form, one measurement per row.

    Parameters
    ----------
    x_ecef : ndarray, shape (m, 6)
        Predicted ECEF states [m, m/s].
    P_ecef : ndarray, shape (m, 6, 6)
        Predicted covariances.
    z : ndarray, shape (m, 3)
        Measured range [m], azimuth [rad], elevation [rad].
    sigma : ndarray, shape (m, 3)
        One-sigma measurement errors; ``R = diag(sigma^2)``.
    r_sensor_ecef_m : ndarray, shape (m, 3)
    R_enu_from_ecef : ndarray, shape (m, 3, 3)

    Returns
    -------
    x_ecef, P_ecef, nis : ndarray, shapes (m, 6), (m, 6, 6), (m,)
        Posterior states and covariances, and the normalized innovation squared ``ν^T S^-1 ν``.
    """
    if jit_enabled():
        from bmdsim.tracking import _jit

        c = np.ascontiguousarray
        return _jit.update(c(x_ecef, dtype=float), c(P_ecef, dtype=float), c(z, dtype=float),
                           c(sigma, dtype=float), c(r_sensor_ecef_m, dtype=float), c(R_enu_from_ecef, dtype=float))
    r = x_ecef[:, :3]
    nu = z - measure_range_az_el(r, r_sensor_ecef_m, R_enu_from_ecef)
    nu[:, 1] = wrap_to_pi(nu[:, 1])
    H = measurement_jacobian(r, r_sensor_ecef_m, R_enu_from_ecef)
    var = sigma * sigma
    HP = H @ P_ecef  # (m, 3, 6)
    S = HP @ H.transpose(0, 2, 1)
    S[:, [0, 1, 2], [0, 1, 2]] += var
    S = 0.5 * (S + S.transpose(0, 2, 1))
    # K^T = S^-1 H P (S and P symmetric); the innovation rides along as a seventh right-hand side
    sol = solve_spd3(S, np.concatenate([HP, nu[:, :, None]], axis=2))
    K = sol[:, :, :6].transpose(0, 2, 1)  # (m, 6, 3)
    nis = np.einsum("mi,mi->m", nu, sol[:, :, 6])
    x1 = x_ecef + np.einsum("mij,mj->mi", K, nu)
    A = _EYE6 - K @ H
    P1 = A @ P_ecef @ A.transpose(0, 2, 1) + (K * var[:, None, :]) @ K.transpose(0, 2, 1)
    return x1, 0.5 * (P1 + P1.transpose(0, 2, 1)), nis


@dataclass(frozen=True, slots=True)
class ExtendedKalmanFilter:
    """The EKF of this module bound to a motion model; implements :class:`Filter`."""

    model: MotionModel

    def predict(self, x_ecef: F64, P_ecef: F64, dt_s: F64, q_extra_m2_s3: F64 | None = None,
                lift_to_drag: F64 | None = None) -> tuple[F64, F64]:
        """See :func:`predict`."""
        return predict(x_ecef, P_ecef, dt_s, self.model, q_extra_m2_s3, lift_to_drag)

    def update(self, x_ecef: F64, P_ecef: F64, z: F64, sigma: F64, r_sensor_ecef_m: F64,
               R_enu_from_ecef: F64) -> tuple[F64, F64, F64]:
        """See :func:`update`."""
        return update(x_ecef, P_ecef, z, sigma, r_sensor_ecef_m, R_enu_from_ecef)
