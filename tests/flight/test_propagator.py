"""The vectorized propagator against scipy's DOP853 on identical models and states, and invariants.

The peer integrates the very same right-hand side (bmdsim.flight.dynamics.derivative) one trajectory at a
time, phase by phase, with a terminal event at zero geodetic height: the comparison isolates the
integrator, the dense output and the impact search. Tolerances: DOP853 at rtol 1e-12 is accurate to
millimetres, and bmdsim's default tolerances aim at about a metre of impact error on 30-minute flights.
"""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.earth.gravity import gravity_potential
from bmdsim.earth.model import EarthModel
from bmdsim.flight.dynamics import derivative
from bmdsim.flight.plan import FlightPlan, plan_impulsive, plan_powered
from bmdsim.flight.propagator import Tolerances, propagate

FULL = EarthModel()


def scipy_reference(plan: FlightPlan, earth: EarthModel, row: int, rtol: float = 1e-12,
                    t_max: float = 3 * 3600.0):
    """Propagate one row with solve_ivp(DOP853), phase by phase; return (t_impact, y_impact, solutions)."""
    y = np.concatenate([plan.r0_ecef_m[row], plan.v0_ecef_mps[row]])
    t = 0.0
    ell = earth.ellipsoid
    rows = np.array([row])
    sols = []
    n_phase = plan.phase_t_end_s.shape[1]
    for ph in range(n_phase):
        t_end = min(plan.phase_t_end_s[row, ph], t_max)
        if t_end <= t:
            continue
        p = plan.params(rows, np.array([ph]))

        def rhs(tt, yy, p=p):
            return derivative(np.array([tt]), yy[None, :], p, earth)[0]

        def ground(tt, yy):
            return ecef_to_geodetic(yy[:3], ell)[2] if tt > 1e-3 else 1.0

        ground.terminal = True
        ground.direction = -1
        sol = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=rtol, atol=1e-9, events=ground,
                        dense_output=True)
        sols.append(sol)
        if sol.status == 1:
            return sol.t_events[0][0], sol.y_events[0][0], sols
        t, y = sol.t[-1], sol.y[:, -1]
    raise AssertionError("reference trajectory did not impact")


def _impulsive_batch(earth: EarthModel, n: int = 6, seed: int = 11) -> FlightPlan:
    rng = np.random.default_rng(seed)
    return plan_impulsive(np.radians(rng.uniform(-60, 60, n)), np.radians(rng.uniform(-180, 180, n)),
                          rng.uniform(0, 3e5, n), rng.uniform(0, 2 * np.pi, n), rng.uniform(0.2, 1.2, n),
                          rng.uniform(2000, 7200, n), mass_kg=800.0, cda_m2=800.0 / 4000.0, earth=earth)


@pytest.mark.slow  # scipy DOP853 at rtol 1e-12, one trajectory at a time: 10-30 s each
@pytest.mark.parametrize("i", range(6))  # one reference trajectory per test, so parallel runs share them out
def test_impacts_match_dop853_full_model_impulsive(i):
    plan = _impulsive_batch(FULL)
    tr = propagate(plan, FULL, output_step_s=None)
    t_ref, y_ref, _ = scipy_reference(plan, FULL, i)
    # 1 m: both integrators' errors are far below it; the interpolated impact search is exact to 1e-6 step
    assert np.linalg.norm(tr.r_impact_ecef_m[i] - y_ref[:3]) < 1.0
    assert tr.t_impact_s[i] == pytest.approx(t_ref, abs=2e-3)


@pytest.mark.slow  # scipy DOP853 at rtol 1e-12, one trajectory at a time: 10-30 s each
def test_impacts_match_dop853_powered_with_staging(two_stage):
    plan = plan_powered(two_stage, np.radians([39.0, 40.5]), np.radians([125.7, 129.7]), 0.0,
                        np.radians([100.0, 150.0]), np.radians([30.0, 45.0]), cutoff_s=[np.inf, 140.0])
    tr = propagate(plan, FULL, output_step_s=None)
    for i in range(plan.n):
        _, y_ref, sols = scipy_reference(plan, FULL, i)
        assert np.linalg.norm(tr.r_impact_ecef_m[i] - y_ref[:3]) < 1.0  # 1 m, as above
        # burnout state equals the reference at the end of powered flight (1 cm, 1 mm/s: the pitch
        # program's kink at the end of the vertical rise lies inside a step and costs a little order there)
        t_bo = plan.t_burnout_s[i]
        y_bo = next(s.sol(t_bo) for s in sols if s.t[0] <= t_bo <= s.t[-1])
        np.testing.assert_allclose(tr.r_burnout_ecef_m[i], y_bo[:3], atol=1e-2)
        np.testing.assert_allclose(tr.v_burnout_ecef_mps[i], y_bo[3:], atol=1e-3)


@pytest.mark.slow  # scipy DOP853 at rtol 1e-12, one trajectory at a time: 10-30 s each
def test_dense_output_matches_reference_along_the_path():
    plan = _impulsive_batch(FULL, n=2, seed=5)
    tr = propagate(plan, FULL, output_step_s=2.0)
    for i in range(plan.n):
        _, _, sols = scipy_reference(plan, FULL, i)
        sol = sols[0]
        ok = ~np.isnan(tr.r_ecef_m[i, :, 0])
        t = tr.t_s[ok]
        ref = sol.sol(t - plan.t_launch_s[i])
        # 1 m and 1 cm/s along the whole path: the quintic Hermite interpolant's error is O(h^6) in
        # position and O(h^5) in velocity, over midcourse steps of about a minute
        np.testing.assert_allclose(tr.r_ecef_m[i, ok], ref[:3].T, atol=1.0)
        np.testing.assert_allclose(tr.v_ecef_mps[i, ok], ref[3:].T, atol=1e-2)


def test_energy_conserved_in_vacuum_non_rotating():
    earth = EarthModel(rotation=False, drag=False)
    plan = _impulsive_batch(earth, n=8)
    tr = propagate(plan, earth, output_step_s=5.0)
    energy = 0.5 * np.sum(tr.v_ecef_mps**2, axis=-1) + gravity_potential(tr.r_ecef_m)
    e0 = energy[:, :1]
    drift = np.nanmax(np.abs(energy - e0) / np.abs(e0), axis=1)
    # 1e-9 of |E| ~ 0.03 J/kg ~ 3 mm of height: the global error of ~100 steps at rtol 1e-10 each
    assert np.all(drift < 1e-9)


def test_jacobi_integral_conserved_with_rotation():
    # In the rotating frame without drag, v^2/2 + U - |ω×r|^2/2 is conserved (Vallado sec. 3.7)
    earth = EarthModel(rotation=True, drag=False)
    plan = _impulsive_batch(earth, n=8, seed=3)
    tr = propagate(plan, earth, output_step_s=5.0)
    om = earth.omega_rad_s
    r = tr.r_ecef_m
    jac = (0.5 * np.sum(tr.v_ecef_mps**2, axis=-1) + gravity_potential(r)
           - 0.5 * om**2 * (r[..., 0] ** 2 + r[..., 1] ** 2))
    drift = np.nanmax(np.abs(jac - jac[:, :1]) / np.abs(jac[:, :1]), axis=1)
    assert np.all(drift < 1e-9)  # as for the energy above


def test_batch_equals_single_runs():
    plan = _impulsive_batch(FULL, n=5, seed=9)
    batch = propagate(plan, FULL, output_step_s=None)
    for i in range(plan.n):
        one = FlightPlan(**{f: getattr(plan, f)[i : i + 1] for f in FlightPlan.__dataclass_fields__})
        single = propagate(one, FULL, output_step_s=None)
        # each row steps on its own clock, so results agree to round-off
        np.testing.assert_allclose(single.r_impact_ecef_m[0], batch.r_impact_ecef_m[i], atol=1e-6)


def test_output_grid_shapes_and_events():
    plan = _impulsive_batch(FULL, n=3, seed=2)
    tr = propagate(plan, FULL, output_step_s=1.0)
    n, k = tr.alt_m.shape
    assert (n, k) == (3, tr.t_s.size)
    assert tr.r_ecef_m.shape == (3, k, 3)
    for i in range(n):
        ok = ~np.isnan(tr.alt_m[i])
        assert tr.t_s[ok][-1] <= tr.t_impact_s[i] < tr.t_s[ok][-1] + 1.0
        # heights on the grid stay above ground and never exceed the apogee event (1 mm)
        assert np.all(tr.alt_m[i, ok] > -1e-3)
        assert np.nanmax(tr.alt_m[i]) <= tr.apogee_alt_m[i] + 1e-3
    _, _, alt_imp = ecef_to_geodetic(tr.r_impact_ecef_m)
    np.testing.assert_allclose(alt_imp, 0.0, atol=1e-3)  # impact found to 1 mm of the surface


def test_orbit_does_not_impact_and_stops_at_t_max():
    earth = EarthModel(drag=False)
    plan = plan_impulsive(0.0, 0.0, 400e3, np.pi / 2, 0.0, 7670.0, earth=earth)
    tr = propagate(plan, earth, output_step_s=None, t_max_s=2000.0)
    assert not tr.is_impacted[0]
    assert np.isnan(tr.t_impact_s[0])


def test_tolerances_reject_nonsense():
    with pytest.raises(ValueError, match="rtol"):
        Tolerances(rtol=0.0)
    with pytest.raises(ValueError, match="output_step_s"):
        propagate(_impulsive_batch(FULL, n=1), FULL, output_step_s=-1.0)


def test_concatenated_plans_fly_as_their_parts():
    from bmdsim.flight.catalog import threat_vehicle
    from bmdsim.flight.plan import concat_plans

    a = plan_powered(threat_vehicle("taepodong-2"), np.radians(39.6), np.radians(124.7), 0.0, np.radians(90.0),
                     np.radians(30.0))
    b = plan_powered(threat_vehicle("scud-b"), np.radians(39.6), np.radians(124.7), 0.0, np.radians(90.0),
                     np.radians(30.0), t_launch_s=40.0)
    c = _impulsive_batch(FULL, n=2)
    whole = propagate(concat_plans([a, b, c]), FULL, output_step_s=None)
    parts = [propagate(p, FULL, output_step_s=None) for p in (a, b, c)]
    # rows integrate independently, so the impacts agree to round-off (1 µm)
    np.testing.assert_allclose(whole.r_impact_ecef_m, np.concatenate([t.r_impact_ecef_m for t in parts]),
                               atol=1e-6)
    np.testing.assert_allclose(whole.t_impact_s, np.concatenate([t.t_impact_s for t in parts]), atol=1e-9)
