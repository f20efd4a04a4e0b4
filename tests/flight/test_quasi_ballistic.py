"""The quasi-ballistic profile (KN-23 class): lift after burnout, its invariants, its peers and the reported
flights it must reproduce.

Layers (STYLE.md sec. 8): the lift is perpendicular to the velocity and capped by L/D times drag (analytic);
it does no work, so with drag off the rotating-frame energy (Jacobi integral) of a lifting arc stays that of
its initial state, exactly as on the arc without lift (invariant, closed form); the propagator agrees with
scipy's DOP853 on the same equations of motion (peer); the catalog KN-23 and KN-24 reproduce the reported
apogees, reach the reported ranges and the KN-23 pulls up after its descent, as ROK JCS described (published
figures).
"""

import dataclasses

import numpy as np
import pytest

from bmdsim.earth.geodesy import surface_forward
from bmdsim.earth.gravity import gravity_potential
from bmdsim.earth.model import EarthModel
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.dynamics import derivative, lift_acceleration
from bmdsim.flight.plan import plan_impulsive, plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.flight.targeting import UnreachableTargetError, miss_tolerance_m, target_missile
from tests.flight.test_propagator import scipy_reference

FULL = EarthModel()
LAUNCH = np.radians([39.2, 127.5])  # near Wonsan, where the 2019 KN-23 flights started (refs.kn23tests)
EAST = np.radians(95.0)  # out over the Sea of Japan, as those flights flew


def _lifting_arcs(earth, lift_to_drag=3.5, n=3):
    """Burnout-like states at 20-40 km, descending, at 1.6-2.2 km/s: the arcs on which the pull-up happens."""
    rng = np.random.default_rng(7)
    return plan_impulsive(np.radians(rng.uniform(35, 42, n)), np.radians(rng.uniform(124, 130, n)),
                          rng.uniform(20e3, 40e3, n), rng.uniform(0, 2 * np.pi, n), np.radians(rng.uniform(-15, -3, n)),
                          rng.uniform(1600, 2200, n), mass_kg=1150.0, cda_m2=1150.0 / 9000.0, earth=earth,
                          lift_to_drag=lift_to_drag, glide_gamma_rad=np.radians(5.0), dive_speed_mps=800.0)


def _aim(range_m, n=1):
    lat, lon = surface_forward(np.full(n, LAUNCH[0]), np.full(n, LAUNCH[1]), np.full(n, EAST),
                               np.broadcast_to(np.asarray(range_m, dtype=float), (n,)))
    return lat, lon


def test_lift_is_normal_to_velocity_upward_and_capped_by_l_over_d():
    plan = _lifting_arcs(FULL, n=6)
    rows = np.arange(plan.n)
    p = plan.params(rows, np.zeros(plan.n, dtype=np.intp))
    y = np.concatenate([plan.r0_ecef_m, plan.v0_ecef_mps], axis=1)
    a_lift = lift_acceleration(y[:, :3], y[:, 3:], p.m0_kg, p, FULL)
    speed = np.linalg.norm(y[:, 3:], axis=1)
    # perpendicular to the (air-relative) velocity: no work, to round-off of |a| |v|
    np.testing.assert_allclose(np.einsum("ij,ij->i", a_lift, y[:, 3:]) / speed, 0.0, atol=1e-12)
    assert np.all(np.einsum("ij,ij->i", a_lift, y[:, :3]) > 0)  # pulls up
    # descending at 3-15 deg below the glide angle in air at 20-40 km the hold asks for more than the body
    # gives: the lift is saturated at L/D times the drag the equations of motion apply
    no_lift = plan.params(rows, np.zeros(plan.n, dtype=np.intp))
    no_lift = dataclasses.replace(no_lift, lift_to_drag=np.zeros(plan.n))
    drag = derivative(np.zeros(plan.n), y, no_lift, FULL)[:, 3:] - derivative(
        np.zeros(plan.n), y, no_lift, EarthModel(drag=False))[:, 3:]
    np.testing.assert_allclose(np.linalg.norm(a_lift, axis=1), 3.5 * np.linalg.norm(drag, axis=1), rtol=1e-12)


def test_no_lift_while_thrusting_or_without_l_over_d():
    vehicle = threat_vehicle("kn-23")
    plan = plan_powered(vehicle, *LAUNCH, 0.0, EAST, np.radians(20.0), earth=FULL, glide=True)
    p = plan.params(np.arange(1), np.zeros(1, dtype=np.intp))  # the boost phase
    y = np.array([[*plan.r0_ecef_m[0] + 2e4 * plan.u_up_ecef[0], *(1500.0 * plan.u_horiz_ecef[0])]])
    assert np.all(lift_acceleration(y[:, :3], y[:, 3:], p.m0_kg, p, FULL) == 0.0)
    ballistic = plan_powered(vehicle, *LAUNCH, 0.0, EAST, np.radians(20.0), earth=FULL)
    assert np.all(ballistic.lift_to_drag == 0.0)


def test_lift_does_no_work_energy_of_lifting_arc_equals_arc_without_lift():
    # Drag off, rotation and J2 on: v^2/2 + U - |ω×r|^2/2 (Jacobi integral, Vallado sec. 3.7) is conserved
    # by gravity and the Coriolis force; lift, normal to v, adds nothing. The closed form is the initial
    # state's value, the same on the arc without lift.
    earth = EarthModel(drag=False)
    lifting = propagate(_lifting_arcs(earth), earth, output_step_s=2.0, t_max_s=300.0)
    plain = propagate(_lifting_arcs(earth, lift_to_drag=0.0), earth, output_step_s=2.0, t_max_s=300.0)
    om = earth.omega_rad_s

    def jacobi(tr):
        r = tr.r_ecef_m
        return (0.5 * np.sum(tr.v_ecef_mps**2, axis=-1) + gravity_potential(r)
                - 0.5 * om**2 * (r[..., 0] ** 2 + r[..., 1] ** 2))

    e_lift, e_plain = jacobi(lifting), jacobi(plain)
    e0 = e_plain[:, :1]
    # the lift acts (the plain arcs hit the ground within ~2 min, the lifting ones still fly at 5 min), so the
    # test is not vacuous
    assert np.all(plain.is_impacted) and not np.any(lifting.is_impacted)
    k = plain.alt_m.shape[1]
    assert np.nanmax(lifting.alt_m[:, :k] - plain.alt_m) > 10e3
    # 1e-10 of |E| (6 mJ/kg, 0.6 mm of height), the integrator's global error (measured: 3e-11 with lift,
    # 1.5e-11 without); the lift acts at up to ~30 m/s^2 for minutes at ~2 km/s, so a lift that did even
    # 1e-6 of its possible work (~1e7 J/kg) would show as 10 J/kg, 1e-7 of |E|
    assert np.nanmax(np.abs(e_lift - e0) / np.abs(e0)) < 1e-10
    assert np.nanmax(np.abs(e_plain - e0) / np.abs(e0)) < 1e-10


def test_lifting_arc_matches_dop853():
    # The same right-hand side in solve_ivp(DOP853): isolates the integrator and impact search on an arc with
    # lift, whose guidance saturates and fades (kinks in the right-hand side, met by step rejection). DOP853
    # at rtol 1e-10 moves these impacts by under 1 cm from rtol 1e-12 (measured), so it is a cm reference at
    # a quarter of the cost; the row is the longest glide (443 s). Measured agreement: 3 cm and 25 µs.
    plan = _lifting_arcs(FULL)
    tr = propagate(plan, FULL, output_step_s=None)
    t_ref, y_ref, _ = scipy_reference(plan, FULL, 1, rtol=1e-10)
    np.testing.assert_allclose(tr.r_impact_ecef_m[1], y_ref[:3], atol=0.5)  # well inside the 1 m of a flight
    assert abs(tr.flight_time_s[1] - t_ref) < 1e-3


def test_boosted_quasi_ballistic_flight_matches_dop853():
    # The catalog KN-23 to 690 km: boost (pitch-over, cut-off) then lift. Measured: 0.1 m and 60 µs.
    sol = target_missile(threat_vehicle("kn-23"), *LAUNCH, *_aim(690e3), profile="quasi-ballistic", earth=FULL)
    tr = sol.trajectories
    t_ref, y_ref, _ = scipy_reference(sol.plan, FULL, 0, rtol=1e-10)
    np.testing.assert_allclose(tr.r_impact_ecef_m[0], y_ref[:3], atol=1.0)
    assert abs(tr.flight_time_s[0] - t_ref) < 1e-3


def _pull_up_m(alt_m):
    """Height regained after the lowest point that follows the apogee (0 for a plain ballistic fall)."""
    a = alt_m[np.isfinite(alt_m)]
    after = a[int(np.argmax(a)):]
    # lowest point before the climb: the first local minimum after the apogee
    dips = np.flatnonzero((after[1:-1] < after[:-2]) & (after[1:-1] <= after[2:])) + 1
    if dips.size == 0:
        return 0.0
    k = dips[0]
    return float(after[k:].max() - after[k])


def test_catalog_kn23_reproduces_reported_flights():
    """Reported KN-23 flights (threat catalog refs.kn23tests, refs.kn23pullup, refs.kn23speed):

    25 Jul 2019: 430 and 690 km, apogee about 50 km; Mar 2021: about 600 km, about 60 km, with a pull-up
    (falls after the apex, then climbs again); Sep 2021: 800 km, about 60 km; Oct 2022: about 700 km at 50 km,
    Mach 6.
    """
    vehicle = threat_vehicle("kn-23")
    cases = [(430e3, 50e3), (690e3, 50e3), (600e3, 60e3), (800e3, 60e3)]
    lat, lon = _aim([c[0] for c in cases], n=len(cases))
    tr_all = []
    for i, (_, apogee) in enumerate(cases):
        sol = target_missile(vehicle, *LAUNCH, lat[i:i + 1], lon[i:i + 1], profile="quasi-ballistic",
                             apogee_m=apogee, earth=FULL)
        # the aim point within the targeting's own tolerance (1 km), the apogee within 50 m of the report it
        # is shaped to (the Newton tolerance is 1 m; reports give it to 5-10 km)
        assert sol.miss_m[0] <= miss_tolerance_m(cases[i][0])
        assert abs(sol.trajectories.apogee_alt_m[0] - apogee) < 50.0
        tr_all.append(propagate(sol.plan, FULL, output_step_s=1.0))
    for (range_m, _), tr in zip(cases, tr_all, strict=True):
        # the pull-up: after descending from the apogee the body climbs again, by kilometres
        assert _pull_up_m(tr.alt_m[0]) > 2e3, range_m
        # reported "about Mach 6" at 700 km (ROK JCS, Oct 2022): 1.8-2.0 km/s at 20-50 km (sound speed
        # 295-330 m/s). The catalog motor, tuned to the 690 km standard-trajectory reach, burns out at about
        # 2.3 km/s: the model is up to 25% fast, stated in the catalog. Bound: within 30% of 1.9 km/s.
        peak = np.nanmax(np.linalg.norm(tr.v_ecef_mps[0], axis=1))
        assert 0.7 * 1.9e3 < peak < 1.3 * 1.9e3, (range_m, peak)
    # Mid-course the quasi-ballistic arc is slower than the ballistic one to the same point (the glide
    # trades speed for range): a longer flight than the minimum-energy arc, which itself climbs to ~190 km
    me = target_missile(vehicle, *LAUNCH, lat[1:2], lon[1:2], profile="minimum-energy", earth=FULL)
    assert me.trajectories.apogee_alt_m[0] > 150e3
    assert tr_all[1].flight_time_s[0] > me.trajectories.flight_time_s[0]


def test_the_same_boost_without_lift_falls_short():
    # Japanese MoD on the 25 Sep 2022 flight: over 650 km on an atypical trajectory at 50 km altitude, about
    # 400 km on a normal one (refs.kn23speed). Here: the 690 km solution flown again with the lift off lands
    # at 300-450 km (model: about 360 km), i.e. the lift adds 55-130% of range, as reported (63%).
    vehicle = threat_vehicle("kn-23")
    sol = target_missile(vehicle, *LAUNCH, *_aim(690e3), profile="quasi-ballistic", earth=FULL)
    plain = dataclasses.replace(sol.plan, lift_to_drag=np.zeros(1))
    tr = propagate(plain, FULL, output_step_s=None)
    from bmdsim.earth.frames import ecef_to_geodetic
    from bmdsim.earth.geodesy import surface_distance

    lat_i, lon_i, _ = ecef_to_geodetic(tr.r_impact_ecef_m, FULL.ellipsoid)
    ground = surface_distance(*LAUNCH, lat_i[0], lon_i[0], FULL.ellipsoid)
    assert 300e3 < ground < 450e3


# Reported KN-24 flights (threat catalog refs.kn24tests, refs.kn24speed, refs.kn24jan2022; ROK JCS figures):
# (launch area, lat, lon [deg; town coordinates, estimate], azimuth [deg; assumption: toward the sea, eastward
# as the Japanese MoD gave for Mar 2020, northeast for Aug 2019], range [m], apogee [m], reported Mach)
KN24_FLIGHTS = [
    ("Tongchon, 16 Aug 2019", 38.95, 127.9, 70.0, 230e3, 30e3, 6.1),
    ("Sunan, 17 Jan 2022", 39.2, 125.67, 65.0, 380e3, 42e3, 5.0),
    ("Hamhung, 10 Aug 2019", 39.9, 127.6, 70.0, 400e3, 48e3, 6.1),
    ("Sonchon, 21 Mar 2020", 39.8, 124.9, 75.0, 410e3, 50e3, None),
]


def _kn24_flight(case):
    _, lat_deg, lon_deg, az_deg, range_m, *_ = case
    launch = np.radians([[lat_deg], [lon_deg]])
    aim = surface_forward(launch[0], launch[1], np.radians([az_deg]), np.array([range_m]))
    return launch, aim


@pytest.mark.parametrize("case", KN24_FLIGHTS, ids=[c[0] for c in KN24_FLIGHTS])
def test_catalog_kn24_reproduces_reported_flights(case):
    """The catalog KN-24 flies each reported flight at its reported apogee.

    Fixed by construction: the apogee (targeted) and, for the 410 km / 50 km flight, being within reach (its
    L/D is calibrated on it). Checks: the three other flights are within reach at their own apogees, and the
    speed is near the reported Mach number.
    """
    from bmdsim.earth.atmosphere import speed_of_sound_m_s

    label, *_, range_m, apogee_m, mach_reported = case
    launch, aim = _kn24_flight(case)
    sol = target_missile(threat_vehicle("kn-24"), *launch, *aim, profile="quasi-ballistic", apogee_m=apogee_m,
                         earth=FULL)
    # the aim point within the targeting's own tolerance (1 km); the apogee within 50 m of the report (Newton
    # tolerance 1 m; reports give it to 1-5 km)
    assert sol.miss_m[0] <= miss_tolerance_m(range_m), label
    assert abs(sol.trajectories.apogee_alt_m[0] - apogee_m) < 50.0, label
    if mach_reported is None:
        return
    tr = propagate(sol.plan, FULL, output_step_s=1.0)
    speed = np.linalg.norm(tr.v_ecef_mps[0], axis=1)
    k = int(np.nanargmax(speed))
    mach = speed[k] / speed_of_sound_m_s(tr.alt_m[0, k])
    # The reports give no altitude or sound speed for their Mach number, so it is good to about 10% (at 15 km
    # the local Mach is 15% above the sea-level one); the catalog motor is tuned to the 410 km
    # standard-trajectory reach, not to the speed. Measured: Mach 5.5 (230 km; reported 6.1 or more), 6.4
    # (400 km; 6.1), 6.3 (380 km; 5, the fastest misfit, +26%), each at burnout near 12-15 km.
    assert 0.85 * mach_reported < mach < 1.3 * mach_reported, (label, mach)


def test_kn24_reach_is_calibrated_on_the_410_km_flight():
    # L/D 3.1 is the smallest tenth that reaches 410 km at a 50 km apogee from Sonchon (reach 416 km): a
    # flight 5% beyond the report is out of reach, so the calibration does not hide spare range.
    vehicle = threat_vehicle("kn-24")
    case = KN24_FLIGHTS[-1]
    launch, aim = _kn24_flight((*case[:4], 430e3, *case[5:]))
    with pytest.raises(UnreachableTargetError, match="quasi-ballistic reach"):
        target_missile(vehicle, *launch, *aim, profile="quasi-ballistic", earth=FULL)
    # The reason for the profile: the ballistic (minimum-energy) arc to the same point climbs to about 150 km,
    # three times the reported 50 km.
    launch, aim = _kn24_flight(case)
    me = target_missile(vehicle, *launch, *aim, profile="minimum-energy", earth=FULL)
    assert me.trajectories.apogee_alt_m[0] > 2 * 50e3


def test_kn24_lift_carries_a_third_of_the_range():
    # No public "normal trajectory" range of a KN-24 flight was found (for the KN-23 the Japanese MoD gave one),
    # so this is a property of the calibrated model, not a check against a report: the 410 km solution flown
    # again without lift lands at about 270 km (the lift adds about half), and after its apogee the lifting arc
    # falls to about 19 km and climbs again by about 6 km, the KN-23's pull-up (no KN-24 figure).
    from bmdsim.earth.frames import ecef_to_geodetic
    from bmdsim.earth.geodesy import surface_distance

    launch, aim = _kn24_flight(KN24_FLIGHTS[-1])
    sol = target_missile(threat_vehicle("kn-24"), *launch, *aim, profile="quasi-ballistic", earth=FULL)
    tr = propagate(dataclasses.replace(sol.plan, lift_to_drag=np.zeros(1)), FULL, output_step_s=None)
    lat_i, lon_i, _ = ecef_to_geodetic(tr.r_impact_ecef_m, FULL.ellipsoid)
    ground = surface_distance(launch[0, 0], launch[1, 0], lat_i[0], lon_i[0], FULL.ellipsoid)
    assert 230e3 < ground < 320e3
    assert _pull_up_m(propagate(sol.plan, FULL, output_step_s=1.0).alt_m[0]) > 2e3


def test_out_of_reach_and_unsupported_vehicles_are_named():
    with pytest.raises(UnreachableTargetError, match="quasi-ballistic reach"):
        target_missile(threat_vehicle("kn-23"), *LAUNCH, *_aim(900e3), profile="quasi-ballistic", earth=FULL)
    with pytest.raises(ValueError, match="quasi_ballistic block"):
        target_missile(threat_vehicle("nodong"), *LAUNCH, *_aim(900e3), profile="quasi-ballistic", earth=FULL)


@pytest.mark.parametrize("no_jit", ["", "1"])
def test_rows_without_lift_are_bit_identical_beside_lifting_rows(monkeypatch, no_jit):
    # The ballistic profiles are untouched: rows without lift skip the lift code (numpy: they add exactly 0.0;
    # compiled: the branch is not taken), so a ballistic flight is the same to the last bit alone or batched
    # with lifting rows. (Against the code before the profile existed this was checked when it was added:
    # minimum-energy, lofted and depressed solutions of three catalog missiles, both paths, bit-identical.)
    from bmdsim.flight.plan import concat_plans

    monkeypatch.setenv("BMDSIM_NO_JIT", no_jit)
    vehicle = threat_vehicle("kn-23")
    ballistic = plan_powered(vehicle, *LAUNCH, 0.0, EAST, np.radians([20.0, 40.0]), earth=FULL)
    alone = propagate(ballistic, FULL, output_step_s=1.0)
    mixed = propagate(concat_plans([ballistic, _lifting_arcs(FULL)]), FULL, output_step_s=1.0)
    assert np.array_equal(alone.r_impact_ecef_m, mixed.r_impact_ecef_m[:2])
    assert np.array_equal(alone.t_impact_s, mixed.t_impact_s[:2])
    k = alone.r_ecef_m.shape[1]
    assert np.array_equal(alone.r_ecef_m, mixed.r_ecef_m[:2, :k], equal_nan=True)
