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
from bmdsim.flight.plan import FlightPlan
from bmdsim.flight.propagator import Tolerances, propagate
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
    model = BallisticModel(earth=FULL, q_m2_s3=1.0, ballistic_coefficient_kg_m2=3000.0)
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
    model = BallisticModel(earth=FULL, q_m2_s3=0.0, ballistic_coefficient_kg_m2=beta,
                           drag_ceiling_m=2e6)  # the flight model has drag up to 1000 km
    x = np.concatenate([_states(4, 60e3), _states(4, 500e3, seed=5)])
    m = x.shape[0]
    zero, one = np.zeros(m), np.ones(m)
    params = PhaseParams(thrust_n=zero, mdot_kg_s=zero, m0_kg=beta * one, t0_s=zero, cda_m2=one,
                         mode=np.zeros(m, dtype=np.int8), u_horiz_ecef=np.zeros((m, 3)),
                         u_up_ecef=np.zeros((m, 3)), pitch_end_rad=zero, t_vertical_s=zero,
                         t_pitch_end_s=zero)
    np.testing.assert_allclose(model.derivative(x), derivative(zero, x, params, FULL), rtol=1e-12, atol=1e-12)


def test_prediction_follows_the_flight_propagator():
    """600 s of RK4 with 5 s substeps lands within 1 m of bmdsim.flight's adaptive DP5(4) truth."""
    tr = ballistic_truth(2)
    model = BallisticModel(earth=VACUUM, q_m2_s3=0.0, ballistic_coefficient_kg_m2=5000.0)
    x0 = np.concatenate([tr.r_ecef_m[:, 100], tr.v_ecef_mps[:, 100]], axis=1)
    x1, _ = predict(x0, np.zeros((2, 6, 6)), np.full(2, 600.0), model)
    np.testing.assert_allclose(x1[:, :3], tr.r_ecef_m[:, 700], rtol=0, atol=1.0)  # 1 m
    np.testing.assert_allclose(x1[:, 3:], tr.v_ecef_mps[:, 700], rtol=0, atol=1e-3)  # 1 mm/s


def _flight_flow(x_ecef: np.ndarray, dt_s: float, beta_kg_m2: float, earth: EarthModel,
                 rtol: float = 1e-11) -> np.ndarray:
    """States after ``dt_s`` from bmdsim.flight's adaptive DP5(4) propagator, shape (m, 6)."""
    m = x_ecef.shape[0]
    one, zero = np.ones((m, 1)), np.zeros(m)
    plan = FlightPlan(r0_ecef_m=x_ecef[:, :3], v0_ecef_mps=x_ecef[:, 3:], t_launch_s=zero,
                      phase_t_end_s=np.full((m, 1), np.inf), phase_thrust_n=0 * one, phase_mdot_kg_s=0 * one,
                      phase_m0_kg=beta_kg_m2 * one, phase_cda_m2=one, t_burnout_s=zero,
                      mode=np.zeros(m, dtype=np.int8), u_horiz_ecef=np.zeros((m, 3)),
                      u_up_ecef=np.zeros((m, 3)), pitch_end_rad=zero, t_vertical_s=zero, t_pitch_end_s=zero)
    # rtol 1e-11 (1e-10 in the air, where tighter tolerances crawl over the density table's 25 m kinks):
    # ~1e-4 m over these flights, 1e-6 of the 100 m difference steps
    tr = propagate(plan, earth, output_step_s=dt_s, tolerances=Tolerances(rtol=rtol, atol_m=1e-6,
                                                                          atol_mps=1e-9))
    return np.concatenate([tr.r_ecef_m[:, 1], tr.v_ecef_mps[:, 1]], axis=1)


@pytest.mark.parametrize(("earth", "alt_m", "dt_s", "atol_m", "rtol"), [(VACUUM, 300e3, 600.0, 1e-3, 1e-4),
                                                                      (FULL, 40e3, 20.0, 0.01, 1e-2)])
def test_prediction_matches_the_flight_propagator_and_its_flow_jacobian(earth, alt_m, dt_s, atol_m, rtol):
    """State and covariance prediction against bmdsim.flight's DP5(4) propagator (rtol 1e-11).

    State: within ``atol_m`` (1 mm over 600 s of vacuum, 0.05 mm measured; 1 cm over 20 s in the air
    at 40 km, where the substeps shrink to resolve the density; 1.6 mm measured). Covariance: Φ P Φ^T
    from the product of second-order substep Φ against J P J^T with J the central-difference Jacobian
    of the propagator's flow (steps 100 m, 0.1 m/s), each entry relative to sqrt(P_ii P_jj): 1e-4 in
    vacuum (2e-5 measured); 1% in the air (0.25% measured), where the density gradient is the difference
    over ±50 m of a table whose ln rho is piecewise linear.
    """
    beta = 5000.0
    model = BallisticModel(earth=earth, q_m2_s3=0.0, ballistic_coefficient_kg_m2=beta, beta_rel_sigma=0.0)
    x0 = _states(2, alt_m, seed=11)
    x0[:, 3:] *= 0.5
    if alt_m > 100e3:  # 7.7 km/s horizontal: stays aloft for the 600 s
        v = x0[:, 3:] - np.einsum("ij,ij->i", x0[:, 3:], x0[:, :3])[:, None] * x0[:, :3] / np.einsum(
            "ij,ij->i", x0[:, :3], x0[:, :3])[:, None]
        x0[:, 3:] = 7700.0 * v / np.linalg.norm(v, axis=1, keepdims=True)
    P0 = np.diag([100.0**2] * 3 + [1.0**2] * 3)
    x1, P1 = predict(x0, np.broadcast_to(P0, (2, 6, 6)).copy(), np.full(2, dt_s), model)
    np.testing.assert_allclose(x1[:, :3], _flight_flow(x0, dt_s, beta, earth)[:, :3], rtol=0, atol=atol_m)
    rt = 1e-10 if earth.drag else 1e-11
    J = _fd_jacobian(lambda x: _flight_flow(x, dt_s, beta, earth, rt), x0, np.array([100.0] * 3 + [0.1] * 3))
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
    """Q(h) = ∫ Φ(s) G q G^T Φ(s)^T ds for constant velocity, by adaptive quadrature (BLK01 sec. 6.2.2)."""
    q, h = 2.5, 7.0
    G = np.zeros((6, 3))
    G[3:] = np.eye(3)

    def integrand(s):
        Phi = np.eye(6)
        Phi[:3, 3:] = s * np.eye(3)
        return Phi @ G @ G.T @ Phi.T * q

    ref, _ = quad_vec(integrand, 0.0, h)
    np.testing.assert_allclose(process_noise(np.array([h]), np.array([q]))[0], ref, rtol=1e-12, atol=1e-12)


def test_substeps_shorten_in_dense_air_and_noise_follows_the_drag():
    model = BallisticModel(earth=FULL, q_m2_s3=0.5, ballistic_coefficient_kg_m2=5000.0, beta_rel_sigma=0.3,
                           drag_noise_corr_time_s=1.5)
    x = np.concatenate([_states(1, 20e3), _states(1, 300e3)])
    x[0, 3:] = 3000.0 * x[0, :3] / np.linalg.norm(x[0, :3])  # rising at 3 km/s
    step = model.max_step_s(x)
    assert step[1] == 5.0
    # at 20 km: density scale height / radial speed = 6 km / 3 km/s = 2 s -> 0.2 s; the speed time scale
    # |v| / |a_drag| = 2β / (rho |v|) = 1e4 / (0.089 * 3000) = 37 s is longer
    np.testing.assert_allclose(step[0], 0.2, rtol=1e-12)
    # q + 2 τ (ε |a_drag|)^2 with |a_drag| = rho v^2 / 2β, rho(20 km) = 0.088910 kg/m^3 (USSA76 Table I)
    a_drag = 0.088910 * 3000.0**2 / (2 * 5000.0)
    np.testing.assert_allclose(model.noise_psd_m2_s3(x), [0.5 + 3.0 * (0.3 * a_drag) ** 2, 0.5], rtol=2e-4)
    vac = BallisticModel(earth=VACUUM, q_m2_s3=0.5, ballistic_coefficient_kg_m2=5000.0)
    np.testing.assert_array_equal(vac.noise_psd_m2_s3(x), [0.5, 0.5])
    np.testing.assert_array_equal(vac.max_step_s(x), [5.0, 5.0])


def test_rk4_step_is_fourth_order():
    """Halving the step cuts the one-step error 32x (local error O(h^5)): 25-40x measured."""
    model = BallisticModel(earth=VACUUM, q_m2_s3=0.0, ballistic_coefficient_kg_m2=1.0)
    x0 = _states(3, 200e3)
    ref = x0
    for _ in range(256):
        ref = step_rk4(ref, np.full(3, 80.0 / 256), model)
    e1 = np.abs(step_rk4(x0, np.full(3, 80.0), model) - ref)[:, :3].max()
    half = step_rk4(step_rk4(x0, np.full(3, 40.0), model), np.full(3, 40.0), model)
    e2 = np.abs(half - ref)[:, :3].max()
    assert 12.0 < e1 / e2 < 40.0
