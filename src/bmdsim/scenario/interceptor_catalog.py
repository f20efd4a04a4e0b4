"""The public interceptor catalog (``catalog/interceptors.yaml``), validated, and its SI configs.

Every figure is ``{value, source, low?, high?, note?}`` (:class:`~bmdsim.scenario.catalog.Figure`).
Single-shot kill probabilities are scenario parameters: the catalog's value is only the documented
default, with a deliberately wide published low-high range.

A battery type's ``reload`` (:class:`BatteryReload`) says whether its launchers are reloaded in the
field during a campaign, how long one launcher's reload takes and how many reloads the battery holds
in reserve; :func:`battery_reload` turns it into a shooter's reload time [s] and reserve [rounds].
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class BatteryReload(BaseModel):
    """Whether and how a battery type's launchers are reloaded during a campaign.

    ``reloadable: false`` (a ship's vertical launch cells, which are not reloaded at sea in service) takes
    no figures: the first load is the stock for the campaign. ``reloadable: true`` needs both figures.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    reloadable: bool
    source: str = Field(min_length=3)
    """Why the battery is (or is not) reloadable, with its status tag."""
    time_per_launcher_s: Figure | None = None
    """From a launcher's last round fired to the launcher ready again with a full load [s]."""
    reserve_loads_per_launcher: Figure | None = None
    """Reload rounds the battery holds, as full launcher loads per launcher (1: one reload for each
    launcher); the reserve in rounds is this times launchers times rounds per launcher."""
    note: str | None = None

    @model_validator(mode="after")
    def _figures_match_reloadable(self) -> BatteryReload:
        given = (self.time_per_launcher_s is not None, self.reserve_loads_per_launcher is not None)
        if self.reloadable and not all(given):
            raise ValueError("reload: reloadable: true needs time_per_launcher_s and reserve_loads_per_launcher")
        if not self.reloadable and any(given):
            raise ValueError("reload: reloadable: false takes no time_per_launcher_s or reserve_loads_per_launcher")
        if self.reloadable and (self.time_per_launcher_s.value <= 0  # type: ignore[union-attr]
                                or self.reserve_loads_per_launcher.value < 0):  # type: ignore[union-attr]
            raise ValueError("reload: time_per_launcher_s must be > 0 s and reserve_loads_per_launcher >= 0")
        return self


class InterceptorCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    refs: dict[str, str] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorEntry]
    batteries: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Battery types (launchers, rounds per launcher of each interceptor, radar): a scenario shooter names
    one with ``battery:`` (:func:`battery_load`). Each carries a ``reload`` (:class:`BatteryReload`)."""

    @model_validator(mode="after")
    def _batteries_have_reload(self) -> InterceptorCatalog:
        for key, entry in self.batteries.items():
            if "reload" not in entry:
                raise ValueError(f"batteries.{key}: reload missing (reloadable: true or false, with a source)")
            BatteryReload.model_validate(entry["reload"])
        return self


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



def battery_reload(battery: str, interceptor: str, launchers: int | None = None,
                   catalog: InterceptorCatalog | None = None) -> tuple[float, int]:
    """A catalog battery type's reload of one interceptor: (reload time per launcher [s], reserve [rounds]).

    ``(inf, 0)`` for a battery type that is not reloaded during a campaign (a ship). ``launchers``
    overrides the type's launcher count (the reserve scales with it). Raises KeyError as
    :func:`battery_load`.
    """
    catalog = catalog or load_interceptor_catalog()
    n_launchers, rounds = battery_load(battery, interceptor, catalog)
    reload = BatteryReload.model_validate(catalog.batteries[battery]["reload"])
    if not reload.reloadable:
        return math.inf, 0
    loads = reload.reserve_loads_per_launcher.value  # type: ignore[union-attr]
    reserve = round(loads * (launchers or n_launchers) * rounds)
    return float(reload.time_per_launcher_s.value), reserve  # type: ignore[union-attr]


def shooter_reload(shooter: Any) -> tuple[float, int, int]:
    """A scenario shooter's reload: (reload time per launcher [s], reserve [rounds], rounds per launcher).

    The shooter's own ``reload_time_s`` and ``reserve`` override its catalog battery type's; without a
    battery type both must be given for the shooter to reload. Rounds per launcher (one reload) come
    from the battery type, else the first load spread over the shooter's launchers (rounded up), else
    the whole first load. ``(inf, 0, n)``: no reload.
    """
    inventory = shooter_inventory(shooter)
    if shooter.battery is not None:
        time_s, reserve = battery_reload(shooter.battery, shooter.interceptor, shooter.launchers)
        rounds = battery_load(shooter.battery, shooter.interceptor)[1]
    else:
        time_s, reserve = math.inf, 0
        rounds = -(-inventory // shooter.launchers) if shooter.launchers else inventory
    if getattr(shooter, "reload_time_s", None) is not None:
        time_s = float(shooter.reload_time_s)
    if getattr(shooter, "reserve", None) is not None:
        reserve = int(shooter.reserve)
    return time_s, reserve, int(rounds)
