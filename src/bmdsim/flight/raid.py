"""The flight stage's entry point: target every threat of a raid table and fly them on one time grid.

:func:`fly` takes the resolved threats (launch and aim points, launch times, profiles) and returns their
:class:`~bmdsim.flight.propagator.Trajectories`: each (missile, profile) group is targeted on the full
model (:func:`~bmdsim.flight.targeting.target_missile`), then every threat is propagated in one batch on
a shared output grid. Nothing here is random: the launch-point scatter is drawn when the raids are
resolved, from the run's ``geometry`` stream.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.model import EarthModel
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.plan import FlightPlan, concat_plans
from bmdsim.flight.propagator import Trajectories, propagate
from bmdsim.flight.targeting import UnreachableTargetError, target_missile

F64 = NDArray[np.float64]
OUTPUT_STEP_S = 1.0
"""Output grid of the trajectories [s]: fire control reads intercept windows to this step."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatTable:
    """The threats of all raids, one row each (SI units, radians).

    Attributes
    ----------
    missile, aim, profile : tuple of str, length n
        Catalog key, aimed asset or site, and trajectory profile of each threat.
    raid, wave : ndarray of int, shape (n,)
        Raid index (into the scenario's raids) and engagement wave.
    value : ndarray, shape (n,)
        Value of the asset each threat aims at.
    launch_lat_rad, launch_lon_rad, aim_lat_rad, aim_lon_rad : ndarray, shape (n,)
    t_launch_s : ndarray, shape (n,)
    has_decoys : ndarray of bool, shape (n,)
        Whether the threat complex carries decoys or debris.
    decoys_light : ndarray of bool, shape (n,)
        Whether those decoys are light (stripped by the atmosphere) rather than re-entry decoys.
    """

    missile: tuple[str, ...]
    raid: NDArray[np.int64]
    wave: NDArray[np.int64]
    aim: tuple[str, ...]
    value: F64
    launch_lat_rad: F64
    launch_lon_rad: F64
    aim_lat_rad: F64
    aim_lon_rad: F64
    t_launch_s: F64
    profile: tuple[str, ...]
    has_decoys: NDArray[np.bool_]
    decoys_light: NDArray[np.bool_] | None = None

    @property
    def n(self) -> int:
        return len(self.missile)

    def take(self, rows: NDArray[np.intp]) -> ThreatTable:
        """The table of the threats at ``rows``."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = None if v is None else (tuple(v[i] for i in rows) if isinstance(v, tuple) else v[rows])
        return ThreatTable(**out)


class TargetingError(ValueError):
    """A threat cannot reach its aim point; ``raid`` names the raid index of the first such threat."""

    def __init__(self, message: str, raid: int) -> None:
        super().__init__(message)
        self.raid = raid


def _take(plan: FlightPlan, rows: NDArray[np.intp]) -> FlightPlan:
    return FlightPlan(**{f: getattr(plan, f)[rows] for f in FlightPlan.__dataclass_fields__})


def fly(threats: ThreatTable, earth: EarthModel, *, output_step_s: float = OUTPUT_STEP_S) -> Trajectories:
    """Target every threat on the full model and propagate all of them on one time grid.

    Parameters
    ----------
    threats : ThreatTable
    earth : EarthModel
    output_step_s : float
        Step of the shared output grid [s].

    Returns
    -------
    Trajectories
        Rows in the order of ``threats``.

    Raises
    ------
    TargetingError
        If a threat cannot reach its aim point with its profile.
    """
    plans, order = [], []
    for missile, profile in sorted(set(zip(threats.missile, threats.profile, strict=True))):
        pairs = zip(threats.missile, threats.profile, strict=True)
        rows = np.flatnonzero([(m, p) == (missile, profile) for m, p in pairs])
        try:
            sol = target_missile(threat_vehicle(missile), threats.launch_lat_rad[rows], threats.launch_lon_rad[rows],
                                 threats.aim_lat_rad[rows], threats.aim_lon_rad[rows], profile=profile,  # type: ignore[arg-type]
                                 earth=earth)
        except UnreachableTargetError as exc:
            raise TargetingError(str(exc), int(threats.raid[rows[0]])) from None
        plans.append(dataclasses.replace(sol.plan, t_launch_s=threats.t_launch_s[rows]))
        order.append(rows)
    plan = concat_plans(plans)
    inverse = np.argsort(np.concatenate(order))
    return propagate(_take(plan, inverse), earth, output_step_s=output_step_s)
