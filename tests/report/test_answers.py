"""The answer printed for a results folder: readable at 80 and 60 columns and piped, in every format."""

import csv
import io
import json

import pytest

from bmdsim.cli.main import main


def _report(capsys, monkeypatch, folder, *extra, columns="80"):
    monkeypatch.setenv("COLUMNS", columns)
    status = main(["report", str(folder), "--no-html", *extra])
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


@pytest.mark.parametrize("columns", ["80", "60"])
def test_defended_answer_fits_and_shows_cooperation_and_variants(capsys, monkeypatch, defended_folder, columns):
    out = _report(capsys, monkeypatch, defended_folder, columns=columns)
    width = int(columns)
    assert all(len(line) <= width for line in out.splitlines()), out
    assert "…" not in out
    assert "Value of cooperation" in out and "Variants minus baseline" in out
    assert "±" in out  # standard errors
    assert "bilateral" in out and "more" in out


def test_defended_answer_as_json_and_csv(capsys, monkeypatch, defended_folder):
    data = json.loads(_report(capsys, monkeypatch, defended_folder, "--format", "json"))
    by_title = {t["title"].split(":")[0]: t for t in data}
    assert {"Value of cooperation", "Variants minus baseline"} <= set(by_title)
    rows = by_title["Variants minus baseline"]["rows"]
    base = [r for r in rows if r["variant"] == "baseline"]
    assert all(r["expected_leakers_vs_baseline"] == 0 for r in base)
    text = _report(capsys, monkeypatch, defended_folder, "--format", "csv")
    first = text.split("\n\n")[0].splitlines()
    assert first[0].startswith("# Value of cooperation")
    header = next(csv.reader(io.StringIO(first[1])))
    assert "expected_leakers_vs_national" in header
    md = _report(capsys, monkeypatch, defended_folder, "--format", "markdown")
    assert "| variant | architecture |" in md


def test_sensor_only_answer_is_a_detection_table(capsys, monkeypatch, sensor_folder):
    out = _report(capsys, monkeypatch, sensor_folder, columns="60")
    assert "Which radar detects which missile" in out
    assert "leakers" not in out
    assert "tpy2-kyogamisaki" in out and "boost" in out
    assert all(len(line) <= 60 for line in out.splitlines()), out
    rows = json.loads(_report(capsys, monkeypatch, sensor_folder, "--format", "json"))[0]["rows"]
    radars = {r["sensor"] for r in rows}
    assert "tpy2-kyogamisaki" in radars
    for r in rows:
        assert r["first_detection_after_launch_s"] >= 0 and r["detected_duration_s"] >= 0
        assert set(r["phases"].split(";")) <= {"boost", "midcourse", "terminal"}


def test_results_carry_coordinates(defended_folder):
    import pandas as pd

    th = pd.read_csv(defended_folder / "baseline" / "threats.csv")
    for c in ("launch_lat_deg", "launch_lon_deg", "aim_lat_deg", "impact_lat_deg", "impact_lon_deg", "apogee_km"):
        assert th[c].notna().all(), c
    # Kittaeryong to Osan: launch north of impact, both in Korea
    assert (th["launch_lat_deg"] > th["impact_lat_deg"]).all()
    assert th["impact_lat_deg"].between(36.5, 37.5).all() and th["impact_lon_deg"].between(126.5, 127.5).all()
    eng = pd.read_csv(defended_folder / "baseline" / "engagements.csv")
    assert {"intercept_lat_deg", "intercept_lon_deg", "intercept_alt_km"} <= set(eng.columns)
    traj = pd.read_csv(defended_folder / "baseline" / "trajectories.csv")
    assert set(traj["threat"]) == set(th["threat"])
