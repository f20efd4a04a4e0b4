"""Frames: geodetic/ECEF/ENU/AER conversions against pymap3d (an independent peer) and invariants."""

import numpy as np
import pymap3d
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmdsim.earth.frames import (
    az_el_to_enu_unit,
    ecef_to_enu,
    ecef_to_geodetic,
    enu_from_ecef_matrix,
    enu_to_az_el_range,
    geodetic_to_ecef,
    wrap_to_pi,
)
from bmdsim.earth.model import SPHERE, WGS84

lat_st = st.floats(-90.0, 90.0)
lon_st = st.floats(-180.0, 180.0)
alt_st = st.floats(-10_000.0, 40_000_000.0)


def test_equator_and_pole_anchor_values():
    # WGS 84 semi-axes, NIMA TR8350.2 Table 3.1 / 3.3: a = 6378137 m, b = 6356752.3142 m
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(geodetic_to_ecef(np.pi / 2, 0.0, 0.0), [0.0, 0.0, 6356752.3142], atol=1e-4)


@settings(max_examples=300, deadline=None)
@given(lat_st, lon_st, alt_st)
def test_geodetic_round_trip(lat_deg, lon_deg, alt_m):
    # Heikkinen's closed form is exact: round trip to 1e-9 rad (6 mm... well below) and 1 mm
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    lat2, lon2, alt2 = ecef_to_geodetic(geodetic_to_ecef(lat, lon, alt_m))
    assert abs(lat2 - lat) < 1e-9
    if abs(lat_deg) < 89.999:
        assert abs(wrap_to_pi(lon2 - lon)) < 1e-9
    assert abs(alt2 - alt_m) < 1e-3  # 1 mm


def test_against_pymap3d_batch():
    rng = np.random.default_rng(7)
    lat = rng.uniform(-90, 90, 2000)
    lon = rng.uniform(-180, 180, 2000)
    alt = rng.uniform(-1e4, 3e6, 2000)
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt)
    r = geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    np.testing.assert_allclose(r, np.stack([x, y, z], -1), atol=1e-6)  # 1 µm: same closed formula
    lat2, _, alt2 = pymap3d.ecef2geodetic(x, y, z)
    la, _, al = ecef_to_geodetic(r)
    np.testing.assert_allclose(np.degrees(la), lat2, atol=1e-9)  # 0.1 mm on the ground
    np.testing.assert_allclose(al, alt2, atol=1e-3)  # 1 mm


def test_enu_and_aer_against_pymap3d():
    rng = np.random.default_rng(3)
    lat0, lon0, h0 = 36.0, 138.0, 100.0
    lat = rng.uniform(20, 50, 500)
    lon = rng.uniform(120, 150, 500)
    alt = rng.uniform(0, 1e6, 500)
    e, n, u = pymap3d.geodetic2enu(lat, lon, alt, lat0, lon0, h0)
    r = geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    enu = ecef_to_enu(r, np.radians(lat0), np.radians(lon0), h0)
    np.testing.assert_allclose(enu, np.stack([e, n, u], -1), atol=1e-5)  # 10 µm
    az, el, rng_m = pymap3d.geodetic2aer(lat, lon, alt, lat0, lon0, h0)
    a2, e2, r2 = enu_to_az_el_range(enu)
    np.testing.assert_allclose(np.degrees(a2), az, atol=1e-9)
    np.testing.assert_allclose(np.degrees(e2), el, atol=1e-9)
    np.testing.assert_allclose(r2, rng_m, atol=1e-5)


@pytest.mark.parametrize("lat_deg, lon_deg", [(0, 0), (90, 0), (-90, 45), (45, 180), (-33, -179.999)])
def test_enu_matrix_is_orthonormal(lat_deg, lon_deg):
    R = enu_from_ecef_matrix(np.radians(lat_deg), np.radians(lon_deg))
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-15)
    assert np.linalg.det(R) == pytest.approx(1.0, abs=1e-15)


def test_sphere_option_is_a_sphere():
    r = geodetic_to_ecef(np.radians(37.0), np.radians(127.0), 1000.0, SPHERE)
    assert np.linalg.norm(r) == pytest.approx(6_372_000.0, abs=1e-6)
    lat, _, alt = ecef_to_geodetic(r, SPHERE)
    assert lat == pytest.approx(np.radians(37.0), abs=1e-15)
    assert alt == pytest.approx(1000.0, abs=1e-6)


def test_scalar_and_batch_agree():
    lat, lon, alt = np.radians([10.0, 50.0]), np.radians([20.0, -120.0]), np.array([0.0, 5e5])
    batch = geodetic_to_ecef(lat, lon, alt, WGS84)
    for i in range(2):
        np.testing.assert_array_equal(geodetic_to_ecef(lat[i], lon[i], alt[i]), batch[i])


def test_az_el_unit_round_trip():
    az = np.radians([0.0, 90.0, 225.0, 359.0])
    el = np.radians([0.0, 45.0, -10.0, 89.0])
    a2, e2, r2 = enu_to_az_el_range(az_el_to_enu_unit(az, el))
    np.testing.assert_allclose(a2, az, atol=1e-12)
    np.testing.assert_allclose(e2, el, atol=1e-12)
    np.testing.assert_allclose(r2, 1.0, atol=1e-15)


def test_wrap_to_pi_range():
    a = wrap_to_pi(np.array([-7.0, -np.pi, 0.0, np.pi, 7.0]))
    assert np.all(a >= -np.pi) and np.all(a < np.pi)
    np.testing.assert_allclose(np.cos(a), np.cos([-7.0, -np.pi, 0.0, np.pi, 7.0]), atol=1e-15)
