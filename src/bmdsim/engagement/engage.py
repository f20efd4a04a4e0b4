"""The engagement stage's entry points: when each shooter may fire, on whose data, and the battle.

Which track a shooter fires on (the fire-control-radar rule)
------------------------------------------------------------
A battery or ship engages a threat on a fire-control-quality track, and what it may use depends on its
interceptor's catalog property ``remote_data`` (sourced per interceptor):

``none``
    The battery must see the threat with its own fire-control radar: it launches once that radar's own
    track is of fire-control quality (Patriot with its MPQ-65, THAAD with its TPY-2 in 2014 service).
``launch-on-remote``
    It may launch on its nation's fused picture (remote sensors, received under the architecture with
    their latency), but its own fire-control radar must hold a fire-control-quality track by the time of
    intercept, to guide the interceptor in (Aegis with SM-3 Block IA/IB, first shown in FTM-15, 2011).
``engage-on-remote``
    Launch and intercept on the nation's picture alone; the shooter's own radar is not needed
    (SM-3 Block IIA with Aegis BMD 5.1, GMD).

The earliest launch is that track time plus the decision time and the interceptor's reaction time; the
intercept windows then follow from the geometry (:func:`~bmdsim.engagement.fire_control.fire_control`).

Atmospheric filtering: light decoys and debris are slowed and stripped by the air at altitudes below
``filter_altitude_m`` (a scenario input; see docs/methods/engagement.md for the figure and its source), so
a shooter whose first intercept lies lower sees the warhead alone (``decoys_stripped``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.engagement.battle import BattleOutcome, ShooterSet, fight
from bmdsim.engagement.fire_control import EngagementWindows, fire_control
from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.flight.propagator import Trajectories

F64 = NDArray[np.float64]
REMOTE_MODES = ("none", "launch-on-remote", "engage-on-remote")


@dataclass(frozen=True, slots=True, kw_only=True)
class ShooterLayout:
    """The shooters: battle parameters, launcher positions, interceptor kinematics and fire control.

    Attributes
    ----------
    battle : ShooterSet
    site_lla : ndarray, shape (s, 3)
        Launcher positions, geodetic [rad, rad, m].
    interceptors : tuple of InterceptorConfig, length s
    kill_assessment_s : ndarray, shape (s,)
    fire_control_sensor : ndarray of int, shape (s,)
        Index of each shooter's own fire-control radar among the run's sensors (-1: none).
    remote_data : tuple of str, length s
        Each interceptor's use of remote data (:data:`REMOTE_MODES`).
    p_kill_assessment : ndarray, shape (s,)
        Probability each shooter assesses a salvo's result correctly.
    """

    battle: ShooterSet
    site_lla: F64
    interceptors: tuple[InterceptorConfig, ...]
    kill_assessment_s: F64
    fire_control_sensor: NDArray[np.int64]
    remote_data: tuple[str, ...]
    p_kill_assessment: F64

    def __post_init__(self) -> None:
        s = self.battle.n
        for name in ("site_lla", "kill_assessment_s", "fire_control_sensor", "p_kill_assessment"):
            if np.shape(getattr(self, name))[:1] != (s,):
                raise ValueError(f"ShooterLayout.{name} must have {s} rows, got {np.shape(getattr(self, name))}")
        for i, mode in enumerate(self.remote_data):
            if mode not in REMOTE_MODES:
                raise ValueError(f"ShooterLayout.remote_data[{i}] must be one of {REMOTE_MODES}, got {mode!r}")
            if mode != "engage-on-remote" and self.fire_control_sensor[i] < 0:
                raise ValueError(f"ShooterLayout: shooter {self.battle.name[i]!r} needs a fire-control radar "
                                 f"(its interceptor's remote_data is {mode!r})")

    @property
    def n(self) -> int:
        return self.battle.n


@dataclass(frozen=True, slots=True, kw_only=True)
class FireControlResult:
    """What each shooter's fire control allows under one architecture.

    Attributes
    ----------
    t_ready_s : ndarray, shape (s, n)
        Time of the track the shooter fires on [s] (NaN: none).
    t_earliest_launch_s : ndarray, shape (s, n)
        Earliest launch [s] (inf: never).
    windows : EngagementWindows
    intercept_alt_m : ndarray, shape (s, n)
        Altitude of the first intercept [m] (NaN: none).
    """

    t_ready_s: F64
    t_earliest_launch_s: F64
    windows: EngagementWindows
    intercept_alt_m: F64


def engage(tr: Trajectories, shooters: ShooterLayout, t_nation_fire_control_s: F64,
           t_own_fire_control_s: F64, decision_time_s: float, earth_ellipsoid,
           geometry_cache: dict | None = None) -> FireControlResult:
    """Earliest launches and intercept windows of every shooter (module notes).

    Parameters
    ----------
    tr : Trajectories
    shooters : ShooterLayout
    t_nation_fire_control_s : ndarray, shape (s, n)
        Fire-control-quality time of the picture of each shooter's nation [s] (NaN: never).
    t_own_fire_control_s : ndarray, shape (s, n)
        Fire-control-quality time of each shooter's own fire-control radar's track [s] (NaN: never or no
        such radar).
    decision_time_s : float
    earth_ellipsoid : Ellipsoid
    geometry_cache : dict, optional
        Reuses each shooter's intercept geometry across calls on the same trajectories.
    """
    mode = np.array(shooters.remote_data)[:, None] if shooters.n else np.zeros((0, 1), dtype=str)
    own = np.asarray(t_own_fire_control_s, dtype=float)
    nation = np.asarray(t_nation_fire_control_s, dtype=float)
    t_ready = np.where(mode == "none", own, nation)
    reaction = np.array([c.reaction_time_s for c in shooters.interceptors]).reshape(-1, 1)
    ready = t_ready + decision_time_s + reaction
    t_earliest = np.where(np.isfinite(ready), ready, np.inf)
    # launched on remote data, the own radar must hold a fire-control-quality track by intercept time
    t_guided = np.where(mode == "launch-on-remote", np.where(np.isfinite(own), own, np.inf), -np.inf)
    windows = fire_control(tr, shooters.site_lla, list(shooters.interceptors), t_earliest,
                           shooters.kill_assessment_s, shooters.battle.max_looks, earth_ellipsoid,
                           t_earliest_intercept_s=t_guided, geometry_cache=geometry_cache)
    alt = np.full(t_ready.shape, np.nan)
    hit = np.isfinite(windows.r_intercept_ecef_m[..., 0])
    if hit.any():
        alt[hit] = ecef_to_geodetic(windows.r_intercept_ecef_m[hit], earth_ellipsoid)[2]
    return FireControlResult(t_ready_s=t_ready, t_earliest_launch_s=t_earliest, windows=windows,
                             intercept_alt_m=alt)


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrimination:
    """The discrimination each shooter relies on (:func:`bmdsim.network.share.discrimination_sources`)."""

    source: NDArray[np.int64]
    """(s, n) source index (-1: none)."""
    p: F64
    """(s, n) its probability of picking the warhead."""
    n_sources: int
    """Number of sources (sensors plus shooters), the same under every architecture."""


def battle(shooters: ShooterLayout, fc: FireControlResult, disc: Discrimination, *, priority: F64, wave,
           has_decoys: NDArray[np.bool_], decoys_light: NDArray[np.bool_], filter_altitude_m: float,
           replications: int, rng: np.random.Generator, network_reliability: float,
           fallback: tuple[FireControlResult, Discrimination] | None) -> BattleOutcome:
    """The Monte Carlo battle of one architecture (:func:`~bmdsim.engagement.battle.fight`).

    ``fallback`` is the national picture, used in the replications where the shared network fails
    (None: the architecture shares nothing, so there is nothing to fail).
    """
    def stripped(f: FireControlResult) -> NDArray[np.bool_]:
        with np.errstate(invalid="ignore"):
            return decoys_light[None, :] & (f.intercept_alt_m < filter_altitude_m)

    fb_fc, fb_disc = fallback if fallback is not None else (fc, disc)
    return fight(shooters.battle, fc.windows.opportunities(), priority=priority, wave=wave,
                 replications=replications, rng=rng,
                 network_reliability=network_reliability if fallback is not None else 1.0,
                 fallback=fb_fc.windows.opportunities() if fallback is not None else None,
                 has_decoys=has_decoys, p_discriminate=disc.p, fallback_p_discriminate=fb_disc.p,
                 discrimination_source=disc.source, fallback_discrimination_source=fb_disc.source,
                 n_sources=disc.n_sources, decoys_stripped=stripped(fc), fallback_decoys_stripped=stripped(fb_fc),
                 p_kill_assessment=shooters.p_kill_assessment)
