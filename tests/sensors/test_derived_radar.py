"""Derived radar configurations from the power-aperture equations (``sensors[].power_aperture``, issue 12).

The derived radar keeps the catalog's quoted range as its anchor and takes only ratios from the equations, so
every ratio is checked against the absolute power-aperture model of the same radar (AN/TPY-2's public figures,
:mod:`bmdsim.sensors.power_aperture`): the two must agree to round-off, since both are the same equations.
"""

from __future__ import annotations

import math

import pytest

from bmdsim.scenario.radar_catalog import catalog_frequency_hz
from bmdsim.sensors.power_aperture import PowerAperture, derived_radar, from_catalog, search_range_m, track_range_m
from bmdsim.sensors.radar import radar_from_catalog

KEY = "tpy2-fbm"


def _track_range_m(radar) -> float:
    """Range at which a track dwell on the reference target reaches the reference SNR [m]."""
    return radar.search_reference_range_m * 10 ** (radar.track_gain_db / 40)


def test_stacked_arrays_match_the_absolute_model():
    """Two stacked arrays: search range x 2^(1/2), track range x 2^(3/4), as the absolute model says."""
    base, pa, modes = radar_from_catalog(KEY), *from_catalog(KEY)
    two = derived_radar(base, arrays=2)
    s0 = search_range_m(pa, 1.0, frame_time_s=modes["frame_time_s"], solid_angle_sr=modes["solid_angle_sr"])
    s2 = search_range_m(pa.stacked(2), 1.0, frame_time_s=modes["frame_time_s"], solid_angle_sr=modes["solid_angle_sr"])
    t0 = track_range_m(pa, 1.0, dwell_s=modes["track_dwell_s"])
    t2 = track_range_m(pa.stacked(2), 1.0, dwell_s=modes["track_dwell_s"])
    assert two.search_reference_range_m / base.search_reference_range_m == pytest.approx(s2 / s0, rel=1e-12)
    assert _track_range_m(two) / _track_range_m(base) == pytest.approx(t2 / t0, rel=1e-12)
    assert s2 / s0 == pytest.approx(2**0.5, rel=1e-12) and t2 / t0 == pytest.approx(2**0.75, rel=1e-12)
    assert two.beamwidth_rad == pytest.approx(base.beamwidth_rad / 2**0.5)


def test_narrower_sector_lengthens_search_only():
    """Half the sector at the same frame time: search range x 2^(1/4) (the search equation's 1/Omega),
    track range unchanged."""
    base, pa, modes = radar_from_catalog(KEY), *from_catalog(KEY)
    full = math.degrees(2 * base.sector_half_width_rad)
    half = derived_radar(base, sector_deg=full / 2)
    s0 = search_range_m(pa, 1.0, frame_time_s=modes["frame_time_s"], solid_angle_sr=modes["solid_angle_sr"])
    s1 = search_range_m(pa, 1.0, frame_time_s=modes["frame_time_s"], solid_angle_sr=modes["solid_angle_sr"] / 2)
    assert half.search_reference_range_m / base.search_reference_range_m == pytest.approx(s1 / s0, rel=1e-12)
    assert _track_range_m(half) == pytest.approx(_track_range_m(base), rel=1e-12)
    assert half.search_solid_angle_sr == pytest.approx(base.search_solid_angle_sr / 2)
    assert math.degrees(2 * half.sector_half_width_rad) == pytest.approx(full / 2)


def test_another_band_changes_track_as_lambda_squared():
    """The same array at 4 GHz instead of 9.5 GHz: search range unchanged (no wavelength in the search
    equation), track range x (4 / 9.5)^(1/2) (gain 4 pi A / lambda^2, to the fourth root), beam wider."""
    base, pa, modes = radar_from_catalog(KEY), *from_catalog(KEY)
    f0 = catalog_frequency_hz(KEY)
    s_band = derived_radar(base, frequency_hz=4e9, base_frequency_hz=f0)
    pa3 = PowerAperture(average_power_w=pa.average_power_w, aperture_area_m2=pa.aperture_area_m2,
                        aperture_efficiency=pa.aperture_efficiency, frequency_hz=4e9,
                        system_noise_temperature_k=pa.system_noise_temperature_k, loss_db=pa.loss_db)
    ratio = (track_range_m(pa3, 1.0, dwell_s=modes["track_dwell_s"])
             / track_range_m(pa, 1.0, dwell_s=modes["track_dwell_s"]))
    assert s_band.search_reference_range_m == pytest.approx(base.search_reference_range_m, rel=1e-12)
    assert _track_range_m(s_band) / _track_range_m(base) == pytest.approx(ratio, rel=1e-12)
    assert s_band.beamwidth_rad == pytest.approx(base.beamwidth_rad * f0 / 4e9)
    # the derived radar carries its new band (the aspect RCS model reads it); unchanged otherwise
    assert s_band.frequency_hz == 4e9
    assert derived_radar(base, arrays=2).frequency_hz == base.frequency_hz


def test_impossible_changes_are_refused():
    base = radar_from_catalog(KEY)
    with pytest.raises(ValueError, match="no catalog frequency"):
        derived_radar(radar_from_catalog("spy1d"), frequency_hz=3e9, base_frequency_hz=None)
    with pytest.raises(ValueError, match="track dwell"):
        derived_radar(base, sector_deg=5.0)  # search would outgain the track dwell
    with pytest.raises(ValueError, match="arrays"):
        derived_radar(base, arrays=0)


def test_scenario_field_derives_the_placement_and_reports_bad_values(capsys):
    from bmdsim.assessment.build import resolve
    from bmdsim.scenario.schema import parse_scenario
    from tests.robustness.conftest import BASE

    text = BASE.replace("site: shariki}", "site: shariki, power_aperture: {arrays: 2, sector_deg: 60}}")
    cfg, lines = parse_scenario(text, "s.yaml")
    radar = resolve(cfg, file="s.yaml", lines=lines).radars[0].radar
    base = radar_from_catalog(KEY)
    # two arrays (x 4 in search SNR) over half the sector (x 2): range x 8^(1/4)
    assert radar.search_reference_range_m == pytest.approx(base.search_reference_range_m * 8**0.25, rel=1e-12)
    assert math.degrees(2 * radar.sector_half_width_rad) == pytest.approx(60.0)


def test_scenario_bad_derivation_is_one_line_naming_the_field(tmp_path, capsys):
    from tests.robustness.conftest import BASE, assert_one_line_error, run_cli

    bad = tmp_path / "s.yaml"
    bad.write_text(BASE.replace("type: tpy2-fbm", "type: spy1d").replace(
        "site: shariki}", "site: shariki, power_aperture: {frequency_ghz: 9.5}}"))
    status, _, err = run_cli(capsys, "run", bad, "--out", tmp_path / "o", "--quiet")
    assert_one_line_error(status, err, "s.yaml", "power_aperture", "no catalog frequency")
