"""Interceptor reach on a boost-plus-coast flight (engagement/lofted_flyout.py)."""

import math

import numpy as np
import pytest

from bmdsim.earth.constants import GM_EARTH_M3_S2, SPHERE_RADIUS_M
from bmdsim.earth.model import EarthModel
from bmdsim.engagement.lofted_flyout import interceptor_vehicle, reach_at_altitude, vehicle_reach
from bmdsim.flight.vehicles import Stage, Vehicle
from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog


def test_near_impulsive_vacuum_reach_is_the_kepler_maximum_range():
    """Sphere, no rotation, no drag, 0.5 s burn at a fixed attitude: the reach at ground level is the free-flight
    maximum range 2 R asin(nu / (2 - nu)), nu = v^2 R / mu (Bate, Mueller & White 1971, eq. 6.2-14), within 1%
    (gravity loss of the 0.5 s burn and the burnout height, a few tenths of a per cent, plus the 0.5 s grid)."""
    v = 3000.0
    isp = 280.0
    m0 = 1000.0
    mf = m0 * math.exp(-v / (isp * 9.80665))
    # a first stage of 0.01 s turns the thrust (the pitch program ends with the first stage), the second holds it
    veh = Vehicle(name="impulse", kind="ballistic",
                  stages=(Stage(propellant_mass_kg=0.5, dry_mass_kg=0.0, burn_time_s=0.01, isp_s=isp,
                                drag_area_m2=0.0),
                          Stage(propellant_mass_kg=m0 - mf, dry_mass_kg=mf - 10.0, burn_time_s=0.5, isp_s=isp,
                                drag_area_m2=0.0)),
                  payload_mass_kg=10.0, reentry_mass_kg=mf, reentry_drag_area_m2=0.0, vertical_rise_s=0.001)
    earth = EarthModel(shape="sphere", rotation=False, drag=False)
    r = vehicle_reach(veh, 0.0, t_max_s=1500.0, n_pitch=89, earth=earth, output_step_s=0.25)
    nu = v**2 * SPHERE_RADIUS_M / GM_EARTH_M3_S2
    expected = 2 * SPHERE_RADIUS_M * math.asin(nu / (2 - nu))
    assert r.ground_range_m == pytest.approx(expected, rel=0.01)
    # the best thrust elevation is the optimum burnout angle 45 deg - psi/4 (BMW eq. 6.2-13), within the scan step
    psi = 2 * math.asin(nu / (2 - nu))
    assert math.degrees(r.pitch_end_rad) == pytest.approx(45 - math.degrees(psi) / 4, abs=1.5)


def test_equivalent_vehicle_has_the_catalog_speed_gain():
    e = load_interceptor_catalog().interceptors["sm-3-iia"]
    assert interceptor_vehicle("sm-3-iia").ideal_delta_v_m_s() == pytest.approx(e.burnout_speed_m_s.value, rel=1e-9)


def test_sm3_reach_on_the_arc_exceeds_the_straight_line_and_is_reported_against_the_catalog():
    """Issue 12: SM-3 IA reaches about 540 km on a 30 deg straight line; on its ballistic arc it reaches more.
    At the catalog's 70 km altitude floor the arc gives about 660 km, just short of the published 700 km:
    the published figure implies a burnout speed above the catalog's 3.0 km/s (docs/methods/interceptor-catalog.md)."""
    e = load_interceptor_catalog().interceptors["sm-3-ia"]
    r = reach_at_altitude("sm-3-ia", e.min_intercept_altitude_km.value * 1e3, t_max_s=900.0, n_pitch=30)
    assert 540e3 < r.ground_range_m < e.max_range_km.value * 1e3
    assert np.isfinite(r.time_of_flight_s) and r.time_of_flight_s < 900.0
