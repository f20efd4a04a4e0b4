"""Space-based infrared warning: detection time, cues, launch-point error statistics, batching."""

import math

import numpy as np
import pytest
from scipy import stats

from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.sensors.infrared import (
    InfraredConfig,
    cloud_crossing_times,
    detect_launches,
    infrared_from_catalog,
)
from bmdsim.sensors.observe import interpolate_positions


def test_cloud_crossing_time_against_dense_interpolation(powered_flights):
    # Independent: bisection on the geodetic height of the Hermite-interpolated trajectory. The code
    # interpolates height linearly between 1 s samples; with vertical acceleration ~30 m/s^2 and climb rate
    # ~200 m/s at 10 km that is off by at most ~0.02 s: tolerance 0.05 s.
    tr = powered_flights
    t_code = cloud_crossing_times(tr, 10_000.0)
    for i in range(tr.n):
        def h(t, i=i):
            r = interpolate_positions(tr, np.full((tr.n, 1), t))[i, 0]
            return float(ecef_to_geodetic(r)[2]) - 10_000.0
        lo, hi = tr.t_launch_s[i] + 1.0, tr.t_burnout_s[i]
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if h(mid) < 0 else (lo, mid)
        assert t_code[i] == pytest.approx(0.5 * (lo + hi), abs=0.05)


def test_detection_and_cue_times(powered_flights):
    tr = powered_flights
    cfg = InfraredConfig(cloud_top_alt_m=10_000.0, dwell_s=10.0, latency_s=30.0)
    cues = detect_launches(tr, cfg, 1)
    t_cross = cloud_crossing_times(tr, 10_000.0)
    assert cues.is_detected.all()
    np.testing.assert_allclose(cues.t_detect_s, t_cross + 10.0)
    np.testing.assert_allclose(cues.t_cue_s, t_cross + 40.0)
    # a burn that ends before the dwell is over is never declared (e.g. short-burn artillery rockets)
    late = detect_launches(tr, InfraredConfig(dwell_s=1_000.0), 1)
    assert not late.is_detected.any() and np.isnan(late.t_cue_s).all()
    # launch azimuths near the flown headings (80-110 deg), within 5 sigma of 5 deg
    np.testing.assert_allclose(cues.launch_azimuth_rad, np.radians([80, 90, 100, 110]), atol=math.radians(25))


def test_launch_point_error_statistics(powered_flights):
    # 4 trajectories x 150 id blocks = 600 independent reports. The east and north errors (converted back
    # from the reported lat/lon) must have sample variances inside the two-sided 99.9% chi-square bounds
    # of the configured sigma, and means within 4 standard errors of zero.
    tr = powered_flights
    cfg = InfraredConfig(launch_point_sigma_m=5_000.0, azimuth_sigma_rad=math.radians(5.0))
    lat0, lon0, _ = ecef_to_geodetic(tr.r_ecef_m[np.arange(tr.n), np.argmax(np.isfinite(tr.alt_m), axis=1)])
    east, north = [], []
    a, e2 = 6_378_137.0, 6.69437999014e-3
    w = 1 - e2 * np.sin(lat0) ** 2
    m_rad, n_rad = a * (1 - e2) / w**1.5, a / np.sqrt(w)
    for block in range(150):
        c = detect_launches(tr, cfg, 99, threat_ids=np.arange(tr.n) + 4 * block)
        north.append((c.launch_lat_rad - lat0) * m_rad)
        east.append((c.launch_lon_rad - lon0) * n_rad * np.cos(lat0))
    for x in (np.concatenate(east), np.concatenate(north)):
        n = x.size
        chi2 = (n - 1) * x.var(ddof=1) / 5_000.0**2
        assert stats.chi2.ppf(0.0005, n - 1) < chi2 < stats.chi2.ppf(0.9995, n - 1)
        assert abs(x.mean()) < 4 * 5_000.0 / math.sqrt(n)


def subset(tr, rows):
    """The trajectories at ``rows`` (every per-object array indexed)."""
    from dataclasses import fields, replace
    per_object = {f.name: getattr(tr, f.name)[rows] for f in fields(tr) if f.name != "t_s"}
    return replace(tr, **per_object)


def test_batching_does_not_change_reports(powered_flights):
    tr = powered_flights
    cfg = InfraredConfig()
    full = detect_launches(tr, cfg, np.random.SeedSequence(5))
    part = detect_launches(subset(tr, [1, 3]), cfg, np.random.SeedSequence(5), threat_ids=[1, 3])
    np.testing.assert_array_equal(part.launch_lat_rad, full.launch_lat_rad[[1, 3]])
    np.testing.assert_array_equal(part.launch_azimuth_rad, full.launch_azimuth_rad[[1, 3]])


def test_catalog_system_and_bad_config():
    cfg = infrared_from_catalog()
    assert cfg.latency_s == 30.0 and cfg.cloud_top_alt_m == 10_000.0
    with pytest.raises(ValueError, match=r"InfraredConfig\.latency_s must be >= 0 s"):
        InfraredConfig(latency_s=-1.0)
    with pytest.raises(ValueError, match=r"InfraredConfig\.launch_point_sigma_m must be > 0 m"):
        InfraredConfig(launch_point_sigma_m=0.0)
