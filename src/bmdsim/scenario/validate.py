"""Cross-reference checks of a scenario, and an upfront estimate of what a run will cost.

:func:`check_references` resolves every name a scenario uses (nations, sites, catalog keys, sensors,
shooters, assets, architectures, overrides, variants, footprint grids) and rejects duplicates, each
failure one line naming the file, the line and the field. It needs only the catalogs, no physics, so it
runs when the file is loaded, before any expensive stage.

:func:`estimate_run` gives the memory and time a run will take from the sizes that drive them (threats,
sensors, shooters, replications, architectures, the time span of the raids, the footprint grids), so a
run that cannot fit is refused before it starts, with the estimate in the message, and a long one says so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bmdsim.scenario.errors import InputError, format_error, one_line
from bmdsim.scenario.schema import BUILTIN_ARCHITECTURES, ArchitectureEntry, ScenarioConfig

Path_ = tuple[Hashable, ...]


class _Checker:
    def __init__(self, cfg: ScenarioConfig, file: str, lines: dict) -> None:
        from bmdsim.scenario.sites import load_site_catalog

        self.cfg, self.file, self.lines = cfg, file, lines
        self.gazetteer = load_site_catalog().sites

    def fail(self, path: Path_, msg: str) -> InputError:
        return InputError(format_error(self.file, self.lines, path, msg))

    def site(self, key: str, path: Path_) -> None:
        if key not in self.cfg.sites and key not in self.gazetteer:
            raise self.fail(path, f"unknown site {one_line(repr(key), 80)}: define it under sites: or use a "
                                  "gazetteer key")

    def target(self, key: str, path: Path_) -> None:
        """An aim point: a defended asset or a site."""
        if key not in {a.name for a in self.cfg.assets}:
            if key not in self.cfg.sites and key not in self.gazetteer:
                raise self.fail(path, f"unknown asset or site {one_line(repr(key), 80)}")

    def nation(self, name: str, path: Path_) -> None:
        if name not in self.cfg.nations:
            raise self.fail(path, f"unknown nation {one_line(repr(name), 80)} (nations: "
                                  f"{', '.join(self.cfg.nations)})")

    def known(self, key: str, catalog: Iterable[str], what: str, path: Path_) -> None:
        keys = sorted(catalog)
        if key not in keys:
            raise self.fail(path, f"unknown {what} {one_line(repr(key), 80)} (catalog: {', '.join(keys)})")

    def unique(self, group: str, names: list[str], what: str = "name") -> None:
        first: dict[str, int] = {}
        for i, n in enumerate(names):
            if n in first:
                raise self.fail((group, i, what), f"{one_line(repr(n), 80)} is already the {what} of "
                                                  f"{group}[{first[n]}]; {what}s must be unique")
            first[n] = i


def check_references(cfg: ScenarioConfig, file: str = "<scenario>", lines: dict | None = None) -> None:
    """Resolve every name the scenario uses; an InputError names the file, line and field of the first miss."""
    from bmdsim.scenario.catalog import load_threat_catalog
    from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog
    from bmdsim.scenario.radar_catalog import load_radar_catalog

    ck = _Checker(cfg, file, lines or {})
    radars = load_radar_catalog().radars
    interceptors = load_interceptor_catalog().interceptors
    missiles = load_threat_catalog().missiles
    for group in ("sensors", "shooters", "assets", "raids", "variants", "early_warning"):
        ck.unique(group, [e.name for e in getattr(cfg, group)])
    ck.unique("variants", [v.name.lower() for v in cfg.variants])  # folders differ only in case collide
    for i, s in enumerate(cfg.sensors):
        ck.known(s.type, radars, "radar", ("sensors", i, "type"))
        ck.nation(s.nation, ("sensors", i, "nation"))
        ck.site(s.site, ("sensors", i, "site"))
    sensor_names = {s.name for s in cfg.sensors}
    for i, s in enumerate(cfg.shooters):
        ck.known(s.interceptor, interceptors, "interceptor", ("shooters", i, "interceptor"))
        ck.nation(s.nation, ("shooters", i, "nation"))
        ck.site(s.site, ("shooters", i, "site"))
        if s.fire_control_radar is not None and s.fire_control_radar not in sensor_names:
            raise ck.fail(("shooters", i, "fire_control_radar"),
                          f"unknown sensor {one_line(repr(s.fire_control_radar), 80)}")
        if s.battery is not None or s.inventory is None:
            from bmdsim.scenario.interceptor_catalog import battery_load

            if s.battery is None:
                raise ck.fail(("shooters", i, "inventory"),
                              "required (or name a catalog battery: type for a full load)")
            try:
                battery_load(s.battery, s.interceptor)
            except KeyError as exc:
                raise ck.fail(("shooters", i, "battery"), one_line(str(exc).strip("'\""), 200)) from None
        if s.battery is None and (s.reload_time_s is None) != (s.reserve is None):
            field, other = ("reserve", "reload_time_s") if s.reserve is None else ("reload_time_s", "reserve")
            raise ck.fail(("shooters", i, field),
                          f"required with {other} (or name a catalog battery: type, which gives both)")
        if s.battery is None and s.reserve and not (s.inventory or 0):
            raise ck.fail(("shooters", i, "reserve"), "a shooter with no first load (inventory 0) cannot reload")
        if s.interceptor in interceptors:
            mode = interceptors[s.interceptor].remote_data.mode
            if s.fire_control_radar is None and mode != "engage-on-remote":
                raise ck.fail(("shooters", i, "fire_control_radar"),
                              f"required: the {s.interceptor} interceptor cannot engage on remote data (catalog "
                              f"remote_data: {mode}); name the battery's own radar among sensors:")
    infrared = load_radar_catalog().infrared
    for i, e in enumerate(cfg.early_warning):
        ck.known(e.system, infrared, "infrared early-warning system", ("early_warning", i, "system"))
        ck.nation(e.nation, ("early_warning", i, "nation"))
    for i, a in enumerate(cfg.assets):
        ck.site(a.site, ("assets", i, "site"))
    for i, r in enumerate(cfg.raids):
        ck.known(r.missile, missiles, "missile", ("raids", i, "missile"))
        if r.profile == "quasi-ballistic" and missiles[r.missile].quasi_ballistic is None:
            able = sorted(k for k, m in missiles.items() if m.quasi_ballistic is not None)
            raise ck.fail(("raids", i, "profile"),
                          f"{r.missile} has no quasi_ballistic block in the threat catalog, so it cannot fly "
                          f"profile quasi-ballistic (catalog: {', '.join(able)})")
        ck.site(r.launch_site, ("raids", i, "launch_site"))
        ck.target(r.aim, ("raids", i, "aim"))
    _check_architectures(ck)
    _check_overrides(ck, {s.type for s in cfg.sensors}, {s.interceptor for s in cfg.shooters})
    known = sensor_names | {s.name for s in cfg.shooters}
    for i, v in enumerate(cfg.variants):
        for field in ("enable", "disable"):
            for j, key in enumerate(getattr(v, field)):
                if key not in known:
                    raise ck.fail(("variants", i, field, j),
                                  f"unknown sensor or shooter {one_line(repr(key), 80)}")
    _check_footprints(ck, missiles)


def _check_architectures(ck: _Checker) -> None:
    cfg = ck.cfg
    seen: dict[str, int] = {}
    needs_builtin = False
    for i, a in enumerate(cfg.architectures):
        path: Path_ = ("architectures", i)
        name = a.name if isinstance(a, ArchitectureEntry) else a
        if isinstance(a, ArchitectureEntry) and a.name in BUILTIN_ARCHITECTURES:
            raise ck.fail((*path, "name"), f"{a.name!r} is a built-in architecture (national is the baseline "
                                           "of every comparison); give the custom one another name")
        if name in seen:
            raise ck.fail((*path, "name") if isinstance(a, ArchitectureEntry) else path,
                          f"architecture {one_line(repr(name), 80)} is already architectures[{seen[name]}]; "
                          "names must be unique")
        seen[name] = i
        if isinstance(a, ArchitectureEntry):
            for j, ag in enumerate(a.agreements):
                for role in ("provider", "receiver"):
                    ck.nation(getattr(ag, role), (*path, "agreements", j, role))
        elif a not in BUILTIN_ARCHITECTURES:
            raise ck.fail(path, f"unknown architecture {one_line(repr(a), 80)} (built in: "
                                f"{', '.join(BUILTIN_ARCHITECTURES)}; or define one with name: and agreements:)")
        elif a != "national":
            needs_builtin = True
    if needs_builtin:
        missing = [n for n in ("US", "JP", "ROK") if n not in cfg.nations]
        if missing:
            i = next(i for i, a in enumerate(cfg.architectures) if a in ("bilateral", "trilateral"))
            raise ck.fail(("architectures", i), f"the built-in {cfg.architectures[i]} architecture needs the "
                                                f"nations US, JP and ROK; {', '.join(missing)} missing")


def _check_overrides(ck: _Checker, radar_types: set[str], interceptor_keys: set[str]) -> None:
    used = {"radars": radar_types, "interceptors": interceptor_keys}
    for key in ck.cfg.overrides:
        path: Path_ = ("overrides", key)
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in used or not all(parts):
            raise ck.fail(path, "override keys read interceptors.<key>.<field> or radars.<key>.<field>")
        group, item, field = parts
        if item not in used[group]:
            what = "sensor type" if group == "radars" else "shooter interceptor"
            names = ", ".join(sorted(used[group])) or "none"
            raise ck.fail(path, f"{group}.{one_line(item, 80)} is not a {what} of this scenario, so the override "
                                f"would change nothing (in use: {names})")
        if group == "radars":
            from bmdsim.scenario.radar_catalog import radar_kwargs

            fields = set(radar_kwargs(item)) - {"name"}
            if field not in fields:
                raise ck.fail(path, f"unknown field {one_line(repr(field), 80)} (fields: {', '.join(sorted(fields))})")


def _check_footprints(ck: _Checker, missiles: Iterable[str]) -> None:
    fp = ck.cfg.footprints
    for kind, grids in (("aim_grids", fp.aim_grids), ("launch_grids", fp.launch_grids)):
        names: dict[str, int] = {}
        for i, g in enumerate(grids):
            path: Path_ = ("footprints", kind, i)
            if g.name in names:
                raise ck.fail((*path, "name"), f"{one_line(repr(g.name), 80)} is already footprints.{kind}"
                                               f"[{names[g.name]}]; names must be unique")
            names[g.name] = i
            ck.known(g.missile, missiles, "missile", (*path, "missile"))
            ck.target(g.center, (*path, "center"))
            if kind == "aim_grids":
                if g.launch_site is None:
                    raise ck.fail((*path, "launch_site"), "required for an aim grid")
                ck.target(g.launch_site, (*path, "launch_site"))
            else:
                if g.aim is None:
                    raise ck.fail((*path, "aim"), "required for a launch grid")
                ck.target(g.aim, (*path, "aim"))


# ---------------------------------------------------------------------------------------------------
# Upfront size of a run

MEMORY_LIMIT_ENV = "BMDSIM_MEMORY_GB"
DEFAULT_MEMORY_LIMIT_GB = 8.0
"""Largest estimated peak memory of a run [GiB] unless ``BMDSIM_MEMORY_GB`` says otherwise."""
LONG_RUN_S = 120.0
"""A run estimated to take longer than this [s] says so before it starts."""
MAX_REPLICATIONS = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class RunEstimate:
    """Rough peak memory [bytes] and duration [s] of a run, and the sizes behind them."""

    memory_bytes: float
    seconds: float
    drivers: str
    """The sizes that dominate, for messages ("replications 1,000 x threats 40 x shooters 12 ...")."""


def memory_limit_bytes() -> float:
    """The memory a run may use [bytes]: ``BMDSIM_MEMORY_GB`` or the default, at most the machine's RAM."""
    raw = os.environ.get(MEMORY_LIMIT_ENV)
    try:
        gb = float(raw) if raw else DEFAULT_MEMORY_LIMIT_GB
    except ValueError:
        gb = DEFAULT_MEMORY_LIMIT_GB
    if not (math.isfinite(gb) and gb > 0):
        gb = DEFAULT_MEMORY_LIMIT_GB
    limit = gb * 2**30
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        limit = min(limit, 0.8 * ram)
    except (ValueError, OSError, AttributeError):
        pass
    return limit


def _flight_time_s(range_km: float) -> float:
    """Generous time of flight of a ballistic missile over ``range_km`` [s] (about 1,900 s at 10,000 km)."""
    return 300.0 + 0.17 * range_km


def estimate_run(cfg: ScenarioConfig, *, replications: int | None = None,
                 architectures: int | None = None, cases: int = 1) -> RunEstimate:
    """Peak memory and duration of a run of ``cfg`` (defaults: the scenario's replications and architectures).

    The model counts the arrays that grow: trajectories and radar measurements (threats x sensors x time
    steps of 1 s over the span of the raids), the battle (replications x threats x shooters, its kill
    draws and launch log sized by the largest inventory) for every architecture, and the footprint grids
    (grid points x sensors x time). Coefficients are calibrated on the built-in presets to within a factor
    of about two: the estimate decides whether to refuse or warn, it does not promise a figure.
    """
    from bmdsim.scenario.catalog import load_threat_catalog

    missiles = load_threat_catalog().missiles
    reps = int(replications or cfg.monte_carlo.replications)
    n_arch = int(architectures or len(cfg.architectures))
    raids = cfg.raids
    n = sum(r.count for r in raids)
    span = max((r.t_launch_s + r.spacing_s * (r.count - 1) + _flight_time_s(
        missiles[r.missile].published_max_range_km.value if r.missile in missiles else 10_000.0)
        for r in raids), default=0.0)
    sensors = max(1, sum(1 for s in cfg.sensors))
    shooters = max(1, len(cfg.shooters))
    looks = max((s.max_looks for s in cfg.shooters), default=1) + 1
    salvo = max((s.salvo for s in cfg.shooters), default=1)
    from bmdsim.scenario.interceptor_catalog import shooter_inventory, shooter_reload

    # salvos a battery can fire: its first load plus its reload reserve (the launch and reload logs)
    inventory = max(((shooter_inventory(s) + shooter_reload(s)[1]) // s.salvo for s in cfg.shooters
                     if s.launchers or s.battery or s.reserve), default=0) + 1
    # trajectories (6 floats) and per-sensor geometry (about 8 floats) on the shared 1 s grid
    flight = n * span * (6 + 8 * sensors) * 8.0
    # shots (r, n, s) int64 for each architecture kept plus one being fought, kill draws (r, n, 3 layers,
    # looks, salvo), about 25 arrays of (r, s) and 4 of (r, n) per architecture, the launch log (r, s, salvos)
    battle = reps * 8.0 * (n * shooters * (n_arch + 1) + 3 * n * looks * salvo + 25 * shooters + 4 * n * n_arch
                           + shooters * inventory)
    fp = cfg.footprints
    grid_points = sum(g.points_per_side**2 for g in (*fp.aim_grids, *fp.launch_grids))
    grid_span = max((_flight_time_s(missiles[g.missile].published_max_range_km.value if g.missile in missiles
                                    else 10_000.0) for g in (*fp.aim_grids, *fp.launch_grids)), default=0.0)
    footprint = grid_points * grid_span * (6 + 8 * sensors) * 8.0
    # the results of every case (variant) are kept until they are written
    memory = max(flight, battle * cases, footprint) + 0.3 * 2**30  # plus the interpreter and libraries
    # time: targeting and propagation per threat, sensing and tracking per threat-sensor-step, battle per
    # replication-threat-shooter (coefficients from the presets on one core)
    seconds = (0.7 * (n + grid_points) + 1e-5 * (n + grid_points) * span * sensors * n_arch
               + 3e-7 * reps * n * shooters * n_arch) * cases
    drivers = (f"replications {reps:,} x threats {n:,} x shooters {shooters:,} x architectures {n_arch}, "
               f"{sensors} sensors over {span:,.0f} s")
    if cases > 1:
        drivers += f", {cases} variants"
    if grid_points:
        drivers += f", footprint grids of {grid_points:,} points"
    if inventory > 1:
        drivers += f", inventory up to {inventory - 1:,} salvos"
    return RunEstimate(memory_bytes=memory, seconds=seconds, drivers=drivers)


def check_run_size(cfg: ScenarioConfig, file: str = "<scenario>", *, replications: int | None = None,
                   architectures: int | None = None, cases: int = 1) -> RunEstimate:
    """Refuse a run whose estimated memory exceeds :func:`memory_limit_bytes`; returns the estimate."""
    est = estimate_run(cfg, replications=replications, architectures=architectures, cases=cases)
    limit = memory_limit_bytes()
    if est.memory_bytes > limit:
        raise InputError(
            f"{file}: this run would need about {est.memory_bytes / 2**30:,.1f} GiB ({est.drivers}), above the "
            f"{limit / 2**30:,.1f} GiB limit; use fewer replications, threats or shooters, a shorter raid, or "
            f"raise the limit with {MEMORY_LIMIT_ENV}")
    return est
