"""The assessment pipeline: fly the raids, sense, track per nation, engage per architecture, fight.

Randomness: one root ``SeedSequence(seed)``; each stage takes its own child stream keyed by a fixed
label (geometry 1, battle 2, radar 3, infrared 4), so the radar measurements and the kill draws are the
same for every architecture (common random numbers) and the difference between architectures is the
value of cooperation, not sampling noise.

Where a track comes from: for each architecture and nation, the nation fuses the measurements of every
sensor it may receive (:meth:`~bmdsim.network.Architecture.sensor_access`); the first fire-control
quality time of that fused track, plus the largest data latency among the sensors that saw the threat,
the decision time and the interceptor's reaction time, is the earliest launch for that nation's shooters.
That is the releasability rule: a shooter's fire control uses only what its nation may receive.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.assessment.build import ResolvedScenario
from bmdsim.engagement.battle import BattleOutcome, Opportunities, fight
from bmdsim.engagement.fire_control import EngagementWindows, fire_control
from bmdsim.flight.plan import FlightPlan, concat_plans
from bmdsim.flight.propagator import Trajectories, propagate
from bmdsim.flight.targeting import UnreachableTargetError, target_missile
from bmdsim.network.agreements import Architecture
from bmdsim.scenario.catalog import threat_vehicle
from bmdsim.scenario.errors import InputError
from bmdsim.sensors.infrared import InfraredCues, detect_launches, infrared_from_catalog
from bmdsim.sensors.observe import Observations, observe
from bmdsim.sensors.rcs import threat_rcs_from_catalog
from bmdsim.tracking.tracker import TrackerConfig, TrackPicture, track

F64 = NDArray[np.float64]
STREAM_GEOMETRY, STREAM_BATTLE, STREAM_RADAR, STREAM_INFRARED = 1, 2, 3, 4
OUTPUT_STEP_S = 1.0
TRACK_STEP_S = 2.0
"""Grid of the track pictures [s]: fire-control-quality times are read to this step (the trajectories
and fire control keep 1 s)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchitectureResult:
    """What one architecture achieved."""

    name: str
    t_fire_control_s: F64
    """(n_nations, n) first fire-control-quality time of each nation's track (NaN: never)."""
    t_earliest_launch_s: F64
    """(s, n) earliest launch of each shooter at each threat."""
    p_discriminate: F64
    """(s, n) probability each shooter's fire control picks the warhead (complexes with decoys)."""
    windows: EngagementWindows
    outcome: BattleOutcome


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """The results of a whole run, every architecture on the same raids and draws."""

    scenario: ResolvedScenario
    trajectories: Trajectories
    observations: Observations
    cues: InfraredCues
    nations: tuple[str, ...]
    architectures: dict[str, ArchitectureResult]
    stage_seconds: dict[str, float]
    replications: int
    seed: int


def _take(plan: FlightPlan, rows: NDArray[np.intp]) -> FlightPlan:
    return FlightPlan(**{f: getattr(plan, f)[rows] for f in FlightPlan.__dataclass_fields__})


def fly(sc: ResolvedScenario) -> Trajectories:
    """Target every raid on the full model and propagate all threats on one time grid."""
    th = sc.threats
    plans, order = [], []
    for missile, profile in sorted(set(zip(th.missile, th.profile, strict=True))):
        pairs = zip(th.missile, th.profile, strict=True)
        rows = np.flatnonzero([(m, p) == (missile, profile) for m, p in pairs])
        try:
            sol = target_missile(threat_vehicle(missile), th.launch_lat_rad[rows], th.launch_lon_rad[rows],
                                 th.aim_lat_rad[rows], th.aim_lon_rad[rows], profile=profile,  # type: ignore[arg-type]
                                 earth=sc.earth)
        except UnreachableTargetError as exc:
            raid = int(th.raid[rows[0]])
            raise InputError(f"{sc.file}: raids[{raid}].aim: {exc}") from None
        plans.append(dataclasses.replace(sol.plan, t_launch_s=th.t_launch_s[rows]))
        order.append(rows)
    plan = concat_plans(plans)
    inverse = np.argsort(np.concatenate(order))
    return propagate(_take(plan, inverse), sc.earth, output_step_s=OUTPUT_STEP_S)


def sense(sc: ResolvedScenario, tr: Trajectories, root: np.random.SeedSequence) -> tuple[Observations,
                                                                                       InfraredCues]:
    """Infrared cues and radar measurements of every threat (the same for every architecture)."""
    cues = detect_launches(tr, infrared_from_catalog("sbirs"), np.random.SeedSequence(
        [root.entropy, STREAM_INFRARED]), ellipsoid=sc.earth.ellipsoid)
    obs = observe(tr, sc.radars, np.random.SeedSequence([root.entropy, STREAM_RADAR]),
                  rcs=threat_rcs_from_catalog(list(sc.threats.missile)), cue_time_s=cues.t_cue_s)
    return obs, cues


def _picture(sc: ResolvedScenario, tr: Trajectories, obs: Observations, allowed: np.ndarray,
             cache: dict[bytes, TrackPicture]) -> TrackPicture:
    key = allowed.tobytes()
    if key not in cache:
        grid = tr.t_s[:: round(TRACK_STEP_S / OUTPUT_STEP_S)]
        cache[key] = track(obs.measurements, allowed, grid, TrackerConfig(), sc.earth, n_threats=tr.n,
                           impact_t_s=[])
    return cache[key]


def nation_tracks(sc: ResolvedScenario, tr: Trajectories, obs: Observations, arch: Architecture,
                  cache: dict[bytes, TrackPicture]) -> tuple[F64, F64]:
    """Per nation: first fire-control-quality time of the track it fires on, and its data latency, (k, n).

    A nation fires on whichever is ready first: the track of its own sensors (no latency) or the track
    fused from every sensor it may receive, available after the largest latency among the sensors that
    saw the threat. Taking the earlier of the two keeps sharing from ever delaying a nation's own track.
    """
    tcfg = sc.config.tracking
    nations = tuple(sc.config.nations)
    sensor_nations = np.array([r.nation for r in sc.radars])
    t_fcq = np.full((len(nations), tr.n), np.nan)
    latency = np.zeros((len(nations), tr.n))
    seen = obs.summary.n_detections > 0  # (s, n)
    for i, nation in enumerate(nations):
        allowed, lat = arch.sensor_access(nation, list(sensor_nations))
        if not allowed.any():
            continue
        fused = _picture(sc, tr, obs, allowed, cache).fire_control_time_s(
            tcfg.fire_control_position_sigma_m, tcfg.fire_control_velocity_sigma_mps)
        lat_fused = np.where(allowed[:, None] & seen, lat[:, None], 0.0).max(axis=0, initial=0.0)
        own = sensor_nations == nation
        if own.any() and not np.array_equal(own, allowed):
            own_t = _picture(sc, tr, obs, own, cache).fire_control_time_s(
                tcfg.fire_control_position_sigma_m, tcfg.fire_control_velocity_sigma_mps)
        else:
            own_t = np.full(tr.n, np.nan)
        use_own = np.isfinite(own_t) & ~(fused + lat_fused < own_t)
        t_fcq[i] = np.where(use_own, own_t, fused)
        latency[i] = np.where(use_own, 0.0, lat_fused)
    return t_fcq, latency


def discrimination(sc: ResolvedScenario, obs: Observations, arch: Architecture) -> F64:
    """(s, n) discrimination probability of each shooter against each threat under an architecture.

    The best ``p_discriminate`` among the sensors the shooter's nation may use that detected the threat
    (0 if none did), unless the shooter overrides it.
    """
    sensor_nations = [r.nation for r in sc.radars]
    seen = obs.summary.n_detections > 0  # (sensors, n)
    per_nation = {}
    for nation in sc.config.nations:
        allowed, _ = arch.sensor_access(nation, sensor_nations)
        p = np.where(allowed[:, None] & seen, sc.radar_p_discriminate[:, None], 0.0)
        per_nation[nation] = p.max(axis=0, initial=0.0)
    sh = sc.shooters.battle
    if sh.n == 0:
        return np.zeros((0, obs.summary.threat.size))
    by_nation = np.array([per_nation[n] for n in sh.nation])
    return np.where(np.isnan(sh.p_discriminate)[:, None], by_nation, sh.p_discriminate[:, None])


def engage(sc: ResolvedScenario, tr: Trajectories, t_fcq: F64, latency: F64) -> tuple[F64, EngagementWindows]:
    """Earliest launches and fire-control windows of every shooter (see module notes)."""
    sh = sc.shooters
    nation_index = {n: i for i, n in enumerate(sc.config.nations)}
    rows = np.array([nation_index[n] for n in sh.battle.nation], dtype=np.intp)
    reaction = np.array([c.reaction_time_s for c in sh.interceptors])
    ready = t_fcq[rows] + latency[rows] + sc.config.tracking.decision_time_s + reaction[:, None]
    t_earliest = np.where(np.isfinite(ready), ready, np.inf)
    windows = fire_control(tr, sh.site_lla, list(sh.interceptors), t_earliest, sh.kill_assessment_s,
                           sh.battle.max_looks, sc.earth.ellipsoid)
    return t_earliest, windows


def battle(sc: ResolvedScenario, opp: Opportunities, replications: int, seed: int,
           fallback: Opportunities | None, p_disc: F64, p_disc_fallback: F64) -> BattleOutcome:
    """The Monte Carlo battle of one architecture, on the battle stream of ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, STREAM_BATTLE]))
    network_reliability = 1.0 if fallback is None else sc.config.network.reliability
    return fight(sc.shooters.battle, opp, priority=sc.threats.value, wave=sc.threats.wave,
                 replications=replications, rng=rng, network_reliability=network_reliability,
                 fallback=fallback, has_decoys=sc.threats.has_decoys, p_discriminate=p_disc,
                 fallback_p_discriminate=p_disc_fallback)


def run(sc: ResolvedScenario, *, architectures: list[str] | None = None, replications: int | None = None,
        seed: int | None = None, progress: Callable[[str], None] | None = None) -> RunResult:
    """Run the whole assessment (see module notes)."""
    names = architectures or list(sc.architectures)
    for a in names:
        if a not in sc.architectures:
            raise InputError(f"--architectures: unknown architecture {a!r} (scenario has "
                             f"{', '.join(sc.architectures)})")
    reps = replications or sc.config.monte_carlo.replications
    seed = sc.config.monte_carlo.seed if seed is None else seed
    root = np.random.SeedSequence(seed)
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def timed(stage: str, fn, *args):
        say(stage)
        t0 = time.perf_counter()
        out = fn(*args)
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0
        return out

    tr = timed("flight", fly, sc)
    obs, cues = timed("sensing", sense, sc, tr, root)
    cache: dict[bytes, TrackPicture] = {}
    national = sc.architectures.get("national") or next(iter(sc.architectures.values()))
    # what each architecture's fire control knows; the national one doubles as the network-down fallback
    known: dict[str, tuple] = {}

    def picture(arch: Architecture) -> tuple:
        if arch.name not in known:
            fcq, lat = timed("tracking", nation_tracks, sc, tr, obs, arch, cache)
            t_earliest, windows = timed("fire control", engage, sc, tr, fcq, lat)
            known[arch.name] = (fcq, t_earliest, windows, discrimination(sc, obs, arch))
        return known[arch.name]

    _, _, win_nat, p_disc_nat = picture(national)
    fallback = win_nat.opportunities()
    results = {}
    for name in names:
        fcq, t_earliest, windows, p_disc = picture(sc.architectures[name])
        outcome = timed("battle", battle, sc, windows.opportunities(), reps, seed,
                        None if name == "national" else fallback, p_disc, p_disc_nat)
        results[name] = ArchitectureResult(name=name, t_fire_control_s=fcq, t_earliest_launch_s=t_earliest,
                                           p_discriminate=p_disc, windows=windows, outcome=outcome)
    return RunResult(scenario=sc, trajectories=tr, observations=obs, cues=cues,
                     nations=tuple(sc.config.nations), architectures=results, stage_seconds=timings,
                     replications=reps, seed=seed)
