"""The compiled scalar Earth kernels (earth/_jit.py) against the numpy functions they mirror.

Equivalence tests (STYLE.md sec. 8.5): the same formulas written twice, once vectorized and once per point.
Tolerances are round-off: the only difference allowed is the last place of libm versus numpy's vectorized
``exp``/``sqrt``/``cbrt`` (a relative 1e-14 is a hundred ulps).
"""

import numpy as np
import pytest

from bmdsim.earth import _jit as k
from bmdsim.earth import atmosphere, gravity
from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.earth.model import EarthModel
from bmdsim.flight.dynamics import approximate_height_m

RNG = np.random.default_rng(20261130)


def test_density_matches_the_numpy_fast_path_everywhere():
    z = np.concatenate([RNG.uniform(-10e3, 1.1e6, 5000), [-5e3, 0.0, 11e3, 86e3, 86e3 + 1e-9, 1e6, 1e6 + 1,
                                                          -np.inf, np.inf]])
    want = atmosphere.density_fast_kg_m3(z)
    got = np.array([k.density_fast(float(x)) for x in z])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0.0)
    assert np.isnan(k.density_fast(np.nan)) == np.isnan(atmosphere.density_fast_kg_m3(np.nan))


@pytest.mark.parametrize("j2", [0.0, EarthModel().j2])
def test_gravity_matches_gravity_accel(j2):
    r = RNG.normal(size=(500, 3))
    r *= (6.3e6 + RNG.uniform(0, 3e7, 500) / np.linalg.norm(r, axis=1))[:, None]
    e = EarthModel()
    want = gravity.gravity_accel(r, e.gm_m3_s2, j2, e.j2_radius_m)
    got = np.array([k.gravity(*p, e.gm_m3_s2, j2, e.j2_radius_m) for p in r])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-18)


@pytest.mark.parametrize("shape", ["wgs84", "sphere"])
def test_heights_match_the_numpy_conversions(shape):
    earth = EarthModel(shape=shape)
    ell = earth.ellipsoid
    lat = RNG.uniform(-np.pi / 2, np.pi / 2, 500)
    lon = RNG.uniform(-np.pi, np.pi, 500)
    from bmdsim.earth.frames import geodetic_to_ecef

    r = geodetic_to_ecef(lat, lon, RNG.uniform(-1e3, 2e6, 500), ell)
    args = (ell.a_m, ell.b_m, ell.e2, ell.f)
    np.testing.assert_allclose([k.approx_height(*p, *args) for p in r], approximate_height_m(r, earth),
                               rtol=0, atol=1e-7)  # 0.1 µm
    np.testing.assert_allclose([k.geodetic_height(*p, *args) for p in r], ecef_to_geodetic(r, ell)[2],
                               rtol=0, atol=1e-7)
