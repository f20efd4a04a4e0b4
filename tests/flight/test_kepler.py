"""Tests for :mod:`bmdsim.flight.kepler`, the closed-form two-body ballistic free flight.

Where the expected values come from (none is produced by re-running the module's own formulas):

* Published worked examples: Bate, Mueller & White, *Fundamentals of Astrodynamics*, Dover (1971) [BMW71],
  ch. 6, examples on pp. 290, 291 and 295, in the book's canonical units (1 DU = Earth radius =
  3443.922 nm, GM = 1 DU³/TU²); the book's rounded answers set the tolerances. The numbers were read from a
  public transcription of the worked solutions, cross-checked here by hand.
* The textbook closed forms in the book's own variables (free-flight range equation 6.2-12, flight-path
  angle equation 6.2-16, maximum-range conditions 6.2-18 to 6.2-20, time of free flight 6.2-21/22), which
  the module does not use in that form (it uses true/eccentric-anomaly components, chords and atan2).
* Physics anchors independent of ballistic-missile formulas: circular speed ``sqrt(GM/R)`` and half the
  circular period ``π sqrt(R³/GM)`` (Newton / Kepler's third law), energy conservation for vertical shots,
  the radial free-fall time.
* Direct numerical integration of the two-body equations with ``scipy.integrate.solve_ivp`` (DOP853).
* Invariants checked with hypothesis (derandomized, no example database, so runs are deterministic).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from bmdsim.earth.constants import GM_EARTH_M3_S2, SPHERE_RADIUS_M
from bmdsim.flight.kepler import (
    KeplerTrajectory,
    apogee_altitude,
    flight_time,
    gammas_for_range,
    maximum_range_angle,
    minimum_energy_gamma,
    minimum_energy_speed,
    minimum_energy_trajectory,
    range_angle,
    speed_for_range,
)

GM = GM_EARTH_M3_S2
R = SPHERE_RADIUS_M
NM_PER_DU = 3443.922  # [BMW71] Appendix A: 1 DU (Earth's equatorial radius) = 3443.922 nautical miles

HYP = settings(max_examples=120, deadline=None, derandomize=True, database=None)

# Hypothesis domains: ranges 6 km .. 16,600 km, burnout up to 1000 km altitude, impact up to 200 km.
psi_st = st.floats(1e-3, 2.6)
gamma_st = st.floats(np.radians(1.0), np.radians(85.0))
alt_bo_st = st.floats(0.0, 1.0e6)
alt_imp_st = st.floats(0.0, 2.0e5)


# ---------------------------------------------------------------------------------------------------------
# 1. Published worked examples and physical anchors
# ---------------------------------------------------------------------------------------------------------
def test_bmw_p290_free_flight_range_and_apogee() -> None:
    """[BMW71] p. 290: h_bo = 0.2 DU, v_bo = 2/3 DU/TU, apogee altitude 0.5 DU, symmetric trajectory.

    The book finds h = r_a v_a = 0.5 DU²/TU, hence cos(φ_bo) = 0.625, and a free-flight range of 36.4°.
    """
    r_bo, v_bo, gamma = 1.2, 2.0 / 3.0, np.arccos(0.625)
    # Apogee: the data are exact rationals, so only rounding error remains.
    assert apogee_altitude(r_bo, v_bo, gamma, r_surface_m=1.0, gm=1.0) == pytest.approx(0.5, rel=1e-12)
    psi = range_angle(r_bo, v_bo, gamma, r_impact_m=r_bo, gm=1.0)
    assert np.degrees(psi) == pytest.approx(36.4, abs=0.05)  # book quotes 0.1° resolution


def test_bmw_p291_flight_path_angle_single_solution_for_q_above_one() -> None:
    """[BMW71] p. 291: burnout 30N 60E, re-entry 30S 60W, v_bo = 1.0817 DU/TU, h_bo = 0.025 DU.

    Spherical trigonometry gives cos Ψ = -0.625; Q_bo ≈ 1.2, and the flight-path angle equation has one
    physical root, φ_bo = 39.36° (the other is negative). The book rounds Q to 1.2; with the unrounded
    Q = 1.1993 the root is 39.33°, hence the 0.05° tolerance.
    """
    psi = np.arccos(-0.625)
    r_bo = 1.025
    lo, hi = gammas_for_range(psi, 1.0817, r_bo_m=r_bo, r_impact_m=r_bo, gm=1.0)
    assert np.degrees(hi) == pytest.approx(39.36, abs=0.05)
    assert np.isnan(lo)


def test_bmw_p295_design_burnout_speed_for_8000_nm() -> None:
    """[BMW71] p. 295: maximum payload (minimum energy) for an 8000 nm free-flight range with burnout at
    344 nm altitude: Q_bo = 0.957 and v_bo = 0.933 DU/TU (three significant figures in the book)."""
    psi = 8000.0 / NM_PER_DU
    r_bo = 1.0 + 344.0 / NM_PER_DU
    v = minimum_energy_speed(psi, r_bo_m=r_bo, r_impact_m=r_bo, gm=1.0)
    assert v == pytest.approx(0.933, abs=5e-4)
    assert v**2 * r_bo == pytest.approx(0.957, abs=5e-4)


def test_minimum_energy_10000_km_needs_about_7_2_km_s() -> None:
    """Widely quoted sanity anchor (project brief): a 10,000 km minimum-energy ICBM shot from the surface of
    the 6371-km sphere needs a burnout speed of about 7.2 km/s, launched at about 22.5° elevation."""
    traj = minimum_energy_trajectory(10_000e3)
    assert traj.speed_m_s == pytest.approx(7.2e3, abs=50.0)
    assert np.degrees(traj.gamma_rad) == pytest.approx(22.5, abs=0.1)
    # ICBM flight times are "about 30 minutes" for intercontinental ranges; a loose sanity bound.
    assert 25 * 60 < traj.flight_time_s < 40 * 60


def test_circular_orbit_is_the_antipodal_limit() -> None:
    """As psi -> π the minimum-energy ellipse becomes the circular orbit: speed -> sqrt(GM/R) = 7.9098 km/s
    (circular speed, Newton), γ -> 0 and flight time -> half the circular period π sqrt(R³/GM) (Kepler's
    third law), about 42.17 min."""
    v_circ = np.sqrt(GM / R)
    assert v_circ == pytest.approx(7909.8, abs=0.1)
    # The deficit is O(ε²) in speed: 1e-9 rad away from π it is far below 1e-12 relative.
    assert minimum_energy_speed(np.pi - 1e-9) == pytest.approx(v_circ, rel=1e-12)
    assert minimum_energy_gamma(np.pi - 1e-9) == pytest.approx(0.0, abs=1e-9)
    traj = minimum_energy_trajectory(np.pi * R)
    assert traj.flight_time_s == pytest.approx(np.pi * np.sqrt(R**3 / GM), rel=1e-12)
    assert traj.speed_m_s == pytest.approx(v_circ, rel=1e-12)
    assert traj.apogee_altitude_m == pytest.approx(0.0, abs=1e-3)  # 1 mm: a circle at the surface


@given(q=st.floats(0.05, 1.95), gamma=st.floats(np.radians(0.5), np.radians(89.0)))
@HYP
def test_equal_radii_range_is_bmw_free_flight_range_equation(q: float, gamma: float) -> None:
    """[BMW71] eq. 6.2-12: cos(Ψ/2) = (1 - Q cos²φ) / sqrt(1 + Q (Q - 2) cos²φ), for r_bo = r_re.

    arccos loses accuracy near Ψ = 0 (error ~ sqrt(machine eps) ~ 1e-8 rad), hence atol 1e-7 rad (0.6 m).
    """
    c2 = np.cos(gamma) ** 2
    expected = 2.0 * np.arccos((1.0 - q * c2) / np.sqrt(1.0 + q * (q - 2.0) * c2))
    r_bo = R + 100e3
    psi = range_angle(r_bo, np.sqrt(q * GM / r_bo), gamma, r_impact_m=r_bo)
    assert psi == pytest.approx(expected, abs=1e-7)


@given(q=st.floats(0.05, 1.9), gamma=st.floats(np.radians(0.5), np.radians(89.0)))
@HYP
def test_equal_radii_flight_time_is_bmw_time_of_free_flight(q: float, gamma: float) -> None:
    """[BMW71] eqs. 6.2-21/22: cos E1 = (e - cos(Ψ/2)) / (1 - e cos(Ψ/2)) and
    t = 2 sqrt(a³/μ)(π - E1 + e sin E1), with e from eq. 6.2-11 and a from eq. 6.2-3. The arccos form is
    ill-conditioned for very short flights, so the tolerance is rel 1e-6 plus 1 ms."""
    r_bo = R
    v = np.sqrt(q * GM / r_bo)
    c2 = np.cos(gamma) ** 2
    ecc = np.sqrt(1.0 + q * (q - 2.0) * c2)
    half_psi = 0.5 * float(range_angle(r_bo, v, gamma, r_impact_m=r_bo))
    cos_e1 = (ecc - np.cos(half_psi)) / (1.0 - ecc * np.cos(half_psi))
    e1 = np.arccos(np.clip(cos_e1, -1.0, 1.0))
    a = r_bo / (2.0 - q)
    expected = 2.0 * np.sqrt(a**3 / GM) * (np.pi - e1 + ecc * np.sin(e1))
    assert flight_time(r_bo, v, gamma, r_impact_m=r_bo) == pytest.approx(expected, rel=1e-6, abs=1e-3)


@given(psi=st.floats(1e-3, np.pi - 1e-3), alt=alt_bo_st)
@HYP
def test_equal_radii_minimum_energy_is_bmw_6_2_18_and_6_2_20(psi: float, alt: float) -> None:
    """[BMW71] eq. 6.2-18, φ = (180° - Ψ)/4, and eq. 6.2-20, Q = 2 sin(Ψ/2) / (1 + sin(Ψ/2)); the module
    computes them from the chord (a_min = (r1 + r2 + c)/4) instead. Rounding-level tolerances."""
    r = R + alt
    s = np.sin(0.5 * psi)
    assert minimum_energy_gamma(psi, r, r) == pytest.approx((np.pi - psi) / 4.0, abs=1e-14)
    assert minimum_energy_speed(psi, r, r) ** 2 * r / GM == pytest.approx(2 * s / (1 + s), rel=1e-13)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.8, 0.95, 0.999])
def test_equal_radii_maximum_range_is_bmw_6_2_19(q: float) -> None:
    """[BMW71] eq. 6.2-19, sin(Ψ_max/2) = Q / (2 - Q), and 6.2-18 for the optimal angle."""
    r = R + 300e3
    psi_max, gamma_opt = maximum_range_angle(r, np.sqrt(q * GM / r), r)
    expected = 2.0 * np.arcsin(q / (2.0 - q))
    assert psi_max == pytest.approx(expected, rel=1e-12)
    assert gamma_opt == pytest.approx((np.pi - expected) / 4.0, abs=1e-12)


@given(psi=st.floats(1e-3, np.pi - 1e-3), q=st.floats(0.05, 1.9))
@HYP
def test_equal_radii_flight_path_angles_solve_bmw_6_2_16(psi: float, q: float) -> None:
    """[BMW71] eq. 6.2-16: sin(2φ + Ψ/2) = ((2 - Q)/Q) sin(Ψ/2), for each root returned."""
    r = R
    lo, hi = gammas_for_range(psi, np.sqrt(q * GM / r), r, r)
    rhs = (2.0 - q) / q * np.sin(0.5 * psi)
    for gamma in (lo, hi):
        if np.isfinite(gamma):
            assert np.sin(2.0 * gamma + 0.5 * psi) == pytest.approx(rhs, abs=1e-12)


# ---------------------------------------------------------------------------------------------------------
# 2. Independent numerical integration of the two-body problem
# ---------------------------------------------------------------------------------------------------------
def _two_body(_t: float, y: np.ndarray) -> list[float]:
    x, z, vx, vz = y
    r3 = (x * x + z * z) ** 1.5
    return [vx, vz, -GM * x / r3, -GM * z / r3]


def _integrate(r_bo: float, v_bo: float, gamma: float, r_impact: float) -> tuple[float, float, float]:
    """Range angle, flight time and highest altitude above R from a planar two-body integration.

    Burnout is at (r_bo, 0) with the velocity gamma above the local horizontal (+z direction). The flight
    ends at the first descending crossing of r_impact (terminal event); apogee is the descending zero of
    r·v (if the flight starts descending, the highest point is burnout itself).
    """
    y0 = [r_bo, 0.0, v_bo * np.sin(gamma), v_bo * np.cos(gamma)]

    def impact(_t: float, y: np.ndarray) -> float:
        return float(np.hypot(y[0], y[1]) - r_impact)

    impact.terminal = True  # type: ignore[attr-defined]
    impact.direction = -1  # type: ignore[attr-defined]

    def apogee(_t: float, y: np.ndarray) -> float:
        return float(y[0] * y[2] + y[1] * y[3])

    apogee.direction = -1  # type: ignore[attr-defined]
    sol = solve_ivp(_two_body, (0.0, 1.0e5), y0, method="DOP853", rtol=1e-12, atol=1e-6,
                    events=[impact, apogee])
    assert sol.status == 1, "integration did not reach the impact radius"
    y_imp = sol.y_events[0][0]
    psi = float(np.arctan2(y_imp[1], y_imp[0]) % (2.0 * np.pi))
    r_apo = float(np.hypot(*sol.y_events[1][0][:2])) if sol.t_events[1].size else r_bo
    return psi, float(sol.t_events[0][0]), r_apo - R


# Relative tolerance 1e-8: DOP853 at rtol 1e-12 reproduced these arcs to <= 1e-9 relative when this test
# was written (event location uses the 7th-order dense output), so 1e-8 leaves a factor-10 margin. On a
# 10,000 km flight that is 0.1 m of range and 20 µs of time.
RTOL_NUM = 1e-8
_GRID = [(rng_km, alt_km, kind) for rng_km in (100, 1000, 3000, 8000, 12000) for alt_km in (0, 200)
         for kind in ("depressed", "minimum_energy", "lofted")]


@pytest.mark.parametrize(("range_km", "burnout_alt_km", "kind"), _GRID)
def test_closed_forms_match_numerical_integration(range_km: float, burnout_alt_km: float, kind: str) -> None:
    psi = range_km * 1e3 / R
    r_bo = R + burnout_alt_km * 1e3
    gamma_me = float(minimum_energy_gamma(psi, r_bo, R))
    gamma = {"depressed": gamma_me - np.radians(8.0), "minimum_energy": gamma_me,
             "lofted": gamma_me + np.radians(15.0)}[kind]
    v = float(speed_for_range(psi, gamma, r_bo, R))
    assert np.isfinite(v)
    psi_num, t_num, apo_num = _integrate(r_bo, v, gamma, R)
    assert psi_num == pytest.approx(psi, rel=RTOL_NUM)  # speed_for_range hits the aim point
    assert range_angle(r_bo, v, gamma, R) == pytest.approx(psi_num, rel=RTOL_NUM)
    assert flight_time(r_bo, v, gamma, R) == pytest.approx(t_num, rel=RTOL_NUM)
    assert apogee_altitude(r_bo, v, gamma) == pytest.approx(apo_num, rel=RTOL_NUM, abs=1e-3)  # 1 mm


@pytest.mark.parametrize(("r_bo", "v_bo", "gamma_deg", "r_impact", "case"), [
    (R, np.sqrt(1.3 * GM / R), 5.0, R, "psi > pi: Q = 1.3, shallow, lands beyond the antipode"),
    (R, np.sqrt(1.6 * GM / R), 3.0, R, "psi near 2 pi: long sub-orbital ellipse"),
    (R + 300e3, 6000.0, -5.0, R, "descending burnout from 300 km"),
    (R + 300e3, 7000.0, -20.0, R, "steep descending burnout"),
    (R, 7000.0, 80.0, R + 100e3, "impact radius above burnout (re-entry interface)"),
    (R + 150e3, 7700.0, 3.0, R, "about 14,500 km: depressed long-range shot"),
])
def test_special_geometries_match_numerical_integration(r_bo: float, v_bo: float, gamma_deg: float,
                                                        r_impact: float, case: str) -> None:
    gamma = np.radians(gamma_deg)
    psi_num, t_num, apo_num = _integrate(r_bo, v_bo, gamma, r_impact)
    assert range_angle(r_bo, v_bo, gamma, r_impact) == pytest.approx(psi_num, rel=RTOL_NUM), case
    assert flight_time(r_bo, v_bo, gamma, r_impact) == pytest.approx(t_num, rel=RTOL_NUM), case
    assert apogee_altitude(r_bo, v_bo, gamma) == pytest.approx(apo_num, rel=RTOL_NUM, abs=1e-3), case


# ---------------------------------------------------------------------------------------------------------
# 3. Invariants (hypothesis)
# ---------------------------------------------------------------------------------------------------------
@given(psi=psi_st, gamma=gamma_st, alt_bo=alt_bo_st, alt_imp=alt_imp_st)
@HYP
def test_range_of_speed_for_range_round_trips(psi: float, gamma: float, alt_bo: float,
                                              alt_imp: float) -> None:
    """range_angle(speed_for_range(psi, γ), γ) == psi. Tolerance 1e-10 rad (0.6 mm on the ground); random
    sampling of this domain showed round-trip errors below 3e-14 rad."""
    r_bo, r_imp = R + alt_bo, R + alt_imp
    v = speed_for_range(psi, gamma, r_bo, r_imp)
    assume(np.isfinite(v))
    assert range_angle(r_bo, v, gamma, r_imp) == pytest.approx(psi, abs=1e-10)


_GAMMA_GRID = np.linspace(-np.pi / 2 + 1e-9, np.pi / 2 - 1e-9, 20_001)  # 0.009° spacing


@given(psi=st.floats(1e-3, 3.0), alt_bo=alt_bo_st, alt_imp=alt_imp_st)
@HYP
def test_minimum_energy_speed_is_the_minimum_over_gamma(psi: float, alt_bo: float, alt_imp: float) -> None:
    """No flight-path angle reaches psi with less speed than the minimum-energy speed (rounding margin
    1e-12), and a search around the dense-grid minimum comes within 1e-9 of it (speed is quadratic in the
    angle error at the minimum; the refined step is 1.6e-7 rad)."""
    r_bo, r_imp = R + alt_bo, R + alt_imp
    v_me = minimum_energy_speed(psi, r_bo, r_imp)
    assume(np.isfinite(v_me))
    speeds = speed_for_range(psi, _GAMMA_GRID, r_bo, r_imp)
    assert np.nanmin(speeds) >= v_me * (1.0 - 1e-12)
    step = _GAMMA_GRID[1] - _GAMMA_GRID[0]
    best = _GAMMA_GRID[np.nanargmin(speeds)]
    fine = np.clip(np.linspace(best - step, best + step, 2001), -np.pi / 2, np.pi / 2)
    fine_speeds = speed_for_range(psi, fine, r_bo, r_imp)
    assert np.nanmin(fine_speeds) >= v_me * (1.0 - 1e-12)
    assert np.nanmin(fine_speeds) <= v_me * (1.0 + 1e-9)
    # Different formula paths (chord vs conic) agree to rounding (7e-16 seen over 2e5 random cases).
    gamma_me = minimum_energy_gamma(psi, r_bo, r_imp)
    assert speed_for_range(psi, gamma_me, r_bo, r_imp) == pytest.approx(v_me, rel=1e-12)


@given(psi=st.floats(1e-3, 3.0), excess=st.floats(1e-6, 0.3), alt_bo=alt_bo_st, alt_imp=alt_imp_st)
@HYP
def test_gammas_for_range_reach_the_range_at_the_given_speed(psi: float, excess: float, alt_bo: float,
                                                             alt_imp: float) -> None:
    """Each returned angle needs exactly the given speed (rel 1e-10) and lands at psi (1e-9 rad = 6 mm;
    the range is insensitive to the angle error near the double root, so no loss of accuracy there)."""
    r_bo, r_imp = R + alt_bo, R + alt_imp
    v_me = minimum_energy_speed(psi, r_bo, r_imp)
    assume(np.isfinite(v_me))
    v = v_me * (1.0 + excess)
    assume(v * v * r_bo / GM < 1.95)
    lo, hi = gammas_for_range(psi, v, r_bo, r_imp)
    assert np.isfinite(hi) or np.isfinite(lo)
    for gamma in (lo, hi):
        if np.isfinite(gamma):
            assert speed_for_range(psi, gamma, r_bo, r_imp) == pytest.approx(v, rel=1e-10)
            assert range_angle(r_bo, v, gamma, r_imp) == pytest.approx(psi, abs=1e-9)
    if np.isfinite(lo) and np.isfinite(hi):
        assert lo <= minimum_energy_gamma(psi, r_bo, r_imp) <= hi


@given(psi=st.floats(1e-3, np.pi - 1e-3), frac=st.floats(1e-6, 1.0 - 1e-6))
@HYP
def test_equal_radii_low_and_high_angles_sum_to_twice_min_energy_angle(psi: float, frac: float) -> None:
    """For r_bo = r_impact and Q < 1 both roots are physical and γ_lo + γ_hi = (π - psi)/2 ([BMW71] 6.2-16
    and 6.2-18); rounding-level tolerance."""
    v_me, v_circ = minimum_energy_speed(psi), np.sqrt(GM / R)
    v = v_me + frac * (v_circ - v_me)
    lo, hi = gammas_for_range(psi, v)
    assert 0.0 <= lo <= hi
    assert lo + hi == pytest.approx((np.pi - psi) / 2.0, abs=1e-13)


@given(psi0=st.floats(1e-2, 3.0), alt_bo=alt_bo_st, alt_imp=alt_imp_st)
@HYP
def test_maximum_range_angle_is_the_maximum_over_gamma(psi0: float, alt_bo: float, alt_imp: float) -> None:
    """At the minimum-energy speed for psi0, the maximum range is psi0 (min energy and max range are the
    same trajectory), no sampled angle goes farther (rounding margin 1e-12 rad) and a search around the
    dense-grid maximum comes within 1e-9 of it (range is quadratic in the angle error there)."""
    r_bo, r_imp = R + alt_bo, R + alt_imp
    v = minimum_energy_speed(psi0, r_bo, r_imp)
    assume(np.isfinite(v))
    psi_max, gamma_opt = maximum_range_angle(r_bo, v, r_imp)
    assume(np.isfinite(psi_max))
    assert psi_max == pytest.approx(psi0, rel=1e-9)
    assert range_angle(r_bo, v, gamma_opt, r_imp) == pytest.approx(psi_max, rel=1e-9)
    ranges = range_angle(r_bo, v, _GAMMA_GRID, r_imp)
    assert np.nanmax(ranges) <= psi_max + 1e-12
    step = _GAMMA_GRID[1] - _GAMMA_GRID[0]
    best = _GAMMA_GRID[np.nanargmax(ranges)]
    fine = np.clip(np.linspace(best - step, best + step, 2001), -np.pi / 2, np.pi / 2)
    fine_ranges = range_angle(r_bo, v, fine, r_imp)
    assert np.nanmax(fine_ranges) <= psi_max + 1e-12
    assert np.nanmax(fine_ranges) >= psi_max * (1.0 - 1e-9)


@given(psi=st.floats(1e-3, np.pi - 1e-2), alt_bo=alt_bo_st)
@HYP
def test_minimum_energy_trajectory_is_consistent(psi: float, alt_bo: float) -> None:
    """The trajectory summary agrees with the separate functions; its flight time (Lagrange's equation)
    agrees with Kepler's equation from the burnout state to 1e-9 relative."""
    traj = minimum_energy_trajectory(psi * R, burnout_altitude_m=alt_bo)
    r_bo = R + alt_bo
    assert traj.psi_rad == pytest.approx(psi, rel=1e-15)
    assert range_angle(r_bo, traj.speed_m_s, traj.gamma_rad) == pytest.approx(psi, abs=1e-10)
    assert flight_time(r_bo, traj.speed_m_s, traj.gamma_rad) == pytest.approx(traj.flight_time_s, rel=1e-9)
    assert traj.apogee_altitude_m == apogee_altitude(r_bo, traj.speed_m_s, traj.gamma_rad)


# ---------------------------------------------------------------------------------------------------------
# 4. Edge cases
# ---------------------------------------------------------------------------------------------------------
def _fall_time(r_top: float, r: float) -> float:
    """Time to fall radially from rest at r_top to r (radial Kepler problem, e.g. Roy, *Orbital Motion*)."""
    x = r / r_top
    return float(np.sqrt(r_top**3 / (2.0 * GM)) * (np.sqrt(x * (1.0 - x)) + np.arccos(np.sqrt(x))))


def test_vertical_shot_apogee_and_time_from_energy_conservation() -> None:
    v = 3000.0
    r_top = 1.0 / (1.0 / R - v * v / (2.0 * GM))  # energy conservation
    gamma = np.pi / 2
    assert apogee_altitude(R, v, gamma) == pytest.approx(r_top - R, rel=1e-12)
    assert range_angle(R, v, gamma) == pytest.approx(0.0, abs=1e-12)
    assert flight_time(R, v, gamma) == pytest.approx(2.0 * _fall_time(r_top, R), rel=1e-10)


def test_drop_from_rest_is_radial_free_fall() -> None:
    r_bo = R + 500e3
    assert flight_time(r_bo, 0.0, 0.0) == pytest.approx(_fall_time(r_bo, R), rel=1e-10)
    assert range_angle(r_bo, 0.0, 0.0) == 0.0
    assert apogee_altitude(r_bo, 0.0, 0.0) == pytest.approx(500e3, rel=1e-12)


def test_zero_speed_at_the_impact_radius_has_zero_range_and_time() -> None:
    assert range_angle(R, 0.0, 0.3) == 0.0
    assert flight_time(R, 0.0, 0.3) == 0.0


def test_descending_burnout_at_the_impact_radius_impacts_immediately() -> None:
    assert range_angle(R, 5000.0, -0.2) == 0.0
    assert flight_time(R, 5000.0, -0.2) == pytest.approx(0.0, abs=1e-9)  # rounding in E_imp - E_bo
    assert apogee_altitude(R, 5000.0, -0.2) == 0.0  # apogee is behind; highest point is burnout


@pytest.mark.parametrize(("r_bo", "v", "gamma", "r_imp", "why"), [
    (R, np.sqrt(2 * GM / R) * 1.001, 0.5, R, "above escape speed (Q >= 2)"),
    (R, 12_000.0, -0.1, R, "hyperbolic even though descending (sub-orbital ellipses only)"),
    (R, 8000.0, 0.0, R, "horizontal above circular speed: an orbit that only grazes the sphere at perigee"),
    (R, 1000.0, np.pi / 4, R + 1.0e6, "apogee below the impact radius"),
    (R, 7000.0, -0.2, R + 10e3, "burnout below the impact radius and descending"),
])
def test_trajectories_that_never_come_down_give_nan(r_bo: float, v: float, gamma: float, r_imp: float,
                                                    why: str) -> None:
    assert np.isnan(range_angle(r_bo, v, gamma, r_imp)), why
    assert np.isnan(flight_time(r_bo, v, gamma, r_imp)), why


def test_apogee_is_nan_at_escape_speed() -> None:
    assert np.isnan(apogee_altitude(R, np.sqrt(2 * GM / R) * 1.001, 0.5))


def test_speed_for_range_rejects_impossible_geometries() -> None:
    # Too shallow for the range: would need Q >= 2.
    assert np.isnan(speed_for_range(6.0, 0.1))
    # Target 500 km up, 0.1 rad away, fired at 40°: the conic through it passes it while still climbing,
    # so the descending branch lands farther away; no speed reaches it on the way down.
    assert np.isnan(speed_for_range(0.1, np.radians(40.0), R, R + 500e3))
    assert range_angle(R, 5770.37, np.radians(40.0), R + 500e3) > 0.2
    # Target above burnout, needing a downward shot: impossible.
    assert np.isnan(speed_for_range(0.1, -0.1, R, R + 10e3))


def test_gammas_for_range_below_minimum_energy_speed_are_nan() -> None:
    psi = 1.0
    lo, hi = gammas_for_range(psi, 0.999 * minimum_energy_speed(psi))
    assert np.isnan(lo) and np.isnan(hi)


def test_minimum_energy_beyond_the_antipode_is_nan_for_equal_radii() -> None:
    """For psi > π the minimum-energy conic would leave the sphere descending: no valid minimum exists."""
    assert np.isnan(minimum_energy_speed(3.5))
    assert np.isnan(minimum_energy_gamma(3.5))
    assert np.isnan(minimum_energy_trajectory(3.5 * R).flight_time_s)


@pytest.mark.parametrize(("r_bo", "v", "r_imp", "why"), [
    (R, np.sqrt(GM / R), R, "circular speed: every range reachable as γ -> 0"),
    (R, 8000.0, R, "Q > 1"),
    (R, 1000.0, R + 500e3, "cannot climb to the impact radius"),
])
def test_maximum_range_angle_nan_without_a_maximum(r_bo: float, v: float, r_imp: float, why: str) -> None:
    psi_max, gamma_opt = maximum_range_angle(r_bo, v, r_imp)
    assert np.isnan(psi_max) and np.isnan(gamma_opt), why


@pytest.mark.parametrize(("call", "name"), [
    (lambda: range_angle(-R, 7000.0, 0.3), "r_bo_m"),
    (lambda: range_angle(R, -1.0, 0.3), "v_bo_m_s"),
    (lambda: range_angle(R, 7000.0, 45.0), "gamma_rad"),
    (lambda: flight_time(R, 7000.0, 0.3, gm=0.0), "gm"),
    (lambda: speed_for_range(-0.1, 0.3), "psi_rad"),
    (lambda: gammas_for_range(7.0, 7000.0), "psi_rad"),
    (lambda: minimum_energy_speed(1.0, r_impact_m=0.0), "r_impact_m"),
    (lambda: apogee_altitude(R, 7000.0, 0.3, r_surface_m=-1.0), "r_surface_m"),
    (lambda: minimum_energy_trajectory(-1.0), "ground_range_m"),
    (lambda: minimum_energy_trajectory(45_000e3), "ground_range_m"),
])
def test_invalid_inputs_raise_naming_the_argument(call: Callable[[], object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


def test_nan_inputs_propagate_without_raising() -> None:
    assert np.isnan(range_angle(R, np.nan, 0.3))
    assert np.isnan(speed_for_range(np.nan, 0.3))


# ---------------------------------------------------------------------------------------------------------
# 5. Scalar and batch inputs give the same numbers
# ---------------------------------------------------------------------------------------------------------
# A mixed batch: normal shots, a lofted one, a descending one, one beyond escape and one that cannot reach.
_R_BO = np.array([R, R + 200e3, R + 100e3, R + 300e3, R, R])
_V = np.array([7200.0, 5000.0, 3000.0, 6000.0, 12_000.0, 500.0])
_G = np.array([0.39, 0.6, 1.2, -0.1, 0.4, 0.2])
_PSI = np.array([1.0, 0.5, 0.02, 2.3, 3.3, 0.3])
_R_IMP = np.array([R, R, R, R, R, R + 1e6])

# numpy may take SIMD code paths for arrays and scalar ones for 0-d inputs; allow a few ulp.
_SCALAR_RTOL = 1e-14


def _assert_elementwise(batch: np.ndarray, scalars: list[np.ndarray]) -> None:
    assert batch.dtype == np.float64
    np.testing.assert_allclose(batch, np.array([float(s) for s in scalars]), rtol=_SCALAR_RTOL, atol=0.0)


@pytest.mark.parametrize("func", [range_angle, flight_time])
def test_state_functions_scalar_equals_batch(func: Callable[..., np.ndarray]) -> None:
    batch = func(_R_BO, _V, _G, _R_IMP)
    assert batch.shape == _V.shape
    _assert_elementwise(batch, [func(*args) for args in zip(_R_BO, _V, _G, _R_IMP, strict=True)])
    assert np.isnan(batch[4]) and np.isnan(batch[5])  # escape; never reaches 1000 km


def test_apogee_scalar_equals_batch() -> None:
    batch = apogee_altitude(_R_BO, _V, _G)
    _assert_elementwise(batch, [apogee_altitude(*a) for a in zip(_R_BO, _V, _G, strict=True)])


@pytest.mark.parametrize("func", [minimum_energy_speed, minimum_energy_gamma])
def test_minimum_energy_scalar_equals_batch(func: Callable[..., np.ndarray]) -> None:
    batch = func(_PSI, _R_BO, R)
    _assert_elementwise(batch, [func(p, r, R) for p, r in zip(_PSI, _R_BO, strict=True)])
    assert np.isnan(batch[4])  # beyond the antipode


def test_speed_and_gammas_scalar_equals_batch() -> None:
    batch = speed_for_range(_PSI, _G, _R_BO)
    _assert_elementwise(batch, [speed_for_range(p, g, r) for p, g, r in zip(_PSI, _G, _R_BO, strict=True)])
    lo, hi = gammas_for_range(_PSI, _V, _R_BO)
    pairs = [gammas_for_range(p, v, r) for p, v, r in zip(_PSI, _V, _R_BO, strict=True)]
    _assert_elementwise(lo, [p[0] for p in pairs])
    _assert_elementwise(hi, [p[1] for p in pairs])


def test_maximum_range_scalar_equals_batch() -> None:
    psi, gamma = maximum_range_angle(_R_BO, _V)
    pairs = [maximum_range_angle(r, v) for r, v in zip(_R_BO, _V, strict=True)]
    _assert_elementwise(psi, [p[0] for p in pairs])
    _assert_elementwise(gamma, [p[1] for p in pairs])


def test_inputs_broadcast() -> None:
    psi = np.linspace(0.1, 2.0, 4)[np.newaxis, :]
    gamma = np.radians([10.0, 30.0, 50.0])[:, np.newaxis]
    v = speed_for_range(psi, gamma)
    assert v.shape == (3, 4)
    np.testing.assert_allclose(range_angle(R, v, gamma), np.broadcast_to(psi, (3, 4)), atol=1e-12)


def test_minimum_energy_trajectory_batch_and_frozen() -> None:
    ranges_m = np.array([1000e3, 5000e3, 10_000e3])
    traj = minimum_energy_trajectory(ranges_m, burnout_altitude_m=200e3)
    assert isinstance(traj, KeplerTrajectory)
    for field in dataclasses.fields(traj):
        value = getattr(traj, field.name)
        assert value.shape == (3,) and value.dtype == np.float64, field.name
    one = minimum_energy_trajectory(5000e3, burnout_altitude_m=200e3)
    for field in dataclasses.fields(traj):
        assert getattr(one, field.name) == pytest.approx(getattr(traj, field.name)[1], rel=_SCALAR_RTOL)
    np.testing.assert_array_equal(traj.ground_range_m, ranges_m)
    with pytest.raises(dataclasses.FrozenInstanceError):
        traj.speed_m_s = ranges_m  # type: ignore[misc]
