"""Fixtures shared by every stage's tests: a test vehicle whose figures are round numbers, not a catalog entry."""

import numpy as np
import pytest

from bmdsim.flight.vehicles import Stage, Vehicle


@pytest.fixture(scope="session")
def two_stage() -> Vehicle:
    """A generic two-stage liquid missile of roughly 2,500 km reach (round, made-up figures)."""
    area = np.pi * 1.3**2 / 4
    return Vehicle(
        name="test-two-stage", kind="ballistic",
        stages=(Stage(propellant_mass_kg=14_000.0, dry_mass_kg=1_800.0, burn_time_s=100.0, isp_s=255.0,
                      drag_area_m2=0.3 * area),
                Stage(propellant_mass_kg=3_000.0, dry_mass_kg=500.0, burn_time_s=60.0, isp_s=280.0,
                      drag_area_m2=0.3 * area)),
        payload_mass_kg=700.0, reentry_mass_kg=700.0, reentry_drag_area_m2=700.0 / 8000.0)
