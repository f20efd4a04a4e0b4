"""End-to-end assessment: metric invariants, determinism, and the releasability rule."""

import numpy as np
import pytest

from bmdsim.assessment.metrics import all_tables
from bmdsim.assessment.run import run


def test_metric_invariants(small_run):
    t = all_tables(small_run)
    s = t["summary"]
    assert set(s["architecture"]) == {"national", "bilateral", "trilateral"}
    for col in ("p_zero_leakers",):
        assert s[col].between(0, 1).all()
    assert (s["expected_leakers"] <= s["threats"]).all() and (s["expected_leakers"] >= 0).all()
    th = t["threats"]
    for col in ("p_engaged", "p_killed"):
        assert th[col].between(0, 1).all()
    assert (th["p_killed"] <= th["p_engaged"] + 1e-12).all()
    # cost equals shots times unit cost, battery by battery and in total
    b = t["batteries"]
    unit = dict(zip(small_run.scenario.shooters.battle.name, small_run.scenario.shooters.battle.unit_cost_usd,
                    strict=True))
    np.testing.assert_allclose(b["expected_cost_usd"], b["expected_spent"] * b["shooter"].map(unit), rtol=1e-12)
    for arch, grp in b.groupby("architecture"):
        total = s.loc[s["architecture"] == arch, "expected_cost_usd"].iloc[0]
        assert total == pytest.approx(grp["expected_cost_usd"].sum(), rel=1e-12)
    assert t["assets"]["protection_probability"].between(0, 1).all()
    assert t["raids"]["p_zero_leakers"].between(0, 1).all()
    # warning time: impact after first detection
    ok = th["t_first_detection_s"].notna()
    assert (th.loc[ok, "warning_time_s"] > 0).all()


def test_same_seed_same_results(small_run):
    again = run(small_run.scenario)
    for name, a in small_run.architectures.items():
        b = again.architectures[name]
        np.testing.assert_array_equal(a.outcome.shots, b.outcome.shots)
        np.testing.assert_array_equal(a.outcome.killed, b.outcome.killed)
        np.testing.assert_array_equal(a.t_earliest_launch_s, b.t_earliest_launch_s)


def test_another_seed_changes_every_stochastic_quantity(small_run):
    # Defect 4 of issue 8: the seed must reach every stream, the launch scatter included.
    from bmdsim.assessment.build import resolve, with_seed

    sc = small_run.scenario
    other = run(resolve(with_seed(sc.config, 8), file=sc.file), architectures=["national"])
    assert other.seed == 8 and other.scenario.config.monte_carlo.seed == 8
    a, b = small_run.architectures["national"], other.architectures["national"]
    assert not np.array_equal(sc.threats.launch_lat_rad, other.scenario.threats.launch_lat_rad)  # scatter
    assert not np.array_equal(small_run.warnings[0].launch_lat_rad, other.warnings[0].launch_lat_rad)  # infrared
    assert not np.array_equal(a.detection.first_detection_s, b.detection.first_detection_s)  # radar looks
    assert not np.array_equal(a.outcome.battery_up, b.outcome.battery_up)  # battle draws


def test_regression_summary_distinguishes_architectures(small_run):
    # A stored summary whose architectures all read alike would detect nothing (issue 8).
    from bmdsim.assessment.metrics import summary_table

    s = summary_table(small_run).set_index("architecture")
    cols = ["expected_leakers", "expected_interceptors", "threats_engageable"]
    assert not s.loc["national", cols].equals(s.loc["bilateral", cols])
    assert not s.loc["bilateral", cols].equals(s.loc["trilateral", cols])


def test_sharing_gives_each_nation_at_least_the_tracks_it_had(small_run):
    t = all_tables(small_run)["nations"]
    for nation, grp in t.groupby("nation"):
        by = dict(zip(grp["architecture"], grp["threats_with_fire_control_track"], strict=True))
        assert by["national"] <= by["bilateral"] <= by["trilateral"], nation


def test_regression_against_stored_summary(small_run):
    # A stored, seeded end-to-end summary (tests/assessment/data/small_summary.json). Any change to these
    # numbers must come with an explanation in its commit; 1e-9 relative allows only round-off.
    import json
    from pathlib import Path

    from bmdsim.assessment.metrics import summary_table

    stored = json.loads((Path(__file__).parent / "data" / "small_summary.json").read_text())["summary"]
    now = summary_table(small_run).set_index("architecture")
    for row in stored:
        for key, value in row.items():
            if key != "architecture":
                assert now.loc[row["architecture"], key] == pytest.approx(value, rel=1e-9), (row["architecture"], key)


def test_spent_stages_are_separate_radar_objects(small_text):
    # The catalog's spent-stage RCS and sensors.rcs.plan_spent_stages are wired: every separating warhead
    # leaves a stage that each radar may detect (a ~1 m^2 tank against a ~0.01 m^2 warhead).
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.metrics import spent_stage_table
    from bmdsim.scenario.schema import parse_scenario
    from bmdsim.sensors.rcs import rcs_class_of

    text = small_text.replace("missile: nodong, launch_site: tonghae, aim: tokyo", "missile: musudan, "
                              "launch_site: tonghae, aim: kadena-ab")
    cfg, lines = parse_scenario(text, "s.yaml")
    small_run = run(resolve(cfg, file="s.yaml", lines=lines), replications=10, architectures=["national"])
    t = spent_stage_table(small_run)
    th = small_run.scenario.threats
    separating = {j for j in range(th.n) if rcs_class_of(th.missile[j])[1] == "reentry_vehicle"}
    assert separating and set(t["threat"]) == separating
    assert (t["object"] == "spent stage").all()
    n_radars = len(small_run.scenario.radars)
    assert len(t) == len(separating) * n_radars * len(small_run.architectures)
    rv = all_tables(small_run, attribution=False)["sensors"]
    # the tank is seen by at least as many (radar, threat) pairs as the warhead it carried
    seen_tank = (t["detections"] > 0).sum()
    seen_rv = (rv[rv["threat"].isin(separating)]["detections"] > 0).sum()
    assert seen_tank >= seen_rv


def test_tracker_lift_bounds_only_for_quasi_ballistic_threats():
    """Tracks of a quasi-ballistic threat assume the catalog's upper L/D (KN-23: 4.0, threats.yaml
    quasi_ballistic.lift_to_drag.high); a raid without one leaves the tracker untouched (None)."""
    from bmdsim.assessment.run import tracker_lift_bounds

    assert tracker_lift_bounds(("kn-23", "nodong"), ("minimum-energy", "minimum-energy")) is None
    np.testing.assert_array_equal(
        tracker_lift_bounds(("kn-23", "kn-23", "nodong"), ("minimum-energy", "quasi-ballistic", "minimum-energy")),
        [0.0, 4.0, 0.0])
