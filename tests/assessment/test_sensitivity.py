"""Sensitivity: the inputs with stated ranges, break-even by bisection (against a known crossing), common
random numbers, the tornado table and the command."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest

from bmdsim.assessment.sensitivity import (
    Input,
    PointSpec,
    _break_even,
    run_point,
    run_sensitivity,
    uncertain_inputs,
    write_outputs,
)
from bmdsim.assessment.sweep import SweepError
from bmdsim.scenario.schema import parse_scenario

from .conftest import SMALL
from .test_sweep import TINY, env


@pytest.fixture(scope="module")
def small():
    return parse_scenario(SMALL, "small.yaml")


def test_inputs_cover_catalog_ranges_and_stated_inputs(small):
    inputs = {i.path: i for i in uncertain_inputs(small[0])}
    # every radar and interceptor the scenario uses, with the catalog's published range
    from bmdsim.scenario.radar_catalog import load_radar_catalog

    fig = load_radar_catalog().radars["tpy2-fbm"].search_reference_range_km
    tpy2 = inputs["catalog.radars.tpy2-fbm.search_reference_range_km"]
    assert (tpy2.nominal, tpy2.low, tpy2.high) == (fig.value, fig.low, fig.high)
    for key in ("sm-3-ia", "pac-3-cri", "pac-2-gem-t"):
        assert f"catalog.interceptors.{key}.single_shot_pk" in inputs
    assert not any("thaad" in p for p in inputs)  # not in the scenario
    # the catalog's Nodong and Scud-B keep their warhead on the body: booster and unseparated body only
    assert {p for p in inputs if p.startswith("rcs.")} == {"rcs.booster", "rcs.unseparated_body"}
    assert inputs["sensors.spy1-jp.p_discriminate"].nominal == 0.3  # the raid carries decoys
    assert (inputs["network.latency_s"].low, inputs["network.latency_s"].high) == (0.0, 120.0)
    assert (inputs["network.reliability"].low, inputs["network.reliability"].high) == (0.5, 1.0)
    for i in inputs.values():
        assert i.low < i.high
        assert i.low <= i.nominal <= i.high or i.path.startswith("sensors."), i


def _fake_rows(inputs, d, d0):
    return [{"score_low": d(i.low), "score_high": d(i.high)} for i in inputs]


def test_break_even_finds_a_known_crossing():
    # d(x) = x - 0.3 at nominal 0.8 changes sign at x = 0.3 in [0, 1]: bisection brackets it, and the
    # interpolation in the last bracket is exact for a linear d (1e-12: float rounding)
    inputs = [Input("a", "a", 0.8, 0.0, 1.0, "test"), Input("b", "b", 0.8, 0.5, 1.0, "test")]

    def d(x):
        return x - 0.3

    rows = _fake_rows(inputs, d, d(0.8))
    calls = []

    def run_all(points):
        calls.append(points)
        return [x for _, x in points]

    _break_even(rows, inputs, d(0.8), run_all, 6, lambda _m: None, d)
    assert rows[0]["flips"] and rows[0]["conclusion"] == "flips"
    assert math.isclose(rows[0]["break_even"], 0.3, abs_tol=1e-12)
    assert rows[0]["bracket"] == pytest.approx(0.8 / 2**6, rel=1e-12)
    assert not rows[1]["flips"] and rows[1]["conclusion"] == "does not flip within its range"
    assert len(calls) == 6 and all(len(c) == 1 for c in calls)  # one run per step, only on the flipping input
    # a step function (what common random numbers give): the break-even lies within the final bracket
    rows = _fake_rows(inputs, lambda x: 1.0 if x > 0.42 else -1.0, 1.0)
    _break_even(rows, inputs, 1.0, run_all, 8, lambda _m: None, lambda x: 1.0 if x > 0.42 else -1.0)
    assert abs(rows[0]["break_even"] - 0.42) <= rows[0]["bracket"]
    # tied at nominal: no flip is claimed
    rows = _fake_rows(inputs, d, 0.0)
    _break_even(rows, inputs, 0.0, run_all, 3, lambda _m: None, d)
    assert [r["conclusion"] for r in rows] == ["tied at nominal"] * 2


@pytest.fixture(scope="module")
def tiny_spec():
    cfg, _ = parse_scenario(TINY, "tiny.yaml")
    return cfg, PointSpec(scenario=cfg.model_dump(mode="json"), file="tiny.yaml", replications=30,
                          architectures=("national", "bilateral"))


def test_common_random_numbers(tiny_spec):
    cfg, spec = tiny_spec
    nominal = run_point(spec, None, None)
    # the input set at its nominal value reproduces the nominal case exactly (same draws)
    same = run_point(spec, "network.reliability", cfg.network.reliability)
    assert same == nominal
    # and the case is an ordinary run on the scenario seed
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.metrics import summary_table
    from bmdsim.assessment.run import run

    table = summary_table(run(resolve(cfg), replications=30)).set_index("architecture")
    assert nominal["national"]["expected_leakers"] == table.loc["national", "expected_leakers"]
    # with the draws shared, a higher single-shot Pk cannot leave more leakers (exact, no tolerance)
    lo = run_point(spec, "catalog.interceptors.pac-3-cri.single_shot_pk", 0.3)
    hi = run_point(spec, "catalog.interceptors.pac-3-cri.single_shot_pk", 0.9)
    assert hi["national"]["expected_leakers"] <= nominal["national"]["expected_leakers"]
    assert nominal["national"]["expected_leakers"] <= lo["national"]["expected_leakers"]
    assert isinstance(run_point(spec, "catalog.radars.mpq65.cued_volume_deg2", 1e6), str)  # invalid: says why


def test_tornado_table_and_outputs(tiny_spec, tmp_path):
    cfg, _ = tiny_spec
    res = run_sensitivity(cfg, file="tiny.yaml", compare=("national", "bilateral"), replications=30, workers=0,
                          only=["pac-3-cri single_shot_pk", "network.reliability"], bisections=2)
    t = res.table
    assert t["swing"].is_monotonic_decreasing
    assert (t["swing"] == (t["score_high"] - t["score_low"]).abs()).all()
    # national and bilateral engage alike here (only the US shoots): the comparison is tied, never "flips"
    assert set(t["conclusion"]) == {"tied at nominal"}
    pk = t.set_index("path").loc["catalog.interceptors.pac-3-cri.single_shot_pk"]
    assert pk["national_high"] <= pk["national_low"]
    files = write_outputs(res, tmp_path)
    from bmdsim.report.answers import tornado_answer

    text = tornado_answer(res).render("table", width=80)
    assert all(len(line) <= 80 for line in text.splitlines()) and "tied at nominal" in text
    assert len(tornado_answer(res).render("csv").splitlines()) == len(t) + 1
    assert pd.read_parquet(tmp_path / "sensitivity.parquet").equals(t)
    assert (tmp_path / "sensitivity.csv").exists() and len(files) >= 2
    with pytest.raises(SweepError, match="--metric: unknown metric 'leak'"):
        run_sensitivity(cfg, metric="leak", workers=0)
    with pytest.raises(SweepError, match="--compare: unknown architecture 'trilateral'"):
        run_sensitivity(cfg, compare=("national", "trilateral"), workers=0)


def test_cli_sensitivity_bad_input_is_one_line(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "bmdsim", "sensitivity", str(scenario), "--compare", "national",
                        "--workers", "0", "--out", str(tmp_path / "o")], env=env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == ["bmdsim: error: --compare: expected ARCH_A,ARCH_B, got 'national'"]


def test_battery_reload_is_an_uncertain_input():
    """A shooter on a reloading catalog battery type brings its reload time and reserve (in rounds, a whole
    number that bisection keeps whole) with the catalog's low-high figures; a ship's battery brings none."""
    from bmdsim.assessment.sensitivity import _midpoint, uncertain_inputs
    from bmdsim.scenario.presets import preset_text

    cfg, _ = parse_scenario(preset_text("northeast-asia-2024"), "p.yaml")
    found = {i.path: i for i in uncertain_inputs(cfg)}
    t = found["shooters.thaad-seongju.reload_time_s"]
    assert (t.low, t.nominal, t.high) == (900.0, 1800.0, 3600.0)
    r = found["shooters.thaad-seongju.reserve"]
    assert r.integer and (r.low, r.nominal, r.high) == (0, 48, 48)  # 6 launchers x 8 rounds, 0-1 loads
    assert not any(p.startswith("shooters.aegis") for p in found)
    assert _midpoint(0, 48, True) == 24 and isinstance(_midpoint(0, 5, True), int)
