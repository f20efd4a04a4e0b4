"""Scenario files: the validated, frozen description of one assessment.

A scenario names nations, sites, sensors, shooters, defended assets, threat raids, the architectures to
compare and the Monte Carlo settings. Files are YAML, loaded with ``yaml.safe_load`` (a scenario never
runs code) and validated by pydantic models that forbid unknown keys. Every error becomes one line
naming the file, the line and the field path (:class:`~bmdsim.scenario.errors.InputError`).

Units at this edge are the analyst's: degrees, km, seconds, USD; the stages convert them to SI once.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bmdsim.scenario.errors import InputError, format_error, yaml_line_index


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EarthSettings(_Model):
    shape: Literal["wgs84", "sphere"] = "wgs84"
    rotation: bool = True
    drag: bool = True


class Site(_Model):
    """A point on the Earth; its source is required for built-in presets."""

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=360.0)
    height_m: float = Field(default=0.0, ge=-500.0, le=10_000.0)
    source: str | None = None
    note: str | None = None


class SensorEntry(_Model):
    name: str = Field(min_length=1)
    type: str = Field(min_length=1, description="radar catalog key")
    nation: str
    site: str
    boresight_az_deg: float | None = Field(default=None, ge=0.0, lt=360.0)
    p_discriminate: float = Field(default=0.5, ge=0.0, le=1.0)
    """Probability that this sensor picks the warhead out of a threat complex with decoys or debris: an
    explicit, disputed input (Sessler et al., *Countermeasures*, 2000; the default 0.5 is a coin toss
    between a warhead and one credible decoy, not a published figure)."""
    enabled: bool = True
    source: str | None = None


class ShooterEntry(_Model):
    name: str = Field(min_length=1)
    nation: str
    site: str
    interceptor: str = Field(description="interceptor catalog key")
    inventory: int = Field(ge=0)
    layer: Literal["upper", "lower", "short-range"] | None = None
    salvo: int = Field(default=2, ge=1, le=8)
    doctrine: Literal["salvo", "shoot-look-shoot"] = "shoot-look-shoot"
    max_looks: int = Field(default=2, ge=1, le=5)
    kill_assessment_s: float = Field(default=20.0, ge=0.0)
    reliability: float = Field(default=0.9, ge=0.0, le=1.0)
    pk: float | None = Field(default=None, ge=0.0, le=1.0)
    p_discriminate: float | None = Field(default=None, ge=0.0, le=1.0)
    """Override of the discrimination probability of this shooter's fire control; by default it is the
    best ``p_discriminate`` among the sensors its nation may use that detect the threat."""
    fire_control_radar: str | None = None
    """The battery's or ship's own fire-control radar (a sensor name). Required unless the interceptor can
    engage on remote data (catalog ``remote_data``); see docs/methods/engagement.md."""
    p_kill_assessment: float = Field(default=1.0, ge=0.0, le=1.0)
    """Probability the shooter assesses a salvo's result correctly. The default 1 is perfect kill
    assessment, the optimistic assumption of most public analyses; imperfect kill assessment is a stated
    input (Wilkening 1999 discusses it), not a published figure."""
    launchers: int | None = Field(default=None, ge=1, le=1000)
    """Launchers of the battery (None: no limit, e.g. a ship's vertical launch cells)."""
    launcher_cycle_s: float = Field(default=10.0, ge=0.0)
    """How long a launcher is busy per salvo (firing, then readying its next round) [s]; 10 s is an
    assumption, not a published figure."""
    enabled: bool = True
    source: str | None = None


class AssetEntry(_Model):
    name: str = Field(min_length=1)
    site: str
    value: float = Field(gt=0.0)
    source: str | None = None


class RaidEntry(_Model):
    name: str = Field(min_length=1)
    missile: str = Field(description="threat catalog key")
    launch_site: str
    launch_radius_km: float = Field(default=0.0, ge=0.0, le=500.0)
    aim: str = Field(description="a defended asset or a site")
    count: int = Field(ge=1, le=10_000)
    t_launch_s: float = Field(default=0.0, ge=0.0)
    spacing_s: float = Field(default=0.0, ge=0.0)
    profile: Literal["minimum-energy", "lofted", "depressed"] = "minimum-energy"
    wave: int | None = Field(default=None, ge=0)
    decoys: int = Field(default=0, ge=0, le=100, description="decoys or debris objects in each threat complex")
    decoy_kind: Literal["light", "heavy"] = "light"
    """``light`` decoys and debris are stripped by the atmosphere below ``countermeasures.filter_altitude_km``;
    ``heavy`` (re-entry) decoys are not."""
    source: str | None = None


class AgreementEntry(_Model):
    provider: str
    receiver: str
    latency_s: float = Field(ge=0.0)
    relay: bool = True
    flows: list[Literal["tracks", "early_warning", "discrimination"]] = Field(
        default_factory=lambda: ["tracks", "early_warning", "discrimination"], min_length=1)
    """What the agreement releases: sensor tracks, infrared early-warning cues, discrimination data."""


class ArchitectureEntry(_Model):
    name: str = Field(min_length=1)
    agreements: list[AgreementEntry] = Field(default_factory=list)


class VariantEntry(_Model):
    """A named change to the force laydown: sensors and shooters to switch on or off."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    enable: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)


class GridEntry(_Model):
    """A square grid of points around a centre: aim points (``aim_grid``) or launch points (``launch_grid``)."""

    name: str = Field(min_length=1)
    missile: str
    center: str = Field(description="site at the grid's centre")
    radius_km: float = Field(gt=0.0, le=3000.0)
    points_per_side: int = Field(default=5, ge=2, le=40)
    launch_site: str | None = Field(default=None, description="aim grids: where every threat is launched from")
    aim: str | None = Field(default=None, description="launch grids: the asset or site every threat aims at")


class FootprintSettings(_Model):
    """Footprints over the rotating Earth (optional: each one flies, senses and engages a grid of threats)."""

    aim_grids: list[GridEntry] = Field(default_factory=list)
    launch_grids: list[GridEntry] = Field(default_factory=list)
    coverage_altitudes_km: list[float] = Field(default_factory=list)
    coverage_rcs_m2: float = Field(default=0.01, gt=0.0)


class EarlyWarningEntry(_Model):
    """A space-based infrared early-warning system, its owner, and so who may receive its cues."""

    name: str = Field(min_length=1)
    system: str = Field(default="sbirs", description="infrared catalog key")
    nation: str
    source: str | None = None


class CountermeasureSettings(_Model):
    filter_altitude_km: float = Field(default=90.0, ge=0.0, le=200.0)
    """Altitude below which the atmosphere strips light decoys and debris from a threat complex [km]
    (docs/methods/engagement.md gives the basis of the default)."""


class NetworkSettings(_Model):
    latency_s: float = Field(default=4.0, ge=0.0)
    relay_latency_s: float | None = Field(default=None, ge=0.0)
    reliability: float = Field(default=0.95, ge=0.0, le=1.0)


class TrackingSettings(_Model):
    fire_control_position_sigma_m: float = Field(default=500.0, gt=0.0)
    fire_control_velocity_sigma_mps: float = Field(default=50.0, gt=0.0)
    decision_time_s: float = Field(default=10.0, ge=0.0)


class MonteCarloSettings(_Model):
    replications: int = Field(default=1000, ge=1, le=10_000_000)
    seed: int = Field(default=2014, ge=0)


class ScenarioConfig(_Model):
    """A whole scenario, validated."""

    name: str = Field(min_length=1)
    description: str = ""
    epoch_utc: str = "2014-12-29T00:00:00Z"
    earth: EarthSettings = EarthSettings()
    nations: list[str] = Field(min_length=1)
    sites: dict[str, Site] = Field(default_factory=dict)
    sensors: list[SensorEntry] = Field(default_factory=list)
    shooters: list[ShooterEntry] = Field(default_factory=list)
    assets: list[AssetEntry] = Field(default_factory=list)
    raids: list[RaidEntry] = Field(min_length=1)
    architectures: list[str | ArchitectureEntry] = Field(
        default_factory=lambda: ["national", "bilateral", "trilateral"], min_length=1)
    network: NetworkSettings = NetworkSettings()
    tracking: TrackingSettings = TrackingSettings()
    early_warning: list[EarlyWarningEntry] = Field(default_factory=list)
    countermeasures: CountermeasureSettings = CountermeasureSettings()
    monte_carlo: MonteCarloSettings = MonteCarloSettings()
    overrides: dict[str, float] = Field(default_factory=dict)
    variants: list[VariantEntry] = Field(default_factory=list)
    footprints: FootprintSettings = FootprintSettings()

    @field_validator("nations")
    @classmethod
    def _unique_nations(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"nations must be unique, got {v}")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> ScenarioConfig:
        for group in ("sensors", "shooters", "assets", "raids", "variants", "early_warning"):
            names = [e.name for e in getattr(self, group)]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ValueError(f"{group}: names must be unique, {sorted(dup)[0]!r} appears twice")
        return self


def _pydantic_path(err: dict) -> tuple[Hashable, ...]:
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and p in (
        "str", "ArchitectureEntry", "function-after[_unique_nations(), list[str]]")))


def parse_scenario(text: str, file: str = "<scenario>") -> tuple[ScenarioConfig, dict]:
    """Validate scenario YAML text; returns the config and the line index (for later reference checks)."""
    lines = yaml_line_index(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise InputError(f"{file}: a scenario must be a YAML mapping of fields, got {type(data).__name__}")
    try:
        return ScenarioConfig.model_validate(data), lines
    except ValidationError as exc:
        err = exc.errors()[0]
        path = _pydantic_path(err)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "field required"
        elif "input" in err and err["type"] not in ("value_error",):
            msg = f"{msg}, got {err['input']!r}"
        raise InputError(format_error(file, lines, path, msg)) from None


def read_scenario_text(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: no such scenario file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the scenario file ({type(exc).__name__})") from None


def apply_variant(config: ScenarioConfig, name: str) -> ScenarioConfig:
    """The scenario with variant ``name``'s sensors and shooters switched on or off (no variants left)."""
    variant = next((v for v in config.variants if v.name == name), None)
    if variant is None:
        raise InputError(f"no variant {name!r} (variants: {', '.join(v.name for v in config.variants)})")
    known = {e.name for e in config.sensors} | {e.name for e in config.shooters}
    for key in (*variant.enable, *variant.disable):
        if key not in known:
            raise InputError(f"variants.{name}: unknown sensor or shooter {key!r}")

    def switch(entries):
        return [e.model_copy(update={"enabled": True}) if e.name in variant.enable else
                e.model_copy(update={"enabled": False}) if e.name in variant.disable else e for e in entries]

    return config.model_copy(update={"sensors": switch(config.sensors), "shooters": switch(config.shooters),
                                     "variants": [], "name": f"{config.name}:{name}"})


def to_yaml(config: ScenarioConfig) -> str:
    """The scenario as YAML a user can copy and edit (round-trips through :func:`parse_scenario`)."""
    return yaml.safe_dump(config.model_dump(mode="json", exclude_none=True), sort_keys=False,
                          allow_unicode=True, width=110)
