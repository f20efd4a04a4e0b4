"""Shared fixtures for the sensors tests: small flown threat sets and radars (round, made-up figures)."""

import math

import numpy as np
import pytest

from bmdsim.earth.model import SPHERE, TEXTBOOK, EarthModel
from bmdsim.flight.plan import plan_impulsive, plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.flight.vehicles import Vehicle
from bmdsim.sensors.radar import RadarSite
from tests.sensors._helpers import make_radar


@pytest.fixture(scope="session")
def sphere_flights():
    """Six impulsive ballistic flights on the non-rotating vacuum sphere, 1 s grid, launched at 0-50 s."""
    n = 6
    lat = np.radians(np.linspace(38.0, 41.0, n))
    lon = np.radians(np.full(n, 127.0))
    plan = plan_impulsive(lat, lon, 0.0, np.radians(90.0), np.radians(40.0), 3_000.0,
                          t_launch_s=np.arange(n) * 10.0, earth=TEXTBOOK)
    return propagate(plan, TEXTBOOK, output_step_s=1.0)


@pytest.fixture(scope="session")
def two_stage_vehicle(two_stage: Vehicle) -> Vehicle:
    """The shared two-stage test vehicle (tests/conftest.py)."""
    return two_stage


@pytest.fixture(scope="session")
def powered_flights(two_stage_vehicle):
    """Four powered flights of the test two-stage missile on the full model, 1 s grid."""
    n = 4
    plan = plan_powered(two_stage_vehicle, np.radians(np.full(n, 40.0)), np.radians(np.full(n, 127.0)), 0.0,
                        np.radians(np.array([80.0, 90.0, 100.0, 110.0])), np.radians(40.0),
                        t_launch_s=np.array([0.0, 5.0, 10.0, 15.0]))
    return propagate(plan, EarthModel(), output_step_s=1.0)


@pytest.fixture
def sphere_site():
    return RadarSite(name="r1", radar=make_radar(), lat_rad=math.radians(39.5), lon_rad=math.radians(134.0),
                     ellipsoid=SPHERE)
