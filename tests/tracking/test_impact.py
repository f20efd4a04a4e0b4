"""Impact prediction: the point against bmdsim.flight's propagator, the ellipse against a Monte Carlo of
propagated trajectories, and the ellipse geometry against closed forms."""

import numpy as np
import pytest

from bmdsim.earth.frames import enu_from_ecef_matrix
from bmdsim.earth.model import EarthModel
from bmdsim.flight.plan import FlightPlan
from bmdsim.flight.propagator import propagate
from bmdsim.tracking import BallisticModel, ConstantVelocityModel, ground_ellipse, predict_impact

from .scenario import VACUUM, ballistic_truth

FULL = EarthModel()
BETA = 5000.0


def _model(earth):
    return BallisticModel(earth=earth, q_m2_s3=0.0, ballistic_coefficient_kg_m2=BETA, beta_rel_sigma=0.0)


@pytest.mark.parametrize("earth", [VACUUM, FULL])
def test_impact_point_matches_the_flight_propagator(earth):
    """From true states at 200 s and 600 s, the predicted impact is within 1 cm and 1 ms of the truth's
    (DP5(4) at rtol 1e-10), measured 0.4 mm in vacuum and 1.3 mm with drag (the filter's β is then the
    truth's, and its substeps shrink in the air)."""
    tr = ballistic_truth(3, earth=earth)
    ks = np.array([200, 600])
    x = np.concatenate([tr.r_ecef_m[:, ks], tr.v_ecef_mps[:, ks]], axis=2).reshape(-1, 6)
    P = np.broadcast_to(np.diag([1.0] * 3 + [0.01] * 3), (x.shape[0], 6, 6)).copy()
    pred = predict_impact(x, P, np.tile(tr.t_s[ks], 3), _model(earth), earth).reshape(3, 2)
    np.testing.assert_allclose(pred.r_impact_ecef_m, np.repeat(tr.r_impact_ecef_m[:, None], 2, axis=1),
                               rtol=0, atol=0.01)
    np.testing.assert_allclose(pred.t_impact_s, np.repeat(tr.t_impact_s[:, None], 2, axis=1),
                               rtol=0, atol=1e-3)
    assert pred.t_predicted_s.shape == (3, 2) and pred.cov_en_m2.shape == (3, 2, 2, 2)


def _plan(x_ecef: np.ndarray) -> FlightPlan:
    m = x_ecef.shape[0]
    one, zero = np.ones((m, 1)), np.zeros(m)
    return FlightPlan(r0_ecef_m=x_ecef[:, :3], v0_ecef_mps=x_ecef[:, 3:], t_launch_s=zero,
                      phase_t_end_s=np.full((m, 1), np.inf), phase_thrust_n=0 * one, phase_mdot_kg_s=0 * one,
                      phase_m0_kg=BETA * one, phase_cda_m2=one, t_burnout_s=zero,
                      mode=np.zeros(m, dtype=np.int8),
                      u_horiz_ecef=np.zeros((m, 3)), u_up_ecef=np.zeros((m, 3)), pitch_end_rad=zero,
                      t_vertical_s=zero, t_pitch_end_s=zero)


def test_ellipse_matches_a_monte_carlo_of_propagated_trajectories():
    """1,000 initial states drawn from N(x, P) at 400 s and flown to the ground by bmdsim.flight: the
    sample covariance of their impact points (east/north at the predicted point) matches the linearized
    one. Tolerances: semi-axes within 8% (sampling error of a standard deviation from 1,000 draws is
    2.2%, so 3.5 sigma; measured 0.2% and 2.1% on a 1.7 km x 0.7 km ellipse); major-axis azimuth within
    3° (0.5°); mean offset within 4 standard errors (1.3 and 2.3: the linearization's bias is small)."""
    tr = ballistic_truth(1)
    k = 400
    x = np.concatenate([tr.r_ecef_m[0, k], tr.v_ecef_mps[0, k]])
    rng = np.random.default_rng(4)
    A = rng.normal(size=(6, 6))
    D = np.diag([150.0] * 3 + [1.5] * 3)
    P = D @ (A @ A.T / 6 + 0.2 * np.eye(6)) @ D
    pred = predict_impact(x[None], P[None], tr.t_s[k:k + 1], _model(VACUUM), VACUUM)
    samples = rng.multivariate_normal(x, P, 1000)
    mc = propagate(_plan(samples), VACUUM, output_step_s=None)
    E = enu_from_ecef_matrix(pred.lat_rad[0], pred.lon_rad[0])[:2]
    off = (mc.r_impact_ecef_m - pred.r_impact_ecef_m[0]) @ E.T
    a, b, az = ground_ellipse(np.cov(off.T))
    np.testing.assert_allclose([a, b], [pred.semi_major_m[0], pred.semi_minor_m[0]], rtol=0.08)
    assert abs(np.degrees(az - pred.orientation_rad[0] + np.pi / 2) % 180 - 90) < 3.0
    assert np.all(np.abs(off.mean(axis=0)) < 4 * np.sqrt(np.diag(pred.cov_en_m2[0]) / 1000))


@pytest.mark.parametrize(("angle_deg", "a", "b"), [(0.0, 30.0, 10.0), (45.0, 30.0, 10.0), (90.0, 5.0, 1.0),
                                                   (135.0, 2.0, 1.0), (179.0, 8.0, 7.9)])
def test_ground_ellipse_closed_form(angle_deg, a, b):
    """A covariance built with major axis ``a`` at azimuth θ (clockwise from north) gives back a, b, θ."""
    th = np.radians(angle_deg)
    major = np.array([np.sin(th), np.cos(th)])  # (east, north)
    minor = np.array([np.cos(th), -np.sin(th)])
    cov = a * a * np.outer(major, major) + b * b * np.outer(minor, minor)
    got_a, got_b, got_az = ground_ellipse(cov)
    np.testing.assert_allclose([got_a, got_b], [a, b], rtol=1e-12)
    assert abs((np.degrees(got_az) - angle_deg + 90.0) % 180.0 - 90.0) < 1e-9
    assert 0.0 <= got_az < np.pi


def test_circle_and_degenerate_ellipses():
    a, b, _ = ground_ellipse(np.eye(2) * 4.0)
    assert a == b == 2.0
    a, b, az = ground_ellipse(np.array([[0.0, 0.0], [0.0, 9.0]]))  # a line north-south
    assert (a, b, az) == (3.0, 0.0, 0.0)


def test_no_impact_gives_nan():
    """NaN states, a state below ground and a straight-line track climbing away all give NaN."""
    tr = ballistic_truth(1)
    r = tr.r_ecef_m[0, 100]
    x_up = np.concatenate([r, 3000.0 * r / np.linalg.norm(r)])
    x_below = np.concatenate([0.99 * tr.r_ecef_m[0, 100], tr.v_ecef_mps[0, 100]])
    x = np.stack([np.full(6, np.nan), x_below, x_up])
    P = np.broadcast_to(np.eye(6), (3, 6, 6)).copy()
    pred = predict_impact(x, P, np.zeros(3), ConstantVelocityModel(q_m2_s3=1.0), VACUUM, max_time_s=600.0)
    assert np.all(np.isnan(pred.t_impact_s)) and np.all(np.isnan(pred.semi_major_m))
    # while a constant-velocity track heading down does hit the ground
    x_down = np.concatenate([tr.r_ecef_m[0, 100], -x_up[3:]])
    pred = predict_impact(x_down[None], P[:1], np.zeros(1), ConstantVelocityModel(q_m2_s3=1.0), VACUUM)
    assert np.isfinite(pred.t_impact_s[0])
