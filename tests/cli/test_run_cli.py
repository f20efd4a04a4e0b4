"""`bmdsim run`, `presets`, `compare`: presets end to end at small size, and every class of bad input."""

import json
from pathlib import Path

import pandas as pd
import pytest

from bmdsim.cli.main import main
from bmdsim.scenario.presets import preset_names


def run_cli(capsys, *args):
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize("preset", ["northeast-asia-2014", "northeast-asia-2024", "korea-short-range",
                                    "strategic-stability"])
def test_presets_run_end_to_end(capsys, tmp_path, preset):
    status, _out, err = run_cli(capsys, "run", preset, "--out", str(tmp_path), "--replications", "30", "--quiet")
    assert status == 0, err
    folders = [tmp_path] if not (tmp_path / "variants.csv").exists() else [
        p for p in tmp_path.iterdir() if p.is_dir()]
    for folder in folders:
        res = json.loads((folder / "results.json").read_text())
        assert res["replications"] == 30 and res["seed"] == (2024 if preset.endswith("2024") else 2014)
        for arch, m in res["architectures"].items():
            assert 0 <= m["p_zero_leakers"] <= 1, arch
            assert 0 <= m["expected_leakers"] <= m["threats"], arch
        for name in ("summary", "threats", "engagements", "batteries", "raids", "assets", "nations", "sensors"):
            a = pd.read_parquet(folder / f"{name}.parquet")
            b = pd.read_csv(folder / f"{name}.csv")
            assert len(a) == len(b)
        assert (folder / "scenario.resolved.yaml").exists()


def test_presets_list_and_show(capsys):
    status, out, _ = run_cli(capsys, "presets")
    assert status == 0
    assert out.splitlines()[0].startswith("northeast-asia-2014")
    assert set(preset_names()) == {"northeast-asia-2014", "northeast-asia-2024", "korea-short-range",
                                   "strategic-stability"}
    status, out, _ = run_cli(capsys, "presets", "show", "korea-short-range")
    assert status == 0 and "name: korea-short-range" in out
    status, _, err = run_cli(capsys, "presets", "show", "nope")
    assert status == 2 and "no preset 'nope'" in err


def test_shown_preset_runs_as_a_file(capsys, tmp_path):
    status, out, _ = run_cli(capsys, "presets", "show", "strategic-stability")
    path = tmp_path / "mine.yaml"
    path.write_text(out.replace("count: 1}", "count: 1}", 1))
    status, _, err = run_cli(capsys, "run", str(path), "--out", str(tmp_path / "out"), "--replications", "5",
                             "--quiet", "--architectures", "national")
    assert status == 0, err


def test_compare(capsys, tmp_path):
    for sub, seed in (("a", "1"), ("b", "2")):
        status, _, err = run_cli(capsys, "run", "strategic-stability", "--out", str(tmp_path / sub),
                                 "--replications", "5", "--seed", seed, "--quiet")
        assert status == 0, err
    status, out, err = run_cli(capsys, "compare", str(tmp_path / "a" / "baseline"), str(tmp_path / "b" / "baseline"))
    assert status == 0, err
    assert "leakers" in out
    status, _, err = run_cli(capsys, "compare", str(tmp_path / "nothing"), str(tmp_path / "a"))
    assert status == 2 and "no such results folder" in err


BASE = """name: t
nations: [US, JP]
sensors:
  - {name: r1, type: tpy2-fbm, nation: US, site: shariki}
  - {name: fc1, type: mpq65, nation: JP, site: tokyo}
shooters:
  - {name: s1, nation: JP, site: tokyo, interceptor: pac-3-cri, inventory: 4, fire_control_radar: fc1}
assets:
  - {name: tokyo, site: tokyo, value: 1}
raids:
  - {name: r, missile: nodong, launch_site: tonghae, aim: tokyo, count: 1}
architectures: [national]
"""


@pytest.mark.parametrize("change, field", [
    (("count: 1}", "count: 1, colour: red}"), "raids[0].colour"),             # unknown key
    (("inventory: 4", "inventory: many"), "shooters[0].inventory"),          # wrong type
    (("inventory: 4", "inventory: -4"), "shooters[0].inventory"),            # negative inventory
    (("site: shariki}", "site: nowhere}"), "sensors[0].site"),               # undefined site
    (("nation: JP, site: tokyo, interceptor", "nation: PRC, site: tokyo, interceptor"), "shooters[0].nation"),
    (("type: tpy2-fbm", "type: tpy-3"), "sensors[0].type"),                  # unknown radar
    (("interceptor: pac-3-cri", "interceptor: sm-9"), "shooters[0].interceptor"),  # unknown interceptor
    (("missile: nodong", "missile: hwasong-99"), "raids[0].missile"),        # unknown missile
    (("aim: tokyo", "aim: atlantis"), "raids[0].aim"),                       # undefined asset or site
    (("raids:\n  - {name: r, missile: nodong, launch_site: tonghae, aim: tokyo, count: 1}\n", "raids: []\n"),
     "raids"),                                                               # empty raids
    (("count: 1}", "count: 0}"), "raids[0].count"),                          # empty raid
    (("architectures: [national]", "architectures: [global]"), "architectures[0]"),
    (("nations: [US, JP]", "nations: [US, JP]\nsites: {x: {lat_deg: 95, lon_deg: 0}}"), "sites.x.lat_deg"),
    (("name: t", "name: t\n  bad: [indent"), "small.yaml"),                  # malformed YAML
])
def test_bad_scenarios_one_line_exit_2_naming_file_and_field(capsys, tmp_path, change, field):
    path = tmp_path / "small.yaml"
    path.write_text(BASE.replace(*change))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "results.json").write_text("{}")  # an earlier run's results must survive a failed run
    status, _, err = run_cli(capsys, "run", str(path), "--out", str(out_dir), "--quiet")
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "small.yaml" in err and field in err, err
    assert "Traceback" not in err
    assert (out_dir / "results.json").read_text() == "{}"


def test_unreachable_raid_names_the_raid(capsys, tmp_path):
    path = tmp_path / "far.yaml"
    path.write_text(BASE.replace("missile: nodong", "missile: scud-b"))
    status, _, err = run_cli(capsys, "run", str(path), "--out", str(tmp_path / "o"), "--quiet")
    assert status == 2 and "raids[0].aim" in err and "out of reach" in err


def test_missing_file_and_bad_options(capsys, tmp_path):
    status, _, err = run_cli(capsys, "run", str(tmp_path / "none.yaml"))
    assert status == 2 and "no such scenario file" in err
    status, _, err = run_cli(capsys, "run", "strategic-stability", "--architectures", "galactic")
    assert status == 2 and "--architectures" in err
    status, _, err = run_cli(capsys, "run", "strategic-stability", "--replications", "0")
    assert status == 2 and "--replications" in err


def test_defaults_to_the_default_preset(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _out, err = run_cli(capsys, "run", "--replications", "5", "--quiet", "--architectures", "national")
    assert status == 0, err
    assert json.loads(Path("bmdsim-out/results.json").read_text())["scenario"] == "northeast-asia-2014"


def test_results_folder_named_like_the_preset_does_not_hide_it(capsys, tmp_path, monkeypatch):
    """`bmdsim run P --out P` twice in one folder: the second run still means the preset, not the folder the
    first wrote (a folder is never a scenario); a folder of any other name stays a one-line error."""
    monkeypatch.chdir(tmp_path)
    args = ("--replications", "3", "--quiet", "--architectures", "national")
    for _ in range(2):
        status, _out, err = run_cli(capsys, "run", "strategic-stability", "--out", "strategic-stability", *args)
        assert status == 0, err
    Path("other").mkdir()
    status, _out, err = run_cli(capsys, "run", "other", "--out", "x", *args)
    assert status == 2 and "is a folder" in err and len(err.strip().splitlines()) == 1


def test_unwritable_output_is_a_one_line_error(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status, _, err = run_cli(capsys, "run", "strategic-stability", "--out", str(blocker / "sub"), "--quiet",
                             "--replications", "2", "--architectures", "national")
    assert status == 2 and "--out" in err and len(err.strip().splitlines()) == 1
