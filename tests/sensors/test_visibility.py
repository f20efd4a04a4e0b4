"""Line of sight over the curved Earth: closed forms on the sphere, brute force on WGS 84, horizon times."""

import math

import numpy as np
import pytest

from bmdsim.earth.constants import GM_EARTH_M3_S2, SPHERE_RADIUS_M
from bmdsim.earth.frames import ecef_to_geodetic, geodetic_to_ecef
from bmdsim.earth.model import SPHERE, WGS84
from bmdsim.sensors.coverage import coverage
from bmdsim.sensors.observe import interpolate_positions
from bmdsim.sensors.radar import RadarSite
from bmdsim.sensors.visibility import is_clear_of_ellipsoid, is_visible, look_geometry
from tests.sensors._helpers import make_radar

R = SPHERE_RADIUS_M
BIG = dict(search_reference_range_m=1e9, max_range_m=1e9)  # so that only geometry limits


def sphere_site(h_r=0.0, **radar):
    return RadarSite(name="s", radar=make_radar(**{**BIG, **radar}), lat_rad=0.3, lon_rad=1.2, alt_m=h_r,
                     ellipsoid=SPHERE)


@pytest.mark.parametrize("h_r, h_t", [(0.0, 100e3), (30.0, 10e3), (500.0, 300e3), (2_000.0, 1_000e3)])
@pytest.mark.parametrize("k", [1.0, 4.0 / 3.0])
def test_grazing_horizon_matches_sphere_closed_form(h_r, h_t, k):
    # Line of sight only (minimum elevation -90 deg): the farthest ground range is the sum of both horizon
    # arcs on the (effective) sphere, R_e (acos(R_e/(R_e+h_r)) + acos(R_e/(R_e+h_t))), R_e = k R
    # [Doerry 2013 eq. 8]. Ground range is preserved by the effective-radius map, so it compares directly.
    # Tolerance 1 mm: the geodesic and the bisection are exact to far better on the sphere.
    r_e = k * R
    expected = r_e * (math.acos(r_e / (r_e + h_r)) + math.acos(r_e / (r_e + h_t)))
    cov = coverage(sphere_site(h_r), target_alt_m=h_t, rcs_m2=1.0, refraction_k=k,
                   min_elevation_rad=-math.pi / 2, az_step_rad=math.radians(45))
    np.testing.assert_allclose(cov.ground_range_m, expected, atol=1e-3)
    assert set(cov.limited_by) == {"horizon"}


@pytest.mark.parametrize("h_r, h_t, el_deg", [(0.0, 100e3, 0.0), (500.0, 300e3, 0.0), (0.0, 300e3, 5.0)])
def test_minimum_elevation_matches_sphere_closed_form(h_r, h_t, el_deg):
    # Elevation el from height h_r of a target at h_t on a sphere: the target's central angle is
    # psi = acos((R+h_r) cos(el) / (R+h_t)) - el (law of sines in the Earth-centre triangle).
    el = math.radians(el_deg)
    psi = math.acos((R + h_r) * math.cos(el) / (R + h_t)) - el
    cov = coverage(sphere_site(h_r), target_alt_m=h_t, rcs_m2=1.0, min_elevation_rad=el,
                   az_step_rad=math.radians(90))
    np.testing.assert_allclose(cov.ground_range_m, R * psi, atol=1e-3)
    assert set(cov.limited_by) == ({"elevation"} if el_deg > 0 else {"horizon"})


def test_wgs84_segment_test_against_brute_force():
    # Independent check of the exact ellipsoid test: sample 4,001 points on each segment and call it blocked
    # when any has negative geodetic height. Segments are drawn near grazing; pairs whose closest approach is
    # within 1 m of the surface (sampling could miss it) are skipped.
    rng = np.random.default_rng(3)
    n = 400
    lat0, lon0 = rng.uniform(-1.4, 1.4, n), rng.uniform(-3, 3, n)
    h0 = rng.uniform(0.0, 3_000.0, n)
    az = rng.uniform(0, 2 * np.pi, n)
    dist = rng.uniform(100e3, 3_000e3, n)
    from bmdsim.earth.geodesy import surface_forward
    lat1, lon1 = surface_forward(lat0, lon0, az, dist, WGS84)
    h1 = rng.uniform(0.0, 600e3, n)
    p0 = geodetic_to_ecef(lat0, lon0, h0)
    p1 = geodetic_to_ecef(lat1, lon1, h1)
    s = np.linspace(0.0, 1.0, 4001)
    pts = p0[:, None, :] + s[None, :, None] * (p1 - p0)[:, None, :]
    min_h = ecef_to_geodetic(pts)[2].min(axis=1)
    decided = np.abs(min_h) > 1.0
    brute_clear = min_h > 0
    clear = is_clear_of_ellipsoid(p0, p1, WGS84)
    assert decided.sum() > 350 and 0.2 < brute_clear.mean() < 0.8  # a real mix of both outcomes
    np.testing.assert_array_equal(clear[decided], brute_clear[decided])


def test_nonnegative_elevation_is_always_clear():
    # The argument of the visibility module: for an antenna on or above WGS 84, a target at el >= 0 cannot
    # be hidden by the ellipsoid (its horizontal plane supports the convex ellipsoid).
    rng = np.random.default_rng(11)
    for _ in range(5):
        site = RadarSite(name="s", radar=make_radar(**BIG), lat_rad=rng.uniform(-1.5, 1.5),
                         lon_rad=rng.uniform(-3, 3), alt_m=rng.uniform(0, 5_000))
        lat = site.lat_rad + rng.uniform(-0.6, 0.6, 2000)
        lon = site.lon_rad + rng.uniform(-0.6, 0.6, 2000)
        r = geodetic_to_ecef(np.clip(lat, -1.57, 1.57), lon, rng.uniform(0, 1_500e3, 2000))
        g = look_geometry(site, r)
        up = g.el_rad >= 0
        assert up.sum() > 100
        assert g.is_clear[up].all()


def test_no_refraction_means_no_correction_and_nan_is_not_visible():
    site = RadarSite(name="s", radar=make_radar(**BIG), lat_rad=0.6, lon_rad=2.2, alt_m=100.0)
    r = geodetic_to_ecef(np.array([0.61, 0.62, np.nan]), np.array([2.21, 2.3, 2.2]),
                         np.array([1e4, 1e5, 1e5]))
    g1 = look_geometry(site, r)
    gk = look_geometry(site, r, refraction_k=1.0 + 1e-15)
    np.testing.assert_allclose(gk.el_apparent_rad[:2], g1.el_rad[:2], atol=1e-12)
    vis = is_visible(site, g1)
    assert vis.tolist() == [True, True, False]


def test_sector_and_max_range():
    radar = make_radar(sector_half_width_rad=math.radians(30), max_range_m=500e3)
    site = RadarSite(name="s", radar=radar, lat_rad=0.0, lon_rad=0.0, boresight_az_rad=math.radians(90))
    from bmdsim.earth.geodesy import surface_forward
    az = np.radians([62.0, 90.0, 121.0, 90.0])
    d = np.array([200e3, 200e3, 200e3, 700e3])
    lat, lon = surface_forward(0.0, 0.0, az, d)
    g = look_geometry(site, geodetic_to_ecef(lat, lon, 100e3))
    assert is_visible(site, g).tolist() == [True, True, False, False]


def kepler_position(r0, v0, dt):
    """Independent two-body propagation (elliptic orbit, eccentric anomaly, Newton on Kepler's equation)."""
    mu = GM_EARTH_M3_S2
    r = np.linalg.norm(r0)
    v2 = v0 @ v0
    a = 1.0 / (2.0 / r - v2 / mu)
    h = np.cross(r0, v0)
    e_vec = ((v2 - mu / r) * r0 - (r0 @ v0) * v0) / mu
    e = np.linalg.norm(e_vec)
    p_hat = e_vec / e
    q_hat = np.cross(h, p_hat) / np.linalg.norm(h)
    e0 = math.atan2((r0 @ v0) / (e * math.sqrt(mu * a)), (1 - r / a) / e)
    m = e0 - e * math.sin(e0) + math.sqrt(mu / a**3) * dt
    ea = m
    for _ in range(50):
        ea -= (ea - e * math.sin(ea) - m) / (1 - e * math.cos(ea))
    return a * (math.cos(ea) - e) * p_hat + a * math.sqrt(1 - e * e) * math.sin(ea) * q_hat


def bisect_rise(el_of_t, lo, hi, n=60):
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if el_of_t(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def test_horizon_rise_time_of_propagated_flight_matches_kepler(sphere_flights):
    # A flight on the non-rotating vacuum sphere is a Kepler ellipse. The time it rises above a distant
    # radar's horizon (el = 0 from a site on the surface) is found by bisection twice: on the propagated,
    # Hermite-interpolated trajectory with bmdsim's look geometry, and on the analytic ellipse with the
    # elementary elevation asin(u . (r - r_s) / |r - r_s|). Propagator and interpolation errors are
    # millimetres and the elevation rate near 1e-3 rad/s at ~10^6 m: tolerance 0.01 s.
    traj = sphere_flights
    i = 0
    site = RadarSite(name="far", radar=make_radar(**BIG), lat_rad=math.radians(38.0),
                     lon_rad=math.radians(143.0), ellipsoid=SPHERE)
    k0 = int(np.flatnonzero(np.isfinite(traj.r_ecef_m[i, :, 0]))[0])
    r0, v0, t0 = traj.r_ecef_m[i, k0], traj.v_ecef_mps[i, k0], traj.t_s[k0]
    r_s = site.r_ecef_m
    up = r_s / np.linalg.norm(r_s)

    def el_kepler(t):
        d = kepler_position(r0, v0, t - t0) - r_s
        return math.asin(up @ d / np.linalg.norm(d))

    def el_code(t):
        r = interpolate_positions(traj, np.full((traj.n, 1), t))[i, 0]
        return float(look_geometry(site, r).el_rad)

    grid = traj.t_s[(traj.t_s > t0) & (traj.t_s < traj.t_impact_s[i] - 1)]
    els = np.array([el_kepler(t) for t in grid])
    rise = np.flatnonzero((els[:-1] < 0) & (els[1:] >= 0))
    assert rise.size == 1
    lo, hi = grid[rise[0]], grid[rise[0] + 1]
    t_kepler = bisect_rise(el_kepler, lo, hi)
    t_code = bisect_rise(el_code, lo, hi)
    assert t_code == pytest.approx(t_kepler, abs=0.01)
    assert 50.0 < t_kepler - t0 < traj.t_impact_s[i] - t0 - 50.0  # a crossing in mid-flight, not at an end
