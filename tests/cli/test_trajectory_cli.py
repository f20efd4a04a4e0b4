"""The `bmdsim trajectory` command: JSON contents, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from bmdsim.cli.main import main
from bmdsim.earth.constants import SPHERE_RADIUS_M
from bmdsim.flight import kepler

REQUIRED = {"ground_range_km", "flight_time_s", "apogee_km", "burnout_speed_km_s", "burnout_angle_deg",
            "impact_lat_deg", "impact_lon_deg", "miss_km"}


def run_json(capsys, *args):
    status = main(["trajectory", *args, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def test_impulsive_textbook_matches_kepler(capsys):
    # sphere, no rotation, no drag: minimum-energy numbers are the closed forms (1e-4, as in the flight tests)
    d = run_json(capsys, "--from", "0,0", "--to", "0,45", "--impulsive", "--earth", "sphere", "--no-rotation",
                 "--no-drag")
    assert REQUIRED <= d.keys()
    psi = np.radians(45.0)
    assert d["ground_range_km"] == pytest.approx(SPHERE_RADIUS_M * psi / 1e3, rel=1e-6)
    v = kepler.minimum_energy_speed(psi)
    assert d["burnout_speed_km_s"] == pytest.approx(v / 1e3, rel=1e-4)
    assert d["burnout_angle_deg"] == pytest.approx(np.degrees(kepler.minimum_energy_gamma(psi)), abs=1e-6)
    g = kepler.minimum_energy_gamma(psi)
    assert d["flight_time_s"] == pytest.approx(kepler.flight_time(SPHERE_RADIUS_M, v, g), rel=1e-4)
    assert d["apogee_km"] * 1e3 == pytest.approx(kepler.apogee_altitude(SPHERE_RADIUS_M, v, g), rel=1e-4)
    assert d["impact_lat_deg"] == pytest.approx(0.0, abs=1e-5)
    assert d["impact_lon_deg"] == pytest.approx(45.0, abs=1e-5)
    assert d["miss_km"] < 1e-3


def test_default_missile_on_full_model(capsys):
    d = run_json(capsys)  # the defaults: Nodong from Tonghae to Tokyo, minimum energy
    assert d["missile"] == "nodong"
    assert d["miss_km"] < 1.0  # the goal below 3,000 km
    assert 1000 < d["ground_range_km"] < 1200
    assert 0 < d["burnout_speed_km_s"] < 4.0
    assert d["flight_time_from"] == "launch"


def test_readable_table(capsys):
    assert main(["trajectory", "--impulsive", "--from", "10,10", "--to", "12,12"]) == 0
    out = capsys.readouterr().out
    assert "ground range" in out and "apogee" in out


@pytest.mark.parametrize("args, field", [
    (["--from", "95,10"], "--from"),
    (["--to", "10"], "--to"),
    (["--to", "abc,def"], "--to"),
    (["--missile", "no-such-missile"], "--missile"),
    (["--missile", "scud-b", "--to", "35.68,139.77"], "--to"),  # 1,100 km: beyond a Scud-B
    (["--impulsive", "--profile", "lofted"], "--burnout-angle"),
    (["--impulsive", "--profile", "quasi-ballistic"], "--profile quasi-ballistic"),
    (["--missile", "nodong", "--profile", "quasi-ballistic"], "quasi_ballistic block"),
    (["--burnout-angle", "120"], "--burnout-angle"),
    (["--earth", "flat"], "--earth"),
])
def test_bad_input_is_one_line_exit_2(capsys, args, field):
    status = main(["trajectory", *args])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert field in err
    assert "Traceback" not in err


def test_console_script_bad_input_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "bmdsim", "trajectory", "--from", "95,0"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "--from" in proc.stderr and "Traceback" not in proc.stderr


def test_quasi_ballistic_kn23(capsys):
    # Kusong to Camp Humphreys on the profile the KN-23 was seen to fly: the catalog's 50 km apogee
    d = run_json(capsys, "--missile", "kn-23", "--profile", "quasi-ballistic", "--from", "39.98,125.25",
                 "--to", "36.96,127.03")
    assert d["apogee_km"] == pytest.approx(50.0, abs=0.05)
    assert d["miss_km"] < 1.0
