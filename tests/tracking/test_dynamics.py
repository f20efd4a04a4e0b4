"""The filter's motion models: Jacobians against finite differences, physics against bmdsim.flight, and the
second-order transition matrix against the exact flow Jacobian."""

import numpy as np
import pytest
from scipy.integrate import quad_vec

from bmdsim.earth import constants as c
from bmdsim.earth.frames import geodetic_to_ecef
from bmdsim.earth.gravity import gravity_accel
from bmdsim.earth.model import EarthModel
from bmdsim.flight.dynamics import PhaseParams, derivative
from bmdsim.tracking.dynamics import (
    BallisticModel,
    ConstantVelocityModel,
    gravity_gradient,
    process_noise,
    step_rk4,
)
from bmdsim.tracking.ekf import predict

from .scenario import VACUUM, ballistic_truth

FULL = EarthModel()


def _states(n: int = 5, alt_m: float = 300e3, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r = geodetic_to_ecef(np.radians(rng.uniform(-80, 80, n)), np.radians(rng.uniform(-180, 180, n)),
                         np.full(n, alt_m))
    v = rng.normal(0.0, 3000.0, (n, 3))
    return np.concatenate([r, v], axis=1)


def _fd_jacobian(fun, x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Central differences of fun: (m, 6) -> (m, d), shape (m, d, 6)."""
    cols = []
    for j in range(x.shape[1]):
        dx = np.zeros_like(x)
        dx[:, j] = step[j]
        cols.append((fun(x + dx) - fun(x - dx)) / (2.0 * step[j]))
    return np.stack(cols, axis=-1)


def test_gravity_gradient_matches_finite_differences_of_earth_gravity():
    r = _states(8)[:, :3]
    fd = _fd_jacobian(lambda rr: gravity_accel(rr), np.concatenate([r, r], axis=1)[:, :3], np.full(3, 10.0))
    ours = gravity_gradient(r, c.GM_EARTH_M3_S2, c.WGS84_J2, c.WGS84_A_M)
    # central difference error ~ (10 m)^2 |g'''| / 6 ~ 1e-15 /s^2, far below the 3e-6 /s^2 entries
    np.testing.assert_allclose(ours, fd, rtol=0, atol=1e-14)
    # J2 makes a difference of ~1e-9 /s^2 that the check resolves
    assert np.abs(ours - gravity_gradient(r, c.GM_EARTH_M3_S2, 0.0, c.WGS84_A_M)).max() > 1e-10


@pytest.mark.parametrize("alt_m", [300e3, 40e3])
def test_ballistic_jacobian_matches_finite_differences(alt_m):
    model = BallisticModel(earth=FULL, q_m2_s3=1.0, q_endo_m2_s3=1.0, ballistic_coefficient_kg_m2=3000.0)
    x = _states(6, alt_m)
    fd = _fd_jacobian(model.derivative, x, np.array([1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3]))
    ours = model.jacobian(x)
    np.testing.assert_allclose(ours[:, :, 3:], fd[:, :, 3:], rtol=1e-7, atol=1e-12)  # velocity columns
    # Position columns: in the air the density gradient comes from ±50 m differences of a table whose
    # ln rho is linear on 25 m' cells, so it is the cell-averaged slope: agree to 2% of the largest entry.
    scale = np.abs(fd[:, 3:, :3]).max(axis=(1, 2), keepdims=True)
    tol = 2e-2 if alt_m < 100e3 else 1e-7
    assert np.all(np.abs(ours[:, 3:, :3] - fd[:, 3:, :3]) <= tol * scale)


def test_ballistic_derivative_equals_flight_equations_of_motion():
    """The filter's model is the truth model of bmdsim.flight without thrust (same β, Earth)."""
    beta = 4000.0
    model = BallisticModel(earth=FULL, q_m2_s3=0.0, q_endo_m2_s3=0.0, ballistic_coefficient_kg_m2=beta)
    x = np.concatenate([_states(4, 60e3), _states(4, 500e3, seed=5)])
    m = x.shape[0]
    zero, one = np.zeros(m), np.ones(m)
    params = PhaseParams(thrust_n=zero, mdot_kg_s=zero, m0_kg=beta * one, t0_s=zero, cda_m2=one,
                         mode=np.zeros(m, dtype=np.int8), u_horiz_ecef=np.zeros((m, 3)),
                         u_up_ecef=np.zeros((m, 3)), pitch_end_rad=zero, t_vertical_s=zero, t_pitch_end_s=zero)
    np.testing.assert_allclose(model.derivative(x), derivative(zero, x, params, FULL), rtol=1e-12, atol=1e-12)


def test_prediction_follows_the_flight_propagator():
    """600 s of RK4 with 5 s substeps lands within 1 m of bmdsim.flight's adaptive DP5(4) truth."""
    tr = ballistic_truth(2)
    model = BallisticModel(earth=VACUUM, q_m2_s3=0.0, q_endo_m2_s3=0.0, ballistic_coefficient_kg_m2=5000.0)
    x0 = np.concatenate([tr.r_ecef_m[:, 100], tr.v_ecef_mps[:, 100]], axis=1)
    x1, _ = predict(x0, np.zeros((2, 6, 6)), np.full(2, 600.0), model)
    np.testing.assert_allclose(x1[:, :3], tr.r_ecef_m[:, 700], rtol=0, atol=1.0)  # 1 m
    np.testing.assert_allclose(x1[:, 3:], tr.v_ecef_mps[:, 700], rtol=0, atol=1e-3)  # 1 mm/s


@pytest.mark.parametrize(("earth", "alt_m", "dt_s", "rtol"), [(VACUUM, 300e3, 600.0, 1e-4),
                                                            (FULL, 40e3, 20.0, 2e-2)])
def test_covariance_prediction_matches_the_flow_jacobian(earth, alt_m, dt_s, rtol):
    """Φ P Φ^T from the product of second-order substep Φ equals J P J^T with J the finite-difference
    Jacobian of the integrated state: 1e-4 relative over 600 s in vacuum; 2% over 20 s of dense air
    (where the substep is a tenth of the drag time scale and the density gradient is cell-averaged)."""
    model = BallisticModel(earth=earth, q_m2_s3=0.0, q_endo_m2_s3=0.0, ballistic_coefficient_kg_m2=5000.0)
    x0 = _states(3, alt_m, seed=11)
    x0[:, 3:] *= 0.5
    dt = np.full(3, dt_s)
    P0 = np.diag([100.0**2] * 3 + [1.0**2] * 3)
    _, P1 = predict(x0, np.broadcast_to(P0, (3, 6, 6)).copy(), dt, model)

    def flow(x):
        return predict(x, np.zeros((x.shape[0], 6, 6)), np.full(x.shape[0], dt_s), model)[0]

    J = _fd_jacobian(flow, x0, np.array([1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3]))
    ref = J @ P0 @ J.transpose(0, 2, 1)
    scale = np.sqrt(np.einsum("mii->mi", ref))
    rel = np.abs(P1 - ref) / (scale[:, :, None] * scale[:, None, :])
    assert rel.max() < rtol


def test_constant_velocity_prediction_is_exact():
    model = ConstantVelocityModel(q_m2_s3=0.0)
    x0 = _states(4)
    P0 = np.broadcast_to(np.diag([4.0, 9.0, 16.0, 1.0, 2.0, 3.0]), (4, 6, 6)).copy()
    dt = np.array([0.0, 1.5, 37.0, 1234.5])
    x1, P1 = predict(x0, P0, dt, model)
    np.testing.assert_allclose(x1[:, :3], x0[:, :3] + dt[:, None] * x0[:, 3:], rtol=1e-15, atol=1e-9)
    F = np.broadcast_to(np.eye(6), (4, 6, 6)).copy()
    F[:, [0, 1, 2], [3, 4, 5]] = dt[:, None]
    np.testing.assert_allclose(P1, F @ P0 @ F.transpose(0, 2, 1), rtol=1e-14, atol=1e-9)


def test_process_noise_is_the_integral_of_white_acceleration():
    """Q(h) = ∫ Φ(s) G q G^T Φ(s)^T ds for constant velocity, by adaptive quadrature (BLK01 eq. 6.2.2-12)."""
    q, h = 2.5, 7.0
    G = np.zeros((6, 3))
    G[3:] = np.eye(3)

    def integrand(s):
        Phi = np.eye(6)
        Phi[:3, 3:] = s * np.eye(3)
        return Phi @ G @ G.T @ Phi.T * q

    ref, _ = quad_vec(integrand, 0.0, h)
    np.testing.assert_allclose(process_noise(np.array([h]), np.array([q]))[0], ref, rtol=1e-12, atol=1e-12)


def test_substeps_shorten_in_dense_air_and_noise_switches_at_the_ceiling():
    model = BallisticModel(earth=FULL, q_m2_s3=0.5, q_endo_m2_s3=50.0, ballistic_coefficient_kg_m2=5000.0)
    x = np.concatenate([_states(1, 20e3), _states(1, 300e3)])
    step = model.max_step_s(x)
    assert step[1] == 5.0
    # at 20 km and ~5 km/s: |a_drag| / |v| = rho |v| / 2β ~ 0.09*5000/1e4 ~ 0.04 /s -> 0.1/0.04 = 2.5 s
    assert 0.5 < step[0] < 4.0
    np.testing.assert_array_equal(model.noise_psd_m2_s3(x), [50.0, 0.5])
    vac = BallisticModel(earth=VACUUM, q_m2_s3=0.5, q_endo_m2_s3=50.0, ballistic_coefficient_kg_m2=5000.0)
    np.testing.assert_array_equal(vac.noise_psd_m2_s3(x), [0.5, 0.5])
    np.testing.assert_array_equal(vac.max_step_s(x), [5.0, 5.0])


def test_rk4_step_is_fourth_order():
    """Halving the step cuts the one-step error 32x (local error O(h^5)): 25-40x measured."""
    model = BallisticModel(earth=VACUUM, q_m2_s3=0.0, q_endo_m2_s3=0.0, ballistic_coefficient_kg_m2=1.0)
    x0 = _states(3, 200e3)
    ref = x0
    for _ in range(256):
        ref = step_rk4(ref, np.full(3, 80.0 / 256), model)
    e1 = np.abs(step_rk4(x0, np.full(3, 80.0), model) - ref)[:, :3].max()
    half = step_rk4(step_rk4(x0, np.full(3, 40.0), model), np.full(3, 40.0), model)
    e2 = np.abs(half - ref)[:, :3].max()
    assert 12.0 < e1 / e2 < 40.0
