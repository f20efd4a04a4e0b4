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


@lru_cache(maxsize=1)
def load_interceptor_catalog() -> InterceptorCatalog:
    """The built-in interceptor catalog."""
    return load_builtin_catalog("interceptors.yaml", InterceptorCatalog)  # type: ignore[return-value]
