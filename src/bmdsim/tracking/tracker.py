"""Track management: initiation, multi-sensor fusion, coasting, and the track picture on a time grid.

What it does
------------
``track`` turns the measurements that one set of sensors may use into one track per threat:

1. **Selection.** Only the rows of the sensors flagged in ``sensors_allowed`` are used (what one nation
   may fuse); association is by truth, as the sensors contract states.
2. **Initiation (M of N).** A threat's track starts at the first detection that completes
   ``init_detections`` (M) detections within ``init_window_s``, spanning at least ``init_min_span_s``.
   The measurement contract lists detections only, not missed looks, so "N looks" is expressed as a
   window: for one radar of revisit T, M of N looks is M detections within (N - 1) T, and the default
   3 detections in 20 s is 3 of 5 looks at a 5 s revisit. The initial state at that detection's time
   is the weighted least-squares fit of ``r_i = r + v τ_i + a_i τ_i^2 / 2`` to the M detections converted
   to ECEF (``τ_i`` their times relative to the last one, ``a_i`` the motion model's acceleration at
   ``τ_i / 3`` along a first fit, which makes the gravity term exact to third order in ``τ``), each
   weighted by its converted covariance ``J diag(σ^2) J^T``; the covariance is the fit's
   ``(Σ A_i^T W_i A_i)^-1`` times ``init_cov_inflation`` (default 4: doubled sigmas, a conservative
   start). Nothing but the measurements enters: no truth.
3. **Fusion and coasting.** After initiation every later measurement of the threat, from any allowed
   sensor, is processed in time order by a sequential EKF update; between measurements, and across
   gaps, the track is predicted only (coasting), so its covariance grows.
4. **Manoeuvre noise.** The ballistic model has no thrust and no lift, so a track started on a boosting missile (or
   one whose drag or manoeuvres exceed its model) would fall kilometres behind with a covariance that
   claims metres. Each track keeps the fading-memory sum of its NIS, ``s ← α s + NIS`` ([BLK01] sec.
   11.2, adjustable process noise level); when ``s`` exceeds its ``1 - maneuver_false_alarm`` quantile under a
   consistent filter the track's process noise gains ``maneuver_q_m2_s3``, until ``s`` falls back below
   its median. Only the track's own innovations drive it: no truth, no phase flag. A target known to
   be able to lift (a quasi-ballistic threat class, ``track(..., lift_to_drag=...)``) carries in
   addition, at every prediction, the Singer manoeuvre noise sized to its lift bound at the estimated
   state (:mod:`bmdsim.tracking.dynamics`, [BLK01] sec. 8.2): that switch reacts only after the NIS has
   grown, too late to keep the covariance honest through a pull-up.
5. **Track picture.** The state and covariance are also predicted to every time of the output grid
   ``t_grid_s`` from the track's latest information (posterior of the measurements at or before it).
   Before initiation they are NaN; a track ends (NaN afterwards) at the first grid time after its
   last measurement at which the predicted state is below the ground.

Vectorization
-------------
Measurement times differ per threat, so the work is done in rounds: each threat's events (its
measurements after initiation and the grid times after initiation, merged in time order, measurement
first at equal times) are numbered, and round ``e`` predicts every threat to its ``e``-th event and
updates (or records) it, in one batched call. There is no Python loop over threats; the loop runs over
rounds, as many as the longest event list.

References
----------
.. [BLK01] Y. Bar-Shalom, X. R. Li and T. Kirubarajan, *Estimation with Applications to Tracking and
   Navigation*, Wiley (2001), ch. 3 (least squares), sec. 5.4 (consistency), 8.2 (Singer model),
   11.2 (adjustable process noise for manoeuvring targets).
.. [BP99] S. Blackman and R. Popoli, *Design and Analysis of Modern Tracking Systems*, Artech House (1999),
   on M-of-N track confirmation logic.
.. [Zar09] P. Zarchan and H. Musoff, *Fundamentals of Kalman Filtering: A Practical Approach*, 3rd ed.,
   AIAA (2009), ch. 9 (initializing a ballistic-target filter from the first measurements).
.. [Singer70] R. A. Singer, "Estimating optimal tracking filter performance for manned maneuvering
   targets", IEEE Trans. Aerospace and Electronic Systems AES-6(4):473-483 (1970).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import chdtri, gammaincinv

from bmdsim.earth._kernels import jit_enabled
from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.earth.model import EarthModel
from bmdsim.sensors.measurements import Measurements
from bmdsim.tracking.dynamics import BallisticModel, ConstantVelocityModel, MotionModel
from bmdsim.tracking.ekf import ExtendedKalmanFilter, Filter
from bmdsim.tracking.impact import ImpactPrediction, predict_impact

F64 = NDArray[np.float64]
MotionModelName = Literal["ballistic", "constant_velocity"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerConfig:
    """Settings of the tracker. Every field is a plain number, string or bool (round-trips via ``asdict``).

    Parameters
    ----------
    motion_model : {"ballistic", "constant_velocity"}
        The filter's dynamics (:mod:`bmdsim.tracking.dynamics`).
    q_m2_s3 : float
        White-noise acceleration spectral density per axis [m^2/s^3]: exo-atmospheric for the ballistic
        model, everywhere for constant velocity. The default 1.0 lets the velocity drift by 1 m/s over a
        1 s gap and 3 m/s over 10 s.
    ballistic_coefficient_kg_m2 : float
        Assumed β = m / (Cd A) of every target when drag is on [kg/m^2].
    beta_rel_sigma : float
        Relative 1-sigma error of the drag that the assumed β implies; with ``drag_noise_corr_time_s``
        τ it adds ``2 τ (beta_rel_sigma |a_drag|)^2`` to ``q_m2_s3`` in the air
        (:class:`~bmdsim.tracking.dynamics.BallisticModel`).
    drag_noise_corr_time_s : float
        Correlation time of the drag error [s].
    drag_ceiling_m : float
        Height below which the filter models drag [m].
    max_step_s : float
        Longest prediction substep [s].
    drag_step_fraction : float
        Where drag matters, substeps are also kept below this fraction of the time in which it changes.
    init_detections : int
        M: detections needed to start a track.
    init_window_s : float
        Time within which the M detections must fall [s].
    init_min_span_s : float
        Least time between the first and last of them [s] (velocity needs two distinct times).
    init_cov_inflation : float
        Factor on the least-squares covariance of the initial state (>= 1 is conservative).
    maneuver_q_m2_s3 : float
        Extra white-noise acceleration density [m^2/s^3] switched on while a track's innovations are too
        large for its model (thrust, a wrong β, a manoeuvre); 0 turns the switch off. The default 1e4
        lets a track follow a 60 m/s^2 boost at 2-5 s revisits (velocity spread sqrt(q T) = 140 m/s
        over 2 s). See the module notes.
    maneuver_fading : float
        Memory α of the fading NIS sum that drives the switch (0.8: about five updates).
    maneuver_false_alarm : float
        Probability per update that a consistent, unmanoeuvring track switches on (sets the threshold;
        at 1e-6 a 1,000-update track has a 0.1% chance of one false switch).
    lift_noise_corr_time_s : float
        Time constant τ_L [s] of the Singer manoeuvre noise of targets given a lift bound
        (:class:`~bmdsim.tracking.dynamics.BallisticModel`). The default 2 s, about one radar revisit,
        is the value at which the 50-run NEES of a KN-23's pull-up is as honest as that of the same
        missile on a ballistic arc (docs/methods/tracking.md). [Singer70]'s figures for aircraft (about
        20 s for an evasive manoeuvre, 60 s for a lazy turn) give more noise and a more pessimistic
        track (pull-up NEES 2.4 at 20 s against 3.4 at 2 s, 6 dof).
    record_updates : bool
        Keep the posterior state, covariance and NIS of every update in ``TrackPicture.updates``.
    """

    motion_model: MotionModelName = "ballistic"
    q_m2_s3: float = 1.0
    ballistic_coefficient_kg_m2: float = 5000.0
    beta_rel_sigma: float = 0.3
    drag_noise_corr_time_s: float = 1.0
    drag_ceiling_m: float = 100e3
    max_step_s: float = 5.0
    drag_step_fraction: float = 0.1
    init_detections: int = 3
    init_window_s: float = 20.0
    init_min_span_s: float = 1.0
    init_cov_inflation: float = 4.0
    maneuver_q_m2_s3: float = 1e4
    maneuver_fading: float = 0.8
    maneuver_false_alarm: float = 1e-6
    lift_noise_corr_time_s: float = 2.0
    record_updates: bool = False

    def __post_init__(self) -> None:
        if self.motion_model not in ("ballistic", "constant_velocity"):
            raise ValueError("TrackerConfig.motion_model must be 'ballistic' or 'constant_velocity', "
                             f"got {self.motion_model!r}")
        checks = [("q_m2_s3", ">= 0", "m^2/s^3", self.q_m2_s3 >= 0),
                  ("beta_rel_sigma", ">= 0", "", self.beta_rel_sigma >= 0),
                  ("drag_noise_corr_time_s", ">= 0", "s", self.drag_noise_corr_time_s >= 0),
                  ("ballistic_coefficient_kg_m2", "> 0", "kg/m^2", self.ballistic_coefficient_kg_m2 > 0),
                  ("drag_ceiling_m", ">= 0", "m", self.drag_ceiling_m >= 0),
                  ("max_step_s", "> 0", "s", self.max_step_s > 0),
                  ("drag_step_fraction", "> 0", "", self.drag_step_fraction > 0),
                  ("init_window_s", "> 0", "s", self.init_window_s > 0),
                  ("init_min_span_s", "in (0, init_window_s]", "s",
                   0 < self.init_min_span_s <= self.init_window_s),
                  ("init_cov_inflation", "> 0", "", self.init_cov_inflation > 0),
                  ("maneuver_q_m2_s3", ">= 0", "m^2/s^3", self.maneuver_q_m2_s3 >= 0),
                  ("maneuver_fading", "in [0, 1)", "", 0 <= self.maneuver_fading < 1),
                  ("maneuver_false_alarm", "in (0, 0.5)", "", 0 < self.maneuver_false_alarm < 0.5),
                  ("lift_noise_corr_time_s", ">= 0", "s", self.lift_noise_corr_time_s >= 0)]
        for name, bound, unit, ok in checks:
            if not ok:
                raise ValueError(f"TrackerConfig.{name} must be {bound} {unit}, got {getattr(self, name)}")
        if not (isinstance(self.init_detections, int) and self.init_detections >= 2):
            raise ValueError(f"TrackerConfig.init_detections must be an int >= 2, got {self.init_detections}")

    def motion(self, earth: EarthModel) -> MotionModel:
        """The motion model these settings describe, on ``earth``."""
        if self.motion_model == "constant_velocity":
            return ConstantVelocityModel(q_m2_s3=self.q_m2_s3)
        return BallisticModel(earth=earth, q_m2_s3=self.q_m2_s3,
                              ballistic_coefficient_kg_m2=self.ballistic_coefficient_kg_m2,
                              beta_rel_sigma=self.beta_rel_sigma,
                              drag_noise_corr_time_s=self.drag_noise_corr_time_s,
                              drag_ceiling_m=self.drag_ceiling_m, substep_s=self.max_step_s,
                              drag_step_fraction=self.drag_step_fraction,
                              lift_noise_corr_time_s=self.lift_noise_corr_time_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateRecord:
    """Every measurement update of a track picture, in processing order (``record_updates=True``).

    Attributes
    ----------
    row : ndarray of int, shape (u,)
        Index of the measurement in the ``Measurements`` passed to :func:`track`.
    threat : ndarray of int, shape (u,)
    t_s : ndarray, shape (u,)
    state_ecef : ndarray, shape (u, 6)
        Posterior state [m, m/s].
    cov_ecef : ndarray, shape (u, 6, 6)
        Posterior covariance.
    nis : ndarray, shape (u,)
        Normalized innovation squared of the update (chi-square with 3 dof when consistent).
    is_maneuvering : ndarray of bool, shape (u,)
        Whether the maneuver noise level is on after this update.
    """

    row: NDArray[np.int64]
    threat: NDArray[np.int64]
    t_s: F64
    state_ecef: F64
    cov_ecef: F64
    nis: F64
    is_maneuvering: NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackPicture:
    """What one set of sensors knows of every threat, on a time grid.

    Attributes
    ----------
    t_s : ndarray, shape (k,)
        Output time grid [s].
    sensors_allowed : ndarray of bool, shape (s,)
        The sensors whose measurements were fused.
    t_init_s : ndarray, shape (n,)
        Track initiation time [s]; NaN if the threat was never tracked.
    t_last_update_s : ndarray, shape (n,)
        Time of the last measurement used [s].
    n_updates : ndarray of int, shape (n,)
        Measurements used after initiation (the initiating ones not counted).
    state_init_ecef, cov_init_ecef : ndarray, shapes (n, 6) and (n, 6, 6)
        Initial state and covariance at ``t_init_s``.
    state_ecef : ndarray, shape (n, k, 6)
        ECEF position [m] and velocity [m/s] predicted to each grid time; NaN before initiation and
        after the track ends.
    cov_ecef : ndarray, shape (n, k, 6, 6)
        Their covariances.
    impact : ImpactPrediction or None
        Predicted impact points, leading shape (n, j), made from the grid states at ``impact.t_predicted_s``.
    updates : UpdateRecord or None
        Every update, when the config asked for them.
    """

    t_s: F64
    sensors_allowed: NDArray[np.bool_]
    t_init_s: F64
    t_last_update_s: F64
    n_updates: NDArray[np.int64]
    state_init_ecef: F64
    cov_init_ecef: F64
    state_ecef: F64
    cov_ecef: F64
    impact: ImpactPrediction | None
    updates: UpdateRecord | None

    @property
    def n(self) -> int:
        return int(self.t_init_s.shape[0])

    def position_sigma_m(self) -> F64:
        """Largest 1-sigma position error: sqrt of the top eigenvalue of its covariance, (n, k) [m]."""
        return _top_sigma(self.cov_ecef[..., :3, :3])

    def velocity_sigma_mps(self) -> F64:
        """Largest 1-sigma velocity error, shape (n, k) [m/s]."""
        return _top_sigma(self.cov_ecef[..., 3:, 3:])

    def fire_control_time_s(self, pos_sigma_m: float, vel_sigma_mps: float, hold_s: float = 10.0) -> F64:
        """First grid time at which the track is of fire-control quality and stays so for ``hold_s``.

        Fire-control quality: position 1-sigma (largest axis) <= ``pos_sigma_m`` and velocity 1-sigma
        <= ``vel_sigma_mps``. "Stays so": the condition holds at every grid time in ``[t, t + hold_s]``
        at which the track exists (``hold_s = inf``: until the track ends).

        Returns
        -------
        ndarray, shape (n,)
            Time [s]; NaN for threats whose track never qualifies.
        """
        if not (pos_sigma_m > 0 and vel_sigma_mps > 0 and hold_s >= 0):
            raise ValueError("fire_control_time_s: pos_sigma_m and vel_sigma_mps must be > 0 and hold_s "
                             f">= 0, got {pos_sigma_m} m, {vel_sigma_mps} m/s, {hold_s} s")
        with np.errstate(invalid="ignore"):
            good = (self.position_sigma_m() <= pos_sigma_m) & (self.velocity_sigma_mps() <= vel_sigma_mps)
        exists = np.isfinite(self.state_ecef[..., 0])
        bad_cum = np.concatenate([np.zeros((self.n, 1), dtype=np.int64),
                                  np.cumsum(exists & ~good, axis=1)], axis=1)
        end = np.searchsorted(self.t_s, self.t_s + hold_s, side="right")  # (k,) exclusive window ends
        held = good & (bad_cum[:, end] - bad_cum[:, :-1] == 0)
        first = np.argmax(held, axis=1)
        return np.where(held.any(axis=1), self.t_s[first] if self.t_s.size else np.nan, np.nan)


def _top_sigma(cov: F64) -> F64:
    """sqrt of the largest eigenvalue of symmetric 3x3 blocks (..., 3, 3); NaN blocks give NaN."""
    out = np.full(cov.shape[:-2], np.nan)
    ok = np.isfinite(cov).all(axis=(-2, -1))
    out[ok] = np.sqrt(np.maximum(np.linalg.eigvalsh(cov[ok])[..., -1], 0.0))
    return out


@dataclass(frozen=True, slots=True)
class _Initiation:
    t_s: F64  # (n,) NaN if not initiated
    next_pos: NDArray[np.int64]  # (n,) position in the threat's row table of its first update
    x: F64  # (n, 6)
    P: F64  # (n, 6, 6)


def _row_table(threat: NDArray[np.int64], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per-threat measurement rows in time order, (n, K) padded with -1, and counts (n,)."""
    order = np.argsort(threat, kind="stable")  # rows are time sorted, so each threat's stay in order
    th = threat[order]
    counts = np.bincount(th, minlength=n)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    table = np.full((n, int(counts.max(initial=0))), -1, dtype=np.int64)
    table[th, np.arange(order.size) - start[th]] = order
    return table, counts


def spherical_to_ecef(z: F64, sigma: F64, r_sensor_ecef_m: F64, R_enu_from_ecef: F64) -> tuple[F64, F64]:
    """Convert (range, az, el) measurements to ECEF positions and their linearized covariances.

    Parameters
    ----------
    z, sigma : ndarray, shape (..., 3)
        Range [m], azimuth [rad], elevation [rad] and their 1-sigma errors.
    r_sensor_ecef_m : ndarray, shape (..., 3)
    R_enu_from_ecef : ndarray, shape (..., 3, 3)

    Returns
    -------
    r_ecef_m : ndarray, shape (..., 3)
    cov_ecef_m2 : ndarray, shape (..., 3, 3)
        ``R^T J diag(σ^2) J^T R`` with ``J = ∂(e, n, u)/∂(range, az, el)``.
    """
    rng, az, el = z[..., 0], z[..., 1], z[..., 2]
    ca, sa, ce, se = np.cos(az), np.sin(az), np.cos(el), np.sin(el)
    u = np.stack([ce * sa, ce * ca, se], axis=-1)
    jac = np.stack([u, rng[..., None] * np.stack([ce * ca, -ce * sa, np.zeros_like(ce)], axis=-1),
                    rng[..., None] * np.stack([-se * sa, -se * ca, ce], axis=-1)], axis=-1)  # columns
    R_ecef_from_enu = np.swapaxes(R_enu_from_ecef, -1, -2)
    r_ecef = r_sensor_ecef_m + np.einsum("...ij,...j->...i", R_ecef_from_enu, rng[..., None] * u)
    G = R_ecef_from_enu @ jac
    return r_ecef, (G * (sigma * sigma)[..., None, :]) @ np.swapaxes(G, -1, -2)


def _initiate(meas: Measurements, table: NDArray[np.int64], config: TrackerConfig,
              model: MotionModel) -> _Initiation:
    """M-of-N initiation and the least-squares initial state (see the module notes)."""
    n, M = table.shape[0], config.init_detections
    t_init, next_pos = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    x_init, P_init = np.full((n, 6), np.nan), np.full((n, 6, 6), np.nan)
    has = np.zeros(0, dtype=np.int64)
    K = table.shape[1]
    if K >= M:
        # For each detection e (the last of a window), the earliest detection s(e) within init_window_s
        # before it: the window holds e - s + 1 detections spanning t_e - t_s. Any M of N within the
        # window qualifies, not only M consecutive ones, so that more sensors (interleaved detections)
        # can only start a track sooner.
        tt = np.where(table >= 0, meas.t_s[np.maximum(table, 0)], np.inf)
        start = np.empty((n, K), dtype=np.int64)
        for r in range(n):  # one small sorted search per threat (exact: no offsets added to the times)
            start[r] = np.searchsorted(tt[r], tt[r] - config.init_window_s, side="left")
        count = np.arange(K)[None, :] - start + 1
        with np.errstate(invalid="ignore"):  # inf - inf where padded: NaN, excluded below
            span = tt - np.take_along_axis(tt, np.clip(start, 0, K - 1), axis=1)
            ok = np.isfinite(tt) & (count >= M) & (span >= config.init_min_span_s)
        has = np.flatnonzero(ok.any(axis=1))
    if has.size == 0:
        return _Initiation(t_s=t_init, next_pos=next_pos, x=x_init, P=P_init)
    e = np.argmax(ok[has], axis=1)  # the detection that completes the first qualifying window
    s0 = start[has, e]
    # M detections spread over the window: its first, its last, and evenly spaced ones between
    pick = s0[:, None] + np.rint(np.linspace(0.0, 1.0, M)[None, :] * (e - s0)[:, None]).astype(np.int64)
    j0 = e - (M - 1)  # so that next_pos = e + 1 below
    rows = table[has[:, None], pick]  # (p, M)
    s = meas.sensor[rows]
    y, C = spherical_to_ecef(meas.z[rows], meas.sigma[rows], meas.sites.r_ecef_m[s],
                             meas.sites.R_enu_from_ecef[s])
    tau = meas.t_s[rows] - meas.t_s[rows[:, -1:]]  # (p, M), <= 0
    W = np.linalg.inv(C)  # the fit needs each detection's information matrix itself (3x3, SPD)
    # First fit: the acceleration at the last detection, at rest (gravity and centrifugal terms).
    acc = model.derivative(np.concatenate([y[:, -1], np.zeros((has.size, 3))], axis=1))[:, 3:, None]
    x0, info = _fit_line(y - 0.5 * (tau**2)[..., None] * np.swapaxes(acc, 1, 2), W, tau)
    # Refit: r(τ) = r + v τ + ∫(τ - s) a(s) ds, and for an acceleration varying linearly in time the
    # integral is a(τ/3) τ^2/2, so the acceleration (now with Coriolis and drag) is taken at τ/3 on the
    # first fit: exact to third order in τ (a 20 s window of a 5 km/s target is otherwise off by ~1 m/s).
    drift = np.concatenate([np.broadcast_to(x0[:, None, 3:], y.shape), np.zeros_like(y)], axis=2)
    at = x0[:, None, :] + (tau / 3.0)[..., None] * drift
    acc_i = model.derivative(at.reshape(-1, 6))[:, 3:].reshape(y.shape)
    x0, info = _fit_line(y - 0.5 * (tau**2)[..., None] * acc_i, W, tau)
    t_init[has] = meas.t_s[rows[:, -1]]
    next_pos[has] = j0 + M
    x_init[has] = x0
    P_init[has] = config.init_cov_inflation * np.linalg.solve(info, np.broadcast_to(np.eye(6), info.shape))
    return _Initiation(t_s=t_init, next_pos=next_pos, x=x_init, P=P_init)


def _fit_line(y: F64, W: F64, tau: F64) -> tuple[F64, F64]:
    """Weighted least squares of ``y_i = r + v τ_i`` (y (p, M, 3), W (p, M, 3, 3), τ (p, M)).

    Returns the estimate (p, 6) and its information matrix (p, 6, 6).
    """
    t1 = tau[..., None, None]
    info = np.empty((y.shape[0], 6, 6))
    info[:, :3, :3] = W.sum(axis=1)
    info[:, :3, 3:] = info[:, 3:, :3] = (t1 * W).sum(axis=1)
    info[:, 3:, 3:] = (t1 * t1 * W).sum(axis=1)
    Wy = np.einsum("pmij,pmj->pmi", W, y)
    b = np.concatenate([Wy.sum(axis=1), (tau[..., None] * Wy).sum(axis=1)], axis=1)
    return np.linalg.solve(info, b[..., None])[..., 0], info


@dataclass(frozen=True, slots=True)
class _Events:
    t_s: F64  # (n, E) event times, +inf padding
    code: NDArray[np.int64]  # (n, E) measurement row (>= 0) or -(grid index + 1)
    count: NDArray[np.int64]  # (n,) events per threat


def _event_table(meas: Measurements, table: NDArray[np.int64], counts: NDArray[np.int64], init: _Initiation,
                 t_grid: F64) -> _Events:
    """Each initiated threat's measurements after initiation and grid times from initiation, merged."""
    n, K = table.shape
    started = np.isfinite(init.t_s)
    pos = np.arange(K)[None, :]
    m_sel = started[:, None] & (pos >= init.next_pos[:, None]) & (pos < counts[:, None])
    m_threat, m_pos = np.nonzero(m_sel)
    m_rows = table[m_threat, m_pos]
    g0 = np.searchsorted(t_grid, np.where(started, init.t_s, np.inf), side="left")
    g_count = t_grid.size - g0
    g_threat = np.repeat(np.arange(n), g_count)
    g_k = np.arange(g_threat.size) - np.repeat(np.cumsum(g_count) - g_count, g_count) + np.repeat(g0, g_count)
    threat = np.concatenate([m_threat, g_threat])
    t = np.concatenate([meas.t_s[m_rows], t_grid[g_k]])
    kind = np.concatenate([np.zeros(m_rows.size, dtype=np.int8), np.ones(g_k.size, dtype=np.int8)])
    code = np.concatenate([m_rows, -(g_k + 1)])
    order = np.lexsort((kind, t, threat))
    threat, t, code = threat[order], t[order], code[order]
    count = np.bincount(threat, minlength=n)
    e = np.arange(threat.size) - np.repeat(np.cumsum(count) - count, count)
    E = int(count.max(initial=0))
    ev_t = np.full((n, E), np.inf)
    ev_code = np.zeros((n, E), dtype=np.int64)
    ev_t[threat, e] = t
    ev_code[threat, e] = code
    return _Events(t_s=ev_t, code=ev_code, count=count)


def track(measurements: Measurements, sensors_allowed: ArrayLike | None, t_grid_s: ArrayLike,
          config: TrackerConfig, earth: EarthModel, *, n_threats: int | None = None,
          impact_t_s: ArrayLike | None = None, lift_to_drag: ArrayLike | None = None) -> TrackPicture:
    """Track every threat with the measurements of a set of sensors.

    Parameters
    ----------
    measurements : Measurements
        All measurements, time sorted (the sensors contract).
    sensors_allowed : array_like of bool, shape (s,), or None
        Which of ``measurements.sites`` may be fused; None: all.
    t_grid_s : array_like, shape (k,)
        Increasing output times [s].
    config : TrackerConfig
    earth : EarthModel
        Gravity, rotation and drag of the ballistic model, and the ground.
    n_threats : int, optional
        Number of threats (default: the largest threat index + 1).
    impact_t_s : array_like, optional
        Grid times at which to predict impact points; None: every grid time; empty: none.
    lift_to_drag : array_like, shape (n,), optional
        Bound on each threat's lift-to-drag ratio, >= 0 (a threat class known to fly quasi-ballistic
        arcs); positive entries add the lift manoeuvre noise to that threat's predictions and impact
        ellipses (ballistic model only). None or zeros: every threat ballistic, results unchanged.

    Returns
    -------
    TrackPicture
    """
    t_grid = np.asarray(t_grid_s, dtype=float).reshape(-1)
    if not np.all(np.isfinite(t_grid)) or (t_grid.size > 1 and not np.all(np.diff(t_grid) > 0)):
        raise ValueError("track: t_grid_s must be finite and strictly increasing [s]")
    s = measurements.sites.n
    allowed = np.ones(s, dtype=bool) if sensors_allowed is None else np.asarray(sensors_allowed, dtype=bool)
    if allowed.shape != (s,):
        raise ValueError(f"track: sensors_allowed must have shape ({s},), one flag per site, "
                         f"got {allowed.shape}")
    keep = np.flatnonzero(allowed[measurements.sensor])
    meas = measurements.select_sensors(allowed)
    n = int(measurements.threat.max(initial=-1)) + 1 if n_threats is None else int(n_threats)
    if meas.m and (meas.threat.min() < 0 or meas.threat.max() >= n):
        raise ValueError(f"track: threat indices must lie in [0, {n}) (n_threats), got {meas.threat.max()}")
    ld = None
    if lift_to_drag is not None:
        ld = np.asarray(lift_to_drag, dtype=float).reshape(-1)
        if ld.shape != (n,) or not np.all(ld >= 0.0):
            raise ValueError(f"track: lift_to_drag must have shape ({n},), one bound >= 0 per threat, got "
                             f"shape {ld.shape}, min {ld.min(initial=0.0)}")
        ld = ld if np.any(ld > 0.0) else None
    model = config.motion(earth)
    table, counts = _row_table(meas.threat, n)
    init = _initiate(meas, table, config, model)
    events = _event_table(meas, table, counts, init, t_grid)
    run = _run(meas, events, init, t_grid, ExtendedKalmanFilter(model), earth, config, ld)
    impact = _impacts(run[0], run[1], t_grid, impact_t_s, model, earth, ld)
    updates = None
    if run[4] is not None:
        rows, x_u, P_u, nis, is_man = run[4]
        updates = UpdateRecord(row=keep[rows], threat=meas.threat[rows], t_s=meas.t_s[rows], state_ecef=x_u,
                               cov_ecef=P_u, nis=nis, is_maneuvering=is_man)
    return TrackPicture(t_s=t_grid, sensors_allowed=allowed, t_init_s=init.t_s, t_last_update_s=run[3],
                        n_updates=run[2], state_init_ecef=init.x, cov_init_ecef=init.P, state_ecef=run[0],
                        cov_ecef=run[1], impact=impact, updates=updates)


@dataclass(frozen=True, slots=True)
class _Maneuver:
    """NIS-driven switch of the process noise (see :class:`TrackerConfig`)."""

    q_m2_s3: float
    fading: float
    enter: float
    leave: float

    @staticmethod
    def of(config: TrackerConfig) -> _Maneuver:
        # The fading sum s = Σ α^j NIS_j of a consistent filter has mean 3/(1-α) and variance 6/(1-α²);
        # it is matched by c χ²_d with c = var / (2 mean), d = mean / c (for α = 0.8: c = 0.56, d = 27;
        # with a 1e-6 false alarm the switch turns on above 47.3, off below the median 14.6).
        # [BLK01] sec. 11.2.
        a = config.maneuver_fading
        mean, var = 3.0 / (1.0 - a), 6.0 / (1.0 - a * a)
        c = var / (2.0 * mean)
        d = mean / c
        return _Maneuver(q_m2_s3=config.maneuver_q_m2_s3, fading=a,
                         enter=float(c * chdtri(d, config.maneuver_false_alarm)),  # chi2.isf(p, d)
                         leave=float(c * 2.0 * gammaincinv(0.5 * d, 0.5)))  # the median, chi2.ppf(0.5, d)
        # scipy.special rather than scipy.stats: the functions chi2.isf and chi2.ppf evaluate (same bits),
        # without ~0.5 s of importing scipy.stats

    def step(self, s: F64, is_on: NDArray[np.bool_], nis: F64) -> tuple[F64, NDArray[np.bool_]]:
        """New fading sums and switch states after one update per row."""
        s = self.fading * s + nis
        return s, np.where(is_on, s > self.leave, s > self.enter)


def _run(meas: Measurements, ev: _Events, init: _Initiation, t_grid: F64, filt: Filter, earth: EarthModel,
         config: TrackerConfig, lift_to_drag: F64 | None = None):
    """The rounds: predict every live track to its next event, update it or record it on the grid."""
    if (jit_enabled() and not config.record_updates and isinstance(filt, ExtendedKalmanFilter)
            and isinstance(filt.model, BallisticModel)):
        return _run_compiled(meas, ev, init, t_grid, filt.model, config, lift_to_drag)
    n, k = init.t_s.shape[0], t_grid.size
    x, P, t = np.nan_to_num(init.x), np.nan_to_num(init.P), init.t_s.copy()
    xs, Ps = np.full((n, k, 6), np.nan), np.full((n, k, 6, 6), np.nan)
    n_upd, t_upd = np.zeros(n, dtype=np.int64), init.t_s.copy()
    t_last_meas = np.full(n, -np.inf)
    is_meas = ev.code >= 0
    np.maximum.at(t_last_meas, np.nonzero(is_meas)[0], ev.t_s[is_meas])
    alive = np.isfinite(init.t_s)
    man = _Maneuver.of(config)
    nis_sum, is_man = np.zeros(n), np.zeros(n, dtype=bool)
    rec: list[tuple] = []
    for e in range(ev.t_s.shape[1]):
        idx = np.flatnonzero(alive & (ev.count > e))
        if idx.size == 0:
            break
        te, code = ev.t_s[idx, e], ev.code[idx, e]
        q_man = np.where(is_man[idx], man.q_m2_s3, 0.0) if man.q_m2_s3 > 0 else None
        if lift_to_drag is None:
            xi, Pi = filt.predict(x[idx], P[idx], te - t[idx], q_man)
        else:
            xi, Pi = filt.predict(x[idx], P[idx], te - t[idx], q_man, lift_to_drag[idx])
        mm = code >= 0
        if mm.any():
            rows, ii = code[mm], idx[mm]
            sn = meas.sensor[rows]
            xi[mm], Pi[mm], nis = filt.update(xi[mm], Pi[mm], meas.z[rows], meas.sigma[rows],
                                              meas.sites.r_ecef_m[sn], meas.sites.R_enu_from_ecef[sn])
            n_upd[ii] += 1
            t_upd[ii] = te[mm]
            nis_sum[ii], is_man[ii] = man.step(nis_sum[ii], is_man[ii], nis)
            if config.record_updates:
                rec.append((rows, xi[mm], Pi[mm], nis, is_man[ii]))
        if not mm.all():
            g = ~mm
            ii, kk = idx[g], -code[g] - 1
            below = ecef_to_geodetic(xi[g, :3], earth.ellipsoid)[2] < 0.0
            xs[ii[~below], kk[~below]] = xi[g][~below]
            Ps[ii[~below], kk[~below]] = Pi[g][~below]
            alive[ii[below & (te[g] > t_last_meas[ii])]] = False
        x[idx], P[idx], t[idx] = xi, Pi, te
    updates = None
    if config.record_updates:
        empty = [np.zeros(0, np.int64), np.zeros((0, 6)), np.zeros((0, 6, 6)), np.zeros(0), np.zeros(0, bool)]
        updates = tuple(np.concatenate(p) for p in zip(*rec, strict=True)) if rec else tuple(empty)
    return xs, Ps, n_upd, t_upd, updates


def _run_compiled(meas: Measurements, ev: _Events, init: _Initiation, t_grid: F64, model: BallisticModel,
                  config: TrackerConfig, lift_to_drag: F64 | None = None):
    """:func:`_run` by the compiled kernel (:func:`bmdsim.tracking._jit.run_tracks`): each threat through its
    own event list in one call; the same predictions and updates as the rounds, per row."""
    from bmdsim.tracking import _jit

    t_last_meas = np.full(init.t_s.shape[0], -np.inf)
    is_meas = ev.code >= 0
    np.maximum.at(t_last_meas, np.nonzero(is_meas)[0], ev.t_s[is_meas])
    man = _Maneuver.of(config)
    c = np.ascontiguousarray
    xs, Ps, n_upd, t_upd = _jit.run_tracks(
        c(np.nan_to_num(init.x)), c(np.nan_to_num(init.P)), c(init.t_s), np.isfinite(init.t_s), c(ev.t_s),
        c(ev.code), c(ev.count), t_last_meas, c(meas.z, dtype=float), c(meas.sigma, dtype=float), c(meas.sensor),
        c(meas.sites.r_ecef_m, dtype=float), c(meas.sites.R_enu_from_ecef, dtype=float), t_grid.size,
        _jit.params_of(model), float(man.q_m2_s3), float(man.fading), float(man.enter), float(man.leave),
        np.zeros(init.t_s.shape[0]) if lift_to_drag is None else c(lift_to_drag, dtype=float))
    return xs, Ps, n_upd, t_upd, None


def _impacts(xs: F64, Ps: F64, t_grid: F64, impact_t_s: ArrayLike | None, model: MotionModel,
             earth: EarthModel, lift_to_drag: F64 | None = None) -> ImpactPrediction | None:
    """Impact predictions from the grid states at the requested grid times, leading shape (n, j)."""
    if impact_t_s is None:
        kk = np.arange(t_grid.size)
    else:
        want = np.asarray(impact_t_s, dtype=float).reshape(-1)
        kk = np.clip(np.searchsorted(t_grid, want), 0, max(t_grid.size - 1, 0))
        if want.size and (t_grid.size == 0 or np.any(np.abs(t_grid[kk] - want) > 1e-9 * (1 + np.abs(want)))):
            raise ValueError("track: impact_t_s must be times of t_grid_s [s]")
    if kk.size == 0:
        return None
    n = xs.shape[0]
    t_pred = np.broadcast_to(t_grid[kk], (n, kk.size)).reshape(-1)
    ld = None if lift_to_drag is None else np.repeat(lift_to_drag, kk.size)
    pred = predict_impact(xs[:, kk].reshape(-1, 6), Ps[:, kk].reshape(-1, 6, 6), t_pred, model, earth,
                          lift_to_drag=ld)
    return pred.reshape(n, kk.size)
