"""The assessment: a short loop over the stages, one seed plan, every architecture on the same draws.

::

    flight.fly ─▶ sensors (early warning, radar looks) ─▶ tracking (each sensor's own tracks)
        ─▶ network.share (who may use which track, cue and discrimination, when)
        ─▶ engagement.engage (fire control) ─▶ engagement.battle (Monte Carlo)

Each rule lives in its stage; this module only sequences them and reuses what does not change between
architectures: the trajectories are flown once; the radar looks and each sensor's own tracks are made once
per (radar, cue it receives), since an architecture changes a radar's measurements only through the
early-warning cue its nation receives; the network, fire control and battle run per architecture.

Randomness comes from one :class:`~bmdsim.scenario.seeds.SeedPlan`: the radar and infrared draws are
keyed by (sensor, threat), the battle draws by (replication, threat, ...), so every architecture sees the
same draws (common random numbers) and their difference is the value of cooperation, not noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim import _interrupt
from bmdsim.assessment.build import ResolvedScenario
from bmdsim.engagement.battle import BattleOutcome
from bmdsim.engagement.engage import Discrimination, FireControlResult, battle, engage
from bmdsim.flight.propagator import Trajectories
from bmdsim.flight.raid import TargetingError, fly
from bmdsim.network.agreements import Architecture
from bmdsim.network.share import (
    FireControlQuality,
    NationPictures,
    discrimination_sources,
    share,
    warning_arrival_s,
)
from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.errors import InputError
from bmdsim.sensors.infrared import InfraredCues
from bmdsim.sensors.observe import DetectionSummary, observe
from bmdsim.sensors.rcs import ThreatRcs, threat_rcs_from_catalog
from bmdsim.sensors.sense import sense, warn
from bmdsim.tracking.fusion import SensorTracks, fuse, stack_tracks, track_each_sensor
from bmdsim.tracking.tracker import TrackerConfig

F64 = NDArray[np.float64]
TRACK_STEP_S = 2.0
"""Grid of the track pictures [s]: fire-control-quality times are read to this step (the trajectories
and fire control keep 1 s)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchitectureResult:
    """What one architecture achieved."""

    name: str
    architecture: Architecture
    pictures: NationPictures
    detection: DetectionSummary
    """Per (radar, threat) detections under this architecture (cues depend on it)."""
    fire_control: FireControlResult
    discrimination: Discrimination
    outcome: BattleOutcome

    @property
    def t_fire_control_s(self) -> F64:
        """(n_nations, n) first fire-control-quality time of each nation's picture (NaN: never)."""
        return self.pictures.t_fire_control_s

    @property
    def t_earliest_launch_s(self) -> F64:
        return self.fire_control.t_earliest_launch_s

    @property
    def windows(self):
        return self.fire_control.windows


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """The results of a whole run, every architecture on the same raids and draws."""

    scenario: ResolvedScenario
    trajectories: Trajectories
    warnings: tuple[InfraredCues, ...]
    nations: tuple[str, ...]
    architectures: dict[str, ArchitectureResult]
    stage_seconds: dict[str, float]
    replications: int
    seed: int
    pipeline: Pipeline | None = None
    """The stages with what they reuse, for counterfactual architectures (:mod:`.attribution`)."""


class Timer:
    """Per-stage wall time, with a progress callback told each stage's name."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self.say = say or (lambda _msg: None)

    def __call__(self, stage: str, fn, *args, **kwargs):
        _interrupt.check()
        self.say(stage)
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
        _interrupt.check()
        return out


class StageCache:
    """What variants of one scenario can share: the flown raids, and each radar's looks and own tracks.

    Variants switch sensors and shooters on and off; they fly the same raids with the same seed, so the
    trajectories are reused when the threat table and Earth model are equal, and a radar's looks and tracks
    when the trajectories, the seed, the threats' RCS (the scenario's RCS model, figures and shapes), the
    radar (type, site, boresight, figures) and the cue it receives are all equal.
    """

    def __init__(self) -> None:
        self.flights: dict[bytes, Trajectories] = {}
        self.sensors: dict[tuple, tuple[DetectionSummary, SensorTracks]] = {}
        self.fused: dict = {}

    @staticmethod
    def flight_key(sc: ResolvedScenario) -> bytes:
        th = sc.threats
        arrays = (th.launch_lat_rad, th.launch_lon_rad, th.aim_lat_rad, th.aim_lon_rad, th.t_launch_s)
        text = repr((th.missile, th.profile, sc.earth, [a.tobytes() for a in arrays]))
        return text.encode()

    def fly(self, sc: ResolvedScenario, timer: Timer) -> Trajectories:
        key = self.flight_key(sc)
        if key not in self.flights:
            self.flights[key] = fly_scenario(sc, timer)
        return self.flights[key]


def tracker_lift_bounds(missile: tuple[str, ...], profile: tuple[str, ...]) -> F64 | None:
    """The lift-to-drag bound each threat's tracks assume (tracking.track), shape (n,), or None if none lifts.

    A threat flying the ``quasi-ballistic`` profile is one whose class the defence knows to manoeuvre (the
    raid names it, as association by truth names the threat): its tracks carry the lift manoeuvre noise
    sized to the upper end of the catalog's L/D range (``quasi_ballistic.lift_to_drag.high``, else its
    value; 4.0 for the KN-23). Every other threat gets 0, so its tracks are unchanged.
    """
    if "quasi-ballistic" not in profile:
        return None
    catalog = load_threat_catalog().missiles
    bounds = np.zeros(len(missile))
    for j, (m, p) in enumerate(zip(missile, profile, strict=True)):
        qb = catalog[m].quasi_ballistic
        if p == "quasi-ballistic" and qb is not None:
            bounds[j] = qb.lift_to_drag.high if qb.lift_to_drag.high is not None else qb.lift_to_drag.value
    return bounds


class Pipeline:
    """The stages of one scenario, with what is reused between architectures (module notes)."""

    def __init__(self, sc: ResolvedScenario, tr: Trajectories, timer: Timer | None = None,
                 cache: StageCache | None = None) -> None:
        self.sc, self.tr = sc, tr
        self.timer = timer or Timer()
        cache = cache or StageCache()
        self.radar_nations = [r.nation for r in sc.radars]
        self.rcs_model = sc.config.rcs.model
        self.rcs: ThreatRcs = threat_rcs_from_catalog(list(sc.threats.missile), self.rcs_model)
        self.warnings = self.timer("sensing", warn, tr, [ew.config for ew in sc.early_warning],
                                   sc.seeds.sequence("infrared"), ellipsoid=sc.earth.ellipsoid)
        n = tr.n
        self.t_cue_s = (np.array([w.t_cue_s for w in self.warnings]) if self.warnings
                        else np.zeros((0, n)))
        self.t_end_s = np.where(np.isfinite(tr.t_impact_s), tr.t_impact_s, tr.t_s[-1])
        self.grid = tr.t_s[:: round(TRACK_STEP_S / float(tr.t_s[1] - tr.t_s[0]))] if tr.t_s.size > 1 else tr.t_s
        tc = sc.config.tracking
        self.quality = FireControlQuality(position_sigma_m=tc.fire_control_position_sigma_m,
                                          velocity_sigma_mps=tc.fire_control_velocity_sigma_mps)
        self._sensor = cache.sensors
        self._fuse_cache = cache.fused
        self._fire_control: dict[bytes, FireControlResult] = {}
        self._geometry: dict = {}
        self._spent_seen: dict[bytes, DetectionSummary] = {}
        self.lift_to_drag = tracker_lift_bounds(sc.threats.missile, sc.threats.profile)

    def _sense_and_track(self, cue_s: F64) -> tuple[DetectionSummary, SensorTracks]:
        """Each radar's detections and own tracks given the cue each receives, reusing earlier ones."""
        # a radar's looks depend on the flown threats, the radar, its cue, the seed and the threats' RCS
        # (model, figures and shapes: ThreatRcs.key)
        common = (id(self.tr), self.sc.seeds.seed, self.rcs.key())
        keys = [(*common, repr(site), cue_s[i].tobytes()) for i, site in enumerate(self.sc.radars)]
        todo = [i for i, k in enumerate(keys) if k not in self._sensor]
        if todo:
            sites = [self.sc.radars[i] for i in todo]
            obs = self.timer("sensing", sense, self.tr, sites, self.sc.seeds.sequence("radar"), rcs=self.rcs,
                             cue_time_s=cue_s[todo])
            tracks = self.timer("tracking", track_each_sensor, obs.measurements, self.grid, TrackerConfig(),
                                self.sc.earth, n_threats=self.tr.n, lift_to_drag=self.lift_to_drag)
            for j, i in enumerate(todo):
                summ = obs.summary
                row = DetectionSummary(sensor_name=(summ.sensor_name[j],), threat=summ.threat,
                                       first_visible_s=summ.first_visible_s[j:j + 1],
                                       first_detection_s=summ.first_detection_s[j:j + 1],
                                       last_detection_s=summ.last_detection_s[j:j + 1],
                                       n_detections=summ.n_detections[j:j + 1])
                self._sensor[keys[i]] = (row, tracks.select([j]).with_keys((keys[i],)))
        parts = [self._sensor[k] for k in keys]
        n = self.tr.n
        if not parts:
            empty = np.zeros((0, n))
            return (DetectionSummary(sensor_name=(), threat=np.arange(n), first_visible_s=empty,
                                     first_detection_s=empty, last_detection_s=empty,
                                     n_detections=np.zeros((0, n), dtype=np.int64)),
                    SensorTracks(t_s=self.grid, sensor_name=(), n=n, index=(), cov_ecef=(), t_init_s=empty))
        summ = DetectionSummary(
            sensor_name=tuple(p[0].sensor_name[0] for p in parts), threat=parts[0][0].threat,
            first_visible_s=np.concatenate([p[0].first_visible_s for p in parts]),
            first_detection_s=np.concatenate([p[0].first_detection_s for p in parts]),
            last_detection_s=np.concatenate([p[0].last_detection_s for p in parts]),
            n_detections=np.concatenate([p[0].n_detections for p in parts]))
        return summ, stack_tracks([p[1] for p in parts])

    def picture(self, arch: Architecture) -> tuple[NationPictures, DetectionSummary, F64, Discrimination]:
        """What each nation knows under ``arch``, and what each shooter's own radar and discrimination give."""
        sc = self.sc
        cue = warning_arrival_s(arch, [ew.nation for ew in sc.early_warning], self.t_cue_s, self.radar_nations)
        summ, tracks = self._sense_and_track(cue)
        pics = self.timer("network", share, arch, tracks, self.radar_nations, self.quality, self.t_end_s,
                          self._fuse_cache)
        own = self.timer("network", self._own_fire_control, tracks)
        sh = sc.shooters
        seen = summ.n_detections > 0
        source, p = discrimination_sources(pics, sh.battle.nation, sc.radar_p_discriminate, seen,
                                           sh.battle.p_discriminate)
        disc = Discrimination(source=source, p=p, n_sources=len(sc.radars) + sh.n)
        return pics, summ, own, disc

    def spent_stages(self) -> tuple[NDArray[np.intp], Trajectories] | None:
        """The spent upper stages that separating warheads leave at burnout, flown on their own.

        Each is a separate radar object (catalog RCS class ``spent_stage``, or a capsule under the aspect
        RCS model) flying from its threat's
        burnout state with the stage's dry mass and drag area (:func:`bmdsim.sensors.rcs.plan_spent_stages`,
        no separation push). Returns the parent threat of each stage and the stages' trajectories, or None.
        """
        if not hasattr(self, "_spent"):
            from bmdsim.flight.catalog import threat_vehicle
            from bmdsim.flight.propagator import propagate
            from bmdsim.sensors.rcs import plan_spent_stages, rcs_class_of, spent_stage_properties

            th = self.sc.threats
            rows = np.array([j for j in range(th.n) if rcs_class_of(th.missile[j])[1] == "reentry_vehicle"
                             and np.isfinite(self.tr.t_burnout_s[j])], dtype=np.intp)
            self._spent = None
            if rows.size:
                props = np.array([spent_stage_properties(threat_vehicle(th.missile[j])) for j in rows])
                plan = plan_spent_stages(self.tr, rows, mass_kg=props[:, 0], drag_area_m2=props[:, 1])
                step = float(self.tr.t_s[1] - self.tr.t_s[0]) if self.tr.t_s.size > 1 else 1.0
                self._spent = (rows, self.timer("flight", propagate, plan, self.sc.earth, output_step_s=step))
        return self._spent

    def spent_stage_detections(self, arch: Architecture) -> tuple[NDArray[np.intp], DetectionSummary] | None:
        """Per radar, detections of each spent stage under ``arch`` (the stage shares its threat's cue)."""
        spent = self.spent_stages()
        if spent is None or not self.sc.radars:
            return None
        rows, traj = spent
        from bmdsim.sensors.rcs import spent_stage_rcs

        rcs = spent_stage_rcs([self.sc.threats.missile[j] for j in rows], self.rcs_model)
        cue = warning_arrival_s(arch, [ew.nation for ew in self.sc.early_warning], self.t_cue_s,
                                self.radar_nations)[:, rows]
        # architectures whose cues agree (bilateral, trilateral) share the looks
        key = cue.tobytes() + rcs.key()
        if key not in self._spent_seen:
            self._spent_seen[key] = self.timer(
                "sensing", observe, traj, self.sc.radars, self.sc.seeds.sequence("radar"),
                rcs=rcs, cue_time_s=cue,
                threat_ids=self.tr.n + np.arange(rows.size)).summary
        return rows, self._spent_seen[key]

    def _own_fire_control(self, tracks: SensorTracks) -> F64:
        """(s_shooters, n) fire-control time of each shooter's own radar alone (NaN: none)."""
        sh = self.sc.shooters
        out = np.full((sh.n, self.tr.n), np.nan)
        for i, radar in enumerate(sh.fire_control_sensor):
            if radar < 0:
                continue
            lat = np.full(len(tracks.sensor_name), np.inf)
            lat[radar] = 0.0
            q = self.quality
            out[i] = fuse(tracks, lat, q.q_m2_s3, self._fuse_cache).fire_control_time_s(
                q.position_sigma_m, q.velocity_sigma_mps, self.t_end_s, q.hold_s)
        return out

    def fire_control(self, pics: NationPictures, own: F64) -> FireControlResult:
        sc = self.sc
        rows = [pics.row(n) for n in sc.shooters.battle.nation]
        nation_fc = pics.t_fire_control_s[rows] if rows else np.zeros((0, self.tr.n))
        key = nation_fc.tobytes() + own.tobytes()  # fire control depends on the pictures only: reuse it
        if key not in self._fire_control:
            self._fire_control[key] = self.timer("fire control", engage, self.tr, sc.shooters, nation_fc, own,
                                                 sc.config.tracking.decision_time_s, sc.earth.ellipsoid,
                                                 geometry_cache=self._geometry)
        return self._fire_control[key]

    def assess(self, arch: Architecture, replications: int,
               fallback: tuple[FireControlResult, Discrimination] | None) -> ArchitectureResult:
        """Network, fire control and battle of one architecture."""
        pics, summ, own, disc = self.picture(arch)
        fc = self.fire_control(pics, own)
        return ArchitectureResult(name=arch.name, architecture=arch, pictures=pics, detection=summ, fire_control=fc,
                                  discrimination=disc, outcome=self.fight(fc, disc, replications, fallback))

    def fight(self, fc: FireControlResult, disc: Discrimination, replications: int,
              fallback: tuple[FireControlResult, Discrimination] | None) -> BattleOutcome:
        sc = self.sc
        th = sc.threats
        light = th.decoys_light if th.decoys_light is not None else np.ones(th.n, dtype=bool)
        return self.timer("battle", battle, sc.shooters, fc, disc, priority=th.value, wave=th.wave,
                          has_decoys=th.has_decoys, decoys_light=light,
                          filter_altitude_m=sc.config.countermeasures.filter_altitude_km * 1e3,
                          replications=replications, rng=sc.seeds.generator("battle"),
                          network_reliability=sc.config.network.reliability, fallback=fallback)


def fly_scenario(sc: ResolvedScenario, timer: Timer | None = None) -> Trajectories:
    """The flight stage on a resolved scenario; an unreachable aim point is an input error."""
    timer = timer or Timer()
    try:
        return timer("flight", fly, sc.threats, sc.earth)
    except TargetingError as exc:
        raise InputError(f"{sc.file}: raids[{exc.raid}].aim: {exc}") from None


def national_of(sc: ResolvedScenario) -> Architecture:
    """The architecture with no agreements (the fallback when a shared network fails)."""
    return sc.architectures.get("national") or Architecture(name="national", nations=tuple(sc.config.nations))


def run(sc: ResolvedScenario, *, architectures: list[str] | None = None, replications: int | None = None,
        progress: Callable[[str], None] | None = None, pipeline: Pipeline | None = None,
        cache: StageCache | None = None) -> RunResult:
    """Run the whole assessment (module notes); the seed is the scenario's (``monte_carlo.seed``).

    ``cache`` shares flights and radar tracks between the variants of one scenario (:class:`StageCache`).
    """
    names = architectures or list(sc.architectures)
    for a in names:
        if a not in sc.architectures:
            raise InputError(f"--architectures: unknown architecture {a!r} (scenario has "
                             f"{', '.join(sc.architectures)})")
    reps = replications or sc.config.monte_carlo.replications
    timer = Timer(progress)
    if pipeline is None:
        cache = cache or StageCache()
        pipeline = Pipeline(sc, cache.fly(sc, timer), timer, cache)
    else:
        pipeline.timer = timer
    national = national_of(sc)
    pics, _, own, disc = pipeline.picture(national)
    fallback = (pipeline.fire_control(pics, own), disc)
    results = {}
    for i, name in enumerate(names):
        timer.say(f"architecture {i + 1}/{len(names)}: {name}")
        arch = sc.architectures[name]
        results[name] = pipeline.assess(arch, reps, None if not arch.agreements else fallback)
    return RunResult(scenario=sc, trajectories=pipeline.tr, warnings=pipeline.warnings,
                     nations=tuple(sc.config.nations), architectures=results, stage_seconds=dict(timer.seconds),
                     replications=reps, seed=sc.seeds.seed, pipeline=pipeline)
