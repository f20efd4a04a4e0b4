"""Track management and track quality: filter consistency (NEES/NIS), batch against single-threat runs,
M-of-N initiation, coasting, fusion, track ends, fire-control time, and input checks."""

from dataclasses import asdict, replace

import numpy as np
import pytest
from scipy.stats import chi2

from bmdsim.earth.frames import ecef_to_geodetic, enu_from_ecef_matrix
from bmdsim.earth.model import EarthModel
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.plan import plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.sensors.measurements import Measurements
from bmdsim.tracking import TrackerConfig, TrackPicture, track

from .scenario import VACUUM, ballistic_truth, make_sites, replicate, simulate_measurements

RUNS = 50
SITES = [(41.0, 129.0, 50.0), (38.0, 135.0, 20.0)]
SIGMA = np.array([[20.0, 1e-3, 1e-3], [30.0, 1.5e-3, 1.5e-3]])
EXACT = TrackerConfig(q_m2_s3=0.0, init_cov_inflation=1.0, record_updates=True)  # the truth's own model


@pytest.fixture(scope="module")
def truth():
    return ballistic_truth(4, seed=7)


@pytest.fixture(scope="module")
def monte_carlo(truth):
    """RUNS noisy measurement sets of threat 0, tracked as RUNS threats in one call."""
    r = replicate(truth.r_ecef_m[0], RUNS)
    meas = simulate_measurements(truth.t_s, r, make_sites(SITES), revisit_steps=[2, 3], sigma=SIGMA,
                                 rng=np.random.default_rng(2024))
    grid = truth.t_s[::5]
    pic = track(meas, None, grid, EXACT, VACUUM, impact_t_s=grid[[60, 120]])
    x_true = np.concatenate([truth.r_ecef_m[0, ::5], truth.v_ecef_mps[0, ::5]], axis=1)
    return pic, x_true


def _average_nees(pic: TrackPicture, x_true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average NEES over the runs (threats) at each grid time where every run has a track, and that mask."""
    err = pic.state_ecef - x_true[None]
    live = np.isfinite(err[..., 0]).all(axis=0)
    e = err[:, live]
    nees = np.einsum("nki,nki->nk", e, np.linalg.solve(pic.cov_ecef[:, live], e[..., None])[..., 0])
    return nees.mean(axis=0), live


def test_nees_within_chi_square_bounds(monte_carlo):
    """Average NEES over 50 runs (6 dof): at >= 90% of grid times inside the two-sided 95% bounds
    χ²(300)/50 = [4.71, 7.40] (95% expected), and its time average inside the 99% bounds [4.47, 7.70]
    (conservative: successive times are correlated, which widens the time average's spread less than
    treating it as one 50-run sample assumes) [BLK01 sec. 5.4]. Truth and filter share the dynamics
    (vacuum, J2, rotation), q = 0 and an uninflated initial covariance."""
    pic, x_true = monte_carlo
    anees, live = _average_nees(pic, x_true)
    assert live.sum() > 150
    lo, hi = chi2.ppf([0.025, 0.975], 6 * RUNS) / RUNS
    assert np.mean((anees > lo) & (anees < hi)) >= 0.9
    lo99, hi99 = chi2.ppf([0.005, 0.995], 6 * RUNS) / RUNS
    assert lo99 < anees.mean() < hi99


def test_nis_within_chi_square_bounds(monte_carlo):
    """NIS (3 dof): the k-th update of every run shares its time and sensor, so the average over runs at
    each update is inside χ²(150)/50 = [2.46, 3.60] for >= 90% of updates; and, innovations of a
    consistent filter being white, the mean of all ~36,000 NIS is inside χ²(3u)/u at 99%."""
    pic, _ = monte_carlo
    u = pic.updates
    counts = np.bincount(u.threat)
    assert np.all(counts == counts[0])
    nis = np.stack([u.nis[u.threat == i] for i in range(RUNS)])
    lo, hi = chi2.ppf([0.025, 0.975], 3 * RUNS) / RUNS
    assert np.mean((nis.mean(axis=0) > lo) & (nis.mean(axis=0) < hi)) >= 0.9
    lo99, hi99 = chi2.ppf([0.005, 0.995], 3 * nis.size) / nis.size
    assert lo99 < nis.mean() < hi99


def test_mature_track_predicts_impact_within_its_ellipse(monte_carlo, truth):
    """At 300 s and 600 s after launch the truth impact point lies within the predicted ellipse: mean
    Mahalanobis distance squared (2 dof) over 50 runs inside χ²(100)/50 at 99% [1.41, 2.79], and every
    run inside χ²₂ at 0.9999 (18.4)."""
    pic, _ = monte_carlo
    imp = pic.impact
    for j in range(imp.t_predicted_s.shape[1]):
        lat, lon = imp.lat_rad[:, j], imp.lon_rad[:, j]
        assert np.all(np.isfinite(lat))
        E = enu_from_ecef_matrix(lat, lon)[:, :2]
        miss_en = np.einsum("nij,nj->ni", E, truth.r_impact_ecef_m[0] - imp.r_impact_ecef_m[:, j])
        d2 = np.einsum("ni,ni->n", miss_en, np.linalg.solve(imp.cov_en_m2[:, j], miss_en[..., None])[..., 0])
        lo, hi = chi2.ppf([0.005, 0.995], 2 * RUNS) / RUNS
        assert lo < d2.mean() < hi
        assert d2.max() < chi2.ppf(0.9999, 2)
        assert np.all(np.abs(imp.t_impact_s[:, j] - truth.t_impact_s[0]) < 1.0)
    # the ellipse shrinks as the track matures
    assert np.all(imp.semi_major_m[:, 1] < imp.semi_major_m[:, 0])


def test_reentry_with_a_mismatched_ballistic_coefficient_stays_consistent():
    """Through re-entry (truth with drag, β = 5000 kg/m^2) a filter that assumes β = 4000 kg/m^2 (drag 25%
    too high) but allows a 30% drag error (beta_rel_sigma) is not overconfident: the 50-run average NEES,
    averaged over each height band, stays below the upper 99.5% bound χ²(300)/50 = 7.7, and the mean NIS
    is within 0.2 of 3. Without the drag term in Q (beta_rel_sigma = 0) NEES exceeds 1e4 below 60 km."""
    earth = EarthModel()
    tr = ballistic_truth(1, earth=earth)
    lat, lon, _ = np.degrees(ecef_to_geodetic(tr.r_impact_ecef_m[0]))  # two radars near the impact point
    sites = make_sites([(lat - 1.0, lon - 1.5, 10.0), (lat + 1.0, lon - 0.5, 10.0)])
    meas = simulate_measurements(tr.t_s, replicate(tr.r_ecef_m[0], RUNS), sites, revisit_steps=[1, 2],
                                 sigma=np.array([[10.0, 5e-4, 5e-4]] * 2), rng=np.random.default_rng(3),
                                 min_el_rad=np.radians(0.5), t_window_s=(700.0, 1100.0))
    x_true = np.concatenate([tr.r_ecef_m[0], tr.v_ecef_mps[0]], axis=1)
    hi = chi2.ppf(0.995, 6 * RUNS) / RUNS
    for rel_sigma, ok in [(0.3, True), (0.0, False)]:
        cfg = TrackerConfig(q_m2_s3=0.0, ballistic_coefficient_kg_m2=4000.0, beta_rel_sigma=rel_sigma,
                            init_cov_inflation=1.0, record_updates=True)
        pic = track(meas, None, tr.t_s, cfg, earth, impact_t_s=[])
        anees, live = _average_nees(pic, x_true)
        alt = tr.alt_m[0, live]
        bands = [anees[(alt >= lo) & (alt < top)].mean() for lo, top in
                 [(100e3, 1e7), (60e3, 100e3), (30e3, 60e3), (10e3, 30e3), (0.0, 10e3)]]
        if ok:
            assert max(bands) < hi
            assert abs(pic.updates.nis.mean() - 3.0) < 0.2
        else:
            assert max(bands[2:]) > 1e4


def test_manoeuvre_switch_follows_a_boosting_missile():
    """A Nodong-class missile (catalog, 110 s burn) seen from launch + 44 s by one radar. The ballistic
    filter has no thrust; its NIS-driven noise switch keeps the 20-run mean position error during boost
    below 1 km (0.7 km measured; without it the track falls up to 14 km behind), and makes the track
    consistent in midcourse (average NEES below the 99.5% bound at every later time) within 10 s of
    burnout (4 s measured) where the unswitched one needs over 60 s (113 s)."""
    earth = EarthModel()
    plan = plan_powered(threat_vehicle("nodong"), np.radians(40.0), np.radians(125.0), 0.0, np.radians(100.0),
                        np.radians(40.0))
    tr = propagate(plan, earth, output_step_s=1.0)
    runs = 20
    meas = simulate_measurements(tr.t_s, replicate(tr.r_ecef_m[0], runs), make_sites([(38.5, 127.0, 100.0)]),
                                 revisit_steps=[2], sigma=SIGMA[:1], rng=np.random.default_rng(3))
    x_true = np.concatenate([tr.r_ecef_m[0], tr.v_ecef_mps[0]], axis=1)
    t_bo = float(tr.t_burnout_s[0])
    hi = chi2.ppf(0.995, 6 * runs) / runs
    results = {}
    for q_man in (1e4, 0.0):
        pic = track(meas, None, tr.t_s, TrackerConfig(maneuver_q_m2_s3=q_man), earth, impact_t_s=[])
        anees, live = _average_nees(pic, x_true)
        t_live = tr.t_s[live]
        boost = (t_live > 60.0) & (t_live < t_bo)
        err_m = np.linalg.norm(pic.state_ecef[:, live, :3] - x_true[None, live, :3], axis=-1).mean(axis=0)
        # midcourse, until a minute before impact (the RV's β, 7,250 kg/m^2, is 45% off the assumed one)
        midcourse = (t_live > t_bo) & (t_live < tr.t_impact_s[0] - 60.0)
        unsettled = t_live[(anees >= hi) & midcourse]  # after the last of these it stays consistent
        results[q_man] = (err_m[boost].max(), (unsettled.max() if unsettled.size else t_bo) - t_bo)
    assert results[1e4][0] < 1000.0 and results[0.0][0] > 5000.0
    assert results[1e4][1] <= 10.0 and results[0.0][1] > 60.0


def test_manoeuvre_switch_stays_off_for_a_consistent_track(monte_carlo):
    pic, _ = monte_carlo
    assert not pic.updates.is_maneuvering.any()


def _threat_subset(meas: Measurements, i: int) -> Measurements:
    keep = meas.threat == i
    return Measurements(t_s=meas.t_s[keep], threat=np.zeros(keep.sum(), dtype=np.int64),
                        sensor=meas.sensor[keep], z=meas.z[keep], sigma=meas.sigma[keep],
                        snr_db=meas.snr_db[keep], sites=meas.sites)


@pytest.mark.parametrize("motion_model", ["ballistic", "constant_velocity"])
def test_batch_equals_single_threat_runs(truth, motion_model):
    """Four threats with different measurement times tracked together or one at a time: the same
    states and covariances (1e-9 relative, round-off of batched matrix products)."""
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m, make_sites(SITES), revisit_steps=[3, 4],
                                 sigma=SIGMA, rng=np.random.default_rng(5), offset_steps=[0, 1])
    cfg = TrackerConfig(motion_model=motion_model, q_m2_s3=5.0)
    grid = truth.t_s[::7]
    batch = track(meas, None, grid, cfg, VACUUM, impact_t_s=grid[[50, 90]])
    for i in range(truth.n):
        one = track(_threat_subset(meas, i), None, grid, cfg, VACUUM, impact_t_s=grid[[50, 90]])
        np.testing.assert_array_equal(np.isnan(batch.state_ecef[i]), np.isnan(one.state_ecef[0]))
        np.testing.assert_allclose(batch.state_ecef[i], one.state_ecef[0], rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(batch.cov_ecef[i], one.cov_ecef[0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(batch.impact.r_impact_ecef_m[i], one.impact.r_impact_ecef_m[0], rtol=1e-9)
        assert batch.t_init_s[i] == one.t_init_s[0] and batch.n_updates[i] == one.n_updates[0]


def _hand_measurements(truth, plan: dict[int, list[tuple[float, int]]]) -> Measurements:
    """Measurements of the given (time, sensor) pairs per threat: noise-free positions of ``truth``."""
    sites = make_sites([*SITES, (35.0, 127.0, 0.0)])
    rows = sorted((t, s, i) for i, looks in plan.items() for t, s in looks)
    t = np.array([r[0] for r in rows])
    sensor = np.array([r[1] for r in rows], dtype=np.int64)
    threat = np.array([r[2] for r in rows], dtype=np.int64)
    k = np.searchsorted(truth.t_s, t)
    d = np.einsum("mij,mj->mi", sites.R_enu_from_ecef[sensor], truth.r_ecef_m[0, k] - sites.r_ecef_m[sensor])
    horiz = np.hypot(d[:, 0], d[:, 1])
    z = np.stack([np.linalg.norm(d, axis=1), np.arctan2(d[:, 0], d[:, 1]) % (2 * np.pi),
                  np.arctan2(d[:, 2], horiz)], axis=1)
    return Measurements(t_s=t, threat=threat, sensor=sensor, z=z,
                        sigma=np.tile([20.0, 1e-3, 1e-3], (t.size, 1)), snr_db=np.zeros(t.size), sites=sites)


def test_initiation_needs_m_detections_within_the_window(truth):
    """3 detections within 20 s spanning >= 1 s (defaults): the table of cases gives the initiation time."""
    plan = {0: [(100.0, 0), (110.0, 0), (120.0, 0), (130.0, 0)],  # 3 in 20 s: starts at the third
            1: [(100.0, 0), (125.0, 0), (150.0, 0), (175.0, 0)],  # never 3 within 20 s
            2: [(100.0, 0), (105.0, 0)],  # only 2
            3: [(100.0, 0), (130.0, 0), (140.0, 0), (145.0, 1)],  # the first misses the window; two sensors
            4: [(200.0, 0), (200.0, 1), (200.0, 2), (202.0, 0)],  # 3 at once span 0 s: waits for 202 s
            5: [(300.0, 2), (301.0, 1), (302.0, 0), (400.0, 0)]}  # three sensors, then a lone update
    meas = _hand_measurements(truth, plan)
    pic = track(meas, None, truth.t_s[::10], TrackerConfig(), VACUUM, impact_t_s=[])
    np.testing.assert_array_equal(pic.t_init_s, [120.0, np.nan, np.nan, 145.0, 202.0, 302.0])
    np.testing.assert_array_equal(pic.n_updates, [1, 0, 0, 0, 0, 1])
    assert np.all(np.isnan(pic.state_ecef[[1, 2]]))
    k = np.searchsorted(pic.t_s, 120.0)
    assert np.all(np.isnan(pic.state_ecef[0, :k])) and np.all(np.isfinite(pic.state_ecef[0, k:k + 50]))
    # noise-free detections: the least-squares start is the truth to within the fourth-order term of the
    # gravity variation over the 20 s window, snap τ^4 / 24 with snap ~ 6e-5 m/s^4: ~0.4 m, ~0.05 m/s
    np.testing.assert_allclose(pic.state_init_ecef[0, :3], truth.r_ecef_m[0, 120], rtol=0, atol=1.0)
    np.testing.assert_allclose(pic.state_init_ecef[0, 3:], truth.v_ecef_mps[0, 120], rtol=0, atol=0.1)
    # M and the window are settings: 2 of 2 within 30 s starts threats 1 and 2 at their second detection
    pic2 = track(_hand_measurements(truth, plan), None, truth.t_s[::10],
                 TrackerConfig(init_detections=2, init_window_s=30.0), VACUUM, impact_t_s=[])
    np.testing.assert_array_equal(pic2.t_init_s, [110.0, 125.0, 105.0, 130.0, 202.0, 301.0])


def test_initial_state_uses_only_the_initiating_detections(truth):
    """Changing a later measurement leaves the initial state alone (no look-ahead, no truth)."""
    plan = {0: [(100.0, 0), (110.0, 0), (120.0, 0), (130.0, 0)]}
    meas = _hand_measurements(truth, plan)
    z = meas.z.copy()
    z[3, 0] += 5000.0
    moved = replace(meas, z=z)
    a = track(meas, None, truth.t_s[::10], TrackerConfig(), VACUUM, impact_t_s=[])
    b = track(moved, None, truth.t_s[::10], TrackerConfig(), VACUUM, impact_t_s=[])
    np.testing.assert_array_equal(a.state_init_ecef, b.state_init_ecef)
    np.testing.assert_array_equal(a.cov_init_ecef, b.cov_init_ecef)
    assert not np.allclose(a.state_ecef[0, -20], b.state_ecef[0, -20])


def test_coasting_grows_the_covariance_and_tracks_end_at_impact(truth):
    """One radar sees threat 0 from 100 s to 300 s only: afterwards the track coasts, its position and
    velocity sigmas grow at every grid time, and it ends (NaN) at the first grid time below ground."""
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m[:1], make_sites(SITES[:1]), revisit_steps=[2],
                                 sigma=SIGMA[:1], rng=np.random.default_rng(8), t_window_s=(100.0, 300.0))
    grid = np.arange(0.0, 1400.0, 10.0)
    pic = track(meas, None, grid, TrackerConfig(), VACUUM, impact_t_s=[])
    assert pic.t_last_update_s[0] <= 300.0
    pos, vel = pic.position_sigma_m()[0], pic.velocity_sigma_mps()[0]
    coast = (grid > 300.0) & np.isfinite(pos)
    assert coast.sum() > 50
    assert np.all(np.diff(pos[coast]) > 0) and np.all(np.diff(vel[coast]) > 0)
    assert pos[coast][-1] > 10 * pos[grid == 300.0][0]
    last = grid[np.isfinite(pos)].max()
    assert truth.t_impact_s[0] - 10.0 < last + 1e-9 <= truth.t_impact_s[0] + 10.0
    assert np.all(np.isnan(pic.state_ecef[0, grid > last]))


def test_more_sensors_never_give_a_larger_covariance(truth):
    """Fusing radar B with radar A never leaves a larger position or velocity covariance trace than A
    alone, at any time both tracks exist. Conditions under which this holds exactly for a linear-Gaussian
    filter, kept here: no process noise (q = 0, no manoeuvre switch) and an uninflated least-squares
    start, so that each track's information is the sum of its measurements' and the fused track's
    measurements are a superset of A's; what remains is the EKF's linearization at estimates whose
    errors (< 1 km at > 500 km) barely move the Jacobians: 1e-6 relative slack."""
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m, make_sites(SITES), revisit_steps=[2, 3],
                                 sigma=SIGMA, rng=np.random.default_rng(11))
    cfg = TrackerConfig(q_m2_s3=0.0, init_cov_inflation=1.0, maneuver_q_m2_s3=0.0)
    a = track(meas, np.array([True, False]), truth.t_s[::5], cfg, VACUUM, impact_t_s=[])
    ab = track(meas, None, truth.t_s[::5], cfg, VACUUM, impact_t_s=[])
    both = np.isfinite(a.state_ecef[..., 0]) & np.isfinite(ab.state_ecef[..., 0])
    assert both.sum() > 400
    for sl in (slice(0, 3), slice(3, 6)):
        tr_a = np.einsum("nkii->nk", a.cov_ecef[..., sl, sl])[both]
        tr_ab = np.einsum("nkii->nk", ab.cov_ecef[..., sl, sl])[both]
        assert np.all(tr_ab <= tr_a * (1 + 1e-6))
        assert np.median(tr_ab / tr_a) < 0.8  # and B adds something
    assert np.all(ab.t_init_s <= a.t_init_s)
    assert np.all(ab.sensors_allowed) and a.sensors_allowed.tolist() == [True, False]


def test_update_record_rows_point_into_the_given_measurements(truth):
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m[:2], make_sites(SITES), revisit_steps=[4, 5],
                                 sigma=SIGMA, rng=np.random.default_rng(3))
    pic = track(meas, np.array([False, True]), truth.t_s[::20], replace(EXACT, q_m2_s3=1.0), VACUUM,
                impact_t_s=[])
    u = pic.updates
    assert u.row.size == pic.n_updates.sum() > 0
    np.testing.assert_array_equal(meas.sensor[u.row], 1)
    np.testing.assert_array_equal(meas.t_s[u.row], u.t_s)
    np.testing.assert_array_equal(meas.threat[u.row], u.threat)
    assert pic.impact is None


def _picture(pos_sigma: np.ndarray, vel_sigma: np.ndarray, t_s: np.ndarray) -> TrackPicture:
    n, k = pos_sigma.shape
    cov = np.zeros((n, k, 6, 6))
    cov[..., [0, 1, 2], [0, 1, 2]] = (pos_sigma**2)[..., None] * np.array([1.0, 0.25, 0.5])
    cov[..., [3, 4, 5], [3, 4, 5]] = (vel_sigma**2)[..., None] * np.array([0.5, 1.0, 0.1])
    state = np.where(np.isnan(pos_sigma)[..., None], np.nan, 1.0) * np.ones((n, k, 6))
    cov = np.where(np.isnan(pos_sigma)[..., None, None], np.nan, cov)
    return TrackPicture(t_s=t_s, sensors_allowed=np.ones(1, bool), t_init_s=np.zeros(n),
                        t_last_update_s=np.zeros(n), n_updates=np.zeros(n, np.int64),
                        state_init_ecef=state[:, 0], cov_init_ecef=cov[:, 0], state_ecef=state, cov_ecef=cov,
                        impact=None, updates=None)


def test_fire_control_time_holds_for_the_hold_time():
    t = np.arange(0.0, 100.0, 10.0)
    nan = np.nan
    pos = np.array([[900, 500, 90, 300, 90, 80, 70, 60, 50, 40],  # dips at 20 s, holds from 40 s
                    [nan, nan, 90, 80, 70, nan, nan, nan, nan, nan],  # qualifies, then the track ends
                    [900, 800, 700, 600, 500, 400, 300, 200, 150, 101],  # never
                    [nan] * 10], dtype=float)
    vel = np.full_like(pos, 5.0)
    vel[0, 6] = 50.0  # velocity spoils 60 s for threat 0
    pic = _picture(pos, vel, t)
    np.testing.assert_allclose(pic.position_sigma_m(), pos, rtol=1e-12)
    np.testing.assert_allclose(pic.velocity_sigma_mps(), np.where(np.isnan(pos), np.nan, vel), rtol=1e-12)
    np.testing.assert_array_equal(pic.fire_control_time_s(100.0, 10.0, hold_s=0.0), [20.0, 20.0, nan, nan])
    np.testing.assert_array_equal(pic.fire_control_time_s(100.0, 10.0, hold_s=10.0), [40.0, 20.0, nan, nan])
    np.testing.assert_array_equal(pic.fire_control_time_s(100.0, 10.0, hold_s=20.0), [70.0, 20.0, nan, nan])
    np.testing.assert_array_equal(pic.fire_control_time_s(100.0, 10.0, hold_s=np.inf), [70.0, 20.0, nan, nan])
    np.testing.assert_array_equal(pic.fire_control_time_s(100.0, 100.0, np.inf), [40.0, 20.0, nan, nan])
    with pytest.raises(ValueError, match="pos_sigma_m"):
        pic.fire_control_time_s(-1.0, 10.0)


def test_config_validation_names_the_field_and_round_trips():
    cfg = TrackerConfig(motion_model="constant_velocity", q_m2_s3=3.0, init_detections=4)
    assert TrackerConfig(**asdict(cfg)) == cfg
    for kwargs, field in [({"q_m2_s3": -1.0}, "q_m2_s3"), ({"motion_model": "singer"}, "motion_model"),
                          ({"init_detections": 1}, "init_detections"), ({"max_step_s": 0.0}, "max_step_s"),
                          ({"init_min_span_s": 50.0}, "init_min_span_s"),
                          ({"ballistic_coefficient_kg_m2": 0.0}, "ballistic_coefficient_kg_m2")]:
        with pytest.raises(ValueError, match=f"TrackerConfig.{field}"):
            TrackerConfig(**kwargs)


def test_track_rejects_bad_arguments(truth):
    meas = _hand_measurements(truth, {0: [(100.0, 0), (110.0, 0), (120.0, 0)]})
    with pytest.raises(ValueError, match="sensors_allowed"):
        track(meas, np.array([True]), truth.t_s, TrackerConfig(), VACUUM)
    with pytest.raises(ValueError, match="strictly increasing"):
        track(meas, None, truth.t_s[::-1], TrackerConfig(), VACUUM)
    with pytest.raises(ValueError, match="impact_t_s"):
        track(meas, None, truth.t_s[::10], TrackerConfig(), VACUUM, impact_t_s=[15.0])
    with pytest.raises(ValueError, match="n_threats"):
        track(meas, None, truth.t_s[::10], TrackerConfig(), VACUUM, n_threats=0)
    # no measurements at all: every threat untracked, arrays of the right shapes
    empty = replace(meas, t_s=meas.t_s[:0], threat=meas.threat[:0], sensor=meas.sensor[:0], z=meas.z[:0],
                    sigma=meas.sigma[:0], snr_db=meas.snr_db[:0])
    pic = track(empty, None, truth.t_s[::100], TrackerConfig(), EarthModel(), n_threats=3)
    assert pic.state_ecef.shape == (3, truth.t_s[::100].size, 6) and np.all(np.isnan(pic.t_init_s))
    assert np.all(np.isnan(pic.impact.t_impact_s))
