"""Radar model: the range equation anchored at a reference point, modes, measurement errors, bad input."""

import math

import numpy as np
import pytest

from bmdsim.scenario.radar_catalog import load_radar_catalog
from bmdsim.sensors.radar import (
    RadarSite,
    detection_range_m,
    measurement_sigma,
    radar_from_catalog,
    snr_db,
)
from tests.sensors._helpers import make_radar

K_BOLTZMANN = 1.380649e-23  # J/K, exact (SI 2019)


def full_radar_equation_db(p_w, g, lam_m, rcs_m2, tau_s, t_sys_k, r_m, loss):
    """Skolnik (2001) eq. 2.61, single pulse: SNR = P G^2 lambda^2 sigma tau / ((4 pi)^3 k T R^4 L)."""
    return 10 * np.log10(p_w * g**2 * lam_m**2 * rcs_m2 * tau_s / ((4 * np.pi) ** 3 * K_BOLTZMANN * t_sys_k
                                                                       * np.asarray(r_m) ** 4 * loss))


def test_scaled_form_matches_full_radar_equation():
    # A made-up radar (1 MW, 40 dB, X-band, 1 ms, 500 K, 5 dB losses). Anchor R_ref where 1 m^2 gives
    # 13.2 dB, then compare SNR elsewhere: the scaled form is exact in the equation (1e-9 dB).
    args = dict(p_w=1e6, g=1e4, lam_m=0.03, tau_s=1e-3, t_sys_k=500.0, loss=10**0.5)
    snr_at_1km = full_radar_equation_db(rcs_m2=1.0, r_m=1e3, **args)
    r_ref = 1e3 * 10 ** ((snr_at_1km - 13.2) / 40)
    radar = make_radar(search_reference_range_m=r_ref)
    r = np.array([50e3, 300e3, 1_234e3, 4_000e3])
    for rcs in (0.001, 0.01, 1.0, 20.0):
        np.testing.assert_allclose(snr_db(radar, r, rcs), full_radar_equation_db(rcs_m2=rcs, r_m=r, **args),
                                   atol=1e-9)


def test_rcs_16x_smaller_halves_detection_range():
    # R ~ sigma^(1/4): exact in the range equation, so to round-off (1e-9 relative).
    radar = make_radar()
    for mode in ("search", "cued", "track"):
        r1 = float(detection_range_m(radar, 0.16, mode))
        r2 = float(detection_range_m(radar, 0.01, mode))
        assert r2 / r1 == pytest.approx(0.5, rel=1e-9)
        # and the SNR there is exactly the threshold
        assert float(snr_db(radar, r2, 0.01, mode)) == pytest.approx(radar.reference_snr_db, abs=1e-9)


def test_cued_gain_is_search_radar_equation_ratio():
    # Search radar equation (Skolnik 2001 eq. 2.62): SNR ~ P_av A_e t_frame sigma / (Omega R^4), frame time
    # held: shrinking Omega 10x gives +10 dB and 10^(1/4) = 1.778x the range.
    radar = make_radar(search_solid_angle_sr=0.2, cued_solid_angle_sr=0.02)
    assert radar.cued_gain_db == pytest.approx(10.0, abs=1e-12)
    ratio = detection_range_m(radar, 1.0, "cued") / detection_range_m(radar, 1.0, "search")
    assert float(ratio) == pytest.approx(10 ** 0.25, rel=1e-12)
    assert float(detection_range_m(radar, 1.0, "track") / detection_range_m(radar, 1.0)) == pytest.approx(
        10 ** (radar.track_gain_db / 40), rel=1e-12)


def test_measurement_sigma_thermal_and_floor():
    # Barton (2005) sec. 7.1: sigma = resolution / (k sqrt(2 SNR)), k_m = 1.6 for angles, 1 for range.
    radar = make_radar(range_sigma_floor_m=0.0, angle_sigma_floor_rad=0.0)
    snr = 20.0  # 13.0 dB
    s = measurement_sigma(radar, 10 * np.log10(snr), 0.0)
    assert s[0] == pytest.approx(15.0 / np.sqrt(40.0), rel=1e-12)
    assert s[2] == pytest.approx(0.01 / (1.6 * np.sqrt(40.0)), rel=1e-12)
    assert s[1] == pytest.approx(s[2], rel=1e-12)  # at zero elevation az and el errors are equal
    # 6 dB more SNR halves the thermal term
    s6 = measurement_sigma(radar, 10 * np.log10(snr) + 10 * np.log10(4), 0.0)
    np.testing.assert_allclose(s6, s / 2, rtol=1e-12)
    # at 60 deg elevation the azimuth error doubles (1 / cos el)
    s60 = measurement_sigma(radar, 13.0, np.radians(60))
    assert s60[1] == pytest.approx(2 * s60[2], rel=1e-12)
    # at very high SNR the floors remain
    floored = measurement_sigma(make_radar(), 200.0, 0.0)
    assert floored[0] == pytest.approx(5.0, rel=1e-6)
    assert floored[2] == pytest.approx(1e-4, rel=1e-6)
    # batch shape
    assert measurement_sigma(radar, np.full((4, 5), 13.0), np.zeros((4, 5))).shape == (4, 5, 3)


@pytest.mark.parametrize("field, value, message", [
    ("max_range_m", -5.0, "RadarConfig.max_range_m must be > 0 m, got -5.0"),
    ("search_reference_range_m", 0.0, "RadarConfig.search_reference_range_m must be > 0 m"),
    ("sector_half_width_rad", math.radians(190), "RadarConfig.sector_half_width_rad must be in (0, pi]"),
    ("min_elevation_rad", math.radians(95), "RadarConfig.min_elevation_rad"),
    ("search_revisit_s", 0.0, "RadarConfig.search_revisit_s must be > 0 s"),
    ("track_revisit_s", -1.0, "RadarConfig.track_revisit_s must be > 0 s"),
    ("cued_solid_angle_sr", 1.0, "RadarConfig.cued_solid_angle_sr must be <= search_solid_angle_sr"),
    ("track_gain_db", -3.0, "RadarConfig.track_gain_db must be >= 0 dB"),
    ("pfa", 1.5, "RadarConfig.pfa must be in (0, 1)"),
    ("swerling", 2, "RadarConfig.swerling must be 0, 1 or 3"),
    ("beamwidth_rad", float("nan"), "RadarConfig.beamwidth_rad must be > 0 rad"),
])
def test_impossible_parameters_rejected(field, value, message):
    with pytest.raises(ValueError) as err:
        make_radar(**{field: value})
    assert message in str(err.value)


def test_reversed_elevation_limits_rejected():
    with pytest.raises(ValueError, match=r"RadarConfig\.min_elevation_rad must be < max_elevation_rad"):
        make_radar(min_elevation_rad=0.5, max_elevation_rad=0.2)


def test_site_rejects_bad_position():
    with pytest.raises(ValueError, match=r"RadarSite\[x\].lat_rad"):
        RadarSite(name="x", radar=make_radar(), lat_rad=2.0, lon_rad=0.0)


def test_every_catalog_radar_builds():
    catalog = load_radar_catalog()
    for key in catalog.radars:
        radar = radar_from_catalog(key)
        assert radar.name == key
        # the published range is the search range of the reference target (file header convention)
        assert float(detection_range_m(radar, radar.reference_rcs_m2)) == pytest.approx(
            catalog.radars[key].search_reference_range_km.value * 1e3, rel=1e-12)
    # TPY-2 FBM reproduces both public numbers (docs/methods/sensors.md): 2,000 km at 1 m^2 in search and
    # about 1,000 km against a 0.01 m^2 warhead in track.
    tpy2 = radar_from_catalog("tpy2-fbm")
    assert float(detection_range_m(tpy2, 0.01, "track")) == pytest.approx(1_125e3, rel=0.01)
