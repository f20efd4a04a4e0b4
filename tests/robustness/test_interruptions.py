"""A real ``bmdsim run`` process killed at random points of its write phase, or interrupted with Ctrl-C.

Invariant: the output folder holds either the previous complete result set or the new complete one
(checked against each set's marker and its results.json), never a mix; the temporary folder a killed
run leaves is removed by the next run. ``BMDSIM_KILL_RUNS`` sets how many kills (default 2).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bmdsim
from bmdsim.report.files import MARKER, ResultFolder

from .conftest import BASE, run_cli

SRC = str(Path(bmdsim.__file__).resolve().parents[1])
VARIANTS = BASE.replace("architectures: [national]", "architectures: [national]\nvariants: [{name: a}, {name: b}]")


def _start(scenario: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "bmdsim", "run", str(scenario), "--out", str(out), "--quiet",
                             "--replications", "3", *extra], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _complete_set(folder: Path) -> str:
    """The scenario of the complete result set in ``folder``; fails on a partial or mixed folder."""
    marker = json.loads((folder / MARKER).read_text())
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MARKER)
    assert files == marker["files"], (files, marker["files"])
    results = [folder / f for f in files if f.endswith("results.json")]
    assert results
    for r in results:
        res = json.loads(r.read_text())
        for table in res["tables"]:
            assert (r.parent / table).is_file(), table
    return marker["scenario"]


def _old_set(out: Path) -> None:
    """A previous complete set, with a file the new run does not write."""
    import pandas as pd

    from bmdsim.report.files import write_result_set

    with ResultFolder(out) as folder:
        write_result_set(folder.stage(), {"summary": pd.DataFrame({"architecture": ["national"]}),
                                          "only_old": pd.DataFrame({"x": [1]})},
                         scenario_name="old", resolved_yaml="name: old\n", seed=1, replications=1, stage_seconds={})
        folder.commit("old")


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 300.0) -> bool:
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


@pytest.mark.slow
def test_kill_during_the_write_phase_leaves_old_or_new_complete_set(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(VARIANTS)
    rng = random.Random(int(os.environ.get("BMDSIM_KILL_SEED", "11")))
    outs = [tmp_path / f"out{k}" for k in range(int(os.environ.get("BMDSIM_KILL_RUNS", "2")))]
    for out in outs:
        _old_set(out)
    procs = [_start(scenario, out) for out in outs]  # side by side: the kills are independent
    kill_at: dict[int, float] = {}
    t_end = time.monotonic() + 600
    while any(p.poll() is None for p in procs) and time.monotonic() < t_end:
        names = [p.name for p in tmp_path.iterdir()]
        for k, (out, proc) in enumerate(zip(outs, procs, strict=True)):
            if proc.poll() is not None:
                continue
            if k not in kill_at and any(n.startswith(f".{out.name}.bmdsim-tmp-") for n in names):
                # a random point of the write phase (about a second here), or just after it for odd k
                kill_at[k] = time.monotonic() + rng.uniform(0.0, 1.5 if k % 2 else 0.5)
            if k in kill_at and time.monotonic() >= kill_at[k]:
                proc.send_signal(signal.SIGKILL)
        time.sleep(0.002)
    outcomes = []
    for out, proc in zip(outs, procs, strict=True):
        proc.communicate(timeout=60)
        written = _complete_set(out)
        assert written in ("old", "t"), written
        if written == "t":
            assert not (out / "only_old.csv").exists()
            shown = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
            assert shown == ["a", "b", "report.html", "variants.csv"]
        outcomes.append((proc.returncode, written))
        with ResultFolder(out):  # the next run into the folder removes what the killed one left
            pass
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}.bmdsim-tmp-")]
        assert _complete_set(out) == written
    print(outcomes)
    assert any(code == -signal.SIGKILL for code, _ in outcomes), outcomes


@pytest.mark.slow
def test_ctrl_c_exits_130_with_one_line_and_keeps_the_old_set(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE.replace("count: 1}", "count: 40, spacing_s: 5}"))  # long enough to be caught running
    out = tmp_path / "out"
    _old_set(out)
    lock = tmp_path / ".out.bmdsim-lock"
    assert not lock.exists()  # removed when the writing run ends
    proc = _start(scenario, out, "--replications", "100000")
    try:
        assert _wait_for(lock.exists, proc, 120), proc.communicate()
        # meanwhile, a second run into the same folder fails at once with one line
        status, _, err = run_cli(capsys, "run", scenario, "--out", out, "--quiet", "--replications", "2")
        if status == 0:  # the first run released its lock (it was ending) before the second took it
            pytest.skip("the first run finished before the second started")
        assert status == 2 and "in use by another bmdsim run" in err and len(err.strip().splitlines()) == 1
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()  # reaped whatever happened (no ResourceWarning in a later test)
    if proc.returncode == 0:  # the run finished before Ctrl-C arrived: nothing to check
        pytest.skip("the run finished before the interrupt")
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["bmdsim: interrupted"], err
    assert _complete_set(out) == "old"
