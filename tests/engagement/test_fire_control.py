"""Fire control on real trajectories: windows inside the envelope, launch-time rule, shoot-look-shoot."""

import numpy as np
import pytest

from bmdsim.earth.frames import ecef_to_enu, enu_to_az_el_range
from bmdsim.earth.model import EarthModel
from bmdsim.engagement.fire_control import fire_control
from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.flight.plan import plan_impulsive
from bmdsim.flight.propagator import propagate

EARTH = EarthModel()
THAAD_LIKE = InterceptorConfig(name="test-thaad", burnout_speed_mps=2800.0, burn_time_s=17.0,
                               min_alt_m=40e3, max_alt_m=150e3, max_range_m=200e3, kill_vehicle="exo-endo")


@pytest.fixture(scope="module")
def threat():
    # a 1,000 km class shot from 39 N 126 E aimed at about 36 N 136 E (burnout at 100 km)
    plan = plan_impulsive(np.radians(39.0), np.radians(126.0), 100e3, np.radians(110.0), np.radians(40.0),
                          3000.0, mass_kg=1000.0, cda_m2=0.2, earth=EARTH)
    return propagate(plan, EARTH, output_step_s=1.0)


def _site_under(tr, frac):
    """A site under the trajectory near its end: the point at a fraction of the flight, at sea level."""
    from bmdsim.earth.frames import ecef_to_geodetic
    ok = np.flatnonzero(~np.isnan(tr.alt_m[0]))
    kk = ok[int(frac * (ok.size - 1))]
    lat, lon, _ = ecef_to_geodetic(tr.r_ecef_m[0, kk])
    return np.array([[lat, lon, 0.0]])


def test_window_lies_inside_envelope_and_respects_launch_rule(threat):
    site = _site_under(threat, 0.97)
    w = fire_control(threat, site, [THAAD_LIKE], np.array([[0.0]]), np.array([20.0]), np.array([3]),
                     EARTH.ellipsoid)
    assert w.looks[0, 0] >= 2
    for look in range(w.looks[0, 0]):
        t = w.t_intercept_s[0, 0, look]
        kk = int(np.flatnonzero(threat.t_s == t)[0])
        assert 40e3 <= threat.alt_m[0, kk] <= 150e3
        enu = ecef_to_enu(threat.r_ecef_m[0, kk], *site[0])
        _, el, slant = enu_to_az_el_range(enu)
        assert slant <= 200e3 and el > 0
        # launch + time of flight lands on the intercept time (to the table's 0.01 s)
        tof = THAAD_LIKE.time_of_flight_s(slant, el)
        assert w.t_launch_s[0, 0, look] == pytest.approx(t - tof, abs=1e-9)
        if look:
            assert w.t_launch_s[0, 0, look] >= w.t_intercept_s[0, 0, look - 1] + 20.0


def test_later_track_means_later_or_no_intercept(threat):
    site = _site_under(threat, 0.97)
    early = fire_control(threat, site, [THAAD_LIKE], np.array([[0.0]]), np.array([20.0]), np.array([3]),
                         EARTH.ellipsoid)
    t_late = early.t_launch_s[0, 0, 0] + 15.0
    late = fire_control(threat, site, [THAAD_LIKE], np.array([[t_late]]), np.array([20.0]), np.array([3]),
                        EARTH.ellipsoid)
    assert late.looks[0, 0] <= early.looks[0, 0]
    if late.looks[0, 0]:
        assert late.t_launch_s[0, 0, 0] >= t_late
        assert late.t_intercept_s[0, 0, 0] > early.t_intercept_s[0, 0, 0]
    never = fire_control(threat, site, [THAAD_LIKE], np.array([[np.inf]]), np.array([20.0]), np.array([3]),
                         EARTH.ellipsoid)
    assert never.looks[0, 0] == 0


def test_out_of_reach_site_cannot_engage(threat):
    far = np.array([[np.radians(20.0), np.radians(100.0), 0.0]])
    w = fire_control(threat, far, [THAAD_LIKE], np.array([[0.0]]), np.array([20.0]), np.array([3]),
                     EARTH.ellipsoid)
    assert w.looks[0, 0] == 0 and np.isnan(w.t_window_open_s[0, 0])
