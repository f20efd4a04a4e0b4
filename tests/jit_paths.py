"""Run one computation on both paths: the compiled kernels and the numpy code they mirror (BMDSIM_NO_JIT=1)."""


def both_paths(monkeypatch, fn):
    """``(compiled result, numpy result)`` of ``fn()``."""
    monkeypatch.delenv("BMDSIM_NO_JIT", raising=False)
    fast = fn()
    monkeypatch.setenv("BMDSIM_NO_JIT", "1")
    slow = fn()
    monkeypatch.delenv("BMDSIM_NO_JIT")
    return fast, slow
