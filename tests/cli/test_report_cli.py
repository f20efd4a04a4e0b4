"""`bmdsim compare`, `catalog`, `presets` and `--help` as a new user meets them."""

import json

import pytest

from bmdsim.cli.main import main


def run_cli(capsys, monkeypatch, *args, columns="80"):
    monkeypatch.setenv("COLUMNS", columns)
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_compare_bad_folders_one_line_exit_2(capsys, monkeypatch, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "results.json").write_text("{not json", encoding="utf-8")
    status, _, err = run_cli(capsys, monkeypatch, "compare", str(bad), str(bad))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "not valid JSON" in err
    for junk in ("[1, 2]", '{"architectures": {"national": 5}}', '{"architectures": {"x": {"expected_leakers": "a"}}}'):
        (bad / "results.json").write_text(junk, encoding="utf-8")
        status, _, err = run_cli(capsys, monkeypatch, "compare", str(bad), str(bad))
        assert status == 2 and len(err.strip().splitlines()) == 1 and "results.json" in err, junk
    status, _, err = run_cli(capsys, monkeypatch, "compare", str(tmp_path / "none"), str(bad))
    assert status == 2 and "no such results folder" in err


@pytest.mark.parametrize("kind", ["threats", "radars", "interceptors", "batteries", "sites"])
def test_catalog_lists_entries_with_sources(capsys, monkeypatch, kind):
    status, out, err = run_cli(capsys, monkeypatch, "catalog", kind)
    assert status == 0, err
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "[seen]" in out or "[unverified]" in out or "[estimate]" in out or kind == "sites"
    status, out, _ = run_cli(capsys, monkeypatch, "catalog", kind, "--format", "json")
    assert len(json.loads(out)) > 3


def test_catalog_batteries_show_reload_with_sources(capsys, monkeypatch):
    """Battery types list their reload (a ship: first load only) and each figure's source."""
    status, out, _ = run_cli(capsys, monkeypatch, "catalog", "batteries", "--format", "json")
    rows = {r["key"]: r for r in json.loads(out)}
    assert status == 0 and rows["aegis-bmd-ship"]["reload"] == "no (first load only)"
    assert rows["thaad-battery"]["reload"] == "30 min"
    status, out, _ = run_cli(capsys, monkeypatch, "catalog", "batteries", "thaad-battery", "--format", "json")
    figures = {r["figure"]: r for r in json.loads(out)}
    assert figures["reload.time_per_launcher_s"]["value"] == 1800
    assert figures["reload.time_per_launcher_s"]["status"] == "estimate"


def test_catalog_did_you_mean(capsys, monkeypatch):
    status, _, err = run_cli(capsys, monkeypatch, "catalog", "radar")
    assert status == 2 and "did you mean radars" in err
    status, _, err = run_cli(capsys, monkeypatch, "catalog", "threats", "nodnog")
    assert status == 2 and "did you mean nodong" in err and len(err.strip().splitlines()) == 1
    status, out, _ = run_cli(capsys, monkeypatch, "catalog", "threats", "nodong")
    assert status == 0 and "published_max_range_km" in out


def test_catalog_interceptor_shows_the_envelope_fire_control_derives(capsys, monkeypatch):
    """An exo interceptor's entry ends with the arc model's reach and ceiling (status derived), the figures
    fire control applies beside the published ones; an endo one names its straight-line model."""
    from bmdsim.engagement.interceptors import interceptor_config

    status, out, _ = run_cli(capsys, monkeypatch, "catalog", "interceptors", "sm-3-ia", "--format", "json")
    rows = {r["figure"]: r for r in json.loads(out)}
    assert status == 0 and rows["flyout model"]["value"] == "arc"
    reach = next(r for k, r in rows.items() if k.startswith("kinematic reach at 70 km"))
    cfg = interceptor_config("sm-3-ia")
    assert reach["value"] == pytest.approx(cfg.arc.reach_m()[28] / 1e3, abs=0.1)
    assert reach["status"] == "derived"
    status, out, _ = run_cli(capsys, monkeypatch, "catalog", "interceptors", "pac-3-mse", "--format", "json")
    assert {r["figure"]: r["value"] for r in json.loads(out)}["flyout model"] == "line"


def test_presets_wrap_without_cutting_words(capsys, monkeypatch):
    from bmdsim.scenario.presets import preset_names, preset_text

    status, out, _ = run_cli(capsys, monkeypatch, "presets", columns="60")
    assert status == 0 and all(len(line) <= 60 for line in out.splitlines())
    import yaml

    for name in preset_names():
        desc = " ".join(str(yaml.safe_load(preset_text(name))["description"]).split())
        assert desc in " ".join(out.split())


def test_help_lists_architectures_and_examples(capsys, monkeypatch):
    status, out, _ = run_cli(capsys, monkeypatch, "run", "--help")
    assert status == 0
    for word in ("national", "bilateral", "trilateral", "Examples", "bmdsim catalog", "--format"):
        assert word in out
    status, out, _ = run_cli(capsys, monkeypatch, "--help")
    assert "catalog" in out and "report" in out and "compare" in out


def test_progress_prints_plain_lines_with_counters_when_piped(monkeypatch):
    import io

    import bmdsim.cli.progress as progress
    from bmdsim.cli.progress import RunProgress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    buf = io.StringIO()
    with RunProgress(2, 3, stream=buf) as show:
        cb = show.stage_callback(0, "baseline")
        for stage in ("flight", "architecture 1/3: national", "tracking", "architecture 3/3: trilateral", "battle"):
            cb(stage)
        show.case_finished()
        show.stage_callback(1, "more")("flight")
    lines = buf.getvalue().splitlines()
    assert "variant 1/2 baseline: flight" in lines[0]
    assert any("tracking (architecture 1/3: national)" in line for line in lines)
    assert any("battle (architecture 3/3: trilateral)" in line for line in lines)
    assert "variant 2/2 more: flight" in lines[-1] and "ETA" in lines[-1]
    assert all(len(line) <= 80 for line in lines)
    wide = io.StringIO()  # a long variant name: the log line continues, indented, within 80 columns
    with RunProgress(1, 1, stream=wide) as show:
        show.stage_callback(0, "tpy2-korea-terminal-and-more")("architecture 3/3: trilateral")
    assert all(len(line) <= 80 for line in wide.getvalue().splitlines())
    assert "trilateral" in wide.getvalue()
    quiet = io.StringIO()
    with RunProgress(1, 1, stream=quiet, quiet=True) as show:
        show.stage_callback(0, None)("flight")
    assert quiet.getvalue() == ""


def test_unknown_scenario_names_the_presets(capsys, monkeypatch):
    status, _, err = run_cli(capsys, monkeypatch, "run", "korea-shortrange")
    assert status == 2 and "did you mean korea-short-range" in err and len(err.strip().splitlines()) == 1


def test_lofted_tests_command_fits_80_columns_and_gives_json(capsys, monkeypatch):
    """`bmdsim lofted-tests KEY`: the published test flown again, as a table that fits 80 columns and as json
    whose flight-time difference is the one tests/flight/test_lofted_tests.py bounds."""
    monkeypatch.setenv("COLUMNS", "80")
    status, out, err = run_cli(capsys, monkeypatch, "lofted-tests", "hwasong-15-2017-11-29")
    assert status == 0, err
    assert all(len(line) <= 80 for line in out.splitlines()) and "hwasong-15-2017-11-29*" in out
    status, out, _ = run_cli(capsys, monkeypatch, "lofted-tests", "hwasong-15-2017-11-29", "--format", "json")
    (row,) = json.loads(out)
    assert row["published_time_s"] == 3180 and abs(row["difference"]) < 0.05
    status, _, err = run_cli(capsys, monkeypatch, "lofted-tests", "hwasong-99")
    assert status == 2 and "unknown test" in err
