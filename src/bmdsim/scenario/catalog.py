"""The catalog of public threat data, each figure with its source.

The catalog file (``catalog/threats.yaml``) holds, for every threat system, figures of the form
``{value, source, low?, high?, note?}``: the nominal value the model uses, its public source and, where
sources disagree, the published low-high range. :func:`load_threat_catalog` validates the file and
:func:`vehicle_from_entry` turns an entry into the SI :class:`~bmdsim.flight.vehicles.Vehicle` the physics
uses (degrees, km and diameters are converted here, once).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bmdsim.flight.vehicles import Stage, Vehicle


class CatalogError(ValueError):
    """A catalog file that does not validate; the message names the file and the field."""


class Figure(BaseModel):
    """One catalog number with its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float
    source: str = Field(min_length=3)
    low: float | None = None
    high: float | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _range_holds_value(self) -> Figure:
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class StageEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    propellant_mass_kg: Figure
    dry_mass_kg: Figure
    burn_time_s: Figure
    isp_vac_s: Figure
    diameter_m: Figure
    drag_coefficient: Figure


class ThreatEntry(BaseModel):
    """A threat system as the catalog file describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    country: str
    kind: Literal["ballistic", "rocket", "shell"]
    published_max_range_km: Figure
    payload_mass_kg: Figure | None = None
    separating_warhead: bool | None = None
    reentry_mass_kg: Figure | None = None
    reentry_ballistic_coefficient_kg_m2: Figure | None = None
    reentry_length_m: Figure | None = None
    reentry_diameter_m: Figure | None = None
    stages: list[StageEntry] = Field(default_factory=list)
    launch_mass_kg: Figure | None = None
    length_m: Figure | None = None
    vertical_rise_s: Figure | None = None
    launcher_elevation_max_deg: Figure | None = None
    muzzle_velocity_m_s: Figure | None = None
    projectile_mass_kg: Figure | None = None
    diameter_m: Figure | None = None
    drag_coefficient: Figure | None = None
    max_elevation_deg: Figure | None = None
    propellant_type: str | None = None
    tune_parameter: str | None = None
    """Path of the one figure adjusted so that the model reaches the published range (e.g.
    ``stages[0].isp_vac_s``); its value stays inside its published ``low``-``high`` bounds."""
    model_note: str | None = None


class ThreatCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    refs: dict[str, str] = Field(default_factory=dict)
    missiles: dict[str, ThreatEntry]


def _format_error(path: str, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{path}: {loc}: {first['msg']}"


def parse_threat_catalog(text: str, path: str = "<catalog>") -> ThreatCatalog:
    """Validate catalog YAML text; errors name the file and the field path."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{path}:{where} not valid YAML") from exc
    try:
        return ThreatCatalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(_format_error(path, exc)) from exc


def load_builtin_catalog(filename: str, model: type[BaseModel]) -> BaseModel:
    """Validate a built-in catalog file (``catalog/<filename>``) into ``model``; errors name file and field."""
    path = f"catalog/{filename}"
    text = (resources.files("bmdsim.scenario") / "catalog" / filename).read_text(encoding="utf-8")
    try:
        return model.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise CatalogError(_format_error(path, exc)) from exc


@lru_cache(maxsize=1)
def load_threat_catalog(path: str | None = None) -> ThreatCatalog:
    """The threat catalog: the built-in one, or the file at ``path``."""
    if path is None:
        res = resources.files("bmdsim.scenario") / "catalog" / "threats.yaml"
        return parse_threat_catalog(res.read_text(encoding="utf-8"), "catalog/threats.yaml")
    return parse_threat_catalog(Path(path).read_text(encoding="utf-8"), path)


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
    return Vehicle(name=key, kind=entry.kind, stages=stages, payload_mass_kg=payload,
                   reentry_mass_kg=reentry_mass, reentry_drag_area_m2=cda_rv, sources=sources, **kwargs)


def threat_vehicle(key: str, catalog: ThreatCatalog | None = None) -> Vehicle:
    """The vehicle of a catalog threat by key; a KeyError names the keys there are."""
    catalog = catalog or load_threat_catalog()
    if key not in catalog.missiles:
        raise KeyError(f"no missile {key!r} in the catalog (known: {', '.join(sorted(catalog.missiles))})")
    return vehicle_from_entry(key, catalog.missiles[key])
