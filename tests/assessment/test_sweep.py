"""Sweeps: paths and values, validation before work, seeds per case, identical results however the work is
split (in process, one local worker, a scheduler and two workers started here), and resume after kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bmdsim
from bmdsim.assessment.sweep import (
    Axis,
    SweepError,
    apply_values,
    case_key,
    case_seed,
    done_keys,
    parse_values,
    parse_vary,
    plan,
    read_sweep,
    sweep,
    validate,
)
from bmdsim.scenario.schema import parse_scenario

# One short-range raid from a fixed launch point: a case runs in about a second once the flight is cached.
TINY = """
name: tiny-sweep
nations: [US, JP, ROK]
sensors:
  - {name: mpq65-osan, type: mpq65, nation: US, site: osan-ab, boresight_az_deg: 0}
  - {name: greenpine-north, type: green-pine, nation: ROK, site: greenpine-north, boresight_az_deg: 340}
shooters:
  - {name: patriot-osan, nation: US, site: osan-ab, interceptor: pac-3-cri, inventory: 8,
     fire_control_radar: mpq65-osan}
assets:
  - {name: osan-ab, site: osan-ab, value: 8}
raids:
  - {name: scudb-osan, missile: scud-b, launch_site: kittaeryong, aim: osan-ab, count: 2, spacing_s: 20}
architectures: [national, bilateral]
monte_carlo: {replications: 50, seed: 7}
"""
AXES = [Axis("shooters.patriot-osan.pk", (0.5, 0.9)), Axis("network.reliability", (0.5, 1.0))]
VARY = ["shooters.patriot-osan.pk=0.5,0.9", "network.reliability=0.5,1.0"]
REPS = 30
SRC = str(Path(bmdsim.__file__).resolve().parents[1])


def env() -> dict[str, str]:
    """The environment of the processes a test starts: this source tree, and the session's private caches
    (read when called, after the session fixtures have set them)."""
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture(scope="module")
def tiny():
    cfg, lines = parse_scenario(TINY, "tiny.yaml")
    return cfg, lines


@pytest.fixture(scope="module")
def reference(tiny, tmp_path_factory) -> pd.DataFrame:
    """The sweep run in this process, one case per part."""
    out = tmp_path_factory.mktemp("ref")
    res = sweep(tiny[0], AXES, out, file="tiny.yaml", replications=REPS, workers=0, chunk_size=1)
    assert (res.planned, res.ran) == (4, 4)
    return read_sweep(out)


def test_parse_values_lists_and_inclusive_ranges():
    assert parse_values("1,2,4,8") == (1, 2, 4, 8)
    assert parse_values("0,4,30,120") == (0, 4, 30, 120)
    assert parse_values("0.5,1") == (0.5, 1.0)  # one type per column: all floats
    pk = parse_values("0.5:0.95:0.05")
    assert len(pk) == 10 and pk[0] == 0.5 and pk[-1] == 0.95  # stop included, no 0.9500000000000001
    assert parse_values("1500:2000:250") == (1500, 1750, 2000)
    assert parse_values("salvo,shoot-look-shoot") == ("salvo", "shoot-look-shoot")
    for bad in ("", "1:2", "1:0:1", "0:1:0", "a:b:c", "1,1", "1,,2", "nan"):
        with pytest.raises(ValueError):
            parse_values(bad)


def test_parse_vary_names_the_option():
    assert parse_vary("network.latency_s=0,4") == Axis("network.latency_s", (0, 4))
    with pytest.raises(SweepError, match=r"^--vary network.latency_s: expected PATH=VALUES"):
        parse_vary("network.latency_s")


def test_paths_into_the_scenario_and_the_catalog(tiny):
    cfg = tiny[0]
    out = apply_values(cfg, [("raids.scudb-osan.count", 4), ("shooters.0.pk", 0.7), ("network.latency_s", 30)])
    assert out.raids[0].count == 4 and out.shooters[0].pk == 0.7 and out.network.latency_s == 30
    assert cfg.raids[0].count == 2  # the base scenario is unchanged
    # catalog units in, SI override out: 150 km -> 150e3 m; the suffix names search_reference_range_km
    out = apply_values(cfg, [("catalog.radars.mpq65.reference_range_km", 150)])
    assert out.overrides == {"radars.mpq65.search_reference_range_m": 150e3}
    out = apply_values(cfg, [("catalog.interceptors.pac-3-cri.max_intercept_altitude_km", 30)])
    assert out.overrides == {"interceptors.pac-3-cri.max_alt_m": 30e3}
    # a variant switches sensors and shooters on or off; the other paths apply on top of it
    data = {**cfg.model_dump(), "variants": [{"name": "no-patriot", "disable": ["patriot-osan", "mpq65-osan"]}]}
    with_variants = type(cfg).model_validate(data)
    out = apply_values(with_variants, [("network.latency_s", 30), ("variant", "no-patriot")])
    assert [s.enabled for s in out.shooters] == [False] and out.network.latency_s == 30 and not out.variants


@pytest.mark.parametrize(("path", "value", "message"), [
    ("raids.nope.count", 1, r"raids\.nope\.count=1: raids has no item 'nope' \(items: scudb-osan\)"),
    ("network.bogus", 1, r"network has no field 'bogus'"),
    ("shooters.patriot-osan.pk", 1.5, r"shooters\.patriot-osan\.pk=1\.5: .*less than or equal to 1"),
    ("raids.scudb-osan.count.x", 1, r"is a value, not a group"),
    ("catalog.radars.tpy2-fbm.max_range_km", 1, r"the scenario uses no radar 'tpy2-fbm'"),
    ("catalog.radars.mpq65.bogus", 1, r"unknown field 'bogus'"),
    ("catalog.ships.x.y", 1, r"catalog paths read"),
    ("monte_carlo.seed", 1, r"set by the sweep"),
    ("variant", "more-patriot", r"variant=more-patriot: the scenario defines no variants"),
])
def test_invalid_paths_and_values_name_them(tiny, path, value, message):
    with pytest.raises(ValueError, match=message):
        apply_values(tiny[0], [(path, value)])


def test_validation_resolves_every_value_before_any_work(tiny, tmp_path):
    # a figure the radar model rejects (cued volume larger than the search volume) is caught by resolving
    axes = [Axis("network.latency_s", (0, 4)), Axis("catalog.radars.mpq65.cued_volume_deg2", (100, 1e6))]
    with pytest.raises(SweepError, match=r"^--vary catalog\.radars\.mpq65\.cued_volume_deg2=1000000\.0: "):
        sweep(tiny[0], axes, tmp_path / "out", workers=0)
    assert not (tmp_path / "out").exists()  # nothing was written


def test_plan_and_seeds(tiny):
    cases = plan(AXES)
    assert [c.assignments for c in cases] == [
        (("shooters.patriot-osan.pk", 0.5), ("network.reliability", 0.5)),
        (("shooters.patriot-osan.pk", 0.5), ("network.reliability", 1.0)),
        (("shooters.patriot-osan.pk", 0.9), ("network.reliability", 0.5)),
        (("shooters.patriot-osan.pk", 0.9), ("network.reliability", 1.0))]
    # the key is canonical (order of the --vary options does not matter); the seed depends on it only
    assert case_key([("b", 1), ("a", 2.0)]) == case_key([("a", 2.0), ("b", 1)]) == "a=2.0;b=1"
    seeds = [case_seed(7, c.key) for c in cases]
    assert len(set(seeds)) == 4 and all(0 <= s < 2**63 for s in seeds)
    assert seeds == [case_seed(7, c.key) for c in plan(AXES)]
    assert case_seed(8, cases[0].key) != seeds[0]
    assert len(validate(tiny[0], AXES)) == 4


def test_reference_rows(reference):
    df = reference
    assert len(df) == 4 * 2 and sorted(set(df["case"])) == [0, 1, 2, 3]
    assert set(df["architecture"]) == {"national", "bilateral"}
    assert (df["replications"] == REPS).all()
    # the per-case seed is recorded and is the one derived from the scenario seed and the key
    assert all(df["seed"] == [case_seed(7, k) for k in df["case_key"]])
    # a higher single-shot Pk leaves no more leakers here (different seeds per case: allow 3 standard errors)
    nat = df[df["architecture"] == "national"].set_index(["shooters.patriot-osan.pk", "network.reliability"])
    for rel in (0.5, 1.0):
        lo, hi = nat.loc[(0.5, rel)], nat.loc[(0.9, rel)]
        se = np.hypot(lo["expected_leakers_se"], hi["expected_leakers_se"])
        assert hi["expected_leakers"] <= lo["expected_leakers"] + 3 * se


def _values(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["case", "architecture"]).reset_index(drop=True)


@pytest.mark.slow
def test_one_local_worker_gives_identical_values(tiny, reference, tmp_path):
    res = sweep(tiny[0], AXES, tmp_path, file="tiny.yaml", replications=REPS, workers=1, chunk_size=3,
                timeout_s=60)
    assert res.ran == 4
    assert len(list((tmp_path / "sweep.parquet").glob("part-*.parquet"))) == 2  # chunks of 3 and 1
    pd.testing.assert_frame_equal(_values(read_sweep(tmp_path)), _values(reference), check_exact=True)


@pytest.fixture
def localhost_cluster(tmp_path):
    """A Dask scheduler and two single-thread workers, started as processes on 127.0.0.1; stopped after."""
    sched_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sched_file)], env=env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sched_file.exists(), "the Dask scheduler did not start within 60 s"
        for _ in range(2):
            procs.append(subprocess.Popen(
                ["dask", "worker", "--scheduler-file", str(sched_file), "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "0"],
                env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(scheduler_file=str(sched_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield json.loads(sched_file.read_text())["address"]
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=30)


@pytest.mark.slow
def test_scheduler_and_two_workers_on_localhost_give_identical_values(tiny, reference, localhost_cluster, tmp_path):
    assert localhost_cluster.startswith("tcp://127.0.0.1:")
    res = sweep(tiny[0], AXES, tmp_path, file="tiny.yaml", replications=REPS, scheduler=localhost_cluster,
                chunk_size=2, timeout_s=60)
    assert res.ran == 4
    pd.testing.assert_frame_equal(_values(read_sweep(tmp_path)), _values(reference), check_exact=True)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bmdsim", *args]


@pytest.mark.slow
def test_kill_9_then_resume_loses_nothing_and_counts_nothing_twice(tiny, reference, tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    args = ["sweep", str(scenario), *[a for v in VARY for a in ("--vary", v)], "--replications", str(REPS),
            "--workers", "0", "--chunk", "1", "--out", str(out)]
    proc = subprocess.Popen(_cli(*args), env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if len(done_keys(out)) >= 1:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert 1 <= len(done_keys(out)) < 4
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    first = done_keys(out)
    # while killed: the dataset reads as it stands (pandas), and a new sweep without --resume refuses
    assert len(pd.read_parquet(out / "sweep.parquet")) == 2 * len(first)
    again = subprocess.run(_cli(*args), env=env(), capture_output=True, text=True, timeout=240)
    assert again.returncode == 2 and "--resume" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    done = subprocess.run(_cli(*args, "--resume"), env=env(), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert f"({len(first)} already done, {4 - len(first)} run" in done.stdout
    df = read_sweep(out)
    assert df.groupby("case_key").size().tolist() == [2] * 4  # each case once, one row per architecture
    pd.testing.assert_frame_equal(_values(df), _values(reference), check_exact=True)
    assert not list((out / "sweep.parquet").glob(".*"))  # no temporary left
    page = (out / "report.html").read_text(encoding="utf-8")  # the swept metrics, one chart per (path, metric)
    assert page.count('class="fig"') == 4 * len(VARY) and "https://" not in page.split("<main>")[1]
    # a different sweep in the same folder is refused on resume
    other = subprocess.run(_cli(*args[:-2], "--replications", "7", "--out", str(out), "--resume"), env=env(),
                           capture_output=True, text=True, timeout=240)
    assert other.returncode == 2 and "holds a different sweep" in other.stderr


def test_cli_bad_vary_fails_before_work_with_one_line(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run(_cli("sweep", str(scenario), "--vary", "raids.scudb-osan.count=1,0", "--out", str(out),
                            "--workers", "0"), env=env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "bmdsim: error: --vary raids.scudb-osan.count=0: raids.0.count: Input should be greater than or equal to 1"]
    assert not out.exists()


def test_values_valid_alone_but_not_together_fail_naming_the_case(tiny, tmp_path):
    # the cued volume may not exceed the search volume: 500 deg^2 and 400 deg^2 pass alone, not together
    axes = [Axis("catalog.radars.mpq65.cued_volume_deg2", (500.0, 100.0)),
            Axis("catalog.radars.mpq65.search_volume_deg2", (400.0, 1200.0))]
    with pytest.raises(SweepError, match=r"^--vary: case catalog\.radars\.mpq65\.cued_volume_deg2=500\.0;"
                                         r"catalog\.radars\.mpq65\.search_volume_deg2=400\.0: .*cued"):
        sweep(tiny[0], axes, tmp_path, workers=0, replications=2)


def test_progress_lines():
    from bmdsim.assessment.sweep import Progress

    said: list[str] = []
    now = [100.0]
    p = Progress(10, 4, said.append, every_s=0.0, clock=lambda: now[0])
    assert p.line() == "sweep: 4/10 cases, 0.00 cases/s, about unknown left"
    now[0] += 2.0  # 3 cases in 2 s -> 1.5 cases/s; 3 cases left -> 2 s (cases done before the start not counted)
    p.update(3)
    assert said == ["sweep: 7/10 cases, 1.50 cases/s, about 2 s left"]


def test_sweep_figures_have_monte_carlo_error_bars():
    from bmdsim.report.sweep_html import sweep_figures

    df = pd.DataFrame({"architecture": ["national", "trilateral"] * 2, "network.latency_s": [0, 0, 30, 30],
                       "replications": [100] * 4, "expected_leakers": [2.0, 1.0, 2.0, 1.5],
                       "expected_leakers_se": [0.1, 0.2, 0.1, 0.2], "p_zero_leakers": [0.1, 0.5, 0.1, 0.3],
                       "expected_interceptors": [5.0, 6.0, 5.0, 5.5], "expected_cost_usd": [1e7, 2e7, 1e7, 1.5e7]})
    figs = sweep_figures(df, ["network.latency_s"])
    assert len(figs) == 4
    leakers = figs[0].to_plotly_json()["data"]
    assert {t["name"] for t in leakers} == {"national", "trilateral"}
    assert list(leakers[1]["error_y"]["array"]) == [0.2, 0.2]
    p0 = figs[1].to_plotly_json()["data"][1]["error_y"]["array"]  # binomial: sqrt(p (1 - p) / n)
    assert p0[0] == pytest.approx((0.5 * 0.5 / 100) ** 0.5) and p0[1] == pytest.approx((0.3 * 0.7 / 100) ** 0.5)
    assert "error_y" not in figs[3].to_plotly_json()["data"][0]  # cost: no stored standard error
