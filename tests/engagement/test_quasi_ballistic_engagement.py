"""What a 50 km apogee does to the defence: the KN-23 on its quasi-ballistic profile against the same
missile on its ballistic (minimum-energy) arc to the same aim point.

Physical consequences asserted, with the track assumed perfect from launch (earliest launch 0) so that only
geometry decides: an exo-atmospheric interceptor whose floor (SM-3, 70 km) lies above the 50 km apogee gets
no intercept opportunity at all, while it does against the ballistic arc; a Patriot-class endo-atmospheric
interceptor at the aim point still engages both; and a ground radar near the aim point sees the low arc
later after launch (radar horizon), so warning is shorter.
"""

import numpy as np
import pytest

from bmdsim.earth.frames import ecef_to_enu, ecef_to_geodetic, enu_to_az_el_range
from bmdsim.earth.model import EarthModel
from bmdsim.engagement.fire_control import fire_control
from bmdsim.engagement.interceptors import interceptor_config
from bmdsim.flight.raid import ThreatTable, fly

EARTH = EarthModel()
KUSONG = np.radians([39.98, 125.25])  # the launch area of the 2024 preset (sites catalog `kusong`)
HUMPHREYS = np.radians([36.96, 127.03])  # Camp Humphreys, Pyeongtaek: about 370 km


@pytest.fixture(scope="module")
def two_arcs():
    n = 2
    table = ThreatTable(missile=("kn-23",) * n, raid=np.zeros(n, dtype=np.int64), wave=np.zeros(n, dtype=np.int64),
                        aim=("humphreys",) * n, value=np.ones(n), launch_lat_rad=np.full(n, KUSONG[0]),
                        launch_lon_rad=np.full(n, KUSONG[1]), aim_lat_rad=np.full(n, HUMPHREYS[0]),
                        aim_lon_rad=np.full(n, HUMPHREYS[1]), t_launch_s=np.zeros(n),
                        profile=("minimum-energy", "quasi-ballistic"), has_decoys=np.zeros(n, dtype=bool))
    return fly(table, EARTH)


def _site_below(tr, row, k):
    lat, lon, _ = ecef_to_geodetic(tr.r_ecef_m[row, k], EARTH.ellipsoid)
    return np.array([lat, lon, 0.0])


def test_the_profiles_differ_as_reported(two_arcs):
    tr = two_arcs
    assert tr.apogee_alt_m[0] > 100e3  # the ballistic arc to 370 km
    assert abs(tr.apogee_alt_m[1] - 50e3) < 100.0  # the catalog's quasi-ballistic apogee


def test_exo_interceptor_above_the_apogee_cannot_engage_endo_still_can(two_arcs):
    tr = two_arcs
    sm3 = interceptor_config("sm-3-iia")
    assert sm3.min_alt_m > tr.apogee_alt_m[1]  # the premise: its floor lies above the low arc
    # an Aegis ship under the ballistic arc's apogee, where an exo interceptor is best placed
    k_apogee = int(np.nanargmax(tr.alt_m[0]))
    ship = _site_below(tr, 0, k_apogee)[None, :]
    w = fire_control(tr, ship, [sm3], np.zeros((1, 2)), np.array([10.0]), np.array([2]), EARTH.ellipsoid)
    assert w.looks[0, 0] >= 1  # the ballistic arc: engaged
    assert w.looks[0, 1] == 0  # the quasi-ballistic arc: never above the floor
    assert np.isnan(w.t_window_open_s[0, 1])
    # a PAC-3 MSE battery at the aim point engages both (its envelope reaches down to the ground)
    pac3 = interceptor_config("pac-3-mse")
    battery = np.array([[HUMPHREYS[0], HUMPHREYS[1], 0.0]])
    w = fire_control(tr, battery, [pac3], np.zeros((1, 2)), np.array([10.0]), np.array([2]), EARTH.ellipsoid)
    assert np.all(w.looks[0] >= 1)


def _first_seen_s(tr, row, lat, lon):
    """Time after launch at which a sea-level site first sees the threat above 0 deg (None: never)."""
    ok = np.isfinite(tr.alt_m[row])
    enu = ecef_to_enu(tr.r_ecef_m[row, ok], lat, lon, 0.0, EARTH.ellipsoid)
    _, el, _ = enu_to_az_el_range(enu)
    seen = el > 0.0
    return float(tr.t_s[ok][int(np.argmax(seen))] - tr.t_launch_s[row]) if seen.any() else None


def test_radar_horizon_hides_the_low_arc(two_arcs):
    # Geometric horizon (0 deg, no refraction): a target at height h shows above a sea-level horizon within
    # sqrt(2 R h) of the site: about 800 km for the 50 km apogee, 1,200 km for the ballistic arc's 112 km.
    tr = two_arcs
    # the forward-based AN/TPY-2 at Kyogamisaki (sites catalog, 35.77 N 135.20 E), 750-900 km from the
    # trajectories: it sees the ballistic arc (for minutes), never the quasi-ballistic one
    kyoga = np.radians([35.7667, 135.1953])
    assert _first_seen_s(tr, 0, *kyoga) is not None
    assert _first_seen_s(tr, 1, *kyoga) is None
    # the Green Pine at Busan (sites catalog greenpine-busan), about 300 km from the aim point: sees both,
    # the low arc later after launch
    busan = np.radians([35.20, 129.18])
    assert _first_seen_s(tr, 1, *busan) > _first_seen_s(tr, 0, *busan)
