"""One seed plan for a whole run: every random draw derives from the run's seed and a named stream.

A run has one integer seed (the scenario's ``monte_carlo.seed``, or ``--seed``, written back into the
resolved scenario so that the file records the seed actually used). Each stage asks the plan for its
stream by name; the name maps to a fixed integer key, so a stream's draws depend only on the seed and
the name, never on which other streams were drawn first or how the work is split. numpy documents
``SeedSequence`` entropy plus a spawn key as the way to make such independent, reproducible streams
([NumPyParallel]).

Streams
-------
``geometry``  launch points scattered over each raid's launch area;
``battle``    the Monte Carlo draws of the battle (kill, discrimination, kill assessment, reliability);
``radar``     radar look draws, keyed further by (sensor name, threat id) in :mod:`bmdsim.sensors`;
``infrared``  infrared early-warning report errors, keyed further by (system name, threat id);
``footprint`` the grid threats of footprints (their own radar and infrared draws).

The integer keys are part of the results' reproducibility: never renumber a stream.

References
----------
.. [NumPyParallel] NumPy documentation, "Parallel random number generation" (SeedSequence spawning).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STREAMS: dict[str, int] = {"geometry": 1, "battle": 2, "radar": 3, "infrared": 4, "footprint": 5}


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """The run's seed and its named streams."""

    seed: int

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer) or self.seed < 0:
            raise ValueError(f"SeedPlan.seed must be a non-negative integer, got {self.seed!r}")

    def sequence(self, stream: str) -> np.random.SeedSequence:
        """The SeedSequence of a named stream (see the module notes for the names)."""
        if stream not in STREAMS:
            raise KeyError(f"unknown random stream {stream!r} (streams: {', '.join(STREAMS)})")
        return np.random.SeedSequence([int(self.seed), STREAMS[stream]])

    def generator(self, stream: str) -> np.random.Generator:
        """A fresh Generator on a named stream: the same draws every time it is asked for."""
        return np.random.default_rng(self.sequence(stream))

    def sub(self, stream: str) -> SeedPlan:
        """A derived plan (for footprints): its streams are independent of this plan's."""
        return SeedPlan(int(self.sequence(stream).generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))
