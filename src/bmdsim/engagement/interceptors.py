"""Interceptor configurations from the public catalog (``scenario/catalog/interceptors.yaml``)."""

from __future__ import annotations

from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.scenario.interceptor_catalog import InterceptorCatalog, load_interceptor_catalog


def interceptor_config(key: str, *, pk: float | None = None,
                       catalog: InterceptorCatalog | None = None) -> InterceptorConfig:
    """SI configuration of a catalog interceptor; ``pk`` overrides the catalog's default Pk.

    Exo-atmospheric kill vehicles (``exo``, ``exo-endo``) fly the boost-plus-coast arc
    (:mod:`bmdsim.engagement.lofted_flyout`); endo-atmospheric ones the straight line
    (:mod:`bmdsim.engagement.flyout`), since they steer with aerodynamic lift along their whole flight.
    """
    catalog = catalog or load_interceptor_catalog()
    if key not in catalog.interceptors:
        known = ", ".join(sorted(catalog.interceptors))
        raise KeyError(f"no interceptor {key!r} in the catalog (known: {known})")
    e = catalog.interceptors[key]
    extra = {}
    if e.ballistic_coefficient_kg_m2 is not None:
        extra["ballistic_coefficient_kg_m2"] = e.ballistic_coefficient_kg_m2.value
    if e.launch_mass_kg is not None:
        extra["launch_mass_kg"] = e.launch_mass_kg.value
    if e.kill_vehicle_mass_kg is not None:
        extra["kill_vehicle_mass_kg"] = e.kill_vehicle_mass_kg.value
    return InterceptorConfig(
        name=key, burnout_speed_mps=e.burnout_speed_m_s.value, burn_time_s=e.burn_time_s.value,
        min_alt_m=e.min_intercept_altitude_km.value * 1e3, max_alt_m=e.max_intercept_altitude_km.value * 1e3,
        min_range_m=e.min_range_km.value * 1e3, max_range_m=e.max_range_km.value * 1e3,
        kill_vehicle=e.kill_vehicle, pk=e.single_shot_pk.value if pk is None else pk,
        unit_cost_usd=e.unit_cost_usd.value, reaction_time_s=e.reaction_time_s.value,
        flyout="line" if e.kill_vehicle == "endo" else "arc", **extra)
