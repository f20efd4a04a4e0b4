"""Threat RCS by phase, catalog classes, and spent stages as separate objects."""

import numpy as np
import pytest

from bmdsim.earth.model import EarthModel
from bmdsim.flight.plan import plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.sensors.rcs import (
    ThreatRcs,
    plan_spent_stages,
    rcs_at_time,
    rcs_by_phase,
    rcs_class_of,
    spent_stage_properties,
    threat_rcs_from_catalog,
)


def test_rcs_follows_phase(powered_flights):
    tr = powered_flights
    rcs = ThreatRcs.uniform(tr.n, 1.0, 0.01)
    grid = rcs_by_phase(rcs, tr.phase)
    assert np.all(grid[tr.phase == 0] == 1.0)
    assert np.all(grid[tr.phase == 1] == 0.01)
    assert np.all(np.isnan(grid[tr.phase == -1]))
    # the time-based form agrees on the grid wherever the object flies
    t = np.broadcast_to(tr.t_s, tr.phase.shape)
    flying = tr.phase >= 0
    np.testing.assert_array_equal(rcs_at_time(rcs, t, tr.t_burnout_s)[flying], grid[flying])


@pytest.mark.parametrize("key, classes", [
    ("scud-b", ("booster", "unseparated_body")),
    ("musudan", ("booster", "reentry_vehicle")),
    ("df-31a", ("booster", "reentry_vehicle")),
    ("mrl-240mm", ("booster", "unseparated_body")),
    ("gun-170mm", ("shell", "shell")),
])
def test_catalog_classes(key, classes):
    assert rcs_class_of(key) == classes


def test_catalog_rcs_values_and_bad_input():
    rcs = threat_rcs_from_catalog(["nodong", "musudan"])
    assert rcs.booster_m2.tolist() == [1.0, 1.0]
    assert rcs.post_boost_m2.tolist() == [1.0, 0.01]
    with pytest.raises(KeyError, match="no missile 'x'"):
        threat_rcs_from_catalog(["x"])
    with pytest.raises(ValueError, match=r"ThreatRcs.post_boost_m2 must be > 0 m\^2"):
        ThreatRcs(booster_m2=np.ones(2), post_boost_m2=np.array([0.1, -1.0]))


def test_spent_stage_follows_the_warhead_in_vacuum_and_falls_short_with_drag(two_stage_vehicle):
    # Without drag both bodies obey the same equations from the same burnout state: the stage's path is the
    # warhead's to the integrator's tolerance (1 m over ~20 min). With drag and a 5 m/s push the light,
    # draggy stage falls behind (shorter range, later impact) by a clearly physical margin.
    vacuum = EarthModel(drag=False)
    plan = plan_powered(two_stage_vehicle, np.radians(40.0), np.radians(127.0), 0.0, np.radians(90.0),
                        np.radians(40.0), earth=vacuum)
    rv = propagate(plan, vacuum, output_step_s=1.0)
    mass, cda = spent_stage_properties(two_stage_vehicle)
    stage = propagate(plan_spent_stages(rv, [0], mass_kg=mass, drag_area_m2=cda), vacuum, output_step_s=1.0)
    assert stage.t_launch_s[0] == pytest.approx(rv.t_burnout_s[0])
    assert stage.t_impact_s[0] == pytest.approx(rv.t_impact_s[0], abs=1e-3)
    np.testing.assert_allclose(stage.r_impact_ecef_m[0], rv.r_impact_ecef_m[0], atol=1.0)
    full = EarthModel()
    plan_d = plan_powered(two_stage_vehicle, np.radians(40.0), np.radians(127.0), 0.0, np.radians(90.0),
                          np.radians(40.0))
    rv_d = propagate(plan_d, full, output_step_s=1.0)
    st_d = propagate(plan_spent_stages(rv_d, [0], mass_kg=mass, drag_area_m2=cda, separation_speed_mps=5.0),
                     full, output_step_s=1.0)
    gap = np.linalg.norm(st_d.r_impact_ecef_m[0] - rv_d.r_impact_ecef_m[0])
    assert gap > 5e3
    assert st_d.t_impact_s[0] > rv_d.t_impact_s[0]
    with pytest.raises(ValueError, match="separation_speed_mps"):
        plan_spent_stages(rv, [0], mass_kg=mass, drag_area_m2=cda, separation_speed_mps=-1.0)
