"""Gravity: anchors from WGS 84 and consistency of acceleration with the potential."""

import numpy as np
import pytest

from bmdsim.earth.constants import GM_EARTH_M3_S2, WGS84_A_M, WGS84_J2
from bmdsim.earth.gravity import gravity_accel, gravity_potential


def test_point_mass_is_inverse_square():
    r = np.array([7.0e6, 0.0, 0.0])
    g = gravity_accel(r, j2=0.0)
    np.testing.assert_allclose(g, [-GM_EARTH_M3_S2 / 7.0e6**2, 0.0, 0.0], rtol=1e-15)


def test_equatorial_and_polar_gravitation_j2():
    # Attraction (no centrifugal term) with J2 at the equator: GM/a^2 (1 + 1.5 J2) = 9.8143 m/s^2;
    # at the pole GM/b^2 (1 - 3 J2 (a/b)^2) = 9.8322 m/s^2 (NIMA TR8350.2 normal gravity 9.8321849 at
    # the pole includes no centrifugal term there, agreeing to 2e-5 given the neglected J4).
    g_eq = np.linalg.norm(gravity_accel([WGS84_A_M, 0.0, 0.0]))
    assert g_eq == pytest.approx(GM_EARTH_M3_S2 / WGS84_A_M**2 * (1 + 1.5 * WGS84_J2), rel=1e-12)
    g_pole = np.linalg.norm(gravity_accel([0.0, 0.0, 6356752.3142]))
    assert g_pole == pytest.approx(9.8321849378, rel=2e-5)


def test_acceleration_is_minus_gradient_of_potential():
    rng = np.random.default_rng(1)
    r = rng.normal(size=(50, 3))
    r = r / np.linalg.norm(r, axis=1, keepdims=True) * rng.uniform(6.4e6, 2e7, (50, 1))
    h = 1.0  # 1 m central differences: truncation ~ h^2 * g''' ~ 1e-12 relative
    grad = np.stack([(gravity_potential(r + h * e) - gravity_potential(r - h * e)) / (2 * h)
                     for e in np.eye(3)], axis=-1)
    np.testing.assert_allclose(gravity_accel(r), -grad, rtol=1e-7, atol=1e-9)


def test_batch_shapes():
    r = np.full((4, 5, 3), 7e6)
    assert gravity_accel(r).shape == (4, 5, 3)
    assert gravity_potential(r).shape == (4, 5)
