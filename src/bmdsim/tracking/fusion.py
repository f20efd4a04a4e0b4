"""Sensor-level tracks and their fusion at a receiving fire control, with data latency.

What it models
--------------
Every radar forms its own track of each threat from its own measurements (:func:`track_each_sensor`),
as the radars of a BMD network do: an AN/TPY-2 or an Aegis SPY-1 reports *tracks* over C2BMC or Link 16,
not raw plots. A fire control that receives several sensors' tracks fuses them (:func:`fuse`):

1. **Latency.** A track released with latency ``L`` reaches the receiver ``L`` seconds late; at grid time
   ``t`` the receiver holds the provider's estimate as of the latest grid time ``t - m Δt`` with
   ``m = ceil(L / Δt)`` (rounding up is conservative), predicted over ``τ = m Δt`` by the constant-velocity
   transition ``F = [[I, τ I], [0, I]]`` with white-noise acceleration ``q``:
   ``P' = F P F^T + q [[τ^3/3 I, τ^2/2 I], [τ^2/2 I, τ I]]`` ([BLK01] sec. 6.2.2). Gravity and its
   gradient are common to both ends and change the covariance by a relative ``~ τ^2 · 2GM/r^3 ≈ 1e-3``
   over 30 s, which is neglected.
2. **Fusion.** The fused covariance is the inverse of the summed information of the tracks present at
   ``t``: ``P_f^{-1} = Σ_i P_i'^{-1}`` ([BLK01] sec. 8.2, track-to-track fusion assuming independent
   errors). The sensors' measurement errors are independent, but their tracks share the target's process
   noise, so this sum is slightly optimistic; for exo-atmospheric ballistic targets (``q = 1 m^2/s^3``)
   it agrees with centralized measurement fusion within the tolerance tested in
   ``tests/tracking/test_fusion.py``. Covariance intersection would be conservative instead; the choice
   is documented in docs/methods/tracking.md.
3. **Fire-control quality.** A fused track is of fire-control quality at ``t`` when its largest position
   and velocity 1-sigma are within the thresholds; the fire-control time is the first grid time from
   which the track exists and stays of that quality for ``hold_s`` (or until the threat's flight ends).

Monotone by construction: adding a track, or receiving one sooner, only adds positive semi-definite
information, so the fused covariance falls in the Loewner order, its largest eigenvalues fall, and the
fire-control time can only come earlier (tested property-based). This is why fusion is done at the
track level here: centralized measurement fusion with M-of-N initiation does not have this property.

References
----------
.. [BLK01] Y. Bar-Shalom, X. R. Li and T. Kirubarajan, *Estimation with Applications to Tracking and
   Navigation*, Wiley (2001), sec. 6.2.2 (discretized continuous white-noise acceleration) and ch. 8
   (multi-sensor and track-to-track fusion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.model import EarthModel
from bmdsim.sensors.measurements import Measurements
from bmdsim.tracking.tracker import TrackerConfig, track

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorTracks:
    """Each sensor's own track of each threat on a time grid, stored sparsely.

    Attributes
    ----------
    t_s : ndarray, shape (k,)
        Grid times [s] (uniform).
    sensor_name : tuple of str, length s
    n : int
        Number of threats.
    index : tuple of ndarray of int, length s
        Per sensor, the flat indices ``threat * k + grid`` at which its track exists.
    cov_ecef : tuple of ndarray, length s
        Per sensor, the covariance of its track at those points, shape (m_i, 6, 6) [m, m/s].
    t_init_s : ndarray, shape (s, n)
        Track initiation time of each sensor's track [s] (NaN: never tracked).
    key : tuple, length s, optional
        A hashable identity of each sensor's track (e.g. its sensor and the cue it was made under), keying
        the reuse of its delayed information in :func:`fuse`; default the sensor's name.
    """

    t_s: F64
    sensor_name: tuple[str, ...]
    n: int
    index: tuple[NDArray[np.int64], ...]
    cov_ecef: tuple[F64, ...]
    t_init_s: F64
    key: tuple | None = None

    def keys(self) -> tuple:
        return self.sensor_name if self.key is None else self.key

    @property
    def step_s(self) -> float:
        return float(self.t_s[1] - self.t_s[0]) if self.t_s.size > 1 else 1.0

    def select(self, rows: ArrayLike) -> SensorTracks:
        """The tracks of the sensors at ``rows`` (in that order)."""
        rows = [int(r) for r in np.atleast_1d(rows)]
        keys = self.keys()
        return SensorTracks(t_s=self.t_s, sensor_name=tuple(self.sensor_name[r] for r in rows), n=self.n,
                            index=tuple(self.index[r] for r in rows), cov_ecef=tuple(self.cov_ecef[r] for r in rows),
                            t_init_s=self.t_init_s[rows].reshape(len(rows), self.n),
                            key=tuple(keys[r] for r in rows))

    def with_keys(self, key: tuple) -> SensorTracks:
        """The same tracks with other identities (one per sensor)."""
        if len(key) != len(self.sensor_name):
            raise ValueError(f"SensorTracks.with_keys: {len(self.sensor_name)} keys needed, got {len(key)}")
        return SensorTracks(t_s=self.t_s, sensor_name=self.sensor_name, n=self.n, index=self.index,
                            cov_ecef=self.cov_ecef, t_init_s=self.t_init_s, key=tuple(key))


def stack_tracks(parts: list[SensorTracks]) -> SensorTracks:
    """One :class:`SensorTracks` of the sensors of several (same grid and threats)."""
    if not parts:
        raise ValueError("stack_tracks: nothing to stack")
    return SensorTracks(t_s=parts[0].t_s, sensor_name=tuple(n for p in parts for n in p.sensor_name), n=parts[0].n,
                        index=tuple(i for p in parts for i in p.index),
                        cov_ecef=tuple(c for p in parts for c in p.cov_ecef),
                        t_init_s=np.concatenate([p.t_init_s for p in parts], axis=0),
                        key=tuple(k for p in parts for k in p.keys()))


def track_each_sensor(measurements: Measurements, t_grid_s: ArrayLike, config: TrackerConfig, earth: EarthModel,
                      *, n_threats: int, lift_to_drag: ArrayLike | None = None) -> SensorTracks:
    """Each sensor's own track of each threat, from its own measurements only.

    All (sensor, threat) pairs go through the tracker in one batched call: the pair ``(i, j)`` is tracked
    as object ``i * n + j``, so a sensor's track never sees another sensor's measurements.

    Parameters
    ----------
    measurements : Measurements
        Time-sorted measurements of ``s`` sensors.
    t_grid_s : array_like, shape (k,)
        Uniform output grid [s].
    config : TrackerConfig
    earth : EarthModel
    n_threats : int
    lift_to_drag : array_like, shape (n_threats,), optional
        Each threat's lift-to-drag bound (:func:`~bmdsim.tracking.tracker.track`); None: all ballistic.

    Returns
    -------
    SensorTracks
    """
    t_grid = np.asarray(t_grid_s, dtype=float)
    s, n, k = measurements.sites.n, int(n_threats), t_grid.size
    relabelled = Measurements(t_s=measurements.t_s, threat=measurements.sensor * n + measurements.threat,
                              sensor=measurements.sensor, z=measurements.z, sigma=measurements.sigma,
                              snr_db=measurements.snr_db, sites=measurements.sites)
    ld = None if lift_to_drag is None else np.tile(np.asarray(lift_to_drag, dtype=float).reshape(n), s)
    pic = track(relabelled, None, t_grid, config, earth, n_threats=s * n, impact_t_s=[], lift_to_drag=ld)
    exists = np.isfinite(pic.state_ecef[..., 0]).reshape(s, n * k)
    cov = pic.cov_ecef.reshape(s, n * k, 6, 6)
    index = tuple(np.flatnonzero(exists[i]).astype(np.int64) for i in range(s))
    return SensorTracks(t_s=t_grid, sensor_name=measurements.sites.name, n=n, index=index,
                        cov_ecef=tuple(cov[i, index[i]] for i in range(s)), t_init_s=pic.t_init_s.reshape(s, n))


def delay_covariance(cov_ecef: F64, tau_s: float, q_m2_s3: float) -> F64:
    """Covariance (..., 6, 6) predicted over ``tau_s`` by the constant-velocity model (module notes, 1)."""
    if tau_s == 0.0:
        return cov_ecef
    out = cov_ecef.copy()
    pp, pv, vp, vv = (cov_ecef[..., :3, :3], cov_ecef[..., :3, 3:], cov_ecef[..., 3:, :3], cov_ecef[..., 3:, 3:])
    eye = np.eye(3)
    out[..., :3, :3] = pp + tau_s * (pv + vp) + tau_s**2 * vv + q_m2_s3 * tau_s**3 / 3.0 * eye
    out[..., :3, 3:] = pv + tau_s * vv + q_m2_s3 * tau_s**2 / 2.0 * eye
    out[..., 3:, :3] = vp + tau_s * vv + q_m2_s3 * tau_s**2 / 2.0 * eye
    out[..., 3:, 3:] = vv + q_m2_s3 * tau_s * eye
    return out


def delay_steps(latency_s: float, step_s: float) -> int:
    """Grid steps a track released with ``latency_s`` lags behind (rounded up: conservative)."""
    return math.ceil(latency_s / step_s - 1e-9) if latency_s > 0 else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FusedQuality:
    """The quality of a receiver's fused track of each threat on the grid.

    Attributes
    ----------
    t_s : ndarray, shape (k,)
    exists : ndarray of bool, shape (n, k)
        Some received track exists.
    position_sigma_m, velocity_sigma_mps : ndarray, shape (n, k)
        Largest 1-sigma position and velocity error of the fused track (NaN where none exists).
    """

    t_s: F64
    exists: NDArray[np.bool_]
    position_sigma_m: F64
    velocity_sigma_mps: F64

    def fire_control_time_s(self, pos_sigma_m: float, vel_sigma_mps: float, t_end_s: ArrayLike,
                            hold_s: float = 10.0) -> F64:
        """First grid time from which the track is of fire-control quality for ``hold_s`` (module notes, 3).

        Parameters
        ----------
        pos_sigma_m, vel_sigma_mps : float
            Thresholds on the largest 1-sigma position [m] and velocity [m/s] error.
        t_end_s : array_like, shape (n,)
            End of each threat's flight [s]: the hold window is cut there.
        hold_s : float
            How long the quality must hold [s].

        Returns
        -------
        ndarray, shape (n,)
            Time [s]; NaN where the track never qualifies.
        """
        if not (pos_sigma_m > 0 and vel_sigma_mps > 0 and hold_s >= 0):
            raise ValueError("fire_control_time_s: pos_sigma_m and vel_sigma_mps must be > 0 and hold_s "
                             f">= 0, got {pos_sigma_m} m, {vel_sigma_mps} m/s, {hold_s} s")
        n, k = self.exists.shape
        if k == 0 or n == 0:
            return np.full(n, np.nan)
        with np.errstate(invalid="ignore"):
            good = self.exists & (self.position_sigma_m <= pos_sigma_m) & (self.velocity_sigma_mps <= vel_sigma_mps)
        bad_cum = np.concatenate([np.zeros((n, 1), dtype=np.int64), np.cumsum(~good, axis=1)], axis=1)
        t_end = np.minimum(np.asarray(t_end_s, dtype=float).reshape(n), self.t_s[-1])
        until = np.minimum(self.t_s[None, :] + hold_s, t_end[:, None])
        end = np.searchsorted(self.t_s, until.ravel(), side="right").reshape(n, k)
        end = np.maximum(end, np.arange(1, k + 1)[None, :])  # the window holds at least its own point
        held = good & (np.take_along_axis(bad_cum, end, axis=1) - bad_cum[:, :-1] == 0)
        first = np.argmax(held, axis=1)
        return np.where(held.any(axis=1), self.t_s[first], np.nan)


def _top_sigma(cov3: F64) -> F64:
    return np.sqrt(np.maximum(np.linalg.eigvalsh(cov3)[..., -1], 0.0))


def fuse(tracks: SensorTracks, latency_s: ArrayLike, q_m2_s3: float,
         cache: dict[tuple[int, int], tuple[NDArray[np.int64], F64]] | None = None) -> FusedQuality:
    """Fuse the tracks a receiver may use, each with its latency (module notes, 1 and 2).

    Parameters
    ----------
    tracks : SensorTracks
    latency_s : array_like, shape (s,)
        Latency of each sensor's track at the receiver [s]; ``inf`` (or NaN) where it is not released.
    q_m2_s3 : float
        White-noise acceleration density for the latency prediction [m^2/s^3].
    cache : dict, optional
        Reused across calls: the delayed information of each (track key, steps) (:attr:`SensorTracks.key`).

    Returns
    -------
    FusedQuality
    """
    lat = np.asarray(latency_s, dtype=float).reshape(len(tracks.sensor_name))
    n, k, step = tracks.n, tracks.t_s.size, tracks.step_s
    info = np.zeros((n * k, 6, 6))
    present = np.zeros(n * k, dtype=bool)
    cache = {} if cache is None else cache
    keys = tracks.keys()
    for i in np.flatnonzero(np.isfinite(lat)):
        if tracks.index[i].size == 0:
            continue
        m = delay_steps(float(lat[i]), step)
        key = (keys[i], m)
        if key not in cache:
            idx = tracks.index[i]
            shifted = idx + m
            keep = (idx % k) + m < k  # the delayed point stays within the same threat's row
            cov = delay_covariance(tracks.cov_ecef[i][keep], m * step, q_m2_s3)
            cache[key] = (shifted[keep], np.linalg.inv(cov))
        idx, inv = cache[key]
        info[idx] += inv
        present[idx] = True
    pos = np.full(n * k, np.nan)
    vel = np.full(n * k, np.nan)
    if present.any():
        cov = np.linalg.inv(info[present])
        cov = 0.5 * (cov + np.swapaxes(cov, -1, -2))
        pos[present] = _top_sigma(cov[:, :3, :3])
        vel[present] = _top_sigma(cov[:, 3:, 3:])
    return FusedQuality(t_s=tracks.t_s, exists=present.reshape(n, k), position_sigma_m=pos.reshape(n, k),
                        velocity_sigma_mps=vel.reshape(n, k))
