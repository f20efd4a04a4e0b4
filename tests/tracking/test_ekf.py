"""The EKF's measurement model and update: against bmdsim.earth's frames, finite differences, and the
analytic posterior of one measurement with a diffuse prior."""

import numpy as np
import pytest

from bmdsim.earth.frames import enu_from_ecef_matrix, enu_to_az_el_range, geodetic_to_ecef
from bmdsim.tracking.ekf import measure_range_az_el, measurement_jacobian, solve_spd3, update


def _geometry(m: int = 20, seed: int = 5):
    """Sensors anywhere on Earth (both hemispheres, across the antimeridian) and targets 50-3000 km away."""
    rng = np.random.default_rng(seed)
    lat, lon = np.radians(rng.uniform(-85, 85, m)), np.radians(rng.uniform(-180, 180, m))
    r_s = geodetic_to_ecef(lat, lon, rng.uniform(0, 3000, m))
    R = enu_from_ecef_matrix(lat, lon)
    az, el = rng.uniform(0, 2 * np.pi, m), rng.uniform(0.01, 1.4, m)
    rng_m = rng.uniform(5e4, 3e6, m)
    los_enu = np.stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)], axis=1)
    r = r_s + np.einsum("mji,mj->mi", R, rng_m[:, None] * los_enu)
    return r, r_s, R, np.stack([rng_m, az, el], axis=1)


def test_measurement_function_matches_earth_frames():
    r, r_s, R, z = _geometry()
    ours = measure_range_az_el(r, r_s, R)
    az, el, rng_m = enu_to_az_el_range(np.einsum("mij,mj->mi", R, r - r_s))
    np.testing.assert_allclose(ours[:, 0], rng_m, rtol=1e-14)
    np.testing.assert_allclose(ours[:, 1], az, rtol=0, atol=1e-14)
    np.testing.assert_allclose(ours[:, 2], el, rtol=0, atol=1e-14)
    np.testing.assert_allclose(ours, z, rtol=1e-9)  # and the geometry it was built from (1e-9: round-off)


def test_measurement_jacobian_matches_central_differences():
    r, r_s, R, _ = _geometry()
    x = np.concatenate([r, np.zeros_like(r)], axis=1)
    H = measurement_jacobian(r, r_s, R)
    assert np.all(H[:, :, 3:] == 0.0)

    def h(rr):
        az, el, rng_m = enu_to_az_el_range(np.einsum("mij,mj->mi", R, rr - r_s))
        return np.stack([rng_m, np.unwrap(az), el], axis=1)

    for j in range(3):
        d = np.zeros_like(r)
        d[:, j] = 1.0  # 1 m: truncation (1 m / 50 km)^2 ~ 4e-10 relative
        fd = (h(r + d) - h(r - d)) / 2.0
        np.testing.assert_allclose(H[:, :, j], fd, rtol=1e-6, atol=1e-14)
    del x


def test_update_with_a_diffuse_prior_returns_the_measurement_covariance():
    """One update from a 1e7 m prior: the posterior position covariance is the measurement's own, with
    sigmas σ_r along the line of sight, range·cos(el)·σ_az across it horizontally and range·σ_el
    vertically (to 1e-6: the prior's information is 1e-14 of the measurement's)."""
    lat, lon = np.radians(35.0), np.radians(139.0)
    r_s = geodetic_to_ecef(lat, lon, 0.0)[None]
    R = enu_from_ecef_matrix(lat, lon)[None]
    az, el, rng_m = np.radians(30.0), np.radians(20.0), 1.2e6
    east = np.array([np.sin(az), np.cos(az), 0.0])
    los = np.cos(el) * east + np.array([0.0, 0.0, np.sin(el)])
    across = np.array([np.cos(az), -np.sin(az), 0.0])  # d(az) direction
    up = np.cross(across, los)  # d(el) direction
    r = r_s + (R[0].T @ (rng_m * los))[None]
    sigma = np.array([[15.0, 2e-3, 1e-3]])
    P0 = np.diag([1e14] * 3 + [1e4] * 3)[None]
    z = np.array([[rng_m, az, el]])
    x0 = np.concatenate([r + 500.0, np.zeros((1, 3))], axis=1)  # prior mean 866 m off
    x1, _, nis = update(x0, P0, z, sigma, r_s, R)
    # one update linearizes at the prior mean; its error is second order in 866 m / 1200 km
    np.testing.assert_allclose(x1[0, :3], r[0], rtol=0, atol=2.0)
    assert nis[0] < 1e-3  # the prior is diffuse: a 866 m miss costs nothing
    # the covariance, linearized at the true point (elsewhere the directions turn by offset / range)
    _, P1, _ = update(np.concatenate([r, np.zeros((1, 3))], axis=1), P0, z, sigma, r_s, R)
    P_enu = R[0] @ P1[0, :3, :3] @ R[0].T
    for direction, expect in [(los, 15.0), (across, rng_m * np.cos(el) * 2e-3), (up, rng_m * 1e-3)]:
        np.testing.assert_allclose(np.sqrt(direction @ P_enu @ direction), expect, rtol=1e-6)


@pytest.mark.parametrize("z_az", [2 * np.pi - 1e-4, 1e-4])
def test_update_wraps_azimuth_across_north(z_az):
    """A target due north: measured azimuth 359.994° or 0.006° is a 1e-4 rad innovation, not 2π."""
    lat, lon = np.radians(10.0), np.radians(-170.0)
    r_s = geodetic_to_ecef(lat, lon, 0.0)[None]
    R = enu_from_ecef_matrix(lat, lon)[None]
    r = r_s + (R[0].T @ np.array([0.0, 5e5, 1e5]))[None]
    x0 = np.concatenate([r, np.zeros((1, 3))], axis=1)
    P0 = np.diag([1e6] * 3 + [1e2] * 3)[None]
    z0 = measure_range_az_el(r, r_s, R)
    z = z0.copy()
    z[0, 1] = z_az
    x1, _, nis = update(x0, P0, z, np.array([[10.0, 1e-3, 1e-3]]), r_s, R)
    assert nis[0] < 0.1  # (1e-4 / 1e-3)^2 = 0.01
    assert np.linalg.norm(x1[0, :3] - r[0]) < 100.0  # moved ~ 50 m sideways, not across the sky


def test_joseph_update_is_symmetric_positive_definite_and_equals_the_standard_form():
    r, r_s, R, z = _geometry(50, seed=9)
    rng = np.random.default_rng(2)
    A = rng.normal(size=(50, 6, 6))
    D = np.diag([300.0] * 3 + [3.0] * 3)  # 300 m, 3 m/s, correlated
    P0 = D @ (A @ A.transpose(0, 2, 1) / 6 + 0.1 * np.eye(6)) @ D
    x0 = np.concatenate([r + rng.normal(0, 100, r.shape), rng.normal(0, 1e3, r.shape)], axis=1)
    sigma = np.tile([20.0, 1e-3, 1e-3], (50, 1))
    _, P1, _ = update(x0, P0, z, sigma, r_s, R)
    np.testing.assert_array_equal(P1, P1.transpose(0, 2, 1))
    assert np.linalg.eigvalsh(P1).min() > 0
    H = measurement_jacobian(x0[:, :3], r_s, R)
    S = H @ P0 @ H.transpose(0, 2, 1) + np.einsum("mi,ij->mij", sigma**2, np.eye(3))
    K = P0 @ H.transpose(0, 2, 1) @ np.linalg.inv(S)
    standard = P0 - K @ S @ K.transpose(0, 2, 1)
    scale = np.sqrt(np.einsum("mii->mi", P1))
    assert (np.abs(P1 - standard) / (scale[:, :, None] * scale[:, None, :])).max() < 1e-8
    assert np.all(np.einsum("mii->m", P1) < np.einsum("mii->m", P0))


def test_spd3_solve_matches_lapack():
    """The written-out Cholesky solve equals numpy's LU solve on innovation-like covariances whose
    entries span 1e10 (m^2 against rad^2): 1e-12 relative to the solution's scale."""
    rng = np.random.default_rng(1)
    A = rng.normal(size=(200, 3, 3))
    D = np.diag([30.0, 1e-3, 1e-3])
    S = D @ (A @ A.transpose(0, 2, 1) + 0.1 * np.eye(3)) @ D
    B = rng.normal(size=(200, 3, 7))
    ref = np.linalg.solve(S, B)
    got = solve_spd3(S, B)
    scale = np.abs(ref).max(axis=1, keepdims=True)
    assert (np.abs(got - ref) / scale).max() < 1e-12
