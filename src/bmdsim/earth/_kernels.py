"""The switch of the compiled (numba) kernel layer; the Earth kernels themselves are in ``_jit.py``.

Why a compiled layer
--------------------
The propagator and the tracking filter call gravity and density on arrays of a few dozen rows, hundreds of
thousands of times per run, so numpy's per-call overhead (a few µs per operation, dozens of operations per
call) dominates their cost, not the arithmetic. These functions are the same formulas as
:func:`bmdsim.earth.gravity.gravity_accel`, :func:`bmdsim.earth.atmosphere.density_fast_kg_m3` and
:func:`bmdsim.flight.dynamics.approximate_height_m`, written for one point with plain floats, so that the
compiled kernels of :mod:`bmdsim.flight._kernels` and :mod:`bmdsim.tracking._kernels` can inline them
(STYLE.md sec. 3: a compiled kernel sits in its own layer with plain-float signatures behind the same API).

They follow the numpy code operation by operation; results agree with it to round-off (a few units of the
last place: libm's ``exp`` and numpy's vectorized one may differ by one ulp), as tests/earth/test_kernels.py
checks.

Switch: the kernels are used unless the environment variable ``BMDSIM_NO_JIT`` is set to a non-empty value
other than ``0``; then every caller runs its pure-numpy path (same model, slower), which the tests also run.
numba itself is imported only when a kernel is first needed, so ``import bmdsim`` stays light.
"""

from __future__ import annotations

import os


def jit_enabled() -> bool:
    """Whether the compiled kernels are in use (``BMDSIM_NO_JIT`` unset, empty or ``0``)."""
    return os.environ.get("BMDSIM_NO_JIT", "") in ("", "0")
