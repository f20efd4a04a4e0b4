"""Tracking: vectorized extended Kalman filtering of ballistic threats, fusion, track quality, impact.

The stage consumes :class:`bmdsim.sensors.measurements.Measurements` and returns, for one set of sensors,
a :class:`TrackPicture`: every threat's state and covariance on a time grid, its initiation time, its
predicted impact point with an error ellipse, and the time it reaches fire-control quality.
Method notes: docs/methods/tracking.md.
"""

from bmdsim.tracking.dynamics import BallisticModel, ConstantVelocityModel, MotionModel
from bmdsim.tracking.ekf import ExtendedKalmanFilter, Filter
from bmdsim.tracking.impact import ImpactPrediction, ground_ellipse, predict_impact
from bmdsim.tracking.tracker import TrackerConfig, TrackPicture, UpdateRecord, track

__all__ = [
    "BallisticModel",
    "ConstantVelocityModel",
    "ExtendedKalmanFilter",
    "Filter",
    "ImpactPrediction",
    "MotionModel",
    "TrackPicture",
    "TrackerConfig",
    "UpdateRecord",
    "ground_ellipse",
    "predict_impact",
    "track",
]
