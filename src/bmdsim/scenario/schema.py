"""Scenario files: the validated, frozen description of one assessment.

A scenario names nations, sites, sensors, shooters, defended assets, threat raids, the architectures to
compare and the Monte Carlo settings. Files are YAML, read within fixed bounds (size, nesting, alias
expansion, no duplicate keys: :mod:`bmdsim.scenario.loader`) and validated by strict pydantic models that
forbid unknown keys, take no ``true`` for a number and no ``inf`` or NaN for any value, then by the
cross-reference checks of :mod:`bmdsim.scenario.validate` (every name resolved, every override applied).
Every error becomes one line naming the file, the line and the field path
(:class:`~bmdsim.scenario.errors.InputError`).

Units at this edge are the analyst's: degrees, km, seconds, USD; the stages convert them to SI once.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bmdsim.scenario.errors import InputError, format_error, one_line
from bmdsim.scenario.loader import load_yaml
from bmdsim.scenario.loader import read_scenario_text as read_scenario_text

MAX_TIME_S = 86_400.0
"""Largest launch time, spacing, latency or delay in a scenario [s] (one day)."""
MAX_INVENTORY = 100_000
"""Most interceptors one shooter may hold (a bound on the battle's launch log, not a physical figure)."""
MAX_WAVE = 1_000_000
BUILTIN_ARCHITECTURES = ("national", "bilateral", "trilateral")
RESERVED_RESULT_NAMES = frozenset({"results.json", "scenario.resolved.yaml", "variants.csv"})
"""Names of result files: a variant (a folder of results) may not take one."""

Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=10_000)]
Seconds = Annotated[float, Field(ge=0.0, le=MAX_TIME_S)]


class _Model(BaseModel):
    # strict: `true` is not a number and "3" not an integer; allow_inf_nan: no value of a scenario is
    # meaningful as inf or NaN (every time, range and count is finite)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class EarthSettings(_Model):
    shape: Literal["wgs84", "sphere"] = "wgs84"
    rotation: bool = True
    drag: bool = True


class Site(_Model):
    """A point on the Earth; its source is required for built-in presets."""

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=360.0)
    height_m: float = Field(default=0.0, ge=-500.0, le=10_000.0)
    source: Text | None = None
    note: Text | None = None


class PowerApertureChange(_Model):
    """A derived configuration of a catalog radar, from the power-aperture equations
    (:func:`bmdsim.sensors.power_aperture.derived_radar`); the catalog's quoted range stays the anchor."""

    arrays: int = Field(default=1, ge=1, le=8)
    """Identical arrays stacked into one aperture, each with its own transmitters (e.g. 2 for a "GBX"-like
    stacked AN/TPY-2)."""
    power_scale: float = Field(default=1.0, gt=0.0, le=100.0)
    """Average power relative to the catalog radar."""
    sector_deg: float | None = Field(default=None, gt=0.0, le=360.0)
    """Full azimuth width of the search sector [deg], in place of the catalog's (same frame time)."""
    frequency_ghz: float | None = Field(default=None, gt=0.0, le=100.0)
    """Carrier frequency [GHz] in place of the catalog's (radars whose catalog entry gives one)."""


class SensorEntry(_Model):
    name: Name
    type: Name = Field(description="radar catalog key")
    nation: Name
    site: Name
    boresight_az_deg: float | None = Field(default=None, ge=0.0, lt=360.0)
    min_elevation_deg: float | None = Field(default=None, ge=-10.0, le=45.0)
    """The lowest elevation this placement searches [deg], replacing the radar type's catalog figure: a
    radar on an elevated site (Seongju, about 680 m) may look below the horizontal, down to its terrain
    mask; line of sight over the ellipsoid still applies (the geometric horizon dip is the physical
    limit). Give the mask's source in ``source``."""
    power_aperture: PowerApertureChange | None = None
    """This placement's radar changed as the power-aperture equations say (stacked arrays, power, search
    sector, band); give the basis in ``source``."""
    p_discriminate: float = Field(default=0.5, ge=0.0, le=1.0)
    """Probability that this sensor picks the warhead out of a threat complex with decoys or debris: an
    explicit, disputed input (Sessler et al., *Countermeasures*, 2000; the default 0.5 is a coin toss
    between a warhead and one credible decoy, not a published figure)."""
    enabled: bool = True
    source: str | None = None


class ShooterEntry(_Model):
    name: Name
    nation: Name
    site: Name
    interceptor: Name = Field(description="interceptor catalog key")
    battery: Name | None = None
    """A catalog battery type (interceptor catalog ``batteries``): its launcher count and a full load of the
    interceptor fill ``launchers`` and ``inventory`` where those are not given."""
    inventory: int | None = Field(default=None, ge=0, le=MAX_INVENTORY)
    """Interceptors on hand; required unless ``battery`` gives a full load."""
    layer: Literal["upper", "lower", "short-range"] | None = None
    salvo: int = Field(default=2, ge=1, le=8)
    doctrine: Literal["salvo", "shoot-look-shoot"] = "shoot-look-shoot"
    max_looks: int = Field(default=2, ge=1, le=5)
    kill_assessment_s: float = Field(default=20.0, ge=0.0, le=3600.0)
    reliability: float = Field(default=0.9, ge=0.0, le=1.0)
    pk: float | None = Field(default=None, ge=0.0, le=1.0)
    p_discriminate: float | None = Field(default=None, ge=0.0, le=1.0)
    """Override of the discrimination probability of this shooter's fire control; by default it is the
    best ``p_discriminate`` among the sensors its nation may use that detect the threat."""
    fire_control_radar: Name | None = None
    """The battery's or ship's own fire-control radar (a sensor name). Required unless the interceptor can
    engage on remote data (catalog ``remote_data``); see docs/methods/engagement.md."""
    p_kill_assessment: float = Field(default=1.0, ge=0.0, le=1.0)
    """Probability the shooter assesses a salvo's result correctly. The default 1 is perfect kill
    assessment, the optimistic assumption of most public analyses; imperfect kill assessment is a stated
    input (Wilkening 1999 discusses it), not a published figure."""
    launchers: int | None = Field(default=None, ge=1, le=1000)
    """Launchers of the battery (None: no limit, e.g. a ship's vertical launch cells)."""
    launcher_cycle_s: float = Field(default=10.0, ge=0.0, le=3600.0)
    """How long a launcher is busy per salvo (firing, then readying its next round) [s]; 10 s is an
    assumption, not a published figure."""
    reload_time_s: float | None = Field(default=None, gt=0.0, le=MAX_TIME_S)
    """From a launcher's last round fired to the launcher reloaded from the reserve [s]. Default: the
    catalog battery type's (``battery:``); without one the shooter does not reload unless this and
    ``reserve`` are both given."""
    reserve: int | None = Field(default=None, ge=0, le=MAX_INVENTORY)
    """Reload rounds the battery holds beyond its first load (``inventory``). Default: the catalog battery
    type's reserve (0 for a ship, whose launch cells are not reloaded at sea)."""
    enabled: bool = True
    source: str | None = None


class AssetEntry(_Model):
    name: Name
    site: Name
    value: float = Field(gt=0.0, le=1e12)
    source: str | None = None


class RaidEntry(_Model):
    name: Name
    missile: Name = Field(description="threat catalog key")
    launch_site: Name
    launch_radius_km: float = Field(default=0.0, ge=0.0, le=500.0)
    aim: Name = Field(description="a defended asset or a site")
    count: int = Field(ge=1, le=10_000)
    t_launch_s: Seconds = 0.0
    spacing_s: Seconds = 0.0
    profile: Literal["minimum-energy", "lofted", "depressed", "quasi-ballistic"] = "minimum-energy"
    """``quasi-ballistic`` (KN-23 and KN-24: low apogee, pull-up and glide) needs a missile whose catalog entry
    has a ``quasi_ballistic`` block."""
    wave: int | None = Field(default=None, ge=0, le=MAX_WAVE)
    decoys: int = Field(default=0, ge=0, le=100, description="decoys or debris objects in each threat complex")
    decoy_kind: Literal["light", "heavy"] = "light"
    """``light`` decoys and debris are stripped by the atmosphere below ``countermeasures.filter_altitude_km``;
    ``heavy`` (re-entry) decoys are not."""
    source: Text | None = None


class AgreementEntry(_Model):
    provider: Name
    receiver: Name
    latency_s: Seconds
    relay: bool = True
    flows: list[Literal["tracks", "early_warning", "discrimination"]] = Field(
        default_factory=lambda: ["tracks", "early_warning", "discrimination"], min_length=1)
    """What the agreement releases: sensor tracks, infrared early-warning cues, discrimination data."""

    @model_validator(mode="after")
    def _two_nations(self) -> AgreementEntry:
        if self.provider == self.receiver:
            raise ValueError(f"a nation cannot share with itself ({self.provider!r} is provider and receiver)")
        return self


class ArchitectureEntry(_Model):
    name: Name
    agreements: list[AgreementEntry] = Field(default_factory=list)


class VariantEntry(_Model):
    """A named change to the force laydown: sensors and shooters to switch on or off."""

    name: str = Field(min_length=1, max_length=100)
    """Also the name of the variant's results folder: letters, digits, ``_ . -``, not starting with a dot,
    not the name of a result file."""
    description: Text = ""
    enable: list[Name] = Field(default_factory=list)
    disable: list[Name] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _folder_name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", v):
            raise ValueError("a variant name becomes a folder name: use letters, digits, _ . - only, not "
                             f"starting with a dot or a dash, got {one_line(repr(v), 80)}")
        if v.lower() in RESERVED_RESULT_NAMES or v.lower().endswith((".csv", ".parquet", ".json", ".yaml",
                                                                        ".lock")):
            raise ValueError(f"{v!r} is the name of a result file; choose another variant name")
        return v


class GridEntry(_Model):
    """A square grid of points around a centre: aim points (``aim_grid``) or launch points (``launch_grid``)."""

    name: Name
    missile: Name
    center: Name = Field(description="site at the grid's centre")
    radius_km: float = Field(gt=0.0, le=3000.0)
    points_per_side: int = Field(default=5, ge=2, le=40)
    launch_site: Name | None = Field(default=None, description="aim grids: where every threat is launched from")
    aim: Name | None = Field(default=None, description="launch grids: the asset or site every threat aims at")


class FootprintSettings(_Model):
    """Footprints over the rotating Earth (optional: each one flies, senses and engages a grid of threats)."""

    aim_grids: list[GridEntry] = Field(default_factory=list)
    launch_grids: list[GridEntry] = Field(default_factory=list)
    coverage_altitudes_km: list[Annotated[float, Field(ge=0.0, le=40_000.0)]] = Field(default_factory=list,
                                                                                     max_length=50)
    coverage_rcs_m2: float = Field(default=0.01, gt=0.0, le=1e6)


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


class RcsSettings(_Model):
    """Which radar-cross-section model the radars' looks use (docs/guide.md, :mod:`bmdsim.sensors.rcs`)."""

    model: Literal["nominal", "aspect"] = "nominal"
    """``nominal``: the catalog's published figures by flight phase (RV 0.01 m^2 nose-on at X band) for
    every radar and aspect; ``aspect``: physical-optics RCS of each object's shape at each look's aspect and
    the radar's wavelength."""


class NetworkSettings(_Model):
    latency_s: Seconds = 4.0
    relay_latency_s: Seconds | None = None
    reliability: float = Field(default=0.95, ge=0.0, le=1.0)


class TrackingSettings(_Model):
    fire_control_position_sigma_m: float = Field(default=500.0, gt=0.0, le=1e7)
    fire_control_velocity_sigma_mps: float = Field(default=50.0, gt=0.0, le=1e5)
    decision_time_s: Seconds = 10.0


class MonteCarloSettings(_Model):
    replications: int = Field(default=1000, ge=1, le=1_000_000)
    """At most a million: the standard error of a probability is then below 0.0005."""
    seed: int = Field(default=2014, ge=0, le=2**63 - 1)


class ScenarioConfig(_Model):
    """A whole scenario, validated."""

    name: Name
    description: Text = ""
    epoch_utc: str = "2014-12-29T00:00:00Z"
    """The scenario epoch: an ISO-8601 instant in UTC (``Z`` or ``+00:00``), stored as ``YYYY-MM-DDTHH:MM:SSZ``."""
    earth: EarthSettings = EarthSettings()
    nations: list[Name] = Field(min_length=1, max_length=50)
    sites: dict[Name, Site] = Field(default_factory=dict)
    sensors: list[SensorEntry] = Field(default_factory=list)
    shooters: list[ShooterEntry] = Field(default_factory=list)
    assets: list[AssetEntry] = Field(default_factory=list)
    raids: list[RaidEntry] = Field(min_length=1)
    architectures: list[Name | ArchitectureEntry] = Field(
        default_factory=lambda: ["national", "bilateral", "trilateral"], min_length=1)
    network: NetworkSettings = NetworkSettings()
    tracking: TrackingSettings = TrackingSettings()
    early_warning: list[EarlyWarningEntry] = Field(default_factory=list)
    countermeasures: CountermeasureSettings = CountermeasureSettings()
    rcs: RcsSettings = RcsSettings()
    monte_carlo: MonteCarloSettings = MonteCarloSettings()
    overrides: dict[Name, float] = Field(default_factory=dict)
    variants: list[VariantEntry] = Field(default_factory=list)
    footprints: FootprintSettings = FootprintSettings()

    @field_validator("nations")
    @classmethod
    def _unique_nations(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"nations must be unique, got {v}")
        return v

    @field_validator("epoch_utc", mode="before")
    @classmethod
    def _utc_instant(cls, v: object) -> str:
        return parse_epoch_utc(v)


def parse_epoch_utc(v: object) -> str:
    """An ISO-8601 UTC instant (a string, or the timestamp YAML makes of an unquoted one) as
    ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``; a ValueError otherwise."""
    if isinstance(v, datetime):
        t = v
    elif isinstance(v, str):
        try:
            t = datetime.fromisoformat(v.strip())
        except ValueError:
            raise ValueError("expected an ISO-8601 UTC instant such as 2014-12-29T00:00:00Z, got "
                             f"{one_line(repr(v), 80)}") from None
    else:
        raise ValueError(f"expected an ISO-8601 UTC instant such as 2014-12-29T00:00:00Z, got {type(v).__name__}")
    if t.tzinfo is None:
        if isinstance(v, datetime):  # PyYAML gives naive UTC datetimes for timestamps with an offset
            t = t.replace(tzinfo=UTC)
        else:
            raise ValueError(f"epoch must state UTC (end it with Z), got {one_line(repr(v), 80)}")
    if t.utcoffset() != timedelta(0):
        raise ValueError(f"epoch must be in UTC (Z or +00:00), got {one_line(repr(v), 80)}")
    if not 1900 <= t.year <= 2200:
        raise ValueError(f"epoch year must be in [1900, 2200], got {t.year}")
    t = t.astimezone(UTC).replace(tzinfo=None)
    return t.isoformat(timespec="microseconds" if t.microsecond else "seconds") + "Z"


_UNION_TAG = re.compile(r"^(str|int|float|bool|ArchitectureEntry|constrained-str|[a-z-]+\[.*\])$")


def _pydantic_path(err: dict) -> tuple[Hashable, ...]:
    """The field path of a pydantic error, without the tags pydantic adds for union members and validators."""
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and _UNION_TAG.match(p)))


def _first_error(errors: list) -> dict:
    """The error to report: the first, except that for a union (``architectures``: a name or a mapping)
    the branch that matches the input's kind is the one that explains the problem, and a misspelled key
    (``cuont``) is reported as itself, with the field it resembles, rather than as the field it leaves
    missing (``count``)."""
    import difflib

    for e in errors:
        if e["type"] != "extra_forbidden":
            continue
        parent, key = tuple(e["loc"][:-1]), str(e["loc"][-1])
        missing = [str(m["loc"][-1]) for m in errors if m["type"] == "missing" and tuple(m["loc"][:-1]) == parent]
        close = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
        if close:
            return {**e, "type": "misspelled", "msg": f"unknown field (did you mean {close[0]!r}?)"}
    first = errors[0]
    loc = tuple(first["loc"])
    for i, p in enumerate(loc):
        if p in ("str", "constrained-str") and isinstance(first.get("input"), dict):
            branch = [e for e in errors if tuple(e["loc"][: i + 1]) == (*loc[:i], "ArchitectureEntry")]
            if branch:
                return branch[0]
    return first


def _message(err: dict) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if err["type"] == "misspelled":
        return str(err["msg"])
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "field required"
    if err["type"] == "finite_number":
        return f"must be a finite number, got {err['input']!r}"
    if err["type"] == "string_type" and isinstance(err.get("input"), bool):
        return f"{msg}, got {err['input']!r} (YAML reads yes, no, on, off, true and false as booleans: quote it)"
    if "input" in err and err["type"] != "value_error":
        value = err["input"]
        shown = repr(value) if isinstance(value, str | int | float | bool | None) else type(value).__name__
        return f"{msg}, got {one_line(shown, 80)}"
    return msg


def parse_scenario(text: str, file: str = "<scenario>") -> tuple[ScenarioConfig, dict]:
    """Validate scenario YAML text; returns the config and the line index (for later reference checks).

    Runs every check that needs no physics: the bounded YAML reading, the schema, and the cross-references
    of :func:`bmdsim.scenario.validate.check_references`, so a run fails before its first expensive stage.
    """
    from bmdsim.scenario.validate import check_references

    data, lines = load_yaml(text, file)
    if not isinstance(data, dict):
        raise InputError(f"{file}: a scenario must be a YAML mapping of fields, got {type(data).__name__}")
    try:
        config = ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        err = _first_error(exc.errors())
        raise InputError(format_error(file, lines, _pydantic_path(err), _message(err))) from None
    except RecursionError:  # the loader bounds nesting; never a traceback all the same
        raise InputError(f"{file}: nested too deep") from None
    check_references(config, file, lines)
    return config, lines


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
