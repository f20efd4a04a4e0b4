"""The public interceptor catalog (``catalog/interceptors.yaml``), validated, and its SI configs.

Every figure is ``{value, source, low?, high?, note?}`` (:class:`~bmdsim.scenario.catalog.Figure`).
Single-shot kill probabilities are scenario parameters: the catalog's value is only the documented
default, with a deliberately wide published low-high range.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bmdsim.scenario.catalog import Figure, load_builtin_catalog


class RemoteData(BaseModel):
    """Whether an interceptor may be launched, or also guided to intercept, on remote sensors' data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["none", "launch-on-remote", "engage-on-remote"]
    source: str
    note: str | None = None


class InterceptorEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    country: str
    partner_country: str | None = None
    kill_vehicle: Literal["exo", "endo", "exo-endo"]
    kill_mechanism: str | None = None
    burnout_speed_m_s: Figure
    burn_time_s: Figure
    launch_mass_kg: Figure | None = None
    kill_vehicle_mass_kg: Figure | None = None
    min_intercept_altitude_km: Figure
    max_intercept_altitude_km: Figure
    max_range_km: Figure
    min_range_km: Figure
    max_target_range_km: Figure | None = None
    single_shot_pk: Figure
    unit_cost_usd: Figure
    launchers_per_battery: Figure | None = None
    rounds_per_launcher: Figure | None = None
    reaction_time_s: Figure
    ballistic_coefficient_kg_m2: Figure | None = None
    remote_data: RemoteData
    """Use of off-board (remote) sensor data: ``none`` (own fire-control radar only), ``launch-on-remote``
    (launch on remote data, own radar guides the intercept) or ``engage-on-remote`` (own radar not needed)."""


class InterceptorCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    refs: dict[str, str] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorEntry]
    batteries: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Battery types (launchers, rounds per launcher of each interceptor, radar): a scenario shooter names
    one with ``battery:`` (:func:`battery_load`)."""


@lru_cache(maxsize=1)
def load_interceptor_catalog() -> InterceptorCatalog:
    """The built-in interceptor catalog."""
    return load_builtin_catalog("interceptors.yaml", InterceptorCatalog)  # type: ignore[return-value]


def battery_load(battery: str, interceptor: str, catalog: InterceptorCatalog | None = None) -> tuple[int, int]:
    """Launchers of a catalog battery type and the rounds each carries of one interceptor.

    Raises KeyError naming what is missing (the battery type, or the interceptor among its loads).
    """
    catalog = catalog or load_interceptor_catalog()
    if battery not in catalog.batteries:
        raise KeyError(f"unknown battery type {battery!r} (catalog: {', '.join(sorted(catalog.batteries))})")
    entry = catalog.batteries[battery]
    loads = entry.get("rounds_per_launcher", {})
    if interceptor not in loads:
        raise KeyError(f"battery type {battery!r} carries no {interceptor!r} (it carries {', '.join(sorted(loads))})")
    return int(entry["launchers"]["value"]), int(loads[interceptor]["value"])


def shooter_inventory(shooter: Any) -> int:
    """A scenario shooter's inventory: as given, or a full load of its catalog battery type."""
    if shooter.inventory is not None:
        return int(shooter.inventory)
    launchers, rounds = battery_load(shooter.battery, shooter.interceptor)
    return (shooter.launchers or launchers) * rounds

