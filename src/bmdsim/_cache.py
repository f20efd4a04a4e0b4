"""Content-addressed on-disk cache of targeting results (infrastructure, not a pipeline stage).

It lives outside the physics stages, which never touch files (tests/test_architecture.py):
:mod:`bmdsim.flight.targeting` hands it its inputs and a function that computes the result.

Targeting (the Newton search for each threat's steering on the full model) is deterministic: the same
vehicle, launch and aim points, profile, Earth model, tolerances and code give the same solution. A
scenario rerun, a variant or a footprint grid that flies the same threats reuses it instead of flying the
Newton iterations again.

Key
    SHA-256 of the call's inputs (the vehicle's and Earth model's ``repr``, which list every field; the
    launch and aim arrays' bytes; profile, burnout angle, apogee, tolerances), the package version, a
    hash of the source of every module whose code the result depends on (so an edited model never reads
    a stale solution), and whether the compiled kernels are on (their round-off differs).
Store
    One ``.npz`` per key (plain float/int/bool arrays, no pickles), written to a temporary file in the
    same folder and renamed into place, so concurrent runs never read a half-written entry (rename is
    atomic on POSIX and Windows); an unreadable entry is treated as a miss and rewritten.
Where
    ``$BMDSIM_CACHE_DIR`` if set, else the user cache folder (``platformdirs.user_cache_dir("bmdsim")``:
    ``$XDG_CACHE_HOME/bmdsim`` or ``~/.cache/bmdsim`` on Linux), subfolder ``targeting``.
Bypass
    ``BMDSIM_NO_CACHE=1`` neither reads nor writes. Tests point ``BMDSIM_CACHE_DIR`` at a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

_SOURCES = ("flight/targeting.py", "flight/propagator.py", "flight/dynamics.py", "flight/plan.py",
            "flight/kepler.py", "flight/vehicles.py", "flight/_jit.py", "earth/atmosphere.py", "earth/gravity.py",
            "earth/frames.py", "earth/geodesy.py", "earth/model.py", "earth/constants.py", "earth/_jit.py",
            "engagement/flyout.py", "engagement/lofted_flyout.py", "engagement/interceptors.py")


def is_enabled() -> bool:
    """False when ``BMDSIM_NO_CACHE`` is set to anything but empty or ``0``."""
    return os.environ.get("BMDSIM_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """Folder of the targeting cache (see module notes)."""
    env = os.environ.get("BMDSIM_CACHE_DIR")
    if env:
        return Path(env) / "targeting"
    import platformdirs

    return Path(platformdirs.user_cache_dir("bmdsim")) / "targeting"


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus a hash of the sources the cached results depend on."""
    from bmdsim import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for rel in _SOURCES:
        p = root / rel
        h.update(rel.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


def make_key(kind: str, *parts: object) -> str:
    """SHA-256 hex key of a result kind and its inputs (arrays by dtype, shape and bytes; others by repr)."""
    from bmdsim.earth._kernels import jit_enabled

    h = hashlib.sha256(f"{kind}|{code_version()}|jit={jit_enabled()}".encode())
    for part in parts:
        if isinstance(part, np.ndarray):
            a = np.ascontiguousarray(part)
            h.update(f"|{a.dtype.str}{a.shape}|".encode())
            h.update(a.tobytes())
        else:
            h.update(f"|{part!r}".encode())
    return h.hexdigest()


def load(key: str) -> dict[str, np.ndarray] | None:
    """The stored arrays of a key, or None on a miss (or an unreadable entry)."""
    path = cache_dir() / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError):
        return None


def store(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Write an entry atomically (temporary file, then rename); failures to write are ignored."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, folder / f"{key}.npz")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full cache folder only costs speed


def cached(key_parts: tuple, compute: Callable[[], dict[str, np.ndarray]], kind: str) -> dict[str, np.ndarray]:
    """``compute()`` through the cache (arrays in, arrays out); straight through when disabled."""
    if not is_enabled():
        return compute()
    key = make_key(kind, *key_parts)
    hit = load(key)
    if hit is not None:
        return hit
    out = compute()
    store(key, out)
    return out
