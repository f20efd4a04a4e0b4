"""The data that sensors hand to tracking: time-ordered radar measurements and infrared cues.

This is the contract between ``bmdsim.sensors`` (which makes these objects) and ``bmdsim.tracking``
(which consumes them). Every array has one row per detection; rows are sorted by time.

Association is by truth: each measurement carries the index of the threat object it came from. bmdsim
assesses what the network *could* know, so data association (a solved problem for well-separated
ballistic objects at these revisit rates) is left out; false alarms and clutter are not generated. This
is stated in docs/methods/sensors.md and is an optimistic assumption for dense raids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorSites:
    """Positions and names of the sensors that produced a set of measurements.

    Attributes
    ----------
    name : tuple of str, length s
        Sensor instance names (unique), e.g. ``"tpy2-shariki"``.
    nation : tuple of str, length s
        Owning nation of each sensor (for releasability later).
    lla : ndarray, shape (s, 3)
        Geodetic latitude [rad], longitude [rad], height [m] of each sensor.
    r_ecef_m : ndarray, shape (s, 3)
        ECEF position of each sensor [m].
    R_enu_from_ecef : ndarray, shape (s, 3, 3)
        Rotation from ECEF to each sensor's local ENU frame.
    """

    name: tuple[str, ...]
    nation: tuple[str, ...]
    lla: F64
    r_ecef_m: F64
    R_enu_from_ecef: F64

    @property
    def n(self) -> int:
        return len(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurements:
    """Radar measurements in each sensor's local spherical coordinates, sorted by time.

    Attributes
    ----------
    t_s : ndarray, shape (m,)
        Scenario time of each measurement [s], non-decreasing.
    threat : ndarray of int, shape (m,)
        Index of the threat object measured (truth association).
    sensor : ndarray of int, shape (m,)
        Index into ``sites`` of the measuring sensor.
    z : ndarray, shape (m, 3)
        Measured slant range [m], azimuth [rad, clockwise from north, in [0, 2π)] and elevation [rad]
        in the sensor's ENU frame.
    sigma : ndarray, shape (m, 3)
        One-sigma errors of ``z`` used to draw it (range [m], azimuth [rad], elevation [rad]); the tracker's
        measurement covariance is ``diag(sigma**2)``.
    snr_db : ndarray, shape (m,)
        Single-look signal-to-noise ratio [dB].
    sites : SensorSites
        The sensors.
    """

    t_s: F64
    threat: NDArray[np.int64]
    sensor: NDArray[np.int64]
    z: F64
    sigma: F64
    snr_db: F64
    sites: SensorSites

    @property
    def m(self) -> int:
        return int(self.t_s.shape[0])

    def select_sensors(self, allowed: NDArray[np.bool_]) -> Measurements:
        """The measurements of the sensors flagged in ``allowed`` (shape (s,)): what one nation may fuse."""
        keep = np.asarray(allowed, dtype=bool)[self.sensor]
        return Measurements(t_s=self.t_s[keep], threat=self.threat[keep], sensor=self.sensor[keep],
                            z=self.z[keep], sigma=self.sigma[keep], snr_db=self.snr_db[keep],
                            sites=self.sites)
