"""The catalog of public sensor data (radars, threat radar cross sections, space-based infrared warning).

The catalog file (``catalog/radars.yaml``) holds figures of the form ``{value, source, low?, high?, note?}``
(:class:`~bmdsim.scenario.catalog.Figure`), in the units their keys name (km, deg, deg^2, mrad). This module
validates the file and converts entries, once, to SI keyword dictionaries:
:func:`radar_kwargs` gives the arguments of :class:`bmdsim.sensors.radar.RadarConfig`,
:func:`infrared_kwargs` those of :class:`bmdsim.sensors.infrared.InfraredConfig`, and :func:`rcs_figures_m2`
the RCS classes. (The sensor classes live in a later pipeline stage, which this module must not import;
``bmdsim.sensors`` builds its objects from these dictionaries.)

Errors name the file and the field path, e.g. ``catalog/radars.yaml: radars.tpy2-fbm: Value error,
max_range_km must be > 0, got -5.0``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from bmdsim.scenario.catalog import CatalogError, Figure, _format_error

DEFAULT_PATH = "catalog/radars.yaml"
_DEG2_TO_SR = (math.pi / 180.0) ** 2


class PowerApertureEntry(BaseModel):
    """Power-aperture parameters of a radar, where public figures allow (:mod:`bmdsim.sensors.power_aperture`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    average_power_kw: Figure
    aperture_area_m2: Figure
    aperture_efficiency: Figure
    frequency_ghz: Figure
    system_noise_temperature_k: Figure
    loss_db: Figure
    track_dwell_ms: Figure

    @model_validator(mode="after")
    def _physical(self) -> PowerApertureEntry:
        for name in ("average_power_kw", "aperture_area_m2", "frequency_ghz", "system_noise_temperature_k",
                     "track_dwell_ms"):
            v = getattr(self, name).value
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"power_aperture.{name} must be > 0, got {v}")
        if not 0 < self.aperture_efficiency.value <= 1:
            raise ValueError("power_aperture.aperture_efficiency must be in (0, 1], "
                             f"got {self.aperture_efficiency.value}")
        if self.loss_db.value < 0:
            raise ValueError(f"power_aperture.loss_db must be >= 0, got {self.loss_db.value}")
        return self


class RadarEntry(BaseModel):
    """A radar type as the catalog file describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    band: str
    frequency_ghz: Figure | None = None
    """Carrier frequency [GHz]: the wavelength of the aspect RCS model (``rcs: {model: aspect}``)."""
    platform: Literal["ground", "ship"]
    search_reference_range_km: Figure
    reference_rcs_m2: Figure
    reference_snr_db: Figure
    pfa: Figure
    swerling: Literal[0, 1, 3] = 1
    track_gain_db: Figure
    max_range_km: Figure
    search_revisit_s: Figure
    track_revisit_s: Figure
    search_volume_deg2: Figure
    cued_volume_deg2: Figure
    min_elevation_deg: Figure
    max_elevation_deg: Figure
    sector_half_width_deg: Figure
    range_resolution_m: Figure
    beamwidth_deg: Figure
    range_sigma_floor_m: Figure
    angle_sigma_floor_mrad: Figure
    power_aperture: PowerApertureEntry | None = None
    """Optional first-principles parameters; when present, the reference range can be derived from them."""
    model_note: str | None = None

    @model_validator(mode="after")
    def _physical(self) -> RadarEntry:
        positive = ("search_reference_range_km", "reference_rcs_m2", "max_range_km", "search_revisit_s",
                    "track_revisit_s", "search_volume_deg2", "cued_volume_deg2", "range_resolution_m",
                    "beamwidth_deg")
        for name in positive:
            v = getattr(self, name).value
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be > 0, got {v}")
        for name in ("track_gain_db", "range_sigma_floor_m", "angle_sigma_floor_mrad"):
            v = getattr(self, name).value
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be >= 0, got {v}")
        if not 0 < self.sector_half_width_deg.value <= 180:
            raise ValueError(f"sector_half_width_deg must be in (0, 180] (a sector of at most 360 deg), "
                             f"got {self.sector_half_width_deg.value}")
        lo, hi = self.min_elevation_deg.value, self.max_elevation_deg.value
        if not -90 <= lo < hi <= 90:
            raise ValueError(f"min_elevation_deg ({lo}) must be below max_elevation_deg ({hi}), both in "
                             "[-90, 90]")
        if self.cued_volume_deg2.value > self.search_volume_deg2.value:
            raise ValueError(f"cued_volume_deg2 ({self.cued_volume_deg2.value}) must not exceed "
                             f"search_volume_deg2 ({self.search_volume_deg2.value})")
        if not 0 < self.pfa.value < 1:
            raise ValueError(f"pfa must be in (0, 1), got {self.pfa.value}")
        if self.frequency_ghz is not None and not (math.isfinite(self.frequency_ghz.value)
                                                   and self.frequency_ghz.value > 0):
            raise ValueError(f"frequency_ghz must be > 0, got {self.frequency_ghz.value}")
        return self


class RcsEntry(BaseModel):
    """Radar cross sections of threat objects by class [m^2] (nose-on or aspect-averaged as noted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    booster_m2: Figure
    reentry_vehicle_m2: Figure
    unseparated_body_m2: Figure
    spent_stage_m2: Figure
    shell_m2: Figure

    @model_validator(mode="after")
    def _positive(self) -> RcsEntry:
        for name in type(self).model_fields:
            v = getattr(self, name).value
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be > 0, got {v}")
        return self


class RcsShapesEntry(BaseModel):
    """Generic shape figures of the aspect RCS model (:mod:`bmdsim.sensors.scattering`), where the threat
    catalog gives no dimension."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rv_half_angle_deg: Figure
    rv_nose_radius_fraction: Figure
    body_length_to_diameter: Figure
    spent_stage_length_to_diameter: Figure

    @model_validator(mode="after")
    def _physical(self) -> RcsShapesEntry:
        if not 0 < self.rv_half_angle_deg.value < 45:
            raise ValueError(f"rv_half_angle_deg must be in (0, 45), got {self.rv_half_angle_deg.value}")
        if not 0 <= self.rv_nose_radius_fraction.value < 1:
            raise ValueError("rv_nose_radius_fraction must be in [0, 1), got "
                             f"{self.rv_nose_radius_fraction.value}")
        for name in ("body_length_to_diameter", "spent_stage_length_to_diameter"):
            v = getattr(self, name).value
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be > 0, got {v}")
        return self


class InfraredEntry(BaseModel):
    """A space-based infrared early-warning system."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    cloud_top_altitude_km: Figure
    dwell_s: Figure
    latency_s: Figure
    launch_point_sigma_km: Figure
    azimuth_sigma_deg: Figure

    @model_validator(mode="after")
    def _physical(self) -> InfraredEntry:
        for name in ("cloud_top_altitude_km", "dwell_s", "latency_s"):
            v = getattr(self, name).value
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be >= 0, got {v}")
        for name in ("launch_point_sigma_km", "azimuth_sigma_deg"):
            v = getattr(self, name).value
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be > 0, got {v}")
        return self


class RadarCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    refs: dict[str, str] = Field(default_factory=dict)
    radars: dict[str, RadarEntry]
    rcs: RcsEntry
    rcs_shapes: RcsShapesEntry | None = None
    infrared: dict[str, InfraredEntry] = Field(default_factory=dict)
    _path: str = PrivateAttr(default=DEFAULT_PATH)

    @property
    def path(self) -> str:
        """The file this catalog was read from (for error messages)."""
        return self._path


def parse_radar_catalog(text: str, path: str = "<catalog>") -> RadarCatalog:
    """Validate radar-catalog YAML text; errors name the file and the field path."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{path}:{where} not valid YAML") from exc
    try:
        catalog = RadarCatalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(_format_error(path, exc)) from exc
    catalog._path = path
    return catalog


@lru_cache(maxsize=4)
def load_radar_catalog(path: str | None = None) -> RadarCatalog:
    """The radar catalog: the built-in one, or the file at ``path``."""
    if path is None:
        res = resources.files("bmdsim.scenario") / "catalog" / "radars.yaml"
        return parse_radar_catalog(res.read_text(encoding="utf-8"), DEFAULT_PATH)
    return parse_radar_catalog(Path(path).read_text(encoding="utf-8"), path)


def _entry(key: str, catalog: RadarCatalog) -> RadarEntry:
    if key not in catalog.radars:
        raise KeyError(f"no radar {key!r} in the catalog (known: {', '.join(sorted(catalog.radars))})")
    return catalog.radars[key]


def radar_kwargs(key: str, catalog: RadarCatalog | None = None) -> dict[str, float | int | str | None]:
    """SI keyword arguments of ``RadarConfig`` for a catalog radar (nominal values).

    A KeyError names the known keys.
    """
    catalog = catalog or load_radar_catalog()
    e = _entry(key, catalog)
    rad = math.radians
    return {
        "name": key,
        "band": e.band,
        "search_reference_range_m": e.search_reference_range_km.value * 1e3,
        "reference_rcs_m2": e.reference_rcs_m2.value,
        "reference_snr_db": e.reference_snr_db.value,
        "pfa": e.pfa.value,
        "swerling": e.swerling,
        "track_gain_db": e.track_gain_db.value,
        "max_range_m": e.max_range_km.value * 1e3,
        "search_revisit_s": e.search_revisit_s.value,
        "track_revisit_s": e.track_revisit_s.value,
        "search_solid_angle_sr": e.search_volume_deg2.value * _DEG2_TO_SR,
        "cued_solid_angle_sr": e.cued_volume_deg2.value * _DEG2_TO_SR,
        "min_elevation_rad": rad(e.min_elevation_deg.value),
        "max_elevation_rad": rad(e.max_elevation_deg.value),
        "sector_half_width_rad": rad(e.sector_half_width_deg.value),
        "range_resolution_m": e.range_resolution_m.value,
        "beamwidth_rad": rad(e.beamwidth_deg.value),
        "range_sigma_floor_m": e.range_sigma_floor_m.value,
        "angle_sigma_floor_rad": e.angle_sigma_floor_mrad.value * 1e-3,
        "frequency_hz": e.frequency_ghz.value * 1e9 if e.frequency_ghz is not None else None,
    }


def power_aperture_kwargs(key: str, catalog: RadarCatalog | None = None) -> dict[str, float]:
    """SI parameters of a catalog radar's power-aperture model, with its search frame and track dwell.

    Keys: the arguments of :class:`bmdsim.sensors.power_aperture.PowerAperture`, plus ``frame_time_s`` (the
    search revisit), ``solid_angle_sr`` (the search volume) and ``track_dwell_s``. A KeyError names the radars
    that have power-aperture figures.
    """
    catalog = catalog or load_radar_catalog()
    e = _entry(key, catalog)
    if e.power_aperture is None:
        known = ", ".join(sorted(k for k, r in catalog.radars.items() if r.power_aperture is not None))
        raise KeyError(f"radar {key!r} has no power-aperture figures (radars that have them: {known})")
    pa = e.power_aperture
    return {
        "average_power_w": pa.average_power_kw.value * 1e3,
        "aperture_area_m2": pa.aperture_area_m2.value,
        "aperture_efficiency": pa.aperture_efficiency.value,
        "frequency_hz": pa.frequency_ghz.value * 1e9,
        "system_noise_temperature_k": pa.system_noise_temperature_k.value,
        "loss_db": pa.loss_db.value,
        "frame_time_s": e.search_revisit_s.value,
        "solid_angle_sr": e.search_volume_deg2.value * _DEG2_TO_SR,
        "track_dwell_s": pa.track_dwell_ms.value * 1e-3,
    }


def rcs_figures_m2(catalog: RadarCatalog | None = None) -> dict[str, float]:
    """Nominal RCS of each object class [m^2].

    Keys: ``booster``, ``reentry_vehicle``, ``unseparated_body``, ``spent_stage``, ``shell``.
    """
    catalog = catalog or load_radar_catalog()
    rcs = catalog.rcs
    return {name.removesuffix("_m2"): getattr(rcs, name).value for name in type(rcs).model_fields}


def rcs_shape_figures(catalog: RadarCatalog | None = None) -> dict[str, float]:
    """SI figures of the aspect RCS model's generic shapes: ``rv_half_angle_rad``,
    ``rv_nose_radius_fraction``, ``body_length_to_diameter``, ``spent_stage_length_to_diameter``.

    A CatalogError names the file when the catalog has no ``rcs_shapes`` block.
    """
    catalog = catalog or load_radar_catalog()
    sh = catalog.rcs_shapes
    if sh is None:
        raise CatalogError(f"{catalog.path}: rcs_shapes: missing; the aspect RCS model needs it (see the "
                           "built-in catalog/radars.yaml)")
    return {"rv_half_angle_rad": math.radians(sh.rv_half_angle_deg.value),
            "rv_nose_radius_fraction": sh.rv_nose_radius_fraction.value,
            "body_length_to_diameter": sh.body_length_to_diameter.value,
            "spent_stage_length_to_diameter": sh.spent_stage_length_to_diameter.value}


def infrared_kwargs(key: str = "sbirs", catalog: RadarCatalog | None = None) -> dict[str, float | str]:
    """SI keyword arguments of ``InfraredConfig`` for a catalog infrared system."""
    catalog = catalog or load_radar_catalog()
    if key not in catalog.infrared:
        known = ", ".join(sorted(catalog.infrared))
        raise KeyError(f"no infrared system {key!r} in the catalog (known: {known})")
    e = catalog.infrared[key]
    return {
        "name": key,
        "cloud_top_alt_m": e.cloud_top_altitude_km.value * 1e3,
        "dwell_s": e.dwell_s.value,
        "latency_s": e.latency_s.value,
        "launch_point_sigma_m": e.launch_point_sigma_km.value * 1e3,
        "azimuth_sigma_rad": math.radians(e.azimuth_sigma_deg.value),
    }


def catalog_frequency_hz(key: str, catalog: RadarCatalog | None = None) -> float | None:
    """A catalog radar's carrier frequency [Hz] where its power-aperture figures give one, else None."""
    catalog = catalog or load_radar_catalog()
    e = _entry(key, catalog)
    return None if e.power_aperture is None else e.power_aperture.frequency_ghz.value * 1e9
