"""The compiled EKF kernels (tracking/_jit.py) against the numpy prediction and update they replace."""

import numpy as np
import pytest

from bmdsim.earth.frames import enu_from_ecef_matrix, geodetic_to_ecef
from bmdsim.earth.model import EarthModel
from bmdsim.tracking import ekf
from bmdsim.tracking.dynamics import BallisticModel
from tests.jit_paths import both_paths as _both

RNG = np.random.default_rng(7)


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Each test draws from its own seeded stream, so its inputs do not depend on which tests ran before it in
    the same worker (with pytest-xdist they vary run to run)."""
    global RNG
    RNG = np.random.default_rng(7)


def _states(m: int, alt_lo: float, alt_hi: float):
    lat, lon = RNG.uniform(-1.2, 1.2, m), RNG.uniform(-3, 3, m)
    r = geodetic_to_ecef(lat, lon, RNG.uniform(alt_lo, alt_hi, m))
    v = RNG.normal(size=(m, 3)) * 2500.0
    A = RNG.normal(size=(m, 6, 6))
    return np.concatenate([r, v], axis=1), A @ A.transpose(0, 2, 1) * 100.0


@pytest.mark.parametrize("earth", [EarthModel(), EarthModel(drag=False), EarthModel(shape="sphere")])
@pytest.mark.parametrize("alts", [(5e3, 80e3), (100e3, 1500e3)])
def test_prediction_matches_numpy(monkeypatch, earth, alts):
    x, P = _states(30, *alts)
    dt = RNG.uniform(-5.0, 30.0, 30)
    dt[:3] = 0.0
    q_extra = np.where(RNG.uniform(size=30) > 0.5, 1e4, 0.0)
    model = BallisticModel(earth=earth, q_m2_s3=1.0, ballistic_coefficient_kg_m2=5000.0)
    (xf, Pf), (xs, Ps) = _both(monkeypatch, lambda: ekf.predict(x, P, dt, model, q_extra))
    # Round-off only, but amplified in dense air: these random states fly up to 8 km/s at 5 km, where the drag
    # substep count (|v| / |a_drag|) can round differently on the two paths; over 600 random cases the largest
    # gap is 0.1 mm and 1e-11 of the covariance scale. Bounds: 1 mm, 1 mm/s (far below any radar error) and
    # 1e-10. A state predicted backwards through dense air (drag turned into thrust) runs away to 1e13 m and
    # beyond on both paths; those rows are only checked to run away on both.
    runaway = np.linalg.norm(xs[:, :3], axis=1) > 1e8
    np.testing.assert_array_equal(runaway, np.linalg.norm(xf[:, :3], axis=1) > 1e8)
    np.testing.assert_allclose(xf[~runaway], xs[~runaway], rtol=1e-13, atol=1e-3)
    scale = np.abs(Ps).max(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose((Pf / scale)[~runaway], (Ps / scale)[~runaway], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(Pf, Pf.transpose(0, 2, 1))


def test_update_matches_numpy(monkeypatch):
    m = 40
    lat, lon = RNG.uniform(-1, 1, m), RNG.uniform(-3, 3, m)
    rs, R = geodetic_to_ecef(lat, lon, 0.0), enu_from_ecef_matrix(lat, lon)
    x, P = _states(m, 50e3, 800e3)
    x[:, :3] = rs + RNG.normal(size=(m, 3)) * 3e5
    z = ekf.measure_range_az_el(x[:, :3] + RNG.normal(size=(m, 3)) * 100.0, rs, R)
    sigma = np.tile([50.0, 1e-3, 2e-3], (m, 1))
    fast, slow = _both(monkeypatch, lambda: ekf.update(x, P, z, sigma, rs, R))
    np.testing.assert_allclose(fast[0], slow[0], rtol=1e-14, atol=1e-8)
    scale = np.abs(slow[1]).max(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(fast[1] / scale, slow[1] / scale, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-9)
    np.testing.assert_array_equal(fast[1], fast[1].transpose(0, 2, 1))


def test_compiled_tracker_rounds_match_numpy(monkeypatch):
    """track() through tracking/_jit.run_tracks (one call) against the numpy rounds: the same states,
    covariances, update counts and fire-control times (the quantities the assessment reads)."""
    from bmdsim.tracking import TrackerConfig, track

    from .scenario import ballistic_truth, make_sites, simulate_measurements

    truth = ballistic_truth(6, seed=3)
    sites = make_sites([(41.0, 129.0, 50.0), (38.0, 135.0, 20.0), (36.0, 128.0, 100.0)])
    sigma = np.array([[20.0, 1e-3, 1e-3], [30.0, 1.5e-3, 1.5e-3], [80.0, 3e-3, 3e-3]])
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m, sites, revisit_steps=[2, 3, 5], sigma=sigma,
                                 rng=np.random.default_rng(5))
    grid = truth.t_s[::2]
    for allowed in (None, np.array([True, False, True])):
        fast, slow = _both(monkeypatch, lambda a=allowed: track(meas, a, grid, TrackerConfig(), EarthModel(),
                                                                 n_threats=truth.r_ecef_m.shape[0], impact_t_s=[]))
        np.testing.assert_array_equal(fast.n_updates, slow.n_updates)
        np.testing.assert_array_equal(fast.t_last_update_s, slow.t_last_update_s)
        np.testing.assert_array_equal(np.isnan(fast.state_ecef), np.isnan(slow.state_ecef))
        np.testing.assert_allclose(fast.state_ecef, slow.state_ecef, rtol=1e-12, atol=1e-6)  # 1 µm
        np.testing.assert_allclose(fast.cov_ecef, slow.cov_ecef, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(fast.fire_control_time_s(500.0, 50.0), slow.fire_control_time_s(500.0, 50.0))


@pytest.mark.parametrize("earth", [EarthModel(), EarthModel(drag=False)])
def test_prediction_with_lift_noise_matches_numpy(monkeypatch, earth):
    """The Singer lift term (a per-row L/D bound, zero on some rows) in the compiled and numpy predictions:
    the same states and covariances; rows with a zero bound equal a prediction given no bounds, bit for bit."""
    x, P = _states(30, 5e3, 80e3)
    dt = RNG.uniform(0.0, 20.0, 30)
    ld = np.where(RNG.uniform(size=30) > 0.5, RNG.uniform(2.0, 4.0, 30), 0.0)
    model = BallisticModel(earth=earth, q_m2_s3=1.0, ballistic_coefficient_kg_m2=5000.0)
    (xf, Pf), (xs, Ps) = _both(monkeypatch, lambda: ekf.predict(x, P, dt, model, None, ld))
    np.testing.assert_allclose(xf, xs, rtol=1e-13, atol=1e-6)
    scale = np.abs(Ps).max(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(Pf / scale, Ps / scale, rtol=0, atol=1e-12)
    plain_fast, plain_slow = _both(monkeypatch, lambda: ekf.predict(x, P, dt, model))
    off = ld == 0.0
    assert off.any() and (~off).any()
    np.testing.assert_array_equal(Pf[off], plain_fast[1][off])
    np.testing.assert_array_equal(Ps[off], plain_slow[1][off])
    assert np.all(np.trace(Pf[~off], axis1=1, axis2=2) > np.trace(plain_fast[1][~off], axis1=1, axis2=2))


def test_compiled_tracker_rounds_with_lift_bounds_match_numpy(monkeypatch):
    """track() with per-threat lift bounds, compiled against the numpy rounds (drag on, so the term acts)."""
    from bmdsim.tracking import TrackerConfig, track

    from .scenario import ballistic_truth, make_sites, simulate_measurements

    earth = EarthModel()
    truth = ballistic_truth(4, seed=3, earth=earth)
    sites = make_sites([(41.0, 129.0, 50.0), (36.0, 132.0, 100.0)])
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m, sites, revisit_steps=[2, 3],
                                 sigma=np.array([[20.0, 1e-3, 1e-3], [30.0, 1.5e-3, 1.5e-3]]),
                                 rng=np.random.default_rng(5))
    grid = truth.t_s[::4]
    ld = np.array([0.0, 4.0, 2.5, 0.0])
    fast, slow = _both(monkeypatch, lambda: track(meas, None, grid, TrackerConfig(), earth, n_threats=4,
                                                  impact_t_s=grid[[100]], lift_to_drag=ld))
    np.testing.assert_array_equal(np.isnan(fast.state_ecef), np.isnan(slow.state_ecef))
    np.testing.assert_allclose(fast.state_ecef, slow.state_ecef, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(fast.cov_ecef, slow.cov_ecef, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.impact.cov_en_m2, slow.impact.cov_en_m2, rtol=1e-9)
    np.testing.assert_array_equal(fast.fire_control_time_s(500.0, 50.0), slow.fire_control_time_s(500.0, 50.0))
