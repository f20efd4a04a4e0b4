"""Sensor-level tracks and their fusion at a receiver (tracking/fusion.py).

- the latency prediction is ``F P F^T + Q`` of the discretized white-noise-acceleration model
  (Bar-Shalom, Li and Kirubarajan 2001, sec. 6.2.2), written here with explicit 6x6 matrices;
- one sensor's track fused alone with no latency is that track;
- against centralized measurement fusion of the same two radars (the reference a fusion centre with every
  plot would reach), track-to-track fusion assuming independent errors is slightly optimistic, as it
  must be (the tracks share the target's process noise): median position sigma within -20/+5 %,
  velocity sigma within -35/0 %, and the fire-control times within one 2 s grid step.
"""

from __future__ import annotations

import numpy as np
import pytest

from bmdsim.tracking.fusion import delay_covariance, delay_steps, fuse, track_each_sensor
from bmdsim.tracking.tracker import TrackerConfig, track


def test_latency_prediction_is_the_white_noise_acceleration_model():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 6))
    P = a @ a.T + 6 * np.eye(6)
    tau, q = 8.0, 2.5
    F = np.block([[np.eye(3), tau * np.eye(3)], [np.zeros((3, 3)), np.eye(3)]])
    Q = q * np.block([[tau**3 / 3 * np.eye(3), tau**2 / 2 * np.eye(3)], [tau**2 / 2 * np.eye(3), tau * np.eye(3)]])
    np.testing.assert_allclose(delay_covariance(P, tau, q), F @ P @ F.T + Q, rtol=1e-13)
    assert delay_steps(4.0, 2.0) == 2 and delay_steps(4.1, 2.0) == 3 and delay_steps(0.0, 2.0) == 0


@pytest.fixture(scope="module")
def two_radars():
    """The TPY-2 and SPY-1 of the assessment tests' small scenario, on its two raids."""
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import Pipeline, fly_scenario
    from bmdsim.scenario.schema import parse_scenario
    from bmdsim.sensors.observe import observe
    from tests.assessment.conftest import SMALL

    cfg, lines = parse_scenario(SMALL, "small.yaml")
    sc = resolve(cfg, file="small.yaml", lines=lines)
    pipe = Pipeline(sc, fly_scenario(sc))
    obs = observe(pipe.tr, sc.radars[:2], sc.seeds.sequence("radar"), rcs=pipe.rcs)
    return obs, pipe


def test_one_track_fused_alone_is_that_track(two_radars):
    obs, pipe = two_radars
    n = pipe.tr.n
    alone = obs.measurements.select_sensors(np.array([True, False]))
    own = track(alone, None, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n, impact_t_s=[])
    st = track_each_sensor(obs.measurements, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n)
    fq = fuse(st, np.array([0.0, np.inf]), 1.0)
    np.testing.assert_array_equal(fq.exists, np.isfinite(own.state_ecef[..., 0]))
    ok = fq.exists
    np.testing.assert_allclose(fq.position_sigma_m[ok], own.position_sigma_m()[ok], rtol=1e-9)
    np.testing.assert_allclose(fq.velocity_sigma_mps[ok], own.velocity_sigma_mps()[ok], rtol=1e-9)


def test_track_fusion_against_centralized_measurement_fusion(two_radars):
    obs, pipe = two_radars
    n = pipe.tr.n
    central = track(obs.measurements, None, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n, impact_t_s=[])
    st = track_each_sensor(obs.measurements, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n)
    fq = fuse(st, np.zeros(2), 1.0)
    both = np.zeros((2, n * pipe.grid.size), dtype=bool)
    for i in range(2):
        both[i, st.index[i]] = True
    where = both.all(axis=0).reshape(n, -1) & np.isfinite(central.position_sigma_m())
    assert where.sum() > 100
    r_pos = np.median(fq.position_sigma_m[where] / central.position_sigma_m()[where])
    r_vel = np.median(fq.velocity_sigma_mps[where] / central.velocity_sigma_mps()[where])
    assert 0.80 <= r_pos <= 1.05, r_pos
    assert 0.65 <= r_vel <= 1.00, r_vel
    t_a = fq.fire_control_time_s(500.0, 50.0, pipe.t_end_s)
    t_b = central.fire_control_time_s(500.0, 50.0)
    ok = np.isfinite(t_a) & np.isfinite(t_b)
    assert ok.any() and np.all(np.abs(t_a[ok] - t_b[ok]) <= 2.0)


def test_more_sensors_never_delay_initiation_of_the_centralized_track(two_radars):
    # M of N within the window, not M consecutive detections: interleaved detections of a second radar
    # once broke initiation (issue 8, defect 1). Each sensor alone vs both fused.
    obs, pipe = two_radars
    n = pipe.tr.n
    both = track(obs.measurements, None, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n, impact_t_s=[])
    for i in range(2):
        mask = np.zeros(2, dtype=bool)
        mask[i] = True
        one = track(obs.measurements, mask, pipe.grid, TrackerConfig(), pipe.sc.earth, n_threats=n, impact_t_s=[])
        had = np.isfinite(one.t_init_s)
        assert np.all(np.isfinite(both.t_init_s[had]))
        assert np.all(both.t_init_s[had] <= one.t_init_s[had])
