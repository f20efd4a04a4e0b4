"""The `bmdsim coverage` command: JSON contents against closed forms, readable output, one-line errors."""

import json
import math

import numpy as np
import pytest

from bmdsim.cli.main import main
from bmdsim.earth.constants import SPHERE_RADIUS_M

KEYS = {"azimuth_deg", "ground_range_km", "slant_range_km", "limited_by"}


def run_json(capsys, *args):
    status = main(["coverage", *args, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def test_sectored_radar_json(capsys):
    d = run_json(capsys, "--radar", "tpy2-fbm", "--at", "40.89,140.33,20", "--boresight-az", "270",
                 "--target-altitude", "300", "--rcs", "0.01")
    assert KEYS <= d.keys()
    n = len(d["azimuth_deg"])
    assert n == 121  # +-60 deg in 1 deg steps
    assert all(len(d[k]) == n for k in KEYS)
    assert d["azimuth_deg"][0] == pytest.approx(210.0) and d["azimuth_deg"][60] == pytest.approx(270.0)
    # 0.01 m^2 against a 2,000 km (1 m^2) radar: 2,000 * 0.01^0.25 = 632.5 km slant, detection-limited
    assert set(d["limited_by"]) == {"detection"}
    np.testing.assert_allclose(d["slant_range_km"], 2000.0 * 0.01**0.25, rtol=1e-9)
    assert all(0 < g < s for g, s in zip(d["ground_range_km"], d["slant_range_km"], strict=True))


def test_sphere_horizon_matches_closed_form(capsys):
    # On the 6371 km sphere, a 1 m^2 target at 20 km seen by SPY-1D from sea level at minimum elevation 0:
    # the horizon binds (504.6 km, inside the 1,000 km detection and maximum ranges) at R acos(R / (R + h)).
    # Tolerance 1 mm (the bisection and geodesic are exact on the sphere).
    d = run_json(capsys, "--radar", "spy1d", "--at", "39,134", "--target-altitude", "20", "--earth", "sphere")
    assert len(d["azimuth_deg"]) == 360
    expected = SPHERE_RADIUS_M * math.acos(SPHERE_RADIUS_M / (SPHERE_RADIUS_M + 20e3)) / 1e3
    np.testing.assert_allclose(d["ground_range_km"], expected, atol=1e-6)
    assert set(d["limited_by"]) == {"horizon"}
    # 4/3-Earth refraction extends the horizon by sqrt(4/3) to first order
    r = run_json(capsys, "--radar", "spy1d", "--at", "39,134", "--target-altitude", "20", "--earth", "sphere",
                 "--refraction", "4/3")
    r_e = 4 / 3 * SPHERE_RADIUS_M
    np.testing.assert_allclose(r["ground_range_km"], r_e * math.acos(r_e / (r_e + 20e3)) / 1e3, atol=1e-6)


def test_min_elevation_override_and_max_range(capsys):
    d = run_json(capsys, "--radar", "mpq65", "--at", "37.0,127.0", "--target-altitude", "5",
                 "--min-elevation", "2")
    # a 5 km target reaches 2 deg elevation ~110 km out, inside the 170 km detection range
    assert set(d["limited_by"]) == {"elevation"}
    assert d["min_elevation_deg"] == 2.0
    far = run_json(capsys, "--radar", "mpq65", "--at", "37.0,127.0", "--target-altitude", "60",
                   "--rcs", "100")
    assert set(far["limited_by"]) == {"max_range"}
    np.testing.assert_allclose(far["slant_range_km"], 180.0, rtol=1e-9)


def test_readable_summary(capsys):
    assert main(["coverage", "--radar", "green-pine", "--at", "36.5,127.5", "--target-altitude", "100"]) == 0
    out = capsys.readouterr().out
    assert "azimuth deg" in out and "min ground range" in out and "max" in out


OK = ["--radar", "spy1d", "--at", "1,2", "--target-altitude", "10"]


@pytest.mark.parametrize("args, name", [
    (["--radar", "nope", "--at", "1,2", "--target-altitude", "10"], "--radar"),
    (["--radar", "spy1d", "--at", "95,2", "--target-altitude", "10"], "--at"),
    (["--radar", "spy1d", "--at", "1", "--target-altitude", "10"], "--at"),
    (["--radar", "spy1d", "--at", "1,2,abc", "--target-altitude", "10"], "--at"),
    (["--radar", "spy1d", "--at", "1,2", "--target-altitude", "-1"], "--target-altitude"),
    (["--radar", "spy1d", "--at", "1,2", "--target-altitude", "ten"], "--target-altitude"),
    ([*OK, "--rcs", "0"], "--rcs"),
    ([*OK, "--min-elevation", "95"], "--min-elevation"),
    ([*OK, "--earth", "flat"], "--earth"),
    ([*OK, "--refraction", "2"], "--refraction"),
    ([*OK, "--boresight-az", "nan"], "--boresight-az"),
    (["--radar", "spy1d", "--at", "1,2"], "--target-altitude"),
])
def test_bad_input_one_line_exit_2(capsys, args, name):
    status = main(["coverage", *args])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert name in err
    assert "Traceback" not in err
