"""End-to-end assessment: metric invariants, determinism, and the releasability rule."""

import numpy as np
import pytest

from bmdsim.assessment.metrics import all_tables
from bmdsim.assessment.run import nation_tracks, run
from bmdsim.sensors.measurements import Measurements


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


def test_different_seed_different_draws(small_run):
    other = run(small_run.scenario, seed=8, architectures=["national"])
    assert not np.array_equal(other.architectures["national"].outcome.killed,
                              small_run.architectures["national"].outcome.killed) or small_run.replications < 10


def _scramble(meas: Measurements, forbidden: np.ndarray, rng: np.random.Generator) -> Measurements:
    """The same measurements with every forbidden sensor's values changed (by a few sigma: different
    numbers that still keep the other nations' filters, which may use them, numerically sound)."""
    bad = forbidden[meas.sensor]
    z = meas.z.copy()
    z[bad] = z[bad] + 3.0 * meas.sigma[bad] * rng.standard_normal((bad.sum(), 3))
    return Measurements(t_s=meas.t_s, threat=meas.threat, sensor=meas.sensor, z=z, sigma=meas.sigma,
                        snr_db=meas.snr_db, sites=meas.sites)


@pytest.mark.parametrize("seed", [1])
def test_releasability_fire_control_ignores_data_a_nation_may_not_receive(small_run, seed):
    # Invariant over every engagement: change the measurements of every sensor a nation may not receive;
    # that nation's fire-control-quality times (hence every engagement of its shooters)
    # must not change by a bit.
    from dataclasses import replace

    sc, tr, obs = small_run.scenario, small_run.trajectories, small_run.observations
    rng = np.random.default_rng(seed)
    sensor_nations = [r.nation for r in sc.radars]
    for arch in sc.architectures.values():
        fcq, lat = nation_tracks(sc, tr, obs, arch, {})
        for k, nation in enumerate(sc.config.nations):
            allowed, _ = arch.sensor_access(nation, sensor_nations)
            scrambled = replace(obs, measurements=_scramble(obs.measurements, ~allowed, rng))
            fcq2, lat2 = nation_tracks(sc, tr, scrambled, arch, {})
            np.testing.assert_array_equal(fcq2[k], fcq[k])
            np.testing.assert_array_equal(lat2[k], lat[k])


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
