"""Space-based infrared early warning (DSP/SBIRS class): launch detection, launch-point estimate, radar cue.

What it models
--------------
Staring or scanning infrared sensors in high orbits see a missile's plume once it climbs above the cloud
tops, in a narrow band near 2.7 µm where the atmosphere below hides the ground ([Forden08]). bmdsim models
the *outcome*, not the optics:

1. Detection: a threat is seen if, while its motor still burns (phase 0 on the trajectory grid), it climbs
   above ``cloud_top_alt_m`` and keeps burning for ``dwell_s`` more (the frames a scanning sensor needs to
   declare a launch). The detection time is the crossing time (interpolated linearly in height between grid
   points) plus ``dwell_s``. A short burn that ends below the cloud tops (artillery rockets) is never seen.
2. Report: the warning (the *cue*) reaches the defence ``latency_s`` after detection.
3. Accuracy: the reported launch point is the truth displaced by a circular normal error of one-sigma
   ``launch_point_sigma_m`` per axis (east, north), and the launch azimuth (the heading from the launch
   point to the detection point) carries a normal error of ``azimuth_sigma_rad``.

Coverage is assumed global over the theatre (several geosynchronous and highly elliptical satellites), and
every launch is seen by the constellation. What the cue does for radars: from ``t_cue_s`` on, a radar
searches the small volume the cue predicts instead of its whole fence (*cued search*,
:mod:`.radar`), detecting smaller or farther objects; :func:`bmdsim.sensors.observe` takes the cue times.

Randomness: one independent stream per threat, spawned from the seed with the key (system name, threat
id), so a threat's errors do not depend on which other threats are in the batch.

References
----------
.. [Forden08] G. Forden, "SBIRS - Signal and Background", armscontrolwonk.com (2008).
.. [APS03] American Physical Society Study Group, "Report on Boost-Phase Intercept Systems for National
   Missile Defense", Rev. Mod. Phys. 76, S1 (2004), ch. 6 (space-based IR detection and tracking).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.earth.geodesy import surface_inverse
from bmdsim.earth.model import WGS84, Ellipsoid
from bmdsim.flight.propagator import PHASE_BOOST, Trajectories
from bmdsim.scenario.catalog import CatalogError
from bmdsim.scenario.radar_catalog import RadarCatalog, infrared_kwargs, load_radar_catalog
from bmdsim.sensors._streams import Seed, root_sequence, stream_for

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class InfraredConfig:
    """A space-based infrared early-warning system (SI units).

    Parameters
    ----------
    name : str
        System name (also keys its random streams).
    cloud_top_alt_m : float
        Height the plume must clear before it is seen [m], >= 0.
    dwell_s : float
        Burning time above the clouds needed to declare a launch [s], >= 0.
    latency_s : float
        Delay from detection to the cue reaching the defence [s], >= 0.
    launch_point_sigma_m : float
        One-sigma error of the reported launch point, per horizontal axis [m], > 0.
    azimuth_sigma_rad : float
        One-sigma error of the reported launch azimuth [rad], > 0.
    """

    name: str = "sbirs"
    cloud_top_alt_m: float = 10_000.0
    dwell_s: float = 10.0
    latency_s: float = 30.0
    launch_point_sigma_m: float = 5_000.0
    azimuth_sigma_rad: float = math.radians(5.0)

    def __post_init__(self) -> None:
        for name, unit, strict in (("cloud_top_alt_m", "m", False), ("dwell_s", "s", False),
                                   ("latency_s", "s", False), ("launch_point_sigma_m", "m", True),
                                   ("azimuth_sigma_rad", "rad", True)):
            v = getattr(self, name)
            ok = math.isfinite(v) and (v > 0 if strict else v >= 0)
            if not ok:
                bound = ">" if strict else ">="
                raise ValueError(f"InfraredConfig.{name} must be {bound} 0 {unit}, got {v!r}")


def infrared_from_catalog(key: str = "sbirs", catalog: RadarCatalog | None = None) -> InfraredConfig:
    """The :class:`InfraredConfig` of a catalog system (nominal figures)."""
    catalog = catalog or load_radar_catalog()
    try:
        return InfraredConfig(**infrared_kwargs(key, catalog))  # type: ignore[arg-type]
    except ValueError as exc:
        raise CatalogError(f"{catalog.path}: infrared.{key}: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class InfraredCues:
    """What the infrared system reports, one row per threat.

    Attributes
    ----------
    threat : ndarray of int, shape (n,)
        Threat ids.
    is_detected : ndarray of bool, shape (n,)
    t_detect_s, t_cue_s : ndarray, shape (n,)
        Detection time and time the cue reaches the defence [s]; NaN when not detected.
    launch_lat_rad, launch_lon_rad : ndarray, shape (n,)
        Reported (noisy) launch point [rad]; NaN when not detected.
    launch_azimuth_rad : ndarray, shape (n,)
        Reported launch azimuth, clockwise from north in [0, 2π) [rad]; NaN when not detected.
    launch_point_sigma_m, azimuth_sigma_rad : float
        One-sigma errors used for the reports.
    """

    threat: NDArray[np.int64]
    is_detected: NDArray[np.bool_]
    t_detect_s: F64
    t_cue_s: F64
    launch_lat_rad: F64
    launch_lon_rad: F64
    launch_azimuth_rad: F64
    launch_point_sigma_m: float
    azimuth_sigma_rad: float


def _first_valid(traj: Trajectories) -> NDArray[np.intp]:
    valid = np.isfinite(traj.alt_m)
    return np.where(valid.any(axis=1), np.argmax(valid, axis=1), -1)


def cloud_crossing_times(traj: Trajectories, cloud_top_alt_m: float) -> F64:
    """Scenario time at which each threat, still burning, first climbs above ``cloud_top_alt_m`` [s].

    Linear interpolation in height between the two grid points around the crossing; NaN if the threat
    never does so while in powered flight (on the grid).
    """
    above = (traj.phase == PHASE_BOOST) & (traj.alt_m >= cloud_top_alt_m)
    has = above.any(axis=1)
    k = np.argmax(above, axis=1)
    rows = np.arange(traj.n)
    t = np.full(traj.n, np.nan)
    t[has] = traj.t_s[k[has]]
    prev = has & (k > 0)
    kp = np.where(prev, k - 1, 0)
    h0 = traj.alt_m[rows, kp]
    h1 = traj.alt_m[rows, k]
    interp = prev & np.isfinite(h0) & (h0 < cloud_top_alt_m) & (h1 > h0)
    frac = np.where(interp, (cloud_top_alt_m - h0) / np.where(interp, h1 - h0, 1.0), 1.0)
    t[interp] = traj.t_s[kp[interp]] + frac[interp] * (traj.t_s[k[interp]] - traj.t_s[kp[interp]])
    return t


def detect_launches(traj: Trajectories, config: InfraredConfig, seed: Seed, *,
                    threat_ids: ArrayLike | None = None, ellipsoid: Ellipsoid = WGS84) -> InfraredCues:
    """Infrared detections and cues for every threat of a set of trajectories.

    Parameters
    ----------
    traj : Trajectories
        Threats on a time grid (phase and height are used).
    config : InfraredConfig
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Root of the random streams (see :mod:`bmdsim.sensors.observe` for the batching rule).
    threat_ids : array_like of int, shape (n,), optional
        Global ids of the threats (default ``0..n-1``); they key the per-threat streams.
    ellipsoid : Ellipsoid
        Figure of the Earth of the trajectories.

    Returns
    -------
    InfraredCues
    """
    n = traj.n
    ids = np.arange(n, dtype=np.int64) if threat_ids is None else np.asarray(threat_ids, dtype=np.int64)
    if ids.shape != (n,):
        raise ValueError(f"detect_launches: threat_ids must have shape ({n},), got {ids.shape}")
    root = root_sequence(seed)
    t_cross = cloud_crossing_times(traj, config.cloud_top_alt_m)
    t_det = t_cross + config.dwell_s
    seen = np.isfinite(t_cross) & (traj.t_burnout_s >= t_det - 1e-9)
    t_det = np.where(seen, t_det, np.nan)
    k0 = _first_valid(traj)
    rows = np.flatnonzero(seen & (k0 >= 0))
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    az = np.full(n, np.nan)
    if rows.size:
        lat0, lon0, _ = ecef_to_geodetic(traj.r_ecef_m[rows, k0[rows]], ellipsoid)
        kd = np.clip(np.searchsorted(traj.t_s, t_det[rows]), 0, traj.t_s.size - 1)
        r_det = traj.r_ecef_m[rows, kd]
        ok = np.isfinite(r_det[:, 0])
        r_det[~ok] = traj.r_ecef_m[rows[~ok], k0[rows[~ok]]]
        lat1, lon1, _ = ecef_to_geodetic(r_det, ellipsoid)
        az_true = surface_inverse(lat0, lon0, lat1, lon1, ellipsoid)[1]
        noise = np.stack([stream_for(root, config.name, int(ids[i])).standard_normal(3) for i in rows])
        s2 = np.sin(lat0) ** 2
        w = 1.0 - ellipsoid.e2 * s2
        m_rad = ellipsoid.a_m * (1.0 - ellipsoid.e2) / w**1.5
        n_rad = ellipsoid.a_m / np.sqrt(w)
        lat[rows] = lat0 + noise[:, 1] * config.launch_point_sigma_m / m_rad
        lon[rows] = lon0 + noise[:, 0] * config.launch_point_sigma_m / (n_rad * np.cos(lat0))
        az[rows] = (az_true + noise[:, 2] * config.azimuth_sigma_rad) % (2.0 * np.pi)
    detected = np.isfinite(lat)
    t_det = np.where(detected, t_det, np.nan)
    return InfraredCues(threat=ids, is_detected=detected, t_detect_s=t_det, t_cue_s=t_det + config.latency_s,
                        launch_lat_rad=lat, launch_lon_rad=lon, launch_azimuth_rad=az,
                        launch_point_sigma_m=config.launch_point_sigma_m,
                        azimuth_sigma_rad=config.azimuth_sigma_rad)
