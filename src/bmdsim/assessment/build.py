"""From a validated scenario file to the runtime objects of every stage (SI units, catalog figures).

Cross-references (sites, nations, catalog keys, assets) are checked here, and every failure becomes
one line naming the scenario file, its line and the field path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.geodesy import surface_forward
from bmdsim.earth.model import EarthModel
from bmdsim.engagement.battle import ShooterSet
from bmdsim.engagement.engage import ShooterLayout
from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.engagement.interceptors import interceptor_config
from bmdsim.flight.raid import ThreatTable
from bmdsim.network.agreements import Agreement, Architecture, builtin_architectures
from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.errors import InputError, format_error
from bmdsim.scenario.interceptor_catalog import (
    battery_load,
    load_interceptor_catalog,
    shooter_inventory,
    shooter_reload,
)
from bmdsim.scenario.radar_catalog import catalog_frequency_hz, load_radar_catalog
from bmdsim.scenario.schema import ArchitectureEntry, ScenarioConfig
from bmdsim.scenario.seeds import SeedPlan
from bmdsim.scenario.sites import load_site_catalog
from bmdsim.sensors.infrared import InfraredConfig, infrared_from_catalog
from bmdsim.sensors.power_aperture import derived_radar
from bmdsim.sensors.radar import RadarSite, radar_from_catalog

F64 = NDArray[np.float64]
LAYER_INDEX = {"upper": 0, "lower": 1, "short-range": 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class EarlyWarning:
    """A space-based infrared early-warning system and its owner."""

    name: str
    config: InfraredConfig
    nation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedScenario:
    """Everything a run needs, resolved from one scenario."""

    config: ScenarioConfig
    file: str
    earth: EarthModel
    threats: ThreatTable
    radars: tuple[RadarSite, ...]
    radar_p_discriminate: F64
    """(number of radars,) probability each radar picks the warhead out of a complex with decoys."""
    shooters: ShooterLayout
    architectures: dict[str, Architecture]
    early_warning: tuple[EarlyWarning, ...]
    seeds: SeedPlan


class _Ctx:
    def __init__(self, cfg: ScenarioConfig, file: str, lines: dict) -> None:
        self.cfg, self.file, self.lines = cfg, file, lines

    def fail(self, path: tuple[Hashable, ...], msg: str) -> InputError:
        return InputError(format_error(self.file, self.lines, path, msg))

    def site(self, key: str, path: tuple[Hashable, ...]) -> tuple[float, float, float]:
        """(lat_rad, lon_rad, height_m) of a scenario or gazetteer site."""
        if key in self.cfg.sites:
            s = self.cfg.sites[key]
            return np.radians(s.lat_deg), np.radians(s.lon_deg), s.height_m
        gaz = load_site_catalog().sites
        if key in gaz:
            g = gaz[key]
            return (np.radians(g.lat_deg.value), np.radians(g.lon_deg.value),
                    g.height_m.value if g.height_m is not None else 0.0)
        raise self.fail(path, f"unknown site {key!r}: define it under sites: or use a gazetteer key")

    def nation(self, name: str, path: tuple[Hashable, ...]) -> str:
        if name not in self.cfg.nations:
            raise self.fail(path, f"unknown nation {name!r} (nations: {', '.join(self.cfg.nations)})")
        return name


def _overrides(ctx: _Ctx) -> dict[str, dict[str, dict[str, float]]]:
    """``{"interceptors": {key: {field: value}}, "radars": {...}}`` from ``overrides:``."""
    out: dict[str, dict[str, dict[str, float]]] = {"interceptors": {}, "radars": {}}
    fields = {"interceptors": {f.name for f in dataclasses.fields(InterceptorConfig)} - {"name"},
              "radars": None}
    for key, value in ctx.cfg.overrides.items():
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in out:
            raise ctx.fail(("overrides", key), "override keys read interceptors.<key>.<field> or "
                                                "radars.<key>.<field>")
        group, item, field = parts
        allowed = fields[group]
        if allowed is not None and field not in allowed:
            names = ", ".join(sorted(allowed))
            raise ctx.fail(("overrides", key), f"unknown field {field!r} (fields: {names})")
        out[group].setdefault(item, {})[field] = value
    return out


def _radars(ctx: _Ctx, overrides: dict[str, dict[str, float]]) -> tuple[RadarSite, ...]:
    known = set(load_radar_catalog().radars)
    sites = []
    for i, s in enumerate(ctx.cfg.sensors):
        path = ("sensors", i)
        if not s.enabled:
            continue
        if s.type not in known:
            raise ctx.fail((*path, "type"), f"unknown radar {s.type!r} (catalog: {', '.join(sorted(known))})")
        radar = radar_from_catalog(s.type)
        if s.type in overrides:
            try:
                radar = dataclasses.replace(radar, **overrides[s.type])
            except (TypeError, ValueError) as exc:
                raise ctx.fail(("overrides",), f"radars.{s.type}: {exc}") from None
        if s.power_aperture is not None:  # a derived configuration (stacked arrays, power, sector, band)
            pa = s.power_aperture
            try:
                radar = derived_radar(radar, arrays=pa.arrays, power_scale=pa.power_scale, sector_deg=pa.sector_deg,
                                      frequency_hz=None if pa.frequency_ghz is None else pa.frequency_ghz * 1e9,
                                      base_frequency_hz=catalog_frequency_hz(s.type))
            except ValueError as exc:
                raise ctx.fail((*path, "power_aperture"), str(exc).removeprefix("derived_radar: ")) from None
        if ctx.cfg.rcs.model == "aspect" and radar.frequency_hz is None:
            raise ctx.fail((*path, "type"), f"radar {s.type!r} has no frequency_ghz in the radar catalog, which "
                                            "rcs.model 'aspect' needs (or use rcs.model 'nominal')")
        if s.min_elevation_deg is not None:  # this placement's own search mask (an elevated site)
            try:
                radar = dataclasses.replace(radar, min_elevation_rad=float(np.radians(s.min_elevation_deg)))
            except ValueError as exc:
                raise ctx.fail((*path, "min_elevation_deg"), str(exc)) from None
        lat, lon, h = ctx.site(s.site, (*path, "site"))
        az = np.radians(s.boresight_az_deg) if s.boresight_az_deg is not None else 0.0
        sites.append(RadarSite(name=s.name, radar=radar, lat_rad=float(lat), lon_rad=float(lon),
                               alt_m=float(h), boresight_az_rad=float(az),
                               nation=ctx.nation(s.nation, (*path, "nation")),
                               ellipsoid=EarthModel(shape=ctx.cfg.earth.shape).ellipsoid))
    return tuple(sites)


def default_layer(cfg: InterceptorConfig) -> str:
    """Upper tier for exo-atmospheric kill vehicles, lower tier for endo ones reaching 10 km, else
    short-range."""
    if cfg.kill_vehicle in ("exo", "exo-endo"):
        return "upper"
    return "lower" if cfg.max_alt_m >= 10e3 else "short-range"


def _launchers(s) -> int | None:
    """A shooter's launchers: as given, or its catalog battery type's (None: no limit)."""
    if s.launchers is not None or s.battery is None:
        return s.launchers
    return battery_load(s.battery, s.interceptor)[0]


def _shooters(ctx: _Ctx, overrides: dict[str, dict[str, float]]) -> ShooterLayout:
    catalog = load_interceptor_catalog().interceptors
    known = set(catalog)
    radar_index = {x.name: i for i, x in enumerate(x for x in ctx.cfg.sensors if x.enabled)}
    rows, lla, cfgs, fc_radar, remote = [], [], [], [], []
    for i, s in enumerate(ctx.cfg.shooters):
        path = ("shooters", i)
        if not s.enabled:
            continue
        if s.interceptor not in known:
            raise ctx.fail((*path, "interceptor"),
                           f"unknown interceptor {s.interceptor!r} (catalog: {', '.join(sorted(known))})")
        cfg = interceptor_config(s.interceptor, pk=s.pk)
        if s.interceptor in overrides:
            try:
                cfg = dataclasses.replace(cfg, **overrides[s.interceptor])
            except (TypeError, ValueError) as exc:
                raise ctx.fail(("overrides",), f"interceptors.{s.interceptor}: {exc}") from None
        mode = catalog[s.interceptor].remote_data.mode
        if s.fire_control_radar is None:  # allowed only on remote data: scenario.validate and ShooterLayout
            fc_radar.append(-1)
        elif s.fire_control_radar not in {x.name for x in ctx.cfg.sensors}:
            raise ctx.fail((*path, "fire_control_radar"), f"unknown sensor {s.fire_control_radar!r}")
        elif s.fire_control_radar not in radar_index:
            raise ctx.fail((*path, "fire_control_radar"), f"sensor {s.fire_control_radar!r} is disabled, so the "
                                                           "shooter cannot fire: enable both or neither")
        else:
            fc_radar.append(radar_index[s.fire_control_radar])
        remote.append(mode)
        lla.append(ctx.site(s.site, (*path, "site")))
        cfgs.append(cfg)
        rows.append((s, ctx.nation(s.nation, (*path, "nation")), LAYER_INDEX[s.layer or default_layer(cfg)]))
    looks = [1 if s.doctrine == "salvo" else s.max_looks for s, _, _ in rows]
    reloads = [shooter_reload(s) for s, _, _ in rows]
    battle = ShooterSet(
        name=tuple(s.name for s, _, _ in rows), nation=tuple(n for _, n, _ in rows),
        layer=np.array([layer for _, _, layer in rows], dtype=np.int64),
        inventory=np.array([shooter_inventory(s) for s, _, _ in rows], dtype=np.int64),
        pk=np.array([c.pk for c in cfgs]), salvo=np.array([s.salvo for s, _, _ in rows], dtype=np.int64),
        max_looks=np.array(looks, dtype=np.int64),
        reliability=np.array([s.reliability for s, _, _ in rows]),
        # NaN: no override, the discrimination of the nation's sensors applies (network.share)
        p_discriminate=np.array([np.nan if s.p_discriminate is None else s.p_discriminate for s, _, _ in rows]),
        unit_cost_usd=np.array([c.unit_cost_usd for c in cfgs]),
        kill_assessment_s=np.array([s.kill_assessment_s for s, _, _ in rows]),
        launchers=(np.array([_launchers(s) or 10**6 for s, _, _ in rows], dtype=np.int64)
                   if any(_launchers(s) for s, _, _ in rows) else None),
        launcher_cycle_s=np.array([s.launcher_cycle_s for s, _, _ in rows]),
        # reload per launcher from the reserve: the shooter's own figures, else its catalog battery type's
        # (a ship's cells are not reloaded at sea: inf, 0)
        reload_time_s=np.array([reload[0] for reload in reloads], dtype=float),
        reserve=np.array([reload[1] for reload in reloads], dtype=np.int64),
        rounds_per_launcher=np.array([max(reload[2], 1) for reload in reloads], dtype=np.int64))
    try:
        return ShooterLayout(battle=battle, site_lla=np.array(lla, dtype=float).reshape(-1, 3),
                             interceptors=tuple(cfgs),
                             kill_assessment_s=np.array([s.kill_assessment_s for s, _, _ in rows]),
                             fire_control_sensor=np.array(fc_radar, dtype=np.int64), remote_data=tuple(remote),
                             p_kill_assessment=np.array([s.p_kill_assessment for s, _, _ in rows]))
    except ValueError as exc:
        raise ctx.fail(("shooters",), str(exc)) from None


def _threats(ctx: _Ctx, rng: np.random.Generator) -> ThreatTable:
    catalog = load_threat_catalog().missiles
    assets = {a.name: a for a in ctx.cfg.assets}
    cols: dict[str, list] = {k: [] for k in ("missile", "raid", "wave", "aim", "value", "lat", "lon", "alat",
                                             "alon", "t", "profile", "decoys", "light")}
    for i, r in enumerate(ctx.cfg.raids):
        path = ("raids", i)
        if r.missile not in catalog:
            raise ctx.fail((*path, "missile"), f"unknown missile {r.missile!r} (catalog: "
                                                f"{', '.join(sorted(catalog))})")
        lat, lon, _ = ctx.site(r.launch_site, (*path, "launch_site"))
        if r.aim in assets:
            alat, alon, _ = ctx.site(assets[r.aim].site, ("assets", list(assets).index(r.aim), "site"))
            value = assets[r.aim].value
        else:
            alat, alon, _ = ctx.site(r.aim, (*path, "aim"))
            value = 1.0
        # launchers spread uniformly over a disc of launch_radius_km around the launch site
        dist = r.launch_radius_km * 1e3 * np.sqrt(rng.random(r.count))
        az = rng.uniform(0.0, 2 * np.pi, r.count)
        la, lo = surface_forward(np.full(r.count, lat), np.full(r.count, lon), az, dist)
        cols["missile"] += [r.missile] * r.count
        cols["raid"] += [i] * r.count
        cols["wave"] += [i if r.wave is None else r.wave] * r.count
        cols["aim"] += [r.aim] * r.count
        cols["value"] += [value] * r.count
        cols["lat"] += list(la)
        cols["lon"] += list(lo)
        cols["alat"] += [alat] * r.count
        cols["alon"] += [alon] * r.count
        cols["t"] += list(r.t_launch_s + r.spacing_s * np.arange(r.count))
        cols["profile"] += [r.profile] * r.count
        cols["decoys"] += [r.decoys > 0] * r.count
        cols["light"] += [r.decoy_kind == "light"] * r.count
    return ThreatTable(missile=tuple(cols["missile"]), raid=np.array(cols["raid"], dtype=np.int64),
                       wave=np.array(cols["wave"], dtype=np.int64), aim=tuple(cols["aim"]),
                       value=np.array(cols["value"]), launch_lat_rad=np.array(cols["lat"]),
                       launch_lon_rad=np.array(cols["lon"]), aim_lat_rad=np.array(cols["alat"]),
                       aim_lon_rad=np.array(cols["alon"]), t_launch_s=np.array(cols["t"]),
                       profile=tuple(cols["profile"]), has_decoys=np.array(cols["decoys"], dtype=bool),
                       decoys_light=np.array(cols["light"], dtype=bool))


def _architectures(ctx: _Ctx) -> dict[str, Architecture]:
    net = ctx.cfg.network
    nations = tuple(ctx.cfg.nations)
    out: dict[str, Architecture] = {}
    builtin = None
    for i, a in enumerate(ctx.cfg.architectures):
        path = ("architectures", i)
        if isinstance(a, ArchitectureEntry):
            for j, ag in enumerate(a.agreements):
                for role in ("provider", "receiver"):
                    ctx.nation(getattr(ag, role), (*path, "agreements", j, role))
            out[a.name] = Architecture(name=a.name, nations=nations, agreements=tuple(
                Agreement(provider=g.provider, receiver=g.receiver, latency_s=g.latency_s, relay=g.relay,
                          flows=frozenset(g.flows))
                for g in a.agreements))
            continue
        if a == "national":
            out[a] = Architecture(name="national", nations=nations)
            continue
        if builtin is None:
            try:
                builtin = builtin_architectures(nations, latency_s=net.latency_s,
                                                relay_latency_s=net.relay_latency_s)
            except ValueError as exc:
                raise ctx.fail(path, str(exc)) from None
        if a not in builtin:
            raise ctx.fail(path, f"unknown architecture {a!r} (built in: national, bilateral, trilateral)")
        out[a] = builtin[a]
    return out


def _early_warning(ctx: _Ctx) -> tuple[EarlyWarning, ...]:
    from bmdsim.scenario.catalog import CatalogError

    out = []
    for i, e in enumerate(ctx.cfg.early_warning):
        try:
            cfg = infrared_from_catalog(e.system)
        except (CatalogError, KeyError) as exc:
            raise ctx.fail(("early_warning", i, "system"), str(exc).strip("'\"")) from None
        out.append(EarlyWarning(name=e.name, config=dataclasses.replace(cfg, name=e.name),
                                nation=ctx.nation(e.nation, ("early_warning", i, "nation"))))
    return tuple(out)


def resolve(config: ScenarioConfig, *, file: str = "<scenario>",
            lines: dict | None = None) -> ResolvedScenario:
    """Check a scenario's references and build the runtime objects (see module notes).

    The run's seed is ``config.monte_carlo.seed`` (set it with :func:`with_seed` to run another), so the
    resolved scenario always records the seed its results came from.
    """
    ctx = _Ctx(config, file, lines or {})
    overrides = _overrides(ctx)
    seeds = SeedPlan(config.monte_carlo.seed)
    return ResolvedScenario(
        config=config, file=file,
        earth=EarthModel(shape=config.earth.shape, rotation=config.earth.rotation, drag=config.earth.drag),
        threats=_threats(ctx, seeds.generator("geometry")), radars=_radars(ctx, overrides["radars"]),
        radar_p_discriminate=np.array([s.p_discriminate for s in config.sensors if s.enabled]),
        shooters=_shooters(ctx, overrides["interceptors"]), architectures=_architectures(ctx),
        early_warning=_early_warning(ctx), seeds=seeds)


def with_seed(config: ScenarioConfig, seed: int | None) -> ScenarioConfig:
    """The scenario with its Monte Carlo seed replaced (``None``: unchanged)."""
    if seed is None:
        return config
    return config.model_copy(update={"monte_carlo": config.monte_carlo.model_copy(update={"seed": int(seed)})})
