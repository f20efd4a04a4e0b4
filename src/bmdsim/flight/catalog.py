"""Catalog threats as flight vehicles: the conversion from the public catalog's figures to SI vehicles.

The catalog (:mod:`bmdsim.scenario.catalog`) holds figures with their sources in the analyst's units; this
module converts an entry once (km, degrees and diameters to SI) into the :class:`~bmdsim.flight.vehicles.Vehicle`
the equations of motion use. It lives in ``flight`` so that ``scenario`` imports no later stage.
"""

from __future__ import annotations

import math

from bmdsim.flight.vehicles import GlideParams, Stage, Vehicle
from bmdsim.scenario.catalog import CatalogError, ThreatCatalog, ThreatEntry, load_threat_catalog


def _area_m2(diameter_m: float) -> float:
    return math.pi * diameter_m**2 / 4.0


def vehicle_from_entry(key: str, entry: ThreatEntry) -> Vehicle:
    """Build the physics vehicle of a catalog entry (SI units)."""
    sources = {"published_max_range_km": entry.published_max_range_km.source}
    if entry.kind == "shell":
        need = ("muzzle_velocity_m_s", "projectile_mass_kg", "diameter_m", "drag_coefficient")
        missing = [f for f in need if getattr(entry, f) is None]
        if missing:
            raise CatalogError(f"catalog entry {key}: a shell needs {', '.join(missing)}")
        mass = entry.projectile_mass_kg.value  # type: ignore[union-attr]
        cda = entry.drag_coefficient.value * _area_m2(entry.diameter_m.value)  # type: ignore[union-attr]
        max_el = entry.max_elevation_deg.value if entry.max_elevation_deg else 65.0
        return Vehicle(name=key, kind="shell", payload_mass_kg=mass, reentry_mass_kg=mass,
                       reentry_drag_area_m2=cda, muzzle_speed_m_s=entry.muzzle_velocity_m_s.value,  # type: ignore[union-attr]
                       max_elevation_deg=max_el, sources=sources)
    if not entry.stages:
        raise CatalogError(f"catalog entry {key}: a {entry.kind} needs at least one stage")
    if entry.payload_mass_kg is None:
        raise CatalogError(f"catalog entry {key}: payload_mass_kg is required")
    stages = tuple(
        Stage(propellant_mass_kg=s.propellant_mass_kg.value, dry_mass_kg=s.dry_mass_kg.value,
              burn_time_s=s.burn_time_s.value, isp_s=s.isp_vac_s.value,
              drag_area_m2=s.drag_coefficient.value * _area_m2(s.diameter_m.value))
        for s in entry.stages)
    payload = entry.payload_mass_kg.value
    # What flies on after burnout: a separating warhead alone, otherwise (rockets, Scud-class missiles)
    # the burnt-out top stage with its warhead.
    separates = entry.kind == "ballistic" and entry.separating_warhead is not False
    default_mass = payload if separates else payload + entry.stages[-1].dry_mass_kg.value
    reentry_mass = entry.reentry_mass_kg.value if entry.reentry_mass_kg else default_mass
    if entry.reentry_ballistic_coefficient_kg_m2 is not None:
        cda_rv = reentry_mass / entry.reentry_ballistic_coefficient_kg_m2.value
    else:  # the top stage's drag area for a body that does not separate
        cda_rv = stages[-1].drag_area_m2
    kwargs: dict[str, float] = {}
    if entry.vertical_rise_s is not None:
        kwargs["vertical_rise_s"] = entry.vertical_rise_s.value
    elif entry.kind == "ballistic":
        kwargs["vertical_rise_s"] = min(8.0, 0.15 * stages[0].burn_time_s)
    else:  # rockets leave the launcher on its axis: no vertical rise
        kwargs["vertical_rise_s"] = 0.0
    if entry.launcher_elevation_max_deg is not None:
        kwargs["max_elevation_deg"] = entry.launcher_elevation_max_deg.value
    glide = None
    if entry.quasi_ballistic is not None:
        if entry.kind != "ballistic":
            raise CatalogError(f"catalog entry {key}: quasi_ballistic is for ballistic missiles, not a {entry.kind}")
        q = entry.quasi_ballistic
        glide = GlideParams(apogee_m=q.apogee_km.value * 1e3, lift_to_drag=q.lift_to_drag.value,
                            glide_gamma_rad=math.radians(q.glide_angle_deg.value),
                            dive_speed_mps=q.dive_speed_m_s.value, pitch_over_s=q.pitch_over_s.value)
        sources["quasi_ballistic.apogee_km"] = q.apogee_km.source
    return Vehicle(name=key, kind=entry.kind, stages=stages, payload_mass_kg=payload,
                   reentry_mass_kg=reentry_mass, reentry_drag_area_m2=cda_rv, sources=sources, glide=glide,
                   **kwargs)


def threat_vehicle(key: str, catalog: ThreatCatalog | None = None) -> Vehicle:
    """The vehicle of a catalog threat by key; a KeyError names the keys there are."""
    catalog = catalog or load_threat_catalog()
    if key not in catalog.missiles:
        raise KeyError(f"no missile {key!r} in the catalog (known: {', '.join(sorted(catalog.missiles))})")
    return vehicle_from_entry(key, catalog.missiles[key])
