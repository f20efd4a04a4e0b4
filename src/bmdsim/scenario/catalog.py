"""The catalog of public threat data, each figure with its source.

The catalog file (``catalog/threats.yaml``) holds, for every threat system, figures of the form
``{value, source, low?, high?, note?}``: the nominal value the model uses, its public source and, where
sources disagree, the published low-high range. :func:`load_threat_catalog` validates the file;
:func:`bmdsim.flight.catalog.vehicle_from_entry` turns an entry into the SI vehicle the physics uses (the
scenario stage holds data only and imports no later stage).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


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


class QuasiBallisticEntry(BaseModel):
    """The ``quasi-ballistic`` flight profile of a missile (see :mod:`bmdsim.flight.dynamics`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    apogee_km: Figure
    """Apogee the depressed boost is shaped to (reported apogees of the profile's flights)."""
    lift_to_drag: Figure
    """Largest lift-to-drag ratio of the body after burnout."""
    glide_angle_deg: Figure
    """Flight-path angle the pull-up turns toward and the glide holds."""
    dive_speed_m_s: Figure
    """Speed below which lift fades out and the terminal dive is ballistic."""
    pitch_over_s: Figure
    """Duration of the pitch program after the vertical rise (the boost then holds its low elevation)."""


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
    quasi_ballistic: QuasiBallisticEntry | None = None
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
