"""Synthetic truth and radar measurements for the tracking tests and benchmark (no sensors package needed).

Truth comes from bmdsim.flight (``plan_impulsive`` + ``propagate`` on a 1 s grid); measurements are the
exact (range, azimuth, elevation) of the truth in each site's ENU frame, computed with
``bmdsim.earth.frames.enu_to_az_el_range``, plus Gaussian noise of the stated sigmas, on each sensor's
revisit schedule, wherever the target is above the sensor's minimum elevation and within its range.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bmdsim.earth.frames import enu_from_ecef_matrix, enu_to_az_el_range, geodetic_to_ecef, wrap_to_2pi
from bmdsim.earth.model import EarthModel
from bmdsim.flight.plan import plan_impulsive
from bmdsim.flight.propagator import Trajectories, propagate
from bmdsim.sensors.measurements import Measurements, SensorSites

VACUUM = EarthModel(drag=False)  # rotating WGS 84, J2, no drag: the ballistic filter's exact model


def make_sites(lla_deg_m: Sequence[tuple[float, float, float]]) -> SensorSites:
    """Sites at geodetic (lat [deg], lon [deg], height [m]), named s0, s1, ... of nations n0, n1, ..."""
    lla = np.array(lla_deg_m, dtype=float)
    lat, lon = np.radians(lla[:, 0]), np.radians(lla[:, 1])
    return SensorSites(name=tuple(f"s{i}" for i in range(len(lla))),
                       nation=tuple(f"n{i}" for i in range(len(lla))),
                       lla=np.stack([lat, lon, lla[:, 2]], axis=1),
                       r_ecef_m=geodetic_to_ecef(lat, lon, lla[:, 2]),
                       R_enu_from_ecef=enu_from_ecef_matrix(lat, lon))


def ballistic_truth(n: int = 1, seed: int = 7, earth: EarthModel = VACUUM) -> Trajectories:
    """``n`` intermediate-range ballistic flights from around 40°N 125°E, eastward, on a 1 s grid.

    Burnout at 150-200 km with 4.5-5 km/s inertial at 35-40° above the horizontal: about 14 minutes of
    flight and 2,500 km of range.
    """
    rng = np.random.default_rng(seed)
    plan = plan_impulsive(np.radians(40.0 + rng.uniform(-1, 1, n)), np.radians(125.0 + rng.uniform(-1, 1, n)),
                          rng.uniform(150e3, 200e3, n), np.radians(90.0 + rng.uniform(-10, 10, n)),
                          np.radians(rng.uniform(35, 40, n)), rng.uniform(4500, 5000, n), mass_kg=700.0,
                          cda_m2=700.0 / 5000.0, earth=earth)
    return propagate(plan, earth, output_step_s=1.0)


def simulate_measurements(t_s: np.ndarray, r_ecef_m: np.ndarray, sites: SensorSites, *,
                          revisit_steps: Sequence[int], sigma: np.ndarray, rng: np.random.Generator,
                          offset_steps: Sequence[int] | None = None, min_el_rad: float = np.radians(1.0),
                          max_range_m: float = 4.0e6, t_window_s: tuple[float, float] | None = None,
                          ) -> Measurements:
    """Noisy radar measurements of trajectories sampled on the grid ``t_s``.

    Parameters
    ----------
    t_s : ndarray, shape (k,)
        Truth grid [s].
    r_ecef_m : ndarray, shape (n, k, 3)
        Truth positions (NaN where not in flight).
    sites : SensorSites
    revisit_steps : sequence of int, length s
        Each sensor looks every ``revisit_steps[s]`` grid steps.
    sigma : ndarray, shape (s, 3)
        Range [m], azimuth [rad], elevation [rad] 1-sigma errors of each sensor.
    rng : numpy.random.Generator
    offset_steps : sequence of int, optional
        First grid index each sensor looks at (default 0).
    min_el_rad, max_range_m : float
        Visibility limits.
    t_window_s : (float, float), optional
        Only measure within this time interval [s].
    """
    n = r_ecef_m.shape[0]
    offset_steps = offset_steps or [0] * sites.n
    parts = []
    for s in range(sites.n):
        ks = np.arange(offset_steps[s], t_s.size, revisit_steps[s])
        r_enu = np.einsum("ij,nkj->nki", sites.R_enu_from_ecef[s], r_ecef_m[:, ks] - sites.r_ecef_m[s])
        ok = np.isfinite(r_enu[..., 0])
        az, el, rng_m = enu_to_az_el_range(np.where(ok[..., None], r_enu, 1.0))
        ok &= (el >= min_el_rad) & (rng_m <= max_range_m)
        if t_window_s is not None:
            ok &= (t_s[ks] >= t_window_s[0])[None, :] & (t_s[ks] <= t_window_s[1])[None, :]
        th, kk = np.nonzero(ok)
        z = np.stack([rng_m[th, kk], az[th, kk], el[th, kk]], axis=1)
        parts.append((t_s[ks][kk], th, np.full(th.size, s), z))
    t = np.concatenate([p[0] for p in parts])
    threat = np.concatenate([p[1] for p in parts]).astype(np.int64)
    sensor = np.concatenate([p[2] for p in parts]).astype(np.int64)
    z = np.concatenate([p[3] for p in parts])
    order = np.lexsort((threat, sensor, t))
    t, threat, sensor, z = t[order], threat[order], sensor[order], z[order]
    sig = np.asarray(sigma, dtype=float)[sensor]
    z = z + sig * rng.standard_normal(z.shape)
    z[:, 1] = wrap_to_2pi(z[:, 1])
    del n
    return Measurements(t_s=t, threat=threat, sensor=sensor, z=z, sigma=sig, snr_db=np.full(t.size, 20.0),
                        sites=sites)


def replicate(truth_r_ecef_m: np.ndarray, runs: int) -> np.ndarray:
    """The same trajectory ``runs`` times (Monte Carlo runs as threats), shape (runs, k, 3)."""
    return np.broadcast_to(truth_r_ecef_m, (runs, *truth_r_ecef_m.shape[-2:])).copy()
