"""The Monte Carlo battle against the closed-form layered-defense model (Wilkening 1999), and its rules.

Where geometry always permits engagement (every shooter has opportunities against every threat), the
simulated expected leakers, probability of zero leakers and expected shots must equal the closed forms
within Monte Carlo error: we allow 4.5 standard errors, a two-sided false-alarm rate below 1e-5 per check.
"""

import numpy as np
import pytest

from bmdsim.engagement import (
    Opportunities,
    ShooterSet,
    expected_shots,
    fight,
    layer_kill_probability,
    raid_outcome,
)

R = 40_000


def shooters(layers, pk, salvo, looks, reliability, p_disc=None, inventory=10**6):
    s = len(layers)
    return ShooterSet(name=tuple(f"s{i}" for i in range(s)), nation=("US",) * s,
                      layer=np.asarray(layers), inventory=np.full(s, inventory), pk=np.asarray(pk, float),
                      salvo=np.asarray(salvo), max_looks=np.asarray(looks),
                      reliability=np.asarray(reliability, float),
                      p_discriminate=np.asarray(p_disc if p_disc is not None else [1.0] * s, float),
                      unit_cost_usd=np.full(s, 1e6))


def everywhere(s, n, looks=5):
    t = np.tile(np.arange(n, dtype=float), (s, 1))
    return Opportunities(looks=np.full((s, n), looks), t_intercept_s=t)


def check(mc_samples, expected):
    se = np.std(mc_samples) / np.sqrt(mc_samples.size)
    assert abs(np.mean(mc_samples) - expected) <= 4.5 * max(se, 1e-12), (np.mean(mc_samples), expected)


@pytest.mark.parametrize("pk, salvo, looks, rel, pd", [
    (0.7, 1, 1, 1.0, 1.0),
    (0.7, 2, 1, 0.9, 1.0),
    (0.6, 1, 3, 0.95, 0.8),
])
def test_single_layer_matches_closed_form(pk, salvo, looks, rel, pd):
    n = 8
    sh = shooters([0], [pk], [salvo], [looks], [rel], [pd])
    out = fight(sh, everywhere(1, n), priority=np.ones(n), replications=R, rng=np.random.default_rng(1))
    kill = layer_kill_probability(pk, salvo, looks, pd)
    e_leak, p_zero = raid_outcome(n, [kill], [rel])
    check(out.leakers.astype(float), e_leak)
    check((out.leakers == 0).astype(float), p_zero)
    # shots per threat where the battery works: the shoot-look-shoot geometric series
    up = out.battery_up[:, 0]
    check(out.shots[up, :, 0].astype(float).ravel(), float(expected_shots(pk, salvo, looks, pd)))


def test_two_layers_with_common_mode_failures_match_closed_form():
    n = 6
    sh = shooters([0, 1], [0.8, 0.6], [1, 2], [2, 1], [0.9, 0.85], [0.9, 1.0])
    out = fight(sh, everywhere(2, n), priority=np.ones(n), replications=R, rng=np.random.default_rng(2))
    kills = [layer_kill_probability(0.8, 1, 2, 0.9), layer_kill_probability(0.6, 2, 1, 1.0)]
    e_leak, p_zero = raid_outcome(n, kills, [0.9, 0.85])
    check(out.leakers.astype(float), e_leak)
    check((out.leakers == 0).astype(float), p_zero)
    # the common-mode cap: P(zero leakers) <= P(at least one layer works) whatever the shots
    assert np.mean(out.leakers == 0) <= 1 - 0.1 * 0.15 + 1e-12


def test_inventory_depletes_and_records_when_dry():
    n = 10
    sh = shooters([0], [0.5], [2], [1], [1.0], inventory=7)
    out = fight(sh, everywhere(1, n), priority=np.ones(n), replications=200, rng=np.random.default_rng(3))
    assert np.all(out.shots.sum(axis=(1, 2)) == 6)  # three salvos of two, then fewer than a salvo left
    assert np.all(out.inventory_left[:, 0] == 1)
    np.testing.assert_array_equal(out.t_dry_s[:, 0], 2.0)  # the third threat's intercept time
    assert np.all(out.leakers >= 7)


def test_priority_gets_the_last_interceptors():
    sh = shooters([0], [1.0], [1], [1], [1.0], inventory=1)
    out = fight(sh, everywhere(1, 3), priority=np.array([1.0, 5.0, 2.0]), replications=10,
                rng=np.random.default_rng(4))
    assert np.all(out.killed[:, 1]) and not out.killed[:, [0, 2]].any()


def test_same_seed_same_outcome():
    sh = shooters([0, 1], [0.7, 0.5], [1, 1], [2, 1], [0.9, 0.9])
    a = fight(sh, everywhere(2, 5), priority=np.ones(5), replications=500, rng=np.random.default_rng(9))
    b = fight(sh, everywhere(2, 5), priority=np.ones(5), replications=500, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a.shots, b.shots)
    np.testing.assert_array_equal(a.killed, b.killed)


@pytest.mark.parametrize("seed", range(12))
def test_more_sharing_never_more_leakers_under_stated_conditions(seed):
    # conditions: unlimited inventory, shooters of a layer alike, more sharing only adds looks
    rng = np.random.default_rng(100 + seed)
    s, n = 6, 12
    layers = rng.integers(0, 3, s)
    pk_by_layer, rel_by_layer = rng.uniform(0.3, 0.9, 3), rng.uniform(0.7, 1.0, 3)
    sh = shooters(layers, pk_by_layer[layers], np.ones(s, int), np.full(s, 3), rel_by_layer[layers],
                  np.full(s, 0.9))
    looks_less = rng.integers(0, 3, (s, n)) * (rng.random((s, n)) < 0.5)
    looks_more = looks_less + rng.integers(0, 2, (s, n))
    t = rng.uniform(0, 600, (s, n))
    less = Opportunities(looks=looks_less, t_intercept_s=t)
    more = Opportunities(looks=looks_more, t_intercept_s=t - rng.uniform(0, 30, (s, n)))
    prio = rng.uniform(1, 10, n)
    a = fight(sh, less, priority=prio, replications=300, rng=np.random.default_rng(seed))
    b = fight(sh, more, priority=prio, replications=300, rng=np.random.default_rng(seed))
    assert np.all(b.killed | ~a.killed)  # every threat killed with less sharing is killed with more
    assert np.all(b.leakers <= a.leakers)


def test_bad_shooters_are_rejected_naming_the_field():
    with pytest.raises(ValueError, match=r"inventory\[s0\] must be >= 0"):
        shooters([0], [0.5], [1], [1], [1.0], inventory=-1)
    with pytest.raises(ValueError, match="pk must be in"):
        shooters([0], [1.5], [1], [1], [1.0])


def _two_shooters(kill_assessment):
    sh = shooters([0, 0], [0.6, 0.6], [1, 1], [1, 1], [1.0, 1.0])
    from dataclasses import replace
    return replace(sh, kill_assessment_s=np.array([kill_assessment, kill_assessment]))


def test_last_chance_salvo_when_another_shooter_can_still_intercept():
    n = 4
    opp = Opportunities(looks=np.ones((2, n), dtype=np.int64),
                        t_intercept_s=np.array([[100.0] * n, [150.0] * n]),
                        t_final_look_s=np.array([[100.0] * n, [150.0] * n]),
                        t_last_chance_s=np.array([[110.0] * n, [170.0] * n]))
    # shooter 0 is chosen (earliest); shooter 1 can still intercept at 170 s > 100 s + 20 s assessment
    out = fight(_two_shooters(20.0), opp, priority=np.ones(n), replications=R, rng=np.random.default_rng(5))
    check(out.killed.astype(float).ravel(), 1 - 0.4**2)
    # with 80 s of kill assessment nobody is left to take the last chance
    out = fight(_two_shooters(80.0), opp, priority=np.ones(n), replications=R, rng=np.random.default_rng(5))
    check(out.killed.astype(float).ravel(), 0.6)
    assert out.shots[:, :, 1].sum() == 0
    # and the rule can be switched off
    out = fight(_two_shooters(20.0), opp, priority=np.ones(n), replications=R, rng=np.random.default_rng(5),
                last_chance=False)
    check(out.killed.astype(float).ravel(), 0.6)


def test_discrimination_applies_only_to_complexes_with_decoys():
    n = 6
    sh = shooters([0], [0.7], [1], [1], [1.0], [0.5])
    decoys = np.array([True, False] * 3)
    out = fight(sh, everywhere(1, n), priority=np.ones(n), replications=R, rng=np.random.default_rng(6),
                has_decoys=decoys, last_chance=False)
    check(out.killed[:, decoys].astype(float).ravel(), 0.5 * 0.7)
    check(out.killed[:, ~decoys].astype(float).ravel(), 0.7)


@pytest.mark.parametrize("launchers, spacing_s, fired", [(1, 0.0, 1), (3, 0.0, 3), (1, 40.0, 3), (2, 5.0, 2)])
def test_launchers_limit_the_salvos_in_one_cycle(launchers, spacing_s, fired):
    # three threats whose launches fall at 100, 100 + d, 100 + 2d s; each launcher is busy 30 s per salvo.
    # with pk = 0 every salvo misses, so every permitted salvo is fired exactly once (one look)
    from dataclasses import replace

    n = 3
    sh = replace(shooters([0], [0.0], [1], [1], [1.0]), launchers=np.array([launchers]),
                 launcher_cycle_s=np.array([30.0]))
    t_launch = 100.0 + spacing_s * np.arange(n)
    opp = Opportunities(looks=np.ones((1, n), dtype=np.int64), t_intercept_s=t_launch[None, :] + 60.0,
                        t_launch_looks_s=t_launch[None, :, None])
    out = fight(sh, opp, priority=np.ones(n), replications=5, rng=np.random.default_rng(1), last_chance=False)
    # (1, 40 s apart): all three fit; (2 launchers, 5 s apart): the third falls within a cycle of both
    assert np.all(out.shots.sum(axis=(1, 2)) == fired)


def test_launchers_must_be_positive():
    from dataclasses import replace

    with pytest.raises(ValueError, match=r"launchers\[s0\] must be >= 1"):
        replace(shooters([0], [0.5], [1], [1], [1.0]), launchers=np.array([0]))


# ---- shared discrimination, atmospheric filtering, imperfect kill assessment (issue 8, defect 6) ----

def test_layers_relying_on_one_sensor_share_its_discrimination_outcome():
    # Two layers, both relying on discrimination source 0 (one sensor): the decoy that fools the upper
    # tier fools the lower one too. Closed form: (1 - p_d) + p_d * prod(1 - r K) (Wilkening's shared case).
    from bmdsim.engagement import threat_leak_probability, threat_leak_probability_shared_discrimination

    n, p_d = 4, 0.8
    sh = shooters([0, 1], [0.95, 0.95], [1, 1], [1, 1], [1.0, 1.0], [p_d, p_d])
    src = np.zeros((2, n), dtype=np.int64)
    out = fight(sh, everywhere(2, n, looks=1), priority=np.ones(n), replications=R, rng=np.random.default_rng(3),
                discrimination_source=src, n_sources=1, p_discriminate=np.full((2, n), p_d))
    shared = float(threat_leak_probability_shared_discrimination([0.95, 0.95], [1.0, 1.0], p_d))
    independent = float(threat_leak_probability([p_d * 0.95, p_d * 0.95], [1.0, 1.0]))
    check((~out.killed).astype(float).ravel(), shared)
    # independent draws per layer understate leakage about threefold here (0.0576 vs 0.202), as the issue says
    assert shared > 3.0 * independent


def test_separate_sources_draw_independently():
    from bmdsim.engagement import threat_leak_probability

    n, p_d = 4, 0.6
    sh = shooters([0, 1], [0.8, 0.7], [1, 1], [1, 1], [1.0, 1.0], [p_d, p_d])
    src = np.array([[0] * n, [1] * n], dtype=np.int64)
    out = fight(sh, everywhere(2, n, looks=1), priority=np.ones(n), replications=R, rng=np.random.default_rng(4),
                discrimination_source=src, n_sources=2, p_discriminate=np.full((2, n), p_d))
    check((~out.killed).astype(float).ravel(), float(threat_leak_probability([p_d * 0.8, p_d * 0.7], [1, 1])))


def test_intercepts_below_the_filtering_altitude_need_no_discrimination():
    n = 3
    sh = shooters([0], [0.9], [1], [1], [1.0], [0.0])
    stripped = np.ones((1, n), dtype=bool)
    out = fight(sh, everywhere(1, n, looks=1), priority=np.ones(n), replications=R, rng=np.random.default_rng(5),
                p_discriminate=np.zeros((1, n)), decoys_stripped=stripped)
    check((~out.killed).astype(float).ravel(), 0.1)
    none = fight(sh, everywhere(1, n, looks=1), priority=np.ones(n), replications=2000,
                 rng=np.random.default_rng(5), p_discriminate=np.zeros((1, n)))
    assert not none.killed.any()  # above it, a source that never discriminates never kills


@pytest.mark.parametrize("pk, salvo, looks, pd, q", [(0.6, 1, 3, 1.0, 0.8), (0.7, 2, 2, 0.9, 0.6),
                                                      (0.5, 1, 4, 0.8, 1.0)])
def test_imperfect_kill_assessment_matches_closed_form(pk, salvo, looks, pd, q):
    from bmdsim.engagement import expected_shots_imperfect_assessment

    n = 5
    sh = shooters([0], [pk], [salvo], [looks], [1.0], [pd])
    out = fight(sh, everywhere(1, n), priority=np.ones(n), replications=R, rng=np.random.default_rng(6),
                p_kill_assessment=np.array([q]), last_chance=False)
    check(out.killed.astype(float).ravel(), float(layer_kill_probability(pk, salvo, looks, pd, q)))
    check(out.shots[:, :, 0].astype(float).ravel(),
          expected_shots_imperfect_assessment(pk, salvo, looks, pd, q))
    if q == 1.0:  # the perfect case reduces to the published closed forms
        assert float(layer_kill_probability(pk, salvo, looks, pd, q)) == pytest.approx(
            float(layer_kill_probability(pk, salvo, looks, pd)))
        assert expected_shots_imperfect_assessment(pk, salvo, looks, pd, q) == pytest.approx(
            float(expected_shots(pk, salvo, looks, pd)))
