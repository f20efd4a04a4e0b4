"""The same constant-velocity EKF run one threat at a time in Stone Soup and in filterpy (test-only peers).

Both peers get bmdsim's initial state and covariance at a track's initiation and then the same
measurements, in the same order, from the same sensors. Conventions that differ and are converted here:

* state order: bmdsim (x, y, z, vx, vy, vz); Stone Soup (x, vx, y, vy, z, vz);
* Stone Soup's ``CartesianToElevationBearingRange`` measures (elevation, bearing, range) with the bearing
  counter-clockwise from its frame's x axis; with ``rotation_offset = (π/2 - lat, 0, π/2 + lon)`` its
  frame is the sensor's ENU frame (x east), so bearing = π/2 - azimuth (azimuth clockwise from north);
* Stone Soup times are ``datetime`` (microsecond resolution): measurement times must be whole
  microseconds, which the tests' 1 s grids are.

Stone Soup 1.9's numerical Jacobian (``stonesoup.models.base.compute_jac``) steps each state component by
``1e8 * np.spacing(x)`` floored at 1e-8. ``np.spacing`` is negative for negative numbers, so every negative
ECEF coordinate (all of them east of 90°E) gets a 1e-8 m step, and the range and angle differences
drown in round-off: the Jacobian of a target 1,000 km away came out 5% wrong in its x column and the
filter drifted by kilometres. :class:`_ElevationBearingRange` keeps Stone Soup's forward difference and
only takes the magnitude of the spacing.

filterpy's ``ExtendedKalmanFilter`` gets ``F`` and ``Q`` (its own ``Q_continuous_white_noise``) for each
interval, the azimuth residual wrapped to [-π, π), and a measurement Jacobian derived here per target.
"""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
from filterpy.common import Q_continuous_white_noise
from filterpy.kalman import ExtendedKalmanFilter
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
from stonesoup.predictor.kalman import ExtendedKalmanPredictor
from stonesoup.types.array import StateVectors
from stonesoup.types.detection import Detection
from stonesoup.types.hypothesis import SingleHypothesis
from stonesoup.types.state import GaussianState
from stonesoup.updater.kalman import ExtendedKalmanUpdater

from bmdsim.earth.frames import wrap_to_pi
from bmdsim.sensors.measurements import Measurements

EPOCH = dt.datetime(2030, 1, 1)
SS_FROM_OURS = np.array([0, 3, 1, 4, 2, 5])  # Stone Soup state = ours[SS_FROM_OURS]
OURS_FROM_SS = np.argsort(SS_FROM_OURS)


def stonesoup_rotation_offset(lat_rad: float, lon_rad: float) -> np.ndarray:
    """Stone Soup ``rotation_offset`` whose rotation matrix is ``R_enu_from_ecef`` at (lat, lon).

    Stone Soup builds ``rotx(-θx) @ roty(θy) @ rotz(-θz)``; ENU from ECEF is a rotation by π/2 + lon about
    z, then by π/2 - lat about the new x axis (passive), i.e. ``rotx(-(π/2 - lat)) @ rotz(-(π/2 + lon))``.
    """
    return np.array([[0.5 * np.pi - lat_rad], [0.0], [0.5 * np.pi + lon_rad]])


class _ElevationBearingRange(CartesianToElevationBearingRange):
    """Stone Soup's model with ``compute_jac``'s forward difference stepped by ``|1e8 spacing(x)|``."""

    def jacobian(self, state, **kwargs):
        x = state.state_vector.astype(np.float64)
        ndim = x.shape[0]
        delta = np.maximum(1e8 * np.abs(np.spacing(x.ravel())), 1e-8)
        shifted = copy.copy(state)
        shifted.state_vector = StateVectors(np.tile(x, ndim + 1) + np.eye(ndim, ndim + 1) * delta[:, None])
        values = self.function(shifted, **kwargs)
        return np.divide(values[:, :ndim] - values[:, -1:], delta).astype(np.float64)


class StoneSoupEKF:
    """Stone Soup's EKF (Joseph form) with a 3-D constant-velocity model; one instance per run."""

    def __init__(self, meas: Measurements, q_m2_s3: float) -> None:
        cv = ConstantVelocity(noise_diff_coeff=q_m2_s3)
        self.predictor = ExtendedKalmanPredictor(CombinedLinearGaussianTransitionModel([cv, cv, cv]))
        self.updater = ExtendedKalmanUpdater(measurement_model=None, use_joseph_cov=True)
        self.meas = meas
        self._models: dict[tuple, _ElevationBearingRange] = {}

    def model(self, row: int) -> _ElevationBearingRange:
        """The measurement model of a row's sensor and sigmas (cached per sensor and sigma)."""
        s = int(self.meas.sensor[row])
        sig = self.meas.sigma[row]
        key = (s, *sig.tolist())
        if key not in self._models:
            sites = self.meas.sites
            self._models[key] = _ElevationBearingRange(
                ndim_state=6, mapping=(0, 2, 4), noise_covar=np.diag([sig[2] ** 2, sig[1] ** 2, sig[0] ** 2]),
                translation_offset=sites.r_ecef_m[s][:, None],
                rotation_offset=stonesoup_rotation_offset(sites.lla[s, 0], sites.lla[s, 1]))
        return self._models[key]

    def detections(self, rows: np.ndarray) -> list[Detection]:
        """Stone Soup detections (elevation, bearing, range) of measurement rows."""
        out = []
        for row in rows:
            rng, az, el = self.meas.z[row]
            ts = EPOCH + dt.timedelta(seconds=float(self.meas.t_s[row]))
            out.append(Detection(np.array([[el], [wrap_to_pi(0.5 * np.pi - az)], [rng]]), timestamp=ts,
                                 measurement_model=self.model(int(row))))
        return out

    def run(self, detections: list[Detection], x0: np.ndarray, P0: np.ndarray, t0_s: float
            ) -> tuple[np.ndarray, np.ndarray]:
        """Posterior states (u, 6) and covariances (u, 6, 6), in bmdsim's state order."""
        state = GaussianState(x0[SS_FROM_OURS][:, None], P0[np.ix_(SS_FROM_OURS, SS_FROM_OURS)],
                              timestamp=EPOCH + dt.timedelta(seconds=float(t0_s)))
        xs, Ps = [], []
        for det in detections:
            prediction = self.predictor.predict(state, timestamp=det.timestamp)
            state = self.updater.update(SingleHypothesis(prediction, det))
            xs.append(np.asarray(state.state_vector, dtype=float)[:, 0])
            Ps.append(np.asarray(state.covar, dtype=float))
        x, P = np.array(xs), np.array(Ps)
        return x[:, OURS_FROM_SS], P[:, OURS_FROM_SS][:, :, OURS_FROM_SS]


def _h_range_az_el(x: np.ndarray, r_sensor: np.ndarray, R: np.ndarray) -> np.ndarray:
    e, n, u = R @ (x[:3] - r_sensor)
    horiz = np.hypot(e, n)
    return np.array([np.sqrt(horiz * horiz + u * u), np.arctan2(e, n) % (2 * np.pi), np.arctan2(u, horiz)])


def _H_range_az_el(x: np.ndarray, r_sensor: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Jacobian of (range, az, el) with respect to the state, via the line of sight in ECEF.

    ∂range/∂r = los^T; ∂az/∂r = (cos az north - sin az east)... written through the ENU unit vectors:
    ∂az/∂r = (n east - e north) / (e^2 + n^2); ∂el/∂r = (horiz up - u (e east + n north) / horiz) / range^2.
    """
    d = x[:3] - r_sensor
    east, north, up = R
    e, n, u = east @ d, north @ d, up @ d
    horiz2 = e * e + n * n
    horiz = np.sqrt(horiz2)
    rng2 = horiz2 + u * u
    H = np.zeros((3, 6))
    H[0, :3] = d / np.sqrt(rng2)
    H[1, :3] = (n * east - e * north) / horiz2
    H[2, :3] = (horiz * up - u * (e * east + n * north) / horiz) / rng2
    return H


def _residual(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    y = a - b
    y[1] = wrap_to_pi(y[1])
    return y


def filterpy_run(meas: Measurements, rows: np.ndarray, x0: np.ndarray, P0: np.ndarray, t0_s: float,
                 q_m2_s3: float) -> tuple[np.ndarray, np.ndarray]:
    """filterpy's EKF over measurement rows; posterior states (u, 6) and covariances (u, 6, 6)."""
    kf = ExtendedKalmanFilter(dim_x=6, dim_z=3)
    kf.x = x0.copy()
    kf.P = P0.copy()
    t = t0_s
    xs, Ps = [], []
    sites = meas.sites
    for row in rows:
        step = float(meas.t_s[row]) - t
        F = np.eye(6)
        F[:3, 3:] = step * np.eye(3)
        kf.F = F
        kf.Q = Q_continuous_white_noise(dim=2, dt=step, spectral_density=q_m2_s3, block_size=3,
                                        order_by_dim=False)
        kf.predict()
        s = meas.sensor[row]
        args = (sites.r_ecef_m[s], sites.R_enu_from_ecef[s])
        kf.update(meas.z[row], _H_range_az_el, _h_range_az_el, R=np.diag(meas.sigma[row] ** 2), args=args,
                  hx_args=args, residual=_residual)
        t = float(meas.t_s[row])
        xs.append(kf.x.copy())
        Ps.append(kf.P.copy())
    return np.array(xs), np.array(Ps)
