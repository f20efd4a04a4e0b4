"""Regression tests for the defects of issue 8 (answers that can be trusted), each failing before its fix."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bmdsim.network.agreements import Architecture, builtin_architectures


@pytest.mark.slow
def test_adding_a_radar_never_makes_the_defence_worse_korea_short_range():
    # Defect 1: switching on mpq65-goyang alone (no shooter) cut ROK fire-control tracks 22 -> 18 and raised
    # expected leakers 13.96 -> 15.88. Cause: M-of-N initiation on *consecutive* fused detections, which
    # interleaved radars broke; fusion is now of each sensor's own track, monotone by construction.
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import run
    from bmdsim.cli.run import load_config

    cfg, file, lines = load_config("korea-short-range")
    on = [s.model_copy(update={"enabled": True}) if s.name == "mpq65-goyang" else s for s in cfg.sensors]
    out = []
    for c in (cfg, cfg.model_copy(update={"sensors": on})):
        r = run(resolve(c, file=file, lines=lines), architectures=["national"], replications=400)
        out.append(r.architectures["national"])
    before, after = out
    rok = before.pictures.row("ROK")
    t0, t1 = before.t_fire_control_s[rok], after.t_fire_control_s[rok]
    assert np.all(np.isfinite(t1) | ~np.isfinite(t0))  # no track lost
    assert np.all(np.where(np.isfinite(t0), t1 <= t0, True))  # none later
    diff = after.outcome.leakers.astype(float) - before.outcome.leakers
    assert diff.mean() <= 3 * diff.std(ddof=1) / np.sqrt(diff.size)


def test_us_satellite_cue_reaches_other_nations_only_under_an_agreement():
    # Defect 2: the SBIRS cue reached every radar under every architecture, national included.
    from bmdsim.network.share import warning_arrival_s

    t_cue = np.array([[100.0, np.nan, 130.0]])
    radars = ["US", "JP", "ROK"]
    arch = builtin_architectures(("US", "JP", "ROK"), latency_s=4.0)
    nat = warning_arrival_s(arch["national"], ["US"], t_cue, radars)
    np.testing.assert_array_equal(nat[0], [100.0, np.nan, 130.0])
    assert np.isnan(nat[1:]).all()
    bil = warning_arrival_s(arch["bilateral"], ["US"], t_cue, radars)
    np.testing.assert_array_equal(bil[1], [104.0, np.nan, 134.0])
    tracks_only = Architecture(name="t", nations=("US", "JP", "ROK"), agreements=(
        __import__("bmdsim.network.agreements", fromlist=["Agreement"]).Agreement(
            provider="US", receiver="JP", latency_s=1.0, flows=frozenset({"tracks"})),))
    assert np.isnan(warning_arrival_s(tracks_only, ["US"], t_cue, radars)[1]).all()


def test_national_run_cues_only_the_owners_radars(small_run):
    res = small_run.architectures["national"]
    pipe = small_run.pipeline
    from bmdsim.network.share import warning_arrival_s

    cue = warning_arrival_s(res.architecture, ["US"], pipe.t_cue_s, pipe.radar_nations)
    us = np.array([n == "US" for n in pipe.radar_nations])
    assert np.isnan(cue[~us]).all() and np.isfinite(cue[us]).any()


def _layout(mode: str, fc_sensor: int = 0):
    from bmdsim.engagement import ShooterLayout, ShooterSet
    from bmdsim.engagement.interceptors import interceptor_config

    battle = ShooterSet(name=("b",), nation=("US",), layer=np.array([1]), inventory=np.array([8]), pk=np.array([0.8]),
                        salvo=np.array([1]), max_looks=np.array([2]), reliability=np.array([1.0]),
                        p_discriminate=np.array([np.nan]), unit_cost_usd=np.array([1e6]))
    return ShooterLayout(battle=battle, site_lla=np.array([[np.radians(37.09), np.radians(127.03), 0.0]]),
                         interceptors=(interceptor_config("pac-3-cri"),), kill_assessment_s=np.array([10.0]),
                         fire_control_sensor=np.array([fc_sensor]), remote_data=(mode,),
                         p_kill_assessment=np.array([1.0]))


def test_fire_control_radar_is_required_unless_the_interceptor_engages_on_remote(small_run):
    # Defect 3: fire_control_radar was validated, then ignored.
    from bmdsim.engagement import engage

    tr = small_run.trajectories
    n = tr.n
    nation = np.full((1, n), 0.0)  # the nation's picture is ready at once
    own_never = np.full((1, n), np.nan)  # the battery's own radar never holds a fire-control track
    ell = small_run.scenario.earth.ellipsoid
    none = engage(tr, _layout("none"), nation, own_never, 0.0, ell)
    lor = engage(tr, _layout("launch-on-remote"), nation, own_never, 0.0, ell)
    eor = engage(tr, _layout("engage-on-remote", -1), nation, own_never, 0.0, ell)
    assert (none.windows.looks == 0).all()  # no own track: no engagement
    assert (lor.windows.looks == 0).all()  # launched on remote data, nothing guides the intercept
    assert (eor.windows.looks > 0).any()  # engage on remote needs no radar of its own
    own_late = np.full((1, n), 200.0)
    lor_late = engage(tr, _layout("launch-on-remote"), nation, own_late, 0.0, ell)
    hit = lor_late.windows.looks[0] > 0
    assert (lor_late.windows.t_intercept_s[0, hit, 0] >= 200.0).all()


def test_missing_fire_control_radar_is_a_one_line_error(small_text):
    from bmdsim.assessment.build import resolve
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import parse_scenario

    text = small_text.replace("     fire_control_radar: mpq65-seoul}", "}")
    with pytest.raises(InputError, match=r"shooters\[2\]\.fire_control_radar: required"):
        cfg, lines = parse_scenario(text, "s.yaml")  # checked with every other reference, before any stage
        resolve(cfg, file="s.yaml", lines=lines)


def test_seed_flag_reaches_every_stream_and_every_record(tmp_path, small_text, capsys):
    # Defect 4: --seed did not reach the launch scatter; results.json and scenario.resolved.yaml disagreed.
    import yaml

    from bmdsim.cli.main import main

    f = tmp_path / "s.yaml"
    f.write_text(small_text.replace("replications: 200", "replications: 20"))
    outs = {}
    for seed in (None, 99):
        out = tmp_path / f"out-{seed}"
        args = ["run", str(f), "--out", str(out), "--quiet"] + ([] if seed is None else ["--seed", str(seed)])
        status = main(args)
        assert status == 0, capsys.readouterr().err
        res = json.loads((out / "results.json").read_text())
        resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
        assert res["seed"] == resolved["monte_carlo"]["seed"] == (7 if seed is None else 99)
        outs[seed] = out
    import pandas as pd

    a = pd.read_parquet(outs[None] / "threats.parquet")
    b = pd.read_parquet(outs[99] / "threats.parquet")
    assert not np.allclose(a["t_impact_s"], b["t_impact_s"])  # the launch scatter moved


def test_no_infinity_is_written(tmp_path):
    # Defect 5: -inf reached assets.csv (min_decision_time_s) in the korea-short-range variants.
    import pandas as pd

    from bmdsim.assessment.metrics import check_finite

    with pytest.raises(ValueError, match="assets: column min_decision_time_s"):
        check_finite({"assets": pd.DataFrame({"min_decision_time_s": [1.0, -np.inf]})})


def test_written_tables_hold_no_infinity(small_run):
    from bmdsim.assessment.metrics import all_tables

    for name, df in all_tables(small_run).items():
        floats = df.select_dtypes("float")
        assert not np.isinf(floats.to_numpy()).any(), name


def test_attribution_explains_identical_architectures(small_run):
    # Defect 7: the value of each sharing link, removed from an architecture and added alone to national.
    from bmdsim.assessment.attribution import attribution_table

    t = attribution_table(small_run, small_run.pipeline)
    assert set(t["change"]) == {"removed", "added"}
    tri = t[(t["architecture"] == "trilateral") & (t["change"] == "removed")]
    # removing a link never helps beyond noise, and the summary difference bilateral -> trilateral shows up
    assert (tri["leakers_delta"] >= -3 * tri["leakers_delta_se"] - 1e-12).all()
    assert (tri["leakers_delta"] > 3 * tri["leakers_delta_se"]).any()
    assert (t["leakers_delta_se"] >= 0).all()


def test_same_seed_same_scenario_identical_result_files(tmp_path, small_text, capsys):
    # Every table byte for byte; results.json equal but for the measured stage times.
    from bmdsim.cli.main import main

    f = tmp_path / "s.yaml"
    f.write_text(small_text.replace("replications: 200", "replications: 30"))
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert main(["run", str(f), "--out", str(out), "--quiet"]) == 0, capsys.readouterr().err
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == sorted(p.name for p in outs[1].iterdir())
    for name in names:
        a, b = (out / name for out in outs)
        if name == "results.json":
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for j in (ja, jb):
                j.pop("stage_seconds", None)
                j.pop("peak_memory_mb", None)
            assert ja == jb
        elif a.is_file():
            assert a.read_bytes() == b.read_bytes(), name


def test_catalog_battery_types_fill_launchers_and_a_full_load(small_text):
    # The interceptor catalog's batteries section was read by nothing (issue 8: dead input); a shooter may
    # now name a battery type, whose launchers and full load (launchers x rounds per launcher) apply.
    from bmdsim.assessment.build import resolve
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.interceptor_catalog import battery_load
    from bmdsim.scenario.schema import parse_scenario

    launchers, rounds = battery_load("patriot-battery-us", "pac-3-cri")
    text = small_text.replace("interceptor: pac-3-cri, inventory: 8,",
                              "interceptor: pac-3-cri, battery: patriot-battery-us,")
    cfg, lines = parse_scenario(text, "s.yaml")
    sc = resolve(cfg, file="s.yaml", lines=lines)
    i = sc.shooters.battle.name.index("patriot-osan")
    assert sc.shooters.battle.inventory[i] == launchers * rounds
    assert sc.shooters.battle.launchers[i] == launchers
    for bad, field in ((text.replace("battery: patriot-battery-us", "battery: patriot-battery-xx"), "battery"),
                       (text.replace("battery: patriot-battery-us", "battery: thaad-battery"), "battery"),
                       (text.replace("battery: patriot-battery-us,", ""), "inventory")):
        with pytest.raises(InputError, match=rf"shooters\[1\]\.{field}"):
            parse_scenario(bad, "s.yaml")
