"""The on-disk targeting cache: same answers, array for array; keyed by every input; bypassable; atomic."""

import numpy as np

from bmdsim import _cache
from bmdsim.earth.model import EarthModel
from bmdsim.flight.targeting import maximum_range, target_missile

LAUNCH = np.radians([40.0, 40.2]), np.radians([127.0, 127.1])
AIM = np.radians([37.5, 38.0]), np.radians([136.0, 138.0])


def _entries(folder):
    return sorted(p.name for p in (folder / "targeting").glob("*.npz"))


def test_a_cached_solution_is_the_computed_one(tmp_path, monkeypatch, two_stage):
    monkeypatch.setenv("BMDSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BMDSIM_NO_CACHE", raising=False)
    first = target_missile(two_stage, *LAUNCH, *AIM)
    assert len(_entries(tmp_path)) == 1
    second = target_missile(two_stage, *LAUNCH, *AIM)
    direct = target_missile(two_stage, *LAUNCH, *AIM, use_cache=False)
    for sol in (second, direct):
        for name, a in _cache_fields(first).items():
            np.testing.assert_array_equal(_cache_fields(sol)[name], a, err_msg=name)
    # another input is another key
    target_missile(two_stage, *LAUNCH, *AIM, earth=EarthModel(rotation=False))
    assert len(_entries(tmp_path)) == 2


def _cache_fields(sol):
    from bmdsim.flight.targeting import _flatten

    return _flatten(sol)


def test_maximum_range_is_cached(tmp_path, monkeypatch, two_stage):
    monkeypatch.setenv("BMDSIM_CACHE_DIR", str(tmp_path))
    a = maximum_range(two_stage, *LAUNCH, np.radians([100.0, 110.0]))
    b = maximum_range(two_stage, *LAUNCH, np.radians([100.0, 110.0]))
    c = maximum_range(two_stage, *LAUNCH, np.radians([100.0, 110.0]), use_cache=False)
    assert len(_entries(tmp_path)) == 1
    for x, y, z in zip(a, b, c, strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)


def test_no_cache_neither_reads_nor_writes(tmp_path, monkeypatch, two_stage):
    monkeypatch.setenv("BMDSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BMDSIM_NO_CACHE", "1")
    maximum_range(two_stage, *LAUNCH, np.radians([100.0, 110.0]))
    assert not (tmp_path / "targeting").exists()


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv("BMDSIM_CACHE_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"x": np.arange(3.0)}

    key = _cache.make_key("test", 1.0)
    (tmp_path / "targeting").mkdir()
    (tmp_path / "targeting" / f"{key}.npz").write_bytes(b"half-written")
    out = _cache.cached((1.0,), compute, "test")
    np.testing.assert_array_equal(out["x"], np.arange(3.0))
    out = _cache.cached((1.0,), compute, "test")
    assert len(calls) == 1
    assert not list((tmp_path / "targeting").glob(".tmp-*"))  # no temporary files left behind


def test_key_covers_inputs_code_and_kernels(monkeypatch):
    monkeypatch.delenv("BMDSIM_NO_JIT", raising=False)
    k0 = _cache.make_key("t", np.array([1.0, 2.0]), "a")
    assert k0 == _cache.make_key("t", np.array([1.0, 2.0]), "a")
    assert k0 != _cache.make_key("t", np.array([1.0, 2.000001]), "a")
    assert k0 != _cache.make_key("t", np.array([[1.0, 2.0]]), "a")
    assert k0 != _cache.make_key("t", np.array([1.0, 2.0]), "b")
    monkeypatch.setenv("BMDSIM_NO_JIT", "1")
    assert k0 != _cache.make_key("t", np.array([1.0, 2.0]), "a")
