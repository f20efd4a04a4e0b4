"""Radars on elevated sites may search below the horizontal, down to a per-placement mask (issue 12).

A site 680 m up (Seongju's hilltop) sees the geometric horizon 0.84 deg below the horizontal
(``acos(R / (R + h))``, R = 6,371 km). A target 50 km away at 300 m lies about 0.66 deg below it: hidden
by a search fence at 0 deg, seen with a -0.8 deg mask; a target beyond the geometric horizon stays hidden
whatever the mask (line of sight over the ellipsoid).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bmdsim.earth.frames import geodetic_to_ecef
from bmdsim.earth.geodesy import surface_forward
from bmdsim.sensors.radar import RadarSite, radar_from_catalog
from bmdsim.sensors.visibility import is_visible, look_geometry

LAT, LON, H = math.radians(35.95), math.radians(128.16), 680.0


def _site(min_el_deg: float | None) -> RadarSite:
    radar = radar_from_catalog("tpy2-tm")
    if min_el_deg is not None:
        radar = dataclasses.replace(radar, min_elevation_rad=math.radians(min_el_deg))
    return RadarSite(name="r", radar=radar, lat_rad=LAT, lon_rad=LON, alt_m=H, boresight_az_rad=0.0, nation="US")


def _target(dist_m: float, alt_m: float) -> np.ndarray:
    lat, lon = surface_forward(np.array([LAT]), np.array([LON]), np.array([0.0]), np.array([dist_m]))
    return np.asarray(geodetic_to_ecef(lat, lon, np.array([alt_m]))).reshape(1, 3)


def test_dip_of_the_geometric_horizon():
    assert math.degrees(math.acos(6_371e3 / (6_371e3 + H))) == pytest.approx(0.84, abs=0.01)


def test_below_horizontal_target_seen_only_with_a_lower_mask():
    r = _target(50e3, 300.0)
    g = look_geometry(_site(None), r)
    assert -0.8 < math.degrees(float(g.el_rad[0])) < -0.5
    assert not is_visible(_site(None), g)[0]  # catalog fence at 0 deg
    assert is_visible(_site(-0.8), look_geometry(_site(-0.8), r))[0]


def test_beyond_the_geometric_horizon_stays_hidden():
    r = _target(150e3, 0.0)  # the horizon from 680 m is about 93 km for a target on the ground
    site = _site(-5.0)
    assert not is_visible(site, look_geometry(site, r))[0]


def test_scenario_field_sets_the_placement_mask(tmp_path):
    from bmdsim.assessment.build import resolve
    from bmdsim.scenario.schema import parse_scenario
    from tests.robustness.conftest import BASE

    text = BASE.replace("site: shariki}", "site: shariki, min_elevation_deg: -0.5}")
    cfg, lines = parse_scenario(text, "s.yaml")
    sc = resolve(cfg, file="s.yaml", lines=lines)
    assert sc.radars[0].radar.min_elevation_rad == math.radians(-0.5)


def test_seongju_presets_use_the_published_five_degree_fence():
    """ROK MND (July 2016): the Seongju radar 'will be operated at over five degrees'. Every preset placement at
    Seongju carries that fence with its source, and it hides a 50 km-high target 500 km out (about 3.5 deg up),
    which a horizon fence would see."""
    from bmdsim.scenario.presets import preset_text
    from bmdsim.scenario.schema import parse_scenario

    for name in ("northeast-asia-2014", "northeast-asia-2024", "strategic-stability"):
        cfg, _ = parse_scenario(preset_text(name), f"{name}.yaml")
        at_seongju = [s for s in cfg.sensors if s.site == "seongju"]
        assert at_seongju and all(s.min_elevation_deg == 5.0 and "five degrees" in (s.source or "")
                                  for s in at_seongju), name
    r = _target(500e3, 50e3)
    g = look_geometry(_site(None), r)
    assert 3.0 < math.degrees(float(g.el_rad[0])) < 4.0
    assert is_visible(_site(0.0), g)[0] and not is_visible(_site(5.0), look_geometry(_site(5.0), r))[0]
