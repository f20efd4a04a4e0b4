"""Fixtures shared by every stage's tests: a test vehicle whose figures are round numbers, not a catalog entry."""

import os

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


@pytest.fixture(scope="session", autouse=True)
def _private_targeting_cache(tmp_path_factory):
    """Point the on-disk targeting cache at a folder of this test session: tests never read a user's
    cache (so no test passes only because of an old entry) and never write to it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BMDSIM_CACHE_DIR", str(tmp_path_factory.mktemp("bmdsim-cache")))
        mp.delenv("BMDSIM_NO_CACHE", raising=False)
        yield os.environ["BMDSIM_CACHE_DIR"]
