"""The ballistic tracker against a lifting (quasi-ballistic) target: the KN-23 pull-up, with and without the
Singer lift noise (tracking/dynamics.py, docs/methods/tracking.md "Lifting targets").

Truth: the catalog KN-23 on its quasi-ballistic profile (``plan_powered(..., glide=True)`` at a 16 deg
pitch-over: 49 km apogee, about 700 km in 586 s, a pull-up at 27 km and a glide to the 800 m/s dive
speed), and the same boost with the lift switched off (a 49 km-apogee ballistic arc to 340 km) as the
ballistic comparison. One radar 300 km down-range and 100 km to the side, 20 m / 1 mrad, 2 s revisit,
50 Monte Carlo runs of the measurement noise, default tracker settings (as the assessment uses them).
The lifting phase is where the truth's acceleration departs from the ballistic equations of motion at
the true β (central differences of the truth's velocity) by more than 5 m/s^2, after burnout.

Consistency measures ([BLK01] sec. 5.4): the 50-run average NEES (6 dof), and the fraction of (run, time)
points whose true position lies inside the filter's 95% position ellipsoid (3 dof: expected 0.95).
"""

import dataclasses

import numpy as np
import pytest
from scipy.stats import chi2

from bmdsim.earth.frames import enu_from_ecef_matrix, geodetic_to_ecef
from bmdsim.earth.geodesy import surface_forward
from bmdsim.earth.model import EarthModel
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.plan import plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.tracking import TrackerConfig, track
from bmdsim.tracking.dynamics import BallisticModel

from .scenario import make_sites, replicate, simulate_measurements

EARTH = EarthModel()
RUNS = 50
KUSONG = np.radians([39.98, 125.25])  # the 2024 preset's KN-23 launch area (sites catalog `kusong`)
AZIMUTH = np.radians(155.0)  # toward Pyeongtaek and beyond
KN23_LD_MAX = 4.0  # the catalog's upper L/D of the KN-23 (threats.yaml, quasi_ballistic.lift_to_drag.high)
FC_POS_M, FC_VEL_MPS = 500.0, 50.0  # the 2024 preset's fire-control thresholds


@pytest.fixture(scope="module")
def flights():
    plan = plan_powered(threat_vehicle("kn-23"), *KUSONG, 0.0, AZIMUTH, np.radians(16.0), earth=EARTH, glide=True)
    lifting = propagate(plan, EARTH, output_step_s=1.0)
    ballistic = propagate(dataclasses.replace(plan, lift_to_drag=np.zeros(1)), EARTH, output_step_s=1.0)
    lat, lon = surface_forward(KUSONG[:1], KUSONG[1:], np.array([AZIMUTH]), np.array([300e3]))
    lat, lon = surface_forward(lat, lon, np.array([AZIMUTH - np.pi / 2]), np.array([100e3]))
    sites = make_sites([(float(np.degrees(lat[0])), float(np.degrees(lon[0])), 100.0)])
    return {"lifting": lifting, "ballistic": ballistic, "sites": sites}


def _run(flights, name, lift_to_drag):
    """Track RUNS noisy measurement sets of one flight; consistency figures on the 2 s grid."""
    tr = flights[name]
    meas = simulate_measurements(tr.t_s, replicate(tr.r_ecef_m[0], RUNS), flights["sites"], revisit_steps=[2],
                                 sigma=np.array([[20.0, 1e-3, 1e-3]]), rng=np.random.default_rng(3),
                                 min_el_rad=np.radians(0.5))
    grid = tr.t_s[::2]
    t_dive = grid[np.searchsorted(grid, 0.85 * tr.t_impact_s[0])]  # past the glide: the terminal dive
    ld = None if lift_to_drag is None else np.full(RUNS, lift_to_drag)
    pic = track(meas, None, grid, TrackerConfig(), EARTH, impact_t_s=[t_dive], lift_to_drag=ld)
    x_true = np.concatenate([tr.r_ecef_m[0], tr.v_ecef_mps[0]], axis=1)
    # the lifting phase: truth acceleration minus the ballistic model at the true β (9,000 kg/m^2)
    truth_model = BallisticModel(earth=EARTH, q_m2_s3=0.0, ballistic_coefficient_kg_m2=9000.0)
    k = np.flatnonzero(np.isfinite(x_true[:, 0]))[1:-1]
    a_extra = np.zeros(tr.t_s.size)
    a_extra[k] = np.linalg.norm(0.5 * (x_true[k + 1, 3:] - x_true[k - 1, 3:])
                                - truth_model.derivative(x_true[k])[:, 3:], axis=1)
    err = pic.state_ecef - x_true[::2][None]
    live = np.isfinite(err[..., 0]).all(axis=0)
    e, C = err[:, live], pic.cov_ecef[:, live]
    anees = np.einsum("nki,nki->nk", e, np.linalg.solve(C, e[..., None])[..., 0]).mean(axis=0)
    d2_pos = np.einsum("nki,nki->nk", e[..., :3], np.linalg.solve(C[..., :3, :3], e[..., :3, None])[..., 0])
    t = grid[live]
    lifting = (t > tr.t_burnout_s[0] + 5.0) & (a_extra[::2][live] > 5.0)
    top = np.sqrt(np.linalg.eigvalsh(C[..., :3, :3])[..., -1]), np.sqrt(np.linalg.eigvalsh(C[..., 3:, 3:])[..., -1])
    fire_control_quality = (top[0] <= FC_POS_M) & (top[1] <= FC_VEL_MPS)
    imp = pic.impact
    E = enu_from_ecef_matrix(imp.lat_rad[:, 0], imp.lon_rad[:, 0])[:, :2]
    miss = np.einsum("nij,nj->ni", E, tr.r_impact_ecef_m[0] - imp.r_impact_ecef_m[:, 0])
    d2_impact = np.einsum("ni,ni->n", miss, np.linalg.solve(imp.cov_en_m2[:, 0], miss[..., None])[..., 0])
    t_fc = pic.fire_control_time_s(FC_POS_M, FC_VEL_MPS)
    hold = (t[None, :] >= t_fc[:, None]) & (t[None, :] <= t_fc[:, None] + 10.0)  # the 10 s it must hold
    return dict(anees=anees, inside=d2_pos < chi2.ppf(0.95, 3), lifting=lifting, fc=fire_control_quality,
                t_fc=t_fc, hold=hold, d2_impact=d2_impact)


@pytest.fixture(scope="module")
def runs(flights):
    return {"lifting": _run(flights, "lifting", None), "lifting+bound": _run(flights, "lifting", KN23_LD_MAX),
            "ballistic": _run(flights, "ballistic", None)}


def test_the_truth_lifts_for_minutes(runs):
    assert runs["lifting"]["lifting"].sum() >= 150  # 2 s grid points: over 5 minutes (177 measured)
    assert not runs["ballistic"]["lifting"].any()  # the comparison arc has none


def test_ballistic_filter_is_overconfident_on_the_pull_up(runs):
    """Without the lift noise the 50-run NEES exceeds its upper 99.5% bound χ²(300)/50 = 7.70 at nearly
    every lifting time (96% measured; mean 43), and the true position lies inside the 95% ellipsoid at
    73% of points, not 95%; the NIS-driven manoeuvre switch reacts too late to prevent it."""
    r = runs["lifting"]
    hi = chi2.ppf(0.995, 6 * RUNS) / RUNS
    assert np.mean(r["anees"][r["lifting"]] > hi) > 0.8
    assert r["inside"][:, r["lifting"]].mean() < 0.85


def test_lift_noise_restores_consistency_on_the_pull_up(runs):
    """With the KN-23's L/D bound the lifting phase's NEES never exceeds the upper 99.5% bound (mean 3.95,
    max 5.13 measured, against the two-sided 95% band [5.08, 7.00]: slightly pessimistic) and the true
    position lies inside the 95% ellipsoid at 96% of points. Over the whole track (boost included) that
    is 96%, against 88% for the same filter, without a bound, on the ballistic arc."""
    r = runs["lifting+bound"]
    hi = chi2.ppf(0.995, 6 * RUNS) / RUNS
    assert np.all(r["anees"][r["lifting"]] < hi)
    assert 0.93 <= r["inside"][:, r["lifting"]].mean() <= 0.995
    assert r["inside"].mean() >= runs["ballistic"]["inside"].mean() - 0.02


def test_fire_control_quality_is_declared_only_when_it_is_true(runs):
    """At the (run, time) points of the lifting phase that the track declares of fire-control quality
    (largest 1-sigma within 500 m and 50 m/s), the true position falls inside the reported 95% ellipsoid
    at the expected rate with the lift noise (95.8% measured), against 54% without it: the fire-control
    decision is taken on a covariance that now tells the truth. Over the 10 s hold from each run's
    fire-control time (56 s with the bound, 62-76 s without) it does so too (>= 93%).

    The fire-control time comes 10 s *earlier* with the bound here: the lift noise, sized by the dense
    air, already covers the boost's unmodelled thrust, so the NIS-driven manoeuvre switch (1e4 m^2/s^3)
    does not fire and the covariance is smaller once the air thins, yet honest. In the 2024 preset the
    same change delays the two quasi-ballistic KN-23s by 4 s and 6 s (docs/methods/tracking.md)."""
    for name, lo, hi in [("lifting+bound", 0.93, 1.0), ("lifting", 0.0, 0.7)]:
        r = runs[name]
        declared = r["fc"] & r["lifting"][None, :]
        assert declared.sum() > 2000  # about half the lifting points qualify either way
        assert lo <= r["inside"][declared].mean() <= hi
        assert np.all(np.isfinite(r["t_fc"]))
    assert runs["lifting+bound"]["inside"][runs["lifting+bound"]["hold"]].mean() >= 0.93


def test_impact_ellipse_in_the_dive_covers_the_impact_point(runs):
    """Predicted from the terminal dive (85% of the flight time, once the lift has faded), the impact
    ellipse holds the true impact point of >= 90% of runs (2 dof, 95% ellipse: 100% measured) with the
    lift noise, against 26% without. Earlier, during the glide, the ballistic prediction falls short of
    the gliding target by 80-390 km whatever the noise: a documented limit (docs/methods/tracking.md)."""
    inside = {name: np.mean(runs[name]["d2_impact"] < chi2.ppf(0.95, 2)) for name in ("lifting", "lifting+bound")}
    assert inside["lifting+bound"] >= 0.9
    assert inside["lifting"] < 0.5


def test_lift_noise_is_the_singer_term_and_zero_without_a_bound():
    """Analytic: at 25 km (USSA76 density 4.0084e-2 kg/m^3, NOAA-S/T 76-1562 Table 1) and 2 km/s with the
    assumed β = 5,000 kg/m^2 the drag is 16.0 m/s^2; L/D = 4 bounds the lift at 64.1 m/s^2 and adds
    2 τ_L A^2 / 3 = 5,480 m^2/s^3 at τ_L = 2 s. A zero bound gives exactly the ballistic density, and
    above the drag ceiling the lift term vanishes."""
    r = geodetic_to_ecef(np.radians([38.0, 38.0, 38.0]), np.radians([127.0] * 3), np.array([25e3, 25e3, 150e3]))
    v = np.array([[0.0, 0.0, 0.0]] * 3)
    v[:, :] = 2000.0 * np.array([0.0, 0.6, -0.8])
    x = np.concatenate([r, v], axis=1)
    model = BallisticModel(earth=EARTH, q_m2_s3=1.0, ballistic_coefficient_kg_m2=5000.0,
                           lift_noise_corr_time_s=2.0)
    ld = np.array([0.0, 4.0, 4.0])
    base, with_lift = model.noise_psd_m2_s3(x), model.noise_psd_m2_s3(x, ld)
    assert with_lift[0] == base[0] and with_lift[2] == base[2]
    a_bound = 4.0 * 0.5 * 4.0084e-2 * 2000.0**2 / 5000.0
    np.testing.assert_allclose(with_lift[1] - base[1], 2.0 * 2.0 * a_bound**2 / 3.0, rtol=2e-3)
    # lift is sized by the filter's drag model even when the Earth model applies no drag (as in flight)
    vacuum = dataclasses.replace(model, earth=EarthModel(drag=False))
    np.testing.assert_allclose(vacuum.noise_psd_m2_s3(x, ld)[1] - 1.0, 2.0 * 2.0 * a_bound**2 / 3.0, rtol=2e-3)


def test_track_checks_the_lift_bounds(flights):
    tr = flights["lifting"]
    meas = simulate_measurements(tr.t_s, tr.r_ecef_m, flights["sites"], revisit_steps=[5],
                                 sigma=np.array([[20.0, 1e-3, 1e-3]]), rng=np.random.default_rng(1))
    for bad in (np.array([-1.0]), np.array([np.nan]), np.array([1.0, 2.0])):
        with pytest.raises(ValueError, match="lift_to_drag"):
            track(meas, None, tr.t_s[::10], TrackerConfig(), EARTH, impact_t_s=[], lift_to_drag=bad)
    # zeros are the ballistic tracker, bit for bit
    a = track(meas, None, tr.t_s[::10], TrackerConfig(), EARTH, impact_t_s=[])
    b = track(meas, None, tr.t_s[::10], TrackerConfig(), EARTH, impact_t_s=[], lift_to_drag=np.zeros(1))
    np.testing.assert_array_equal(a.cov_ecef, b.cov_ecef)
