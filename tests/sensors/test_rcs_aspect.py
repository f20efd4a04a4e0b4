"""The aspect RCS model in observation: aspect angles, RCS per look, crossing vs nose-on detection."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmdsim.earth.model import WGS84
from bmdsim.flight.propagator import Trajectories
from bmdsim.sensors.observe import observe
from bmdsim.sensors.radar import RadarSite
from bmdsim.sensors.rcs import (
    SHAPE_CAPSULE,
    SHAPE_CONE_SPHERE,
    ObjectShapes,
    ThreatRcs,
    aspect_angle_rad,
    rcs_at_looks,
    spent_stage_rcs,
    threat_rcs_from_catalog,
)
from tests.sensors._helpers import make_radar

X_BAND_HZ = 9.5e9


def _rv_rcs(n: int) -> ThreatRcs:
    """n cone-sphere RVs: base radius 0.5 m, half-angle 10 deg, nose radius 5 cm (nose-on 0.0085 m^2 at X)."""
    shapes = ObjectShapes(booster_kind=np.full(n, SHAPE_CAPSULE), booster_radius_m=np.full(n, 0.5),
                          booster_length_m=np.full(n, 10.0), post_kind=np.full(n, SHAPE_CONE_SPHERE),
                          post_radius_m=np.full(n, 0.5), post_length_m=np.full(n, 2.8),
                          half_angle_rad=np.full(n, math.radians(10.0)), nose_radius_m=np.full(n, 0.05))
    return ThreatRcs(booster_m2=np.ones(n), post_boost_m2=np.full(n, 0.01), shapes=shapes)


def test_aspect_angle_conventions():
    site = np.array([0.0, 0.0, 0.0])
    r = np.array([[1000.0, 0, 0], [1000.0, 0, 0], [1000.0, 0, 0]])
    v = np.array([[-1.0, 0, 0], [1.0, 0, 0], [0.0, 3.0, 0]])  # toward the radar, away, across
    np.testing.assert_allclose(aspect_angle_rad(v, r, site), [0.0, math.pi, math.pi / 2], atol=1e-12)
    # at rest the body axis is the local vertical (a missile on its pad): seen from below, tail-on
    assert aspect_angle_rad(np.zeros(3), np.array([7e6, 0, 0]), np.array([6.4e6, 0, 0])) == pytest.approx(math.pi)


def _straight_lines(r0_ecef_m, v_ecef_mps, duration_s: float) -> Trajectories:
    """Uniform straight-line motion on a 1 s grid (no gravity: the test is about geometry and RCS)."""
    r0, v = np.asarray(r0_ecef_m, dtype=float), np.asarray(v_ecef_mps, dtype=float)
    n = r0.shape[0]
    t = np.arange(0.0, duration_s + 0.5, 1.0)
    r = r0[:, None, :] + v[:, None, :] * t[None, :, None]
    vv = np.broadcast_to(v[:, None, :], r.shape).copy()
    nan3 = np.full((n, 3), np.nan)
    return Trajectories(t_s=t, r_ecef_m=r, v_ecef_mps=vv, alt_m=np.linalg.norm(r, axis=-1) - WGS84.a_m,
                        phase=np.ones((n, t.size), dtype=np.int8), t_launch_s=np.zeros(n), t_burnout_s=np.zeros(n),
                        r_burnout_ecef_m=r0.copy(), v_burnout_ecef_mps=v.copy(), t_apogee_s=np.full(n, np.nan),
                        apogee_alt_m=np.full(n, np.nan), t_impact_s=np.full(n, np.nan), r_impact_ecef_m=nan3,
                        v_impact_ecef_mps=nan3.copy(), is_impacted=np.zeros(n, dtype=bool),
                        n_steps=np.zeros(n, dtype=np.int64))


def test_broadside_rv_is_detected_farther_than_nose_on():
    # A radar on the equator at 0 deg E (ECEF +x up). RV A flies straight at it down the vertical (nose-on);
    # RV B crosses 1,500 km overhead at 3 km/s (aspect sweeping through the flank specular and broadside).
    # The radar sees a 1 m^2 target at 1,000 km: a 0.0085 m^2 nose-on RV at about 300 km in search, 550 km in
    # track; broadside B shows 0.8-350 m^2, detectable beyond 1,500 km. Nominal figures (0.01 m^2 at all
    # aspects) never detect B, whose range never falls below 1,500 km.
    radar = make_radar(frequency_hz=X_BAND_HZ, max_range_m=6_000e3)
    site = RadarSite(name="r", radar=radar, lat_rad=0.0, lon_rad=0.0)
    up = WGS84.a_m
    r0 = [[up + 4_000e3, 1e3, 0.0], [up + 1_500e3, -4_000e3, 0.0]]
    v = [[-3e3, 0.0, 0.0], [0.0, 3e3, 0.0]]
    tr = _straight_lines(r0, v, 2_600.0)
    det = observe(tr, [site], 11, rcs=_rv_rcs(2)).summary.first_detection_s[0]
    rng_first = np.linalg.norm(tr.r_ecef_m[np.arange(2), det.astype(int)] - site.r_ecef_m, axis=-1)
    assert rng_first[0] < 600e3  # nose-on: a few hundred km
    assert rng_first[1] > 1_400e3  # crossing: at the 1,500 km closest approach or beyond
    assert rng_first[1] > 2 * rng_first[0]
    nominal = observe(tr, [site], 11, rcs=ThreatRcs.uniform(2, 1.0, 0.01)).summary.first_detection_s[0]
    assert np.isfinite(nominal[0]) and np.isnan(nominal[1])


def test_aspect_model_needs_the_radar_frequency():
    site = RadarSite(name="r", radar=make_radar(), lat_rad=0.0, lon_rad=0.0)
    tr = _straight_lines([[WGS84.a_m + 500e3, 0.0, 0.0]], [[-3e3, 0.0, 0.0]], 60.0)
    with pytest.raises(ValueError, match="has no frequency_hz"):
        observe(tr, [site], 1, rcs=_rv_rcs(1))


def test_nominal_model_ignores_aspect():
    rcs = ThreatRcs.uniform(2, 1.0, 0.01)
    t = np.array([[0.0, 10.0], [0.0, 10.0]])
    out = rcs_at_looks(rcs, t, np.array([5.0, 5.0]), aspect_rad=np.full((2, 2), 1.0), wavelength_m=0.03)
    np.testing.assert_array_equal(out, [[1.0, 0.01], [1.0, 0.01]])


def test_catalog_shapes_and_cache_key():
    nominal = threat_rcs_from_catalog(["scud-b", "hwasong-12", "gun-170mm"])
    aspect = threat_rcs_from_catalog(["scud-b", "hwasong-12", "gun-170mm"], "aspect")
    assert nominal.model == "nominal" and aspect.model == "aspect"
    assert nominal.key() != aspect.key()
    np.testing.assert_array_equal(aspect.post_boost_m2, nominal.post_boost_m2)  # figures kept (the shell uses it)
    sh = aspect.shapes
    assert sh.post_kind.tolist() == [SHAPE_CAPSULE, SHAPE_CONE_SPHERE, 0]
    assert sh.post_radius_m[0] == pytest.approx(0.44)  # Scud-B body, 0.88 m (threats.yaml)
    assert sh.post_length_m[0] == pytest.approx(11.25)
    assert sh.post_radius_m[1] == pytest.approx(0.5)  # Hwasong-12 RV, 1.0 m base (threats.yaml)
    assert aspect.take([1]).shapes.post_radius_m.tolist() == [0.5]
    # the shell keeps its figure at every aspect
    out = rcs_at_looks(aspect, np.array([[10.0]] * 3), np.zeros(3), aspect_rad=np.full((3, 1), 1.3),
                       wavelength_m=0.03)
    assert out[2, 0] == nominal.post_boost_m2[2]
    with pytest.raises(ValueError, match="RCS model must be one of nominal, aspect"):
        threat_rcs_from_catalog(["scud-b"], "mean")
    assert spent_stage_rcs(["hwasong-14"], "aspect").shapes.post_radius_m[0] == pytest.approx(0.625)


@settings(max_examples=100, deadline=None)
@given(pos=st.lists(st.floats(-8e6, 8e6), min_size=3, max_size=3),
       vel=st.lists(st.floats(-8e3, 8e3), min_size=3, max_size=3),
       lat=st.floats(-1.5, 1.5), lon=st.floats(-3.1, 3.1), lam=st.floats(0.01, 0.5), t=st.floats(-10.0, 1e3))
def test_observed_rcs_is_finite_and_positive(pos, vel, lat, lon, lam, t):
    site = RadarSite(name="r", radar=make_radar(), lat_rad=lat, lon_rad=lon)
    r = np.array(pos) + site.r_ecef_m * 1.5  # keep the object away from the radar itself
    rcs = threat_rcs_from_catalog(["hwasong-14", "scud-b", "gun-170mm", "kn-23"], "aspect")
    aspect = aspect_angle_rad(np.array(vel), r, site.r_ecef_m)
    out = rcs_at_looks(rcs, np.full((4, 1), t), np.full(4, 100.0), aspect_rad=np.full((4, 1), aspect),
                       wavelength_m=lam)
    assert np.all(np.isfinite(out)) and np.all(out > 0)


def test_interpolated_velocity_is_the_derivative_of_the_interpolated_position(sphere_flights):
    # the aspect uses the Hermite cubic's derivative: a central difference of the interpolated positions
    # (h = 1 ms) agrees to 1 cm/s, far above the difference's truncation error (h^2 |r'''| / 6) and the
    # rounding of 7,000-km positions over 2 ms (about 1e-6 m/s): a wrong basis derivative is off by km/s
    from bmdsim.sensors.observe import _hermite_states

    tr = sphere_flights
    t = np.broadcast_to(tr.t_launch_s[:, None] + np.array([100.3, 250.75, 400.5]), (tr.n, 3)).copy()
    _, v = _hermite_states(tr.t_s, tr.r_ecef_m, tr.v_ecef_mps, t)
    h = 1e-3
    rp = _hermite_states(tr.t_s, tr.r_ecef_m, tr.v_ecef_mps, t + h, with_velocity=False)[0]
    rm = _hermite_states(tr.t_s, tr.r_ecef_m, tr.v_ecef_mps, t - h, with_velocity=False)[0]
    np.testing.assert_allclose(v, (rp - rm) / (2 * h), atol=1e-2)
    # and the grid velocity at grid points
    tg = np.broadcast_to(tr.t_s[[200, 300]], (tr.n, 2)).copy()
    _, vg = _hermite_states(tr.t_s, tr.r_ecef_m, tr.v_ecef_mps, tg)
    ok = np.isfinite(vg)
    np.testing.assert_allclose(vg[ok], tr.v_ecef_mps[:, [200, 300]][ok], atol=1e-9)
