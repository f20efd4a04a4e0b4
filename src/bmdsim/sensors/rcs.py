"""Radar cross section (RCS) of threat objects by flight phase, and spent stages as separate objects.

What it models
--------------
A threat object's RCS is a step function of its flight phase: the burning booster (a large body, about
1 m^2 averaged over aspect, catalog ``booster``) until burnout, then the object that flies on:

* a separating warhead leaves a small re-entry vehicle (RV), about 0.01 m^2 nose-on at X-band (catalog
  ``reentry_vehicle``);
* a Scud-class missile whose warhead does not separate, or an artillery rocket, keeps its whole burnt-out
  body (catalog ``unseparated_body``);
* a gun-fired shell has the shell RCS throughout.

Where the threat catalog says the warhead separates, the spent upper stage (a "tank" of about 1 m^2,
catalog ``spent_stage``) becomes a separate radar object: :func:`plan_spent_stages` makes a flight plan for
it from the burnout states, which :func:`bmdsim.flight.propagate` flies with the stage's own ballistic
coefficient, so it trails the RV once drag acts on re-entry.

Left out, and why: aspect dependence (the RCS of a cone ranges over two orders of magnitude with aspect
and its public description is qualitative; nose-on is the pessimistic choice for radars under the
trajectory and optimistic for the specular flash of a crossing view), frequency dependence (figures are
X-band; at L and S band a 0.5 m RV is near resonance and larger), plume and wake returns, and RCS
fluctuation beyond the Swerling model of :mod:`.detection`.

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 2.7 (RCS of simple
   and complex objects).
.. [Sessler00] A. M. Sessler et al., *Countermeasures* (UCS / MIT SSP, 2000), RV radar signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.flight.plan import FlightPlan
from bmdsim.flight.propagator import PHASE_BOOST, Trajectories
from bmdsim.flight.vehicles import Vehicle
from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.radar_catalog import rcs_figures_m2

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatRcs:
    """RCS of ``n`` objects before and after burnout.

    Attributes
    ----------
    booster_m2 : ndarray, shape (n,)
        RCS while the motor burns [m^2].
    post_boost_m2 : ndarray, shape (n,)
        RCS after burnout (RV, unseparated body, shell or debris) [m^2].
    """

    booster_m2: F64
    post_boost_m2: F64

    def __post_init__(self) -> None:
        b = np.atleast_1d(np.asarray(self.booster_m2, dtype=float))
        p = np.atleast_1d(np.asarray(self.post_boost_m2, dtype=float))
        if b.shape != p.shape or b.ndim != 1:
            raise ValueError(f"ThreatRcs: booster_m2 {b.shape} and post_boost_m2 {p.shape} must have the "
                             "same 1-D shape")
        for name, v in (("booster_m2", b), ("post_boost_m2", p)):
            if not (np.all(np.isfinite(v)) and np.all(v > 0)):
                raise ValueError(f"ThreatRcs.{name} must be > 0 m^2, got {v[~(np.isfinite(v) & (v > 0))][0]}")
        object.__setattr__(self, "booster_m2", b)
        object.__setattr__(self, "post_boost_m2", p)

    @property
    def n(self) -> int:
        return int(self.booster_m2.shape[0])

    @classmethod
    def uniform(cls, n: int, booster_m2: float, post_boost_m2: float) -> ThreatRcs:
        """The same two figures for ``n`` objects."""
        return cls(booster_m2=np.full(n, float(booster_m2)), post_boost_m2=np.full(n, float(post_boost_m2)))

    def take(self, rows: ArrayLike) -> ThreatRcs:
        """The objects at ``rows``."""
        idx = np.asarray(rows, dtype=np.intp)
        return ThreatRcs(booster_m2=self.booster_m2[idx], post_boost_m2=self.post_boost_m2[idx])


def rcs_at_time(rcs: ThreatRcs, t_s: ArrayLike, t_burnout_s: ArrayLike) -> F64:
    """RCS [m^2] of each object at times ``t_s`` (shape (n, ...)): booster before burnout, then post-boost.

    Parameters
    ----------
    rcs : ThreatRcs
        Figures of the ``n`` objects.
    t_s : array_like, shape (n, ...)
        Scenario times [s].
    t_burnout_s : array_like, shape (n,)
        Scenario time of burnout of each object [s] (launch time for a shell).
    """
    t = np.asarray(t_s, dtype=float)
    extra = (1,) * (t.ndim - 1)
    tb = np.asarray(t_burnout_s, dtype=float).reshape(-1, *extra)
    return np.where(t < tb, rcs.booster_m2.reshape(-1, *extra), rcs.post_boost_m2.reshape(-1, *extra))


def rcs_by_phase(rcs: ThreatRcs, phase: ArrayLike) -> F64:
    """RCS [m^2] on a trajectory grid from the phase array (shape (n, k)); NaN where not in flight."""
    ph = np.asarray(phase)
    out = np.where(ph == PHASE_BOOST, rcs.booster_m2[:, None], rcs.post_boost_m2[:, None])
    return np.where(ph < 0, np.nan, out)


def rcs_class_of(key: str) -> tuple[str, str]:
    """RCS classes ``(before burnout, after burnout)`` of a threat-catalog missile.

    Follows the threat catalog: ``kind`` and ``separating_warhead``.
    """
    catalog = load_threat_catalog()
    if key not in catalog.missiles:
        raise KeyError(f"no missile {key!r} in the catalog (known: {', '.join(sorted(catalog.missiles))})")
    entry = catalog.missiles[key]
    if entry.kind == "shell":
        return "shell", "shell"
    if entry.kind == "ballistic" and entry.separating_warhead:
        return "booster", "reentry_vehicle"
    return "booster", "unseparated_body"


def threat_rcs_from_catalog(missile_keys: Sequence[str]) -> ThreatRcs:
    """Nominal catalog RCS of the warhead-carrying object of each missile (one row per key)."""
    figures = rcs_figures_m2()
    classes = [rcs_class_of(k) for k in missile_keys]
    return ThreatRcs(booster_m2=np.array([figures[a] for a, _ in classes]),
                     post_boost_m2=np.array([figures[b] for _, b in classes]))


def spent_stage_properties(vehicle: Vehicle) -> tuple[float, float]:
    """Mass [kg] and drag area [m^2] of a vehicle's spent top stage: its dry mass and its stage ``Cd A``."""
    if not vehicle.stages:
        raise ValueError(f"Vehicle[{vehicle.name}] has no stage to spend")
    top = vehicle.stages[-1]
    return top.dry_mass_kg, top.drag_area_m2


def plan_spent_stages(traj: Trajectories, rows: ArrayLike, *, mass_kg: ArrayLike, drag_area_m2: ArrayLike,
                      separation_speed_mps: float = 0.0) -> FlightPlan:
    """Flight plans of the spent stages left at burnout by the trajectories at ``rows``.

    Each stage starts from its trajectory's burnout state (ECEF) at the burnout time, slowed by
    ``separation_speed_mps`` along its velocity (the warhead is pushed ahead), and flies unpowered with
    its own mass and drag area to impact. Propagate it with :func:`bmdsim.flight.propagate` on the same
    Earth model; its objects get their own indices (e.g. after the warheads) in the observation.

    Parameters
    ----------
    traj : Trajectories
        Flown threats.
    rows : array_like of int, shape (m,)
        Which trajectories leave a stage (those whose warhead separates).
    mass_kg, drag_area_m2 : array_like, shape (m,) or scalar
        Stage mass [kg] and ``Cd A`` [m^2] (see :func:`spent_stage_properties`).
    separation_speed_mps : float
        Speed removed from the stage along its velocity at separation [m/s], >= 0.
    """
    idx = np.atleast_1d(np.asarray(rows, dtype=np.intp))
    m = idx.size
    if not separation_speed_mps >= 0:
        raise ValueError("plan_spent_stages: separation_speed_mps must be >= 0 m/s, "
                         f"got {separation_speed_mps}")
    mass = np.broadcast_to(np.asarray(mass_kg, dtype=float), (m,)).copy()
    cda = np.broadcast_to(np.asarray(drag_area_m2, dtype=float), (m,)).copy()
    if np.any(mass <= 0) or np.any(cda < 0):
        raise ValueError("plan_spent_stages: mass_kg must be > 0 kg and drag_area_m2 >= 0 m^2")
    r0 = traj.r_burnout_ecef_m[idx]
    v0 = traj.v_burnout_ecef_mps[idx]
    if np.any(~np.isfinite(r0)):
        raise ValueError("plan_spent_stages: a selected trajectory has no burnout state")
    speed = np.linalg.norm(v0, axis=1, keepdims=True)
    v0 = v0 * np.maximum(speed - separation_speed_mps, 0.0) / np.where(speed > 0, speed, 1.0)
    up = r0 / np.linalg.norm(r0, axis=1, keepdims=True)
    horiz = v0 - np.einsum("ij,ij->i", v0, up)[:, None] * up
    norm_h = np.linalg.norm(horiz, axis=1, keepdims=True)
    horiz = np.where(norm_h > 0, horiz / np.where(norm_h > 0, norm_h, 1.0), np.roll(up, 1, axis=1))
    ones = np.ones((m, 1))
    zeros = np.zeros(m)
    return FlightPlan(r0_ecef_m=r0, v0_ecef_mps=v0, t_launch_s=traj.t_burnout_s[idx].copy(),
                      phase_t_end_s=np.full((m, 1), np.inf), phase_thrust_n=0.0 * ones,
                      phase_mdot_kg_s=0.0 * ones, phase_m0_kg=mass[:, None], phase_cda_m2=cda[:, None],
                      t_burnout_s=zeros.copy(), mode=np.zeros(m, dtype=np.int8), u_horiz_ecef=horiz,
                      u_up_ecef=up, pitch_end_rad=zeros.copy(), t_vertical_s=zeros.copy(),
                      t_pitch_end_s=zeros.copy())
