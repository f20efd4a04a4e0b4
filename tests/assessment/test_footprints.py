"""Footprints: grid geometry, reach flags, engageability per architecture, radar coverage tables."""

import numpy as np
import pytest

from bmdsim.assessment.footprints import coverage_table, grid_footprint, grid_points
from bmdsim.earth.geodesy import surface_distance
from bmdsim.scenario.schema import FootprintSettings, GridEntry
from bmdsim.scenario.seeds import SeedPlan


def test_grid_points_are_centred_and_spaced():
    lat0, lon0 = np.radians(36.0), np.radians(138.0)
    lat, lon = grid_points(lat0, lon0, 100e3, 3)
    assert lat.size == 9
    d = surface_distance(lat0, lon0, lat, lon)
    # centre, four edge midpoints at 100 km, four corners at 141.4 km (geodesics: 1e-6 relative)
    np.testing.assert_allclose(np.sort(d), [0, *[100e3] * 4, *[np.sqrt(2) * 100e3] * 4], rtol=1e-6, atol=1e-3)


def test_aim_footprint_flags_reach_and_engagement(small_run):
    sc = small_run.scenario
    grid = GridEntry(name="g", missile="nodong", center="tokyo", radius_km=400.0, points_per_side=2,
                     launch_site="tonghae")
    df = grid_footprint(sc, grid, "aim", SeedPlan(3))
    assert len(df) == 4 * len(sc.architectures)
    assert set(df["architecture"]) == set(sc.architectures)
    # points clearly beyond a Nodong's published 1,300 km from Tonghae (over 5% more) are out of reach,
    # points clearly within it (under 90%) are in reach
    from bmdsim.scenario.sites import load_site_catalog

    t = load_site_catalog().sites["tonghae"]
    d_km = surface_distance(np.radians(t.lat_deg.value), np.radians(t.lon_deg.value),
                            np.radians(df["lat_deg"].to_numpy()), np.radians(df["lon_deg"].to_numpy())) / 1e3
    assert (d_km > 1.05 * 1300).any() and not df.loc[d_km > 1.05 * 1300, "in_reach"].any()
    assert df.loc[d_km < 0.9 * 1300, "in_reach"].all()
    assert not df.loc[~df["in_reach"], "engageable"].any()
    assert (df["engageable"] == (df["engagement_opportunities"] > 0)).all()


def test_launch_footprint_requires_its_aim(small_run):
    from bmdsim.scenario.errors import InputError

    with pytest.raises(InputError, match="aim: required"):
        grid_footprint(small_run.scenario, GridEntry(name="g", missile="scud-b", center="kittaeryong",
                                                     radius_km=30.0), "launch", SeedPlan(1))


def test_coverage_table_matches_range_equation(small_run):
    from dataclasses import replace

    cfg = small_run.scenario.config.model_copy(
        update={"footprints": FootprintSettings(coverage_altitudes_km=[300.0], coverage_rcs_m2=0.01)})
    df = coverage_table(replace(small_run.scenario, config=cfg))
    tpy2 = df[df["radar"] == "tpy2-shariki"]
    det = tpy2[tpy2["limited_by"] == "detection"]
    assert len(det) > 0
    # where detection limits, the slant range is the search range for 0.01 m^2: 2,000 km * 0.01^(1/4)
    # (the catalog's 1 m^2 reference range scaled by the R^4 range equation), within the 1 km search grid
    np.testing.assert_allclose(det["slant_range_km"], 2000.0 * 0.01**0.25, atol=1.0)
