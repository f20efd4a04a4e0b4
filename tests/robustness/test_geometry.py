"""Awkward geometry for ``bmdsim trajectory`` and ``bmdsim coverage``: each case is a valid result or a
one-line error with exit status 2, never a traceback, a warning or a hang."""

import json
import math

import pytest

from .conftest import assert_one_line_error, run_cli

OK = None

TRAJECTORY = [
    # (arguments, None for a valid result or words of the one-line error)
    (["--from", "90,0", "--to", "90,90"], "the aim point is the launch point"),            # the pole, twice
    (["--from", "40,129", "--to", "40,129"], "the aim point is the launch point"),          # zero range
    (["--from", "40,-131", "--to", "40,229"], "the aim point is the launch point"),         # lon + 360
    (["--from", "0,0", "--to", "0,180"], "antipodal"),
    (["--impulsive", "--from", "90,0", "--to", "-90,0"], "antipodal"),                      # pole to pole
    (["--impulsive", "--from", "0,0", "--to", "0,179", "--no-drag"], "out of reach"),       # near-antipodal
    (["--missile", "taepodong-2", "--from", "0,0", "--to", "0,179.9"], "out of reach"),
    (["--missile", "scud-b", "--from", "-90,0", "--to", "-85,0"], "out of reach"),          # from the south pole
    (["--missile", "scud-b", "--from", "89.5,0", "--to", "89.5,180"], OK),                  # over the pole
    (["--missile", "scud-b", "--from", "40,179.5", "--to", "40,-179.5"], OK),               # antimeridian
    (["--impulsive", "--from", "10,20", "--to", "10,20.00001"], OK),                        # about 1 m
    (["--missile", "gun-170mm", "--from", "37.9,126.7", "--to", "37.9,127.13", "--profile", "depressed"], OK),
    (["--missile", "gun-170mm", "--from", "37.9,126.7", "--to", "37.9,127.17", "--profile", "depressed"],
     "beyond the gun-170mm maximum"),                                                       # just beyond
    (["--apogee", "inf"], "--apogee"),
    (["--apogee", "nan"], "--apogee"),
    (["--impulsive", "--beta", "inf"], "--beta"),
    (["--burnout-angle", "90"], "--burnout-angle"),
    (["--from", "91,0"], "--from"),
    (["--to", "0,inf"], "--to"),
    (["--from", "1,2,3"], "--from"),
]


@pytest.mark.parametrize("args, expected", TRAJECTORY, ids=[" ".join(a) for a, _ in TRAJECTORY])
def test_trajectory_geometry(capsys, args, expected):
    status, out, err = run_cli(capsys, "trajectory", "--json", *args)
    if expected is OK:
        assert status == 0 and err == "", err
        res = json.loads(out)
        assert all(math.isfinite(v) for v in res.values() if isinstance(v, float))
        assert res["miss_km"] < 1.0
    else:
        assert_one_line_error(status, err, expected)


COVERAGE = [
    (["--at", "90,0"], OK), (["--at", "-90,0"], OK), (["--at", "40,180"], OK), (["--at", "40,-180"], OK),
    (["--at", "40,360"], OK),
    (["--at", "40,140", "--target-altitude", "0"], OK),                    # a target on the horizon
    (["--at", "40,140", "--target-altitude", "40000"], OK),
    (["--at", "40,140", "--min-elevation", "89.9", "--radar", "green-pine"], OK),   # looking straight up
    (["--at", "40,140", "--min-elevation", "90"], "--min-elevation"),
    (["--at", "40,140,-499"], OK), (["--at", "40,140,100000"], OK),
    (["--at", "40,140", "--rcs", "1e-30"], OK), (["--at", "40,140", "--rcs", "1e30"], OK),
    (["--at", "40,140", "--rcs", "0"], "--rcs"), (["--at", "40,140", "--rcs", "inf"], "--rcs"),
    (["--at", "40,140", "--boresight-az", "1e300"], "--boresight-az"),
    (["--at", "40,140", "--target-altitude", "inf"], "--target-altitude"),
    (["--at", "40,140", "--target-altitude", "-1"], "--target-altitude"),
    (["--at", "nan,140"], "--at"), (["--at", "40,140,nan"], "--at"),
    (["--at", "40,140", "--radar", "nope"], "--radar"),
]


@pytest.mark.parametrize("args, expected", COVERAGE, ids=[" ".join(a) for a, _ in COVERAGE])
def test_coverage_geometry(capsys, args, expected):
    full = ["--radar", "tpy2-fbm", "--target-altitude", "100", *args]  # later options win
    status, out, err = run_cli(capsys, "coverage", "--json", *full)
    if expected is OK:
        assert status == 0 and err == "", err
        res = json.loads(out)
        ground = res["ground_range_km"]
        assert len(ground) == len(res["azimuth_deg"]) > 0
        assert all(math.isfinite(g) and g >= 0 for g in ground)
    else:
        assert_one_line_error(status, err, expected)
