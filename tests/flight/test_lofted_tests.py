"""Published lofted flight tests flown again on the full model (catalog/flight_tests.yaml).

Each catalog ICBM/IRBM flown on the arc with the published apogee and ground range must reproduce the
published flight time. Tolerance: 3% beyond the published low-high bracket. Basis: published times are
rounded to the minute (up to 1.7% at 30 min); the burn times in the catalog are estimates whose plausible
spread (+-20 s) moves the flight time by about 1%; the launch point (+-20 km) and azimuth change it by seconds
through Earth rotation. For a fixed apogee and range the coast is close to Keplerian, so the time is an
independent check even for the test a vehicle is calibrated to (the calibration fixes apogee, not time).
"""

import pytest

from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.lofted import APOGEE_TOLERANCE, replay_test
from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.flight_tests import load_flight_tests

pytestmark = pytest.mark.slow  # about 25 s of flights on one core for the whole record

RECORD = load_flight_tests().tests
TIME_TOLERANCE = 0.03
STANDARD_RANGE_TOLERANCE = 0.10
"""Published standard ranges are rounded expert estimates on other conventions (non-rotating Earth, eastward
fire, other payloads: 5-10%); the model's range must lie within 10% of the published low-high bracket."""


@pytest.fixture(scope="module")
def replays():
    # the maximum-range scan only where a test checks it (the calibrating tests)
    return {key: replay_test(key, entry, threat_vehicle(entry.missile), with_standard_range=entry.calibrates)
            for key, entry in RECORD.items()}


def test_record_covers_the_tests_the_issue_names():
    names = {(e.missile, e.date[:7]) for e in RECORD.values()}
    assert {("hwasong-12", "2017-05"), ("hwasong-14", "2017-07"), ("hwasong-15", "2017-11"),
            ("hwasong-17", "2022-03"), ("hwasong-17", "2022-11"), ("hwasong-18", "2023-07")} <= names
    assert all(e.missile in load_threat_catalog().missiles for e in RECORD.values())


@pytest.mark.parametrize("key", [k for k, e in RECORD.items() if e.consistent and e.flight_time_s])
def test_flight_time_reproduced(replays, key):
    row, fig = replays[key], RECORD[key].flight_time_s
    assert row.flight is not None, row.error
    lo, hi = (fig.low or fig.value), (fig.high or fig.value)
    t = row.flight.flight_time_s
    outside = max(lo - t, t - hi, 0.0) / fig.value
    assert outside <= TIME_TOLERANCE, f"{key}: model {t:.0f} s, published {lo:.0f}-{hi:.0f} s"


@pytest.mark.parametrize("key", [k for k, e in RECORD.items() if e.calibrates])
def test_calibrating_test_is_a_full_burn_to_the_published_apogee(replays, key):
    row = replays[key]
    assert row.flight is not None, row.error
    assert row.flight.burn_fraction == pytest.approx(1.0)
    assert row.flight.apogee_m == pytest.approx(row.apogee_m, rel=APOGEE_TOLERANCE)
    # the targeting acceptance: miss below 0.05% of range (flight.targeting.MISS_GOAL_FRACTION), 1 km floor
    assert row.flight.ground_range_m == pytest.approx(row.ground_range_m, abs=1000.0)


@pytest.mark.parametrize("key", [k for k, e in RECORD.items() if not e.consistent])
def test_inconsistent_records_are_flagged_by_the_physics(replays, key):
    """A record marked inconsistent must really be: no ballistic flight to its apogee and range matches its time."""
    row = replays[key]
    assert row.flight is not None, row.error
    assert abs(row.flight_time_error) > TIME_TOLERANCE  # the bound every consistent record meets


@pytest.mark.parametrize("key", [k for k, e in RECORD.items() if e.calibrates])
def test_standard_range_of_the_calibrated_vehicle_near_published_estimates(replays, key):
    row = replays[key]
    fig = load_threat_catalog().missiles[row.missile].published_max_range_km
    lo, hi = (fig.low or fig.value) * 1e3, (fig.high or fig.value) * 1e3
    assert lo * (1 - STANDARD_RANGE_TOLERANCE) <= row.standard_range_m <= hi * (1 + STANDARD_RANGE_TOLERANCE)
