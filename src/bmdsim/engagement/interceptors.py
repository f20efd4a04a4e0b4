"""Interceptor configurations from the public catalog (``scenario/catalog/interceptors.yaml``)."""

from __future__ import annotations

from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.scenario.interceptor_catalog import InterceptorCatalog, load_interceptor_catalog


def interceptor_config(key: str, *, pk: float | None = None,
                       catalog: InterceptorCatalog | None = None) -> InterceptorConfig:
    """SI configuration of a catalog interceptor; ``pk`` overrides the catalog's default Pk."""
    catalog = catalog or load_interceptor_catalog()
    if key not in catalog.interceptors:
        known = ", ".join(sorted(catalog.interceptors))
        raise KeyError(f"no interceptor {key!r} in the catalog (known: {known})")
    e = catalog.interceptors[key]
    extra = {}
    if e.ballistic_coefficient_kg_m2 is not None:
        extra["ballistic_coefficient_kg_m2"] = e.ballistic_coefficient_kg_m2.value
    return InterceptorConfig(
        name=key, burnout_speed_mps=e.burnout_speed_m_s.value, burn_time_s=e.burn_time_s.value,
        min_alt_m=e.min_intercept_altitude_km.value * 1e3, max_alt_m=e.max_intercept_altitude_km.value * 1e3,
        min_range_m=e.min_range_km.value * 1e3, max_range_m=e.max_range_km.value * 1e3,
        kill_vehicle=e.kill_vehicle, pk=e.single_shot_pk.value if pk is None else pk,
        unit_cost_usd=e.unit_cost_usd.value, reaction_time_s=e.reaction_time_s.value, **extra)
