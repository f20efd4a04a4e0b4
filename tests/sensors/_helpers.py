"""Helpers shared by the sensors tests."""

import math

from bmdsim.sensors.radar import RadarConfig


def make_radar(**overrides) -> RadarConfig:
    """A generic radar with round figures; overrides replace any field."""
    kw = dict(name="test-radar", search_reference_range_m=1_000e3, reference_rcs_m2=1.0, max_range_m=3_000e3,
              search_revisit_s=10.0, track_revisit_s=1.0, track_gain_db=10.0, search_solid_angle_sr=0.1,
              cued_solid_angle_sr=0.01, min_elevation_rad=0.0, max_elevation_rad=math.pi / 2,
              sector_half_width_rad=math.pi, range_resolution_m=15.0, beamwidth_rad=0.01,
              range_sigma_floor_m=5.0, angle_sigma_floor_rad=1e-4)
    kw.update(overrides)
    return RadarConfig(**kw)
