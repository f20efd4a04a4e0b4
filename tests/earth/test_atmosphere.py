"""Tests of bmdsim.earth.atmosphere (U.S. Standard Atmosphere 1976).

Layers (STYLE.md section 8): an independent implementation of the identical 0-80 km model (ICAO 1993 via
``ambiance``), the standard's printed tables (tests/earth/data/ussa1976_table.csv, with provenance),
a second full implementation (``ussa1976`` package, optional), invariants, edge cases and the error
bound of the fast path.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from ambiance import Atmosphere
from hypothesis import given, settings
from hypothesis import strategies as st

from bmdsim.earth.atmosphere import (
    ALT_MAX_M,
    ALT_MIN_M,
    density_fast_kg_m3,
    density_kg_m3,
    pressure_pa,
    speed_of_sound_m_s,
    temperature_k,
)

FUNCTIONS = {
    "temperature_k": temperature_k,
    "pressure_pa": pressure_pa,
    "density_kg_m3": density_kg_m3,
    "speed_of_sound_m_s": speed_of_sound_m_s,
}
ALL_FUNCTIONS = [*FUNCTIONS.values(), density_fast_kg_m3]

# Eq. 18 of the standard, inverted: geometric altitude of a geopotential height (r0 = 6356.766 km).
R0_GEOPOTENTIAL_M = 6_356_766.0


def geopotential_to_geometric_m(h_m: float) -> float:
    return R0_GEOPOTENTIAL_M * h_m / (R0_GEOPOTENTIAL_M - h_m)


# --- 1. Independent implementation: ICAO 1993 (ambiance), identical to USSA76 from -5 to 80 km -------

Z_ICAO_M = np.concatenate([np.linspace(-5_000.0, 80_000.0, 1_701),
                           np.random.default_rng(1976).uniform(-5_000.0, 80_000.0, 2_000)])


def test_temperature_and_speed_of_sound_match_icao_1993() -> None:
    icao = Atmosphere(Z_ICAO_M)
    # Same layers and geopotential conversion: temperatures agree to round-off.
    np.testing.assert_allclose(temperature_k(Z_ICAO_M), icao.temperature, rtol=1e-12)
    # ICAO uses M0 = 28.964420 kg/kmol (R = 287.05287 J/(kg K)), USSA76 28.9644 (R*/M0 = 287.05307):
    # relative difference 6.9e-7 in R, so 3.5e-7 in c = sqrt(γ R T).
    np.testing.assert_allclose(speed_of_sound_m_s(Z_ICAO_M), icao.speed_of_sound, rtol=4e-7)


def test_pressure_and_density_match_icao_1993() -> None:
    icao = Atmosphere(Z_ICAO_M)
    # Looser than 1e-6 for a stated reason: the 6.9e-7 relative difference in M0 (above) sits in the
    # hydrostatic exponent g0 M0 / (R* L), so ln P differs by 6.9e-7 * ln(P0/P), up to 8e-6 at 80 km
    # (ln(P0/P) = 11.6); ambiance also starts each layer from a 6-figure base pressure. Measured
    # maxima: 9.1e-6 (pressure), 8.4e-6 (density), both at 71.8 km. The exact check of our own
    # constants is the 7-figure Table 4 base pressures in the published-table test below.
    np.testing.assert_allclose(pressure_pa(Z_ICAO_M), icao.pressure, rtol=1.2e-5)
    np.testing.assert_allclose(density_kg_m3(Z_ICAO_M), icao.density, rtol=1.2e-5)


# --- 2. The standard's printed tables ------------------------------------------------------------

DATA_PATH = Path(__file__).parent / "data" / "ussa1976_table.csv"


def _load_table() -> list[dict[str, str]]:
    with DATA_PATH.open(newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


TABLE_ROWS = _load_table()


def _interpolation_allowance(quantity: str, z_m: float) -> float:
    """Relative error the module documents for interpolating Table I between its rows (above 86 km).

    Estimated by interpolating the ussa1976 package's full model on the module's rows (docs/methods):
    density 1.3e-4 below 100 km, 1.2e-3 to 150 km, 2.8e-3 above; pressure (via M) 3.8e-4 below 100 km,
    3e-5 to 150 km, 3.2e-3 to 300 km, 2.6e-3 to 500 km, 1.9e-2 above (no off-row checks above 300 km).
    Zero at and below 86 km, where the model is exact.
    """
    if z_m <= 86_000.0 or quantity not in ("density_kg_m3", "pressure_pa"):
        return 0.0
    bands_km = (100.0, 150.0, 300.0, 500.0, 1000.0)
    allowance = {"density_kg_m3": (1.5e-4, 1.2e-3, 3.0e-3, 3.0e-3, 3.0e-3),
                 "pressure_pa": (4.0e-4, 1.0e-4, 5.0e-3, 3.0e-3, 3.0e-2)}[quantity]
    return allowance[int(np.searchsorted(bands_km, z_m / 1e3))]


@pytest.mark.parametrize("row", TABLE_ROWS,
                         ids=[f"{r['quantity']}@{r['alt_kind'][:4]}{r['alt_m']}" for r in TABLE_ROWS])
def test_published_table_value(row: dict[str, str]) -> None:
    alt_m = float(row["alt_m"])
    z_m = geopotential_to_geometric_m(alt_m) if row["alt_kind"] == "geopotential" else alt_m
    expected = float(row["value"])
    got = float(FUNCTIONS[row["quantity"]](z_m))
    if row["quantity"] == "temperature_k" and 80_000.0 < z_m < 86_000.0:
        # Below 86 km Table I prints T_M (188.893 K at 85 km); we return the kinetic T = T_M M/M0, which is
        # lower by T_M (1 - M/M0): 0.058 K at 85 km, never more than 0.079 K (M/M0 = 0.999579 at 86 km).
        assert 0.0 < expected - got < 0.079
        return
    # One unit in the last printed figure: the tables round density and temperature, but their
    # pressures below 86 km sit up to 0.96 unit below the exact values, as if truncated (e.g. 11 km:
    # exact 22699.96 Pa, printed 2.2699e2 mb). Plus the documented interpolation error above 86 km.
    unit = 10.0 ** (np.floor(np.log10(abs(expected))) - int(row["figures"]) + 1)
    tolerance = unit + _interpolation_allowance(row["quantity"], z_m) * abs(expected)
    assert abs(got - expected) <= tolerance, f"{got!r} vs printed {expected!r} ({row['source']})"


def test_kinetic_temperature_joins_the_upper_profile_at_86km() -> None:
    # T7 = 186.8673 K is the standard's kinetic temperature at 86 km (Part 1, eq. 25); from below it is
    # reached through Table 8's M/M0 = 0.999579, printed to six figures (so 1e-4 K).
    assert float(temperature_k(86_000.0)) == pytest.approx(186.8673, abs=2e-4)
    assert float(temperature_k(np.nextafter(86_000.0, 1e6))) == pytest.approx(186.8673, abs=1e-12)
    z_m = np.linspace(79_000.0, 91_000.0, 1_201)
    assert np.all(np.diff(temperature_k(z_m)[z_m <= 86_000.0]) < 0.0)
    assert np.all(np.abs(np.diff(temperature_k(z_m))) < 0.03)  # no jump larger than 10 m of lapse


def test_sea_level_defining_values() -> None:
    # Part 1, Table 2: T0 = 288.15 K and P0 = 101325 Pa are defining values.
    assert float(temperature_k(0.0)) == 288.15
    assert float(pressure_pa(0.0)) == pytest.approx(101_325.0, rel=1e-15)


# --- 3. A second full implementation: the ussa1976 package (not a declared test dependency) --------

def test_matches_ussa1976_package() -> None:
    ussa1976 = pytest.importorskip("ussa1976")
    z_low = np.linspace(0.0, 86_000.0, 861)
    z_high = np.linspace(86_000.0, ALT_MAX_M, 915)[1:]
    low = ussa1976.compute(z=z_low, variables=["t", "p", "rho"])
    high = ussa1976.compute(z=z_high, variables=["t", "rho"])
    below_80 = z_low <= 80_000.0
    # The package reports T_M (not the kinetic T) below 86 km, so compare temperature below 80 km only.
    np.testing.assert_allclose(temperature_k(z_low[below_80]), low.t.values[below_80], rtol=1e-12)
    # The package derives M0 = 0.0289644253 kg/mol from the composition (ours 0.0289644, Table 2):
    # relative 8.7e-7, which grows through the hydrostatic exponent to 8.7e-7 * (1 + ln(P0/P)) <= 1.2e-5.
    np.testing.assert_allclose(pressure_pa(z_low), low.p.values, rtol=1.2e-5)
    np.testing.assert_allclose(density_kg_m3(z_low), low.rho.values, rtol=1.2e-5)
    # Above 86 km both implement the same kinetic-temperature equations (eqs. 25-32); the package ends
    # its ellipse at 110 km inclusive (239.9996 K there, against 240 K), hence 2e-6.
    np.testing.assert_allclose(temperature_k(z_high), high.t.values, rtol=2e-6)
    # Density: the package integrates the species diffusion equations itself and departs from the
    # printed Table I, which we follow, by 0.15 % at 100 km growing to 6.3 % near 460-500 km (it also
    # misses the printed 5.215e-13 kg/m^3 at 500 km by 6.7 %). Checked to that documented level only.
    below_100 = z_high <= 100_000.0
    np.testing.assert_allclose(density_kg_m3(z_high[below_100]), high.rho.values[below_100], rtol=2e-3)
    np.testing.assert_allclose(density_kg_m3(z_high), high.rho.values, rtol=0.07)


def test_density_rows_above_86km_have_no_typos() -> None:
    # The module types in 126 rows of Table I; the CSV checks only some of them. The package's offset
    # from the table varies smoothly with altitude, so at each row ln(ours / package) must lie on a
    # quadratic through its four neighbours to within the print rounding of the row and of its
    # neighbours (half a unit in the 4th figure is <= 5e-4; measured worst 5.9e-4, at 108 km). A wrong
    # digit in the first three figures moves a row by >= 1e-3 (1.9e-3 for 5.360e-11 -> 5.370e-11).
    ussa1976 = pytest.importorskip("ussa1976")
    rows_km = np.concatenate([np.arange(86.0, 151.0), np.arange(155.0, 301.0, 5.0), [310.0],
                              np.arange(320.0, 501.0, 20.0), np.arange(525.0, 1001.0, 25.0)])
    z_m = rows_km * 1e3
    log_ratio = np.log(density_kg_m3(z_m) / ussa1976.compute(z=z_m, variables=["rho"]).rho.values)
    for i in range(2, z_m.size - 2):
        neighbours = [i - 2, i - 1, i + 1, i + 2]
        fit = np.polyfit(z_m[neighbours] - z_m[i], log_ratio[neighbours], 2)
        assert abs(log_ratio[i] - fit[-1]) < 7e-4, f"row {rows_km[i]} km"


# --- 4. Invariants and edge cases ------------------------------------------------------------------

Z_DENSE_M = np.linspace(ALT_MIN_M, ALT_MAX_M, 1_005_001)  # every metre to 1000 km


@pytest.mark.parametrize("function", [density_kg_m3, density_fast_kg_m3, pressure_pa])
def test_strictly_decreasing_from_minus_5_to_1000_km(function) -> None:
    assert np.all(np.diff(function(Z_DENSE_M)) < 0.0)


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_scalar_and_array_inputs_agree(function) -> None:
    z_m = np.array([[-7e3, -5e3, 0.0, 11_019.0], [47e3, 85_999.5, 86e3, 86_000.5],
                    [123_456.0, 5e5, 1e6, 2e6]])
    out = function(z_m)
    assert out.shape == z_m.shape and out.dtype == np.float64
    loop = np.array([[float(function(float(z))) for z in row] for row in z_m])
    # numpy evaluates exp/pow on arrays with SIMD kernels and on scalars without, which may differ in
    # the last bit: 1e-15 is a few ulp.
    np.testing.assert_allclose(out, loop, rtol=1e-15, atol=0.0)
    scalar = function(11_000)  # an int scalar in, a float64 scalar out
    assert np.shape(scalar) == () and isinstance(scalar, np.float64)
    np.testing.assert_allclose(function([11_000.0]), [scalar], rtol=1e-15)  # lists are accepted too


@pytest.mark.parametrize("function", [density_kg_m3, density_fast_kg_m3, pressure_pa])
def test_zero_above_1000km(function) -> None:
    assert float(function(ALT_MAX_M)) > 0.0
    np.testing.assert_array_equal(function([np.nextafter(ALT_MAX_M, np.inf), 1.5e6, 1e9, np.inf]), 0.0)


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_finite_for_any_non_nan_input_and_clipped_below_minus_5km(function) -> None:
    extremes = np.array([-np.inf, -1e12, -6e3, 86e3, 1e12, np.inf])
    assert np.all(np.isfinite(function(extremes)))
    assert float(function(-6_000.0)) == float(function(ALT_MIN_M))
    assert np.isnan(function(np.nan))


def test_speed_of_sound_is_held_at_its_86km_value_above() -> None:
    c_86 = float(speed_of_sound_m_s(86_000.0))
    assert c_86 == pytest.approx(274.10, abs=0.01)  # sqrt(1.4 * 287.053 * 186.946 K)
    np.testing.assert_array_equal(speed_of_sound_m_s([90e3, 300e3, 2e6]), c_86)


# --- 5. The fast path ------------------------------------------------------------------------------

def test_fast_density_error_bound() -> None:
    rel_err = density_fast_kg_m3(Z_DENSE_M) / density_kg_m3(Z_DENSE_M) - 1.0
    below = Z_DENSE_M <= 86_000.0
    # Linear interpolation of ln ρ on 25 m' cells whose ends include every layer base: the error is at
    # most h²/8 max|d²lnρ/dH²| = (25 m')²/8 * (g0 M0/R* + L) L / T² with L = -6.5 K/km', T = 216.65 K at
    # the tropopause, i.e. 78.125 * 3.831e-9 = 2.993e-7. Measured on this 1 m grid: 2.990e-7.
    assert np.max(np.abs(rel_err[below])) < 3.0e-7
    # Above 86 km the fast nodes hold every Table I row, so only round-off remains.
    assert np.max(np.abs(rel_err[~below])) < 1e-12


@settings(max_examples=300, derandomize=True, database=None)
@given(st.floats(min_value=-1e5, max_value=2e6, allow_nan=False))
def test_fast_density_matches_exact_anywhere(alt_m: float) -> None:
    exact = float(density_kg_m3(alt_m))
    fast = float(density_fast_kg_m3(alt_m))
    assert fast == pytest.approx(exact, rel=3.0e-7, abs=0.0)
