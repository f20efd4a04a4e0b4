"""The public flight-test record (``catalog/flight_tests.yaml``): lofted tests with official figures.

Each test names the catalog missile that flew it, the reported launch area, and the published apogee,
ground range and flight time, each with its source (:class:`~bmdsim.scenario.catalog.Figure`). The physics
that flies them is :mod:`bmdsim.flight.lofted`.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from bmdsim.scenario.catalog import Figure, load_builtin_catalog


class FlightTestEntry(BaseModel):
    """One published test."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    missile: str
    date: str
    calibrates: bool = False
    """The test the catalog vehicle was tuned to (its flight time is still an independent check)."""
    consistent: bool = True
    """False when the published figures contradict ballistic flight (the note says why)."""
    launch_lat_deg: Figure
    launch_lon_deg: Figure
    azimuth_deg: Figure
    payload_mass_kg: Figure | None = None
    apogee_km: Figure
    ground_range_km: Figure
    flight_time_s: Figure | None = None
    published_standard_range_km: Figure | None = None
    note: str | None = None


class FlightTestCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    tests: dict[str, FlightTestEntry] = Field(default_factory=dict)


@lru_cache(maxsize=1)
def load_flight_tests() -> FlightTestCatalog:
    """The built-in flight-test record."""
    return load_builtin_catalog("flight_tests.yaml", FlightTestCatalog)  # type: ignore[return-value]
