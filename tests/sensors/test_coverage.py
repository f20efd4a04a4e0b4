"""Coverage per azimuth: which limit binds, RCS scaling, sector enumeration, edge cases."""

import math

import numpy as np
import pytest

from bmdsim.earth.model import SPHERE
from bmdsim.sensors.coverage import coverage, sector_azimuths_rad
from bmdsim.sensors.radar import RadarSite, detection_range_m
from tests.sensors._helpers import make_radar


def site(ellipsoid=SPHERE, **radar):
    return RadarSite(name="c", radar=make_radar(**radar), lat_rad=math.radians(36.0),
                     lon_rad=math.radians(128.0), alt_m=50.0, boresight_az_rad=math.radians(300),
                     ellipsoid=ellipsoid)


def test_detection_limited_slant_range_and_rcs_scaling():
    # A 100 km target seen at 281-562 km slant: well inside the horizon (about 1,150 km): detection binds.
    # The slant range at the limit is the range-equation detection range, and a 16x smaller RCS halves it;
    # both to 1e-9 relative (the bisection resolves the boundary to far below a millimetre).
    s = site(search_reference_range_m=1_000e3)
    c1 = coverage(s, target_alt_m=100e3, rcs_m2=0.1, az_step_rad=math.radians(30))
    c2 = coverage(s, target_alt_m=100e3, rcs_m2=0.1 / 16, az_step_rad=math.radians(30))
    assert set(c1.limited_by) == set(c2.limited_by) == {"detection"}
    np.testing.assert_allclose(c1.slant_range_m, float(detection_range_m(s.radar, 0.1)), rtol=1e-9)
    np.testing.assert_allclose(c2.slant_range_m / c1.slant_range_m, 0.5, rtol=1e-9)


def test_max_range_limit():
    s = site(search_reference_range_m=10_000e3, max_range_m=800e3)
    c = coverage(s, target_alt_m=300e3, rcs_m2=1.0, az_step_rad=math.radians(60))
    assert set(c.limited_by) == {"max_range"}
    np.testing.assert_allclose(c.slant_range_m, 800e3, rtol=1e-9)


def test_sector_azimuths():
    sectored = site(sector_half_width_rad=math.radians(60))
    az = np.degrees(sector_azimuths_rad(sectored))
    assert az.size == 121
    assert az[0] == pytest.approx(240.0) and az[60] == pytest.approx(300.0)
    assert az[-1] == pytest.approx(0.0, abs=1e-9)
    full = np.degrees(sector_azimuths_rad(site()))
    assert full.size == 360 and full[0] == 0.0 and full[-1] == pytest.approx(359.0)


def test_target_below_antenna_and_positive_minimum_elevation_sees_nothing():
    s = RadarSite(name="hill", radar=make_radar(), lat_rad=0.5, lon_rad=2.0, alt_m=2_000.0, ellipsoid=SPHERE)
    c = coverage(s, target_alt_m=1_000.0, rcs_m2=1.0, az_step_rad=math.radians(90))
    np.testing.assert_array_equal(c.ground_range_m, 0.0)
    assert set(c.limited_by) == {"horizon"}


def test_wgs84_horizon_close_to_sphere():
    # The WGS 84 horizon differs from the 6371 km sphere's by the local radius of curvature (at most about
    # 0.5% here); a sanity bound, not a validation.
    from bmdsim.earth.model import WGS84
    kw = dict(target_alt_m=100e3, rcs_m2=1.0, min_elevation_rad=0.0, az_step_rad=math.radians(90))
    big = dict(search_reference_range_m=1e9, max_range_m=1e9)
    c_s = coverage(site(SPHERE, **big), **kw)
    c_w = coverage(site(WGS84, **big), **kw)
    np.testing.assert_allclose(c_w.ground_range_m, c_s.ground_range_m, rtol=5e-3)


@pytest.mark.parametrize("kw, match", [
    (dict(target_alt_m=-1.0, rcs_m2=1.0), "target_alt_m"),
    (dict(target_alt_m=1e5, rcs_m2=0.0), "rcs_m2"),
    (dict(target_alt_m=1e5, rcs_m2=1.0, min_elevation_rad=2.0), "min_elevation_rad"),
])
def test_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        coverage(site(), **kw)
