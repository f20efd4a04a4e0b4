"""Predicted impact point of a track, with its error ellipse on the ground.

Method
------
Each track state is carried forward with the filter's own motion model and prediction step (RK4 state,
second-order transition matrix and process noise for the covariance, :func:`bmdsim.tracking.ekf.
predict_step`) until its geodetic height changes sign; the crossing time within the last step is found
by Newton's method on the height, ``τ ← τ - h(τ) / ḣ(τ)`` with ``ḣ`` the velocity along the ellipsoid
normal. This gives the predicted impact ``r_f``, velocity ``v_f`` and covariance ``P_f`` at the nominal
impact time ``t_f``.

The covariance is then mapped to the ground by linearization. A state error ``δr_f`` at ``t_f`` moves
the crossing by ``δt = -u·δr_f / u·v_f`` (``u`` the up normal), so the impact point moves by

    δr_impact = (I - v_f u^T / (u·v_f)) δr_f,

and its east/north components at the impact point have the 2x2 covariance ``A P_rr A^T`` with
``A = E (I - v_f u^T / (u·v_f))`` and ``E`` the east and north rows of ``R_enu_from_ecef``. The tangent
plane stands in for the curved ground: the error is of order σ² / (2 R_earth), a millimetre for a 3 km
ellipse. The process noise makes the ellipse include the model's own prediction uncertainty, as the
filter's prediction does.

The 1-sigma ellipse has semi-axes ``sqrt(λ_max)``, ``sqrt(λ_min)`` of that covariance; ``orientation_rad``
is the azimuth of the major axis, clockwise from north, in [0, π).

References
----------
.. [BLK01] Y. Bar-Shalom, X. R. Li and T. Kirubarajan, *Estimation with Applications to Tracking and
   Navigation*, Wiley (2001), sec. 10.3 (EKF prediction: a covariance through a linearized map).
.. [Zar09] P. Zarchan and H. Musoff, *Fundamentals of Kalman Filtering: A Practical Approach*, 3rd ed.,
   AIAA (2009), ch. 9 (predicting a projectile's impact from its track).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.frames import ecef_to_geodetic, enu_from_ecef_matrix
from bmdsim.earth.model import EarthModel
from bmdsim.tracking.dynamics import MotionModel, step_rk4
from bmdsim.tracking.ekf import predict_step

F64 = NDArray[np.float64]

_NEWTON_ITERATIONS = 6  # from a 5 s bracket, quadratic convergence reaches round-off in 4


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpactPrediction:
    """Predicted impact points and their 1-sigma error ellipses, over any leading shape ``(...)``.

    Attributes
    ----------
    t_predicted_s : ndarray, shape (...)
        Time of the track state the prediction was made from [s].
    t_impact_s : ndarray, shape (...)
        Predicted impact time [s]; NaN where no impact was found (no state, already below ground, or no
        ground crossing within the time limit).
    r_impact_ecef_m : ndarray, shape (..., 3)
        Predicted impact point, ECEF [m].
    lat_rad, lon_rad : ndarray, shape (...)
        Its geodetic latitude and longitude [rad].
    cov_en_m2 : ndarray, shape (..., 2, 2)
        Covariance of the impact point's east and north components at that point [m^2].
    semi_major_m, semi_minor_m : ndarray, shape (...)
        1-sigma semi-axes of the error ellipse [m].
    orientation_rad : ndarray, shape (...)
        Azimuth of the major axis, clockwise from north, in [0, π) [rad].
    """

    t_predicted_s: F64
    t_impact_s: F64
    r_impact_ecef_m: F64
    lat_rad: F64
    lon_rad: F64
    cov_en_m2: F64
    semi_major_m: F64
    semi_minor_m: F64
    orientation_rad: F64

    def reshape(self, *shape: int) -> ImpactPrediction:
        """The same predictions with leading shape ``shape`` (trailing vector/matrix axes kept)."""
        out = {}
        for name in ImpactPrediction.__dataclass_fields__:
            a = getattr(self, name)
            trailing = {"r_impact_ecef_m": 1, "cov_en_m2": 2}.get(name, 0)
            out[name] = a.reshape(*shape, *a.shape[a.ndim - trailing:])
        return ImpactPrediction(**out)


def _height_and_rate(x_ecef: F64, earth: EarthModel) -> tuple[F64, F64, F64, F64]:
    """Geodetic height [m], its rate [m/s] (velocity along the ellipsoid normal), lat and lon [rad]."""
    lat, lon, alt = ecef_to_geodetic(x_ecef[:, :3], earth.ellipsoid)
    cl = np.cos(lat)
    up = np.stack([cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)], axis=1)
    return alt, np.einsum("ij,ij->i", up, x_ecef[:, 3:]), lat, lon


def _crossing_time(x0: F64, h: F64, model: MotionModel, earth: EarthModel) -> F64:
    """Time τ in [0, h] (m,) at which RK4 from ``x0`` reaches zero geodetic height (Newton's method)."""
    alt0, rate0, _, _ = _height_and_rate(x0, earth)
    tau = np.clip(-alt0 / np.minimum(rate0, -1e-9), 0.0, h)
    for _ in range(_NEWTON_ITERATIONS):
        alt, rate, _, _ = _height_and_rate(step_rk4(x0, tau, model), earth)
        tau = np.clip(tau - alt / np.minimum(rate, -1e-9), 0.0, h)
    return tau


def ground_ellipse(cov_en_m2: F64) -> tuple[F64, F64, F64]:
    """Semi-major, semi-minor axes [m] and major-axis azimuth [rad, in [0, π)] of 2x2 covariances (..., 2, 2).

    Examples
    --------
    >>> a, b, az = ground_ellipse(np.array([[4.0, 0.0], [0.0, 1.0]]))  # 2 m east, 1 m north
    >>> float(a), float(b), round(float(np.degrees(az)), 6)
    (2.0, 1.0, 90.0)
    """
    c = np.asarray(cov_en_m2, dtype=float)
    ee, nn, en = c[..., 0, 0], c[..., 1, 1], 0.5 * (c[..., 0, 1] + c[..., 1, 0])
    mean = 0.5 * (ee + nn)
    rad = np.hypot(0.5 * (ee - nn), en)
    theta_from_east = 0.5 * np.arctan2(2.0 * en, ee - nn)  # counter-clockwise from east
    azimuth = (0.5 * np.pi - theta_from_east) % np.pi
    return np.sqrt(mean + rad), np.sqrt(np.maximum(mean - rad, 0.0)), azimuth


def predict_impact(x_ecef: F64, P_ecef: F64, t_s: F64, model: MotionModel, earth: EarthModel, *,
                   max_step_s: float = 5.0, max_time_s: float = 3600.0,
                   lift_to_drag: F64 | None = None) -> ImpactPrediction:
    """Predict where and when tracks hit the ground, with the error ellipse of the impact point.

    Parameters
    ----------
    x_ecef : ndarray, shape (m, 6)
        Track states, ECEF [m, m/s]; rows with NaN give NaN predictions.
    P_ecef : ndarray, shape (m, 6, 6)
        Their covariances.
    t_s : ndarray, shape (m,)
        Their times [s].
    model : MotionModel
        The filter's motion model (a constant-velocity track is extrapolated in a straight line).
    earth : EarthModel
        Figure of the Earth whose zero geodetic height is the ground.
    max_step_s : float
        Longest prediction step [s] (the model may ask for shorter ones).
    max_time_s : float
        Give up on rows that have not reached the ground after this long [s].
    lift_to_drag : ndarray, shape (m,), optional
        Each target's lift-to-drag bound: the model's lift noise is carried to the ground (the state is
        still flown without lift, so the ellipse is centred on the ballistic fall; see
        docs/methods/tracking.md). None: ballistic.

    Returns
    -------
    ImpactPrediction
        Leading shape (m,).
    """
    m = x_ecef.shape[0]
    x, P = np.nan_to_num(x_ecef), np.nan_to_num(P_ecef)
    alt0 = np.full(m, np.nan)
    ok = np.isfinite(x_ecef).all(axis=1) & np.isfinite(P_ecef).all(axis=(1, 2))
    alt0[ok] = ecef_to_geodetic(x_ecef[ok, :3], earth.ellipsoid)[2]
    active = ok & (alt0 >= 0.0)
    elapsed = np.zeros(m)
    t_impact = np.full(m, np.nan)
    x_f, P_f = np.full((m, 6), np.nan), np.full((m, 6, 6), np.nan)
    while active.any():
        idx = np.flatnonzero(active)
        x0, P0 = x[idx], P[idx]
        h = np.minimum(model.max_step_s(x0), max_step_s)
        ld = None if lift_to_drag is None else lift_to_drag[idx]
        x1, P1 = predict_step(x0, P0, h, model, lift_to_drag=ld)
        crossed = ecef_to_geodetic(x1[:, :3], earth.ellipsoid)[2] < 0.0
        if crossed.any():
            c = idx[crossed]
            tau = _crossing_time(x0[crossed], h[crossed], model, earth)
            x_f[c], P_f[c] = predict_step(x0[crossed], P0[crossed], tau, model,
                                          lift_to_drag=None if ld is None else ld[crossed])
            t_impact[c] = t_s[c] + elapsed[c] + tau
            active[c] = False
        go = idx[~crossed]
        x[go], P[go] = x1[~crossed], P1[~crossed]
        elapsed[go] += h[~crossed]
        active[go[elapsed[go] >= max_time_s]] = False
    return _on_ground(t_s, t_impact, x_f, P_f, earth)


def _on_ground(t_s: F64, t_impact: F64, x_f: F64, P_f: F64, earth: EarthModel) -> ImpactPrediction:
    """Map impact states and covariances to the ground plane (see the module notes)."""
    m = t_s.shape[0]
    hit = np.isfinite(t_impact)
    lat, lon = np.full(m, np.nan), np.full(m, np.nan)
    cov_en = np.full((m, 2, 2), np.nan)
    if hit.any():
        la, lo, _ = ecef_to_geodetic(x_f[hit, :3], earth.ellipsoid)
        lat[hit], lon[hit] = la, lo
        R_enu_from_ecef = enu_from_ecef_matrix(la, lo)
        up, v = R_enu_from_ecef[:, 2], x_f[hit, 3:]
        # δr_impact = (I - v u^T / (u·v)) δr_f
        proj = np.eye(3) - v[:, :, None] * up[:, None, :] / np.einsum("ij,ij->i", up, v)[:, None, None]
        A = R_enu_from_ecef[:, :2] @ proj
        c = A @ P_f[hit, :3, :3] @ A.transpose(0, 2, 1)
        cov_en[hit] = 0.5 * (c + c.transpose(0, 2, 1))
    semi_major, semi_minor, orientation = ground_ellipse(cov_en)
    return ImpactPrediction(t_predicted_s=np.asarray(t_s, dtype=float).copy(), t_impact_s=t_impact,
                            r_impact_ecef_m=x_f[:, :3].copy(), lat_rad=lat, lon_rad=lon, cov_en_m2=cov_en,
                            semi_major_m=semi_major, semi_minor_m=semi_minor, orientation_rad=orientation)
