"""Command arguments and run sizes are checked before any work; injection never reaches a file or terminal raw."""

import json

import pandas as pd
import pytest

from bmdsim.scenario.schema import parse_scenario
from bmdsim.scenario.validate import check_run_size, estimate_run

from .conftest import BASE, assert_one_line_error, run_cli


@pytest.fixture
def no_setup(monkeypatch):
    """Fail the test if a run gets as far as resolving the scenario (the expensive setup)."""
    import bmdsim.assessment.build as build

    def boom(*args, **kwargs):
        raise AssertionError("the run went past validation")

    monkeypatch.setattr(build, "resolve", boom)


@pytest.mark.parametrize("args, needles", [
    (["--architectures", "foo"], ["--architectures", "'foo'", "national"]),
    (["--architectures", "national,"], ["--architectures", "empty name"]),
    (["--replications", "1000000000"], ["--replications"]),
    (["--replications", "1000001"], ["--replications"]),
    (["--replications", "0"], ["--replications"]),
    (["--seed", str(2**70)], ["--seed"]),
])
def test_bad_arguments_are_refused_before_setup(capsys, tmp_path, no_setup, args, needles):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE)
    status, _, err = run_cli(capsys, "run", scenario, "--out", tmp_path / "out", "--quiet", *args)
    assert_one_line_error(status, err, *needles)
    assert not (tmp_path / "out").exists()


BIG_RAID = "raids:\n  - {name: big, missile: nodong, launch_site: tonghae, aim: tokyo, count: 10000, spacing_s: 8}\n"


@pytest.mark.parametrize("change", [
    "monte_carlo: {replications: 1000000}\nshooters:\n" + "".join(
        f"  - {{name: s{i}, nation: JP, site: tokyo, interceptor: pac-3-cri, inventory: 100000, launchers: 4, "
        f"fire_control_radar: r1}}\n"
        for i in range(20)),
    BIG_RAID,
    BIG_RAID + "footprints: {aim_grids: [{name: g, missile: nodong, center: tokyo, radius_km: 100, "
               "points_per_side: 40, launch_site: tonghae}]}\n",
    "raids:\n  - {name: late, missile: nodong, launch_site: tonghae, aim: tokyo, count: 10000, t_launch_s: 86400}\n",
])
def test_runs_too_large_for_memory_are_refused_with_the_estimate(capsys, tmp_path, no_setup, change):
    head = BASE.split("shooters:")[0] if change.startswith("monte") else BASE.split("raids:")[0]
    tail = BASE[BASE.index("assets:"):] if change.startswith("monte") else "architectures: [national]\n"
    text = head + change.split("shooters:\n")[0] + (("shooters:\n" + change.split("shooters:\n")[1])
                                                    if "shooters:" in change else "") + tail
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    status, _, err = run_cli(capsys, "run", scenario, "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(status, err, "s.yaml", "GiB", "limit", "BMDSIM_MEMORY_GB")


def test_replications_flag_counts_in_the_estimate(capsys, tmp_path, no_setup, monkeypatch):
    monkeypatch.setenv("BMDSIM_MEMORY_GB", "0.5")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE)
    status, _, err = run_cli(capsys, "run", scenario, "--out", tmp_path / "out", "--quiet",
                             "--replications", "1000000")
    assert_one_line_error(status, err, "replications 1,000,000", "0.5 GiB limit")


def test_presets_fit_and_a_long_run_says_so(capsys):
    from bmdsim.cli.run import _check_size
    from bmdsim.scenario.presets import preset_names, preset_text

    for name in preset_names():
        cfg, _ = parse_scenario(preset_text(name), name)
        est = check_run_size(cfg, name)
        assert est.memory_bytes < 2 * 2**30 and est.seconds < 300
    cfg, _ = parse_scenario(BASE.replace("count: 1}", "count: 400}"), "big.yaml")
    assert estimate_run(cfg).seconds > 120
    _check_size(cfg, "big.yaml", None, None, 1)
    err = capsys.readouterr().err
    assert err.startswith("bmdsim: note: a large run") and "min" in err and len(err.splitlines()) == 1


def test_escaping_helpers():
    from bmdsim.report.escape import csv_cell, csv_safe_frame, markup_text, terminal_text

    for bad in ("=cmd|' /C calc'!A0", "+HYPERLINK(\"http://x\")", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell("tokyo") == "tokyo" and csv_cell(-2.0) == -2.0
    df = pd.DataFrame({"a": ["=1+1", "ok"], "n": [-1, 2]})
    safe = csv_safe_frame(df)
    assert safe["a"].tolist() == ["'=1+1", "ok"] and safe["n"].tolist() == [-1, 2]
    assert df["a"].tolist() == ["=1+1", "ok"]  # the input is untouched
    assert terminal_text("\x1b[31mred[/bold]\x07") == "[31mred\\[/bold]"
    assert "\x1b" not in terminal_text("\x1b]8;;https://evil\x1b\\x")
    assert markup_text("<a href='x'>&</a>") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;"


INJECT = BASE.replace("name: t\n", "name: \"+HYPERLINK(\\\"http://evil\\\")\\e[2J\"\n").replace(
    "architectures: [national]",
    "architectures: [national, {name: \"=cmd|' /C calc'!A0\", agreements: [{provider: US, receiver: JP, "
    "latency_s: 1}]}, {name: \"[/bold][link=https://evil]x[/link]\\e]8;;https://evil\\a\", agreements: []}]")


def test_injection_in_names_reaches_no_file_or_terminal_raw(capsys, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(INJECT)
    out = tmp_path / "out"
    status, stdout, err = run_cli(capsys, "run", scenario, "--out", out, "--quiet", "--replications", "3")
    assert status == 0, err
    assert "\x1b" not in stdout and "\x1b" not in err and "\x07" not in stdout
    csv = pd.read_csv(out / "summary.csv")
    parquet = pd.read_parquet(out / "summary.parquet")
    assert "'=cmd|' /C calc'!A0" in csv["architecture"].tolist()
    assert "=cmd|' /C calc'!A0" in parquet["architecture"].tolist()  # Parquet keeps the exact value
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in csv.to_numpy().ravel() if isinstance(v, str))
    assert json.loads((out / "results.json").read_text())["scenario"].startswith("+HYPERLINK")
