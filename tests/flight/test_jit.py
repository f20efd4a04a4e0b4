"""The compiled propagator kernels (flight/_jit.py) against the numpy path they replace.

``BMDSIM_NO_JIT=1`` selects the numpy path; both must give the same flights to round-off. The trial step is
compared directly (same inputs, one step). Whole flights are compared to the integrator's own accuracy,
not to round-off: the error norm is a difference of nearly equal stage sums (relative round-off ~1e-9), and
with the kinks of a boost phase (pitch program, staging) the adaptive step sequence is sensitive to it. The
numpy path itself moves its impacts by 0.2 m when a launch velocity changes by 1e-9 m/s; both stay within
the 1 m of a DOP853 reference that tests/flight/test_propagator.py demands.
"""

import numpy as np
import pytest

from bmdsim.earth.model import EarthModel
from bmdsim.flight import propagator as prop
from bmdsim.flight.dynamics import derivative
from bmdsim.flight.plan import plan_impulsive, plan_powered
from bmdsim.flight.propagator import propagate
from tests.jit_paths import both_paths as _both

FULL = EarthModel()


def _powered(two_stage, earth=FULL):
    return plan_powered(two_stage, np.radians([39.0, 40.5, 41.0]), np.radians([125.7, 129.7, 127.0]), 0.0,
                        np.radians([100.0, 150.0, 80.0]), np.radians([30.0, 45.0, 60.0]),
                        cutoff_s=[np.inf, 140.0, 90.0], earth=earth)


@pytest.mark.parametrize("earth", [FULL, EarthModel(rotation=False, drag=False), EarthModel(shape="sphere")])
def test_trial_step_matches_numpy(monkeypatch, two_stage, earth):
    plan = _powered(two_stage, earth)
    rows = np.arange(plan.n)
    rng = np.random.default_rng(4)
    for phase, tau in [(0, 5.0), (0, 30.0), (1, 120.0)]:
        ph = np.full(plan.n, phase)
        p = plan.params(rows, ph)
        y0 = np.concatenate([plan.r0_ecef_m + rng.normal(size=(plan.n, 3)) * 1e4 + 3e4 * plan.u_up_ecef,
                             plan.v0_ecef_mps + rng.normal(size=(plan.n, 3)) * 500], axis=1)
        t = np.full(plan.n, tau)
        f0 = derivative(t, y0, p, earth)
        h = np.array([0.5, 2.0, 7.0])
        atol = np.array([1e-3] * 3 + [1e-6] * 3)
        args = (t, y0, h, f0, p, earth, atol, 1e-10)
        fast, slow = _both(monkeypatch, lambda a=args: prop._dp54_step(*a))
        np.testing.assert_allclose(fast[0], slow[0], rtol=1e-15, atol=1e-9)  # 1 nm
        np.testing.assert_allclose(fast[1], slow[1], rtol=1e-12, atol=1e-12)
        # the error norm is a difference of nearly equal stage sums, compared with 1: absolute round-off
        np.testing.assert_allclose(fast[2], slow[2], rtol=1e-8, atol=1e-9)


def test_flights_match_numpy(monkeypatch, two_stage):
    plan = _powered(two_stage)
    fast, slow = _both(monkeypatch, lambda: propagate(plan, FULL, output_step_s=1.0))
    # the integrator's accuracy (see the module notes): 1 m and 1 ms at impact, 2 cm at burnout
    np.testing.assert_allclose(fast.r_impact_ecef_m, slow.r_impact_ecef_m, rtol=0, atol=1.0)
    np.testing.assert_allclose(fast.t_impact_s, slow.t_impact_s, rtol=0, atol=1e-3)
    np.testing.assert_allclose(fast.r_burnout_ecef_m, slow.r_burnout_ecef_m, rtol=0, atol=2e-2)
    np.testing.assert_allclose(fast.apogee_alt_m, slow.apogee_alt_m, rtol=0, atol=1.0)
    assert fast.r_ecef_m.shape == slow.r_ecef_m.shape
    np.testing.assert_allclose(fast.r_ecef_m, slow.r_ecef_m, rtol=0, atol=1.0)


def test_impulsive_flights_match_numpy(monkeypatch):
    rng = np.random.default_rng(11)
    n = 6
    plan = plan_impulsive(np.radians(rng.uniform(-60, 60, n)), np.radians(rng.uniform(-180, 180, n)),
                          rng.uniform(0, 3e5, n), rng.uniform(0, 2 * np.pi, n), rng.uniform(0.2, 1.2, n),
                          rng.uniform(2000, 7200, n), mass_kg=800.0, cda_m2=0.2, earth=FULL)
    fast, slow = _both(monkeypatch, lambda: propagate(plan, FULL, output_step_s=None))
    # no boost: the step sequences stay together, and impacts agree to 1 cm and 10 µs
    np.testing.assert_allclose(fast.r_impact_ecef_m, slow.r_impact_ecef_m, rtol=0, atol=1e-2)
    np.testing.assert_allclose(fast.t_impact_s, slow.t_impact_s, rtol=0, atol=1e-5)


def _lifting(earth=FULL):
    """Descending states at 20-40 km with the quasi-ballistic lift (L/D 3.5), as after a KN-23 apogee."""
    rng = np.random.default_rng(5)
    n = 4
    return plan_impulsive(np.radians(rng.uniform(35, 42, n)), np.radians(rng.uniform(124, 130, n)),
                          rng.uniform(20e3, 40e3, n), rng.uniform(0, 2 * np.pi, n), np.radians(rng.uniform(-15, 5, n)),
                          rng.uniform(1600, 2200, n), mass_kg=1150.0, cda_m2=1150.0 / 9000.0, earth=earth,
                          lift_to_drag=3.5, glide_gamma_rad=np.radians(5.0), dive_speed_mps=800.0)


@pytest.mark.parametrize("earth", [FULL, EarthModel(drag=False), EarthModel(shape="sphere")])
def test_lifting_trial_step_matches_numpy(monkeypatch, earth):
    plan = _lifting(earth)
    p = plan.params(np.arange(plan.n), np.zeros(plan.n, dtype=np.intp))
    y0 = np.concatenate([plan.r0_ecef_m, plan.v0_ecef_mps], axis=1)
    t = np.zeros(plan.n)
    f0 = derivative(t, y0, p, earth)
    args = (t, y0, np.array([0.5, 2.0, 7.0, 20.0]), f0, p, earth, np.array([1e-3] * 3 + [1e-6] * 3), 1e-10)
    fast, slow = _both(monkeypatch, lambda a=args: prop._dp54_step(*a))
    # as test_trial_step_matches_numpy, but the hold's gain V/τ (~400 m/s^2 per rad) multiplies the
    # round-off of the flight-path angle (arcsin of a dot product, ~1e-16 rad differently summed): 1e-10 m/s^2
    np.testing.assert_allclose(fast[0], slow[0], rtol=1e-15, atol=1e-9)
    np.testing.assert_allclose(fast[1], slow[1], rtol=1e-12, atol=1e-10)
    # the error norm scales stage differences by atol (1e-6 m/s): those 1e-10 m/s^2 over a step of seconds
    # reach ~1e-7 of it; it is compared with 1 and enters the next step as a power -1/5, so 1e-6 is nothing
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-8, atol=1e-6)


def test_lifting_flights_match_numpy(monkeypatch, two_stage):
    # a batch mixing lifting rows with a boosted ballistic one: each row keeps its own law on both paths
    from bmdsim.flight.plan import concat_plans

    plan = concat_plans([_lifting(), _powered(two_stage)])
    fast, slow = _both(monkeypatch, lambda: propagate(plan, FULL, output_step_s=1.0))
    # the integrator's accuracy, as test_flights_match_numpy: 1 m and 1 ms at impact
    np.testing.assert_allclose(fast.r_impact_ecef_m, slow.r_impact_ecef_m, rtol=0, atol=1.0)
    np.testing.assert_allclose(fast.t_impact_s, slow.t_impact_s, rtol=0, atol=1e-3)
    np.testing.assert_allclose(fast.apogee_alt_m, slow.apogee_alt_m, rtol=0, atol=1.0)
    assert fast.r_ecef_m.shape == slow.r_ecef_m.shape
    np.testing.assert_allclose(fast.r_ecef_m, slow.r_ecef_m, rtol=0, atol=1.0)
