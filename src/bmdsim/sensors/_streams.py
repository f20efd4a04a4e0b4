"""Independent random streams per (sensor, threat), so results do not depend on how threats are batched.

Every random draw of the sensors stage comes from a stream keyed by the sensor's name and the threat's
global id, spawned from one root :class:`numpy.random.SeedSequence`: the draws for threat 7 seen by
``tpy2-shariki`` are the same whether threat 7 is observed alone or in a batch of a thousand. numpy
documents ``SeedSequence`` spawn keys as the way to make such independent, reproducible streams
([NumPyParallel]).

References
----------
.. [NumPyParallel] NumPy documentation, "Parallel random number generation" (SeedSequence spawning).
"""

from __future__ import annotations

import zlib

import numpy as np

Seed = int | np.random.SeedSequence | np.random.Generator


def root_sequence(seed: Seed) -> np.random.SeedSequence:
    """The root SeedSequence of a seed.

    An int or SeedSequence is used as is (batch-invariant across calls). A Generator is consumed for 128
    bits of entropy, so two calls with the same Generator object draw different roots: pass an int or a
    SeedSequence when threats are observed in several batches.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        words = seed.integers(0, 2**32, size=4, dtype=np.uint64)
        return np.random.SeedSequence([int(w) for w in words])
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0:
        return np.random.SeedSequence(int(seed))
    raise TypeError(f"seed must be a non-negative int, a numpy SeedSequence or Generator, got {seed!r}")


def name_key(name: str) -> int:
    """A stable non-negative integer for a sensor name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def stream_for(root: np.random.SeedSequence, name: str, threat_id: int) -> np.random.Generator:
    """The Generator of one (sensor name, threat id) pair under ``root``."""
    if threat_id < 0:
        raise ValueError(f"threat ids must be >= 0, got {threat_id}")
    child = np.random.SeedSequence(entropy=root.entropy,
                                   spawn_key=(*root.spawn_key, name_key(name), int(threat_id)))
    return np.random.Generator(np.random.PCG64(child))
