"""The sensors stage's entry points: what the satellites and the radars report of flown threats.

- :func:`warn`: each space-based infrared early-warning system's launch detections and cues, at its
  owner (who else receives them is the network's decision: :func:`bmdsim.network.share.warning_arrival_s`);
- :func:`sense`: each radar's looks, detections and measurements, given the time from which the cue its
  nation received lets it search a small volume (one row of cue times per radar).

Every draw comes from a stream keyed by (sensor or system name, threat id) under the run's ``radar`` or
``infrared`` stream (:mod:`bmdsim.scenario.seeds`), so the results do not depend on which radars or
threats are processed together: the assessment reuses a radar's result for every architecture and
variant in which the radar and its cue are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from bmdsim.earth.model import Ellipsoid
from bmdsim.flight.propagator import Trajectories
from bmdsim.sensors.infrared import InfraredConfig, InfraredCues, detect_launches
from bmdsim.sensors.observe import Observations, observe
from bmdsim.sensors.radar import RadarSite
from bmdsim.sensors.rcs import ThreatRcs


def warn(tr: Trajectories, systems: Sequence[InfraredConfig], seed: np.random.SeedSequence, *,
         ellipsoid: Ellipsoid) -> tuple[InfraredCues, ...]:
    """Launch detections and cues of each early-warning system (at its owner), one per system."""
    return tuple(detect_launches(tr, cfg, seed, ellipsoid=ellipsoid) for cfg in systems)


def sense(tr: Trajectories, radars: Sequence[RadarSite], seed: np.random.SeedSequence, *, rcs: ThreatRcs,
          cue_time_s: ArrayLike) -> Observations:
    """Radar measurements of every threat by each radar, cued from its row of ``cue_time_s`` (s, n) on."""
    return observe(tr, list(radars), seed, rcs=rcs, cue_time_s=cue_time_s)
