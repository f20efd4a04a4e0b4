"""Tune each catalog threat so the full model reaches its published maximum range.

For every entry, the one figure named in ``tune_parameter`` is bisected inside its published ``low``-``high``
bounds until the maximum range on the full model (rotating WGS 84 Earth, J2, drag), fired due north from
40 N 127 E, equals ``published_max_range_km``. The script prints the tuned values; they are written into
``catalog/threats.yaml`` by hand, with a note, so that the catalog stays the single, commented source.
``tests/flight/test_catalog_ranges.py`` then checks every entry within 5%.

Missiles with a calibrating lofted test in ``catalog/flight_tests.yaml`` (``calibrates: true``) are tuned to
that test instead: the figure is bisected until a full burn on the lofted arc to the published ground range
reaches the published apogee. Their maximum range is then a result, compared with published estimates by
``bmdsim lofted-tests`` and ``tests/flight/test_lofted_tests.py``.

Run: ``python scripts/tune_catalog.py [KEY ...]``.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import yaml

from bmdsim.flight.catalog import vehicle_from_entry
from bmdsim.flight.targeting import maximum_range
from bmdsim.scenario.catalog import ThreatEntry
from bmdsim.scenario.catalog import load_threat_catalog as _load

LAUNCH_LAT_DEG, LAUNCH_LON_DEG, AZIMUTH_DEG = 40.0, 127.0, 0.0


def _get(node: dict, path: str) -> dict:
    for part in re.findall(r"[^.\[\]]+", path):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


def model_range_km(key: str, raw: dict) -> float:
    vehicle = vehicle_from_entry(key, ThreatEntry.model_validate(raw))
    r, _ = maximum_range(vehicle, np.radians(LAUNCH_LAT_DEG), np.radians(LAUNCH_LON_DEG),
                         np.radians(AZIMUTH_DEG))
    return float(r[0] / 1e3)


def tune(key: str, raw: dict, iterations: int = 14) -> tuple[float, float, bool]:
    fig = _get(raw, raw["tune_parameter"])
    target = raw["published_max_range_km"]["value"]
    lo, hi = fig.get("low", fig["value"]), fig.get("high", fig["value"])

    def rng(x: float) -> float:
        fig["value"] = x
        return model_range_km(key, raw)

    r_lo, r_hi = rng(lo), rng(hi)
    increasing = r_hi > r_lo
    if not (min(r_lo, r_hi) <= target <= max(r_lo, r_hi)):
        best = lo if abs(r_lo - target) < abs(r_hi - target) else hi
        return best, rng(best), False
    a, b = lo, hi
    for _ in range(iterations):
        m = 0.5 * (a + b)
        if (rng(m) < target) == increasing:
            a = m
        else:
            b = m
    x = 0.5 * (a + b)
    return x, rng(x), True


def lofted_apogee_km(key: str, raw: dict, test) -> float:
    """Apogee of the full-burn lofted arc to the test's ground range [km] (inf if the arc cannot be flown)."""
    from bmdsim.earth.geodesy import surface_forward
    from bmdsim.earth.model import EarthModel
    from bmdsim.flight.targeting import UnreachableTargetError, target_missile

    vehicle = vehicle_from_entry(key, ThreatEntry.model_validate(raw))
    earth = EarthModel()
    lat, lon = np.radians([test.launch_lat_deg.value]), np.radians([test.launch_lon_deg.value])
    alat, alon = surface_forward(lat, lon, np.radians([test.azimuth_deg.value]),
                                 np.array([test.ground_range_km.value * 1e3]), earth.ellipsoid)
    try:
        sol = target_missile(vehicle, lat, lon, alat, alon, profile="lofted", earth=earth)
    except UnreachableTargetError:
        return float("inf")  # too energetic to fall as short as the test range on a full burn
    return float(sol.trajectories.apogee_alt_m[0] / 1e3)


def tune_to_test(key: str, raw: dict, test, iterations: int = 14) -> tuple[float, float]:
    """Bisect the tune parameter until the full-burn lofted apogee equals the test's; returns (value, apogee)."""
    fig = _get(raw, raw["tune_parameter"])
    lo, hi = fig.get("low", fig["value"]), fig.get("high", fig["value"])
    target = test.apogee_km.value

    def apo(x: float) -> float:
        fig["value"] = x
        return lofted_apogee_km(key, raw, test)

    increasing = apo(hi) > apo(lo)
    a, b = lo, hi
    for _ in range(iterations):
        m = 0.5 * (a + b)
        if (apo(m) < target) == increasing:
            a = m
        else:
            b = m
    x = 0.5 * (a + b)
    return x, apo(x)


def main(keys: list[str]) -> None:
    from importlib import resources

    raw_all = yaml.safe_load((resources.files("bmdsim.scenario") / "catalog" / "threats.yaml").read_text())
    _load.cache_clear()
    from bmdsim.scenario.flight_tests import load_flight_tests

    calibrating = {t.missile: t for t in load_flight_tests().tests.values() if t.calibrates}
    for key in keys or list(raw_all["missiles"]):
        raw = raw_all["missiles"][key]
        if key in calibrating:
            test = calibrating[key]
            x, a = tune_to_test(key, raw, test)
            print(f"{key:12s} {raw['tune_parameter']:30s} -> {x:.4g}  full-burn lofted apogee {a:7.0f} km "
                  f"(test {test.date}: {test.apogee_km.value:.0f} km); max range {model_range_km(key, raw):7.0f} km",
                  flush=True)
            continue
        before = model_range_km(key, raw)
        x, r, ok = tune(key, raw)
        target = raw["published_max_range_km"]["value"]
        print(f"{key:12s} {raw['tune_parameter']:30s} -> {x:.4g}  range {before:7.0f} -> {r:7.0f} km "
              f"(published {target:.0f}, {100 * (r / target - 1):+.1f}%){'' if ok else '  OUTSIDE BOUNDS'}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
