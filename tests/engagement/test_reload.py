"""Launcher reload in the battle (module notes of :mod:`bmdsim.engagement.battle`).

Closed forms: one launcher of ``N`` rounds, reloaded ``T_r`` after it empties from a reserve of ``R``
rounds, against threats it can always engage, one round each (salvo 1, one look, Pk 0 so every threat
draws its shot):

* bursts of ``N`` threats launched together every ``dt`` (``T_r`` a multiple of ``dt``): the launcher
  empties on the first burst at ``t_empty``, is full again at ``t_empty + T_r``, empties at once, and so
  on, so the engagements launched by ``T`` are ``min(N (1 + floor((T - t_empty) / T_r)), N + R)``;
* a stream of single threats every ``dt``: load ``k`` fires its first round at
  ``s_k = k (T_r + (N - 1) dt)`` and its ``N`` rounds ``dt`` apart, so the engagements by ``T`` are
  ``sum_k clip(floor((T - s_k) / dt) + 1, 0, N)`` over the loads the reserve allows.

Both are derived here from the stated rule, not from the code's ledger.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bmdsim.engagement import Opportunities, ShooterSet, fight


def launcher(n_rounds, reserve, reload_s, *, salvo=1, launchers=None, inventory=None):
    inventory = n_rounds if inventory is None else inventory
    return ShooterSet(name=("a",), nation=("US",), layer=np.array([0]), inventory=np.array([inventory]),
                      pk=np.array([0.0]), salvo=np.array([salvo]), max_looks=np.array([1]),
                      reliability=np.array([1.0]), p_discriminate=np.array([1.0]), unit_cost_usd=np.array([1.0]),
                      launchers=None if launchers is None else np.array([launchers]),
                      launcher_cycle_s=None if launchers is None else np.array([0.0]),
                      reload_time_s=np.array([reload_s]), reserve=np.array([reserve]),
                      rounds_per_launcher=np.array([n_rounds]))


def stream(t_launch_s, flight_s=120.0):
    """Opportunities of one shooter against threats launched (by the shooter) at ``t_launch_s``."""
    t = np.asarray(t_launch_s, dtype=float)
    return Opportunities(looks=np.ones((1, t.size), dtype=np.int64), t_intercept_s=(t + flight_s)[None],
                         t_launch_looks_s=t[None, :, None])


def run(sh, opp, reps=3, seed=1):
    n = opp.looks.shape[1]
    return fight(sh, opp, priority=np.ones(n), replications=reps, rng=np.random.default_rng(seed),
                 last_chance=False)


@pytest.mark.parametrize("n_rounds, reserve, reload_s, dt", [
    (4, 8, 300.0, 100.0),   # two full reloads, then dry
    (4, 6, 300.0, 100.0),   # the last reload is partial (2 rounds)
    (8, 1000, 600.0, 60.0),  # a reserve larger than the campaign needs
    (2, 0, 300.0, 100.0),   # no reserve: the first load only
])
def test_bursts_match_closed_form(n_rounds, reserve, reload_s, dt):
    bursts = 25
    t = np.repeat(np.arange(bursts) * dt, n_rounds)
    out = run(launcher(n_rounds, reserve, reload_s), stream(t))
    fired = out.shots[:, :, 0]  # (r, n) rounds at each threat
    t_empty = 0.0
    for T in np.arange(bursts) * dt:
        expected = min(n_rounds * (1 + int(np.floor((T - t_empty) / reload_s))), n_rounds + reserve)
        np.testing.assert_array_equal(fired[:, t <= T].sum(axis=1), expected)
    drawn = min(-(-reserve // n_rounds), int(np.floor((t[-1] - t_empty) / reload_s)) + 1)
    np.testing.assert_array_equal(out.reloads[:, 0], drawn)


@pytest.mark.parametrize("n_rounds, reserve, m", [(3, 9, 4), (5, 7, 2), (1, 4, 3)])
def test_stream_matches_closed_form(n_rounds, reserve, m):
    dt = 10.0
    reload_s = m * dt
    t = np.arange(60) * dt
    out = run(launcher(n_rounds, reserve, reload_s), stream(t))
    fired = out.shots[0, :, 0]
    loads = [n_rounds] + [min(n_rounds, reserve - k * n_rounds) for k in range(-(-reserve // n_rounds))]
    for T in t:
        expected = sum(int(np.clip(np.floor((T - k * (reload_s + (n_rounds - 1) * dt)) / dt) + 1, 0, size))
                       for k, size in enumerate(loads))
        assert fired[t <= T].sum() == expected, T


def test_long_campaign_is_no_longer_capped_at_the_first_load():
    t = np.arange(40) * 120.0  # 40 threats over 78 min
    capped = run(launcher(4, 0, 600.0), stream(t))
    reloaded = run(launcher(4, 16, 600.0), stream(t))
    assert capped.shots[0].sum() == 4
    assert reloaded.shots[0].sum() == 20  # first load and four reloads
    assert np.all(reloaded.reserve_left == 0) and np.all(capped.reserve_left == 0)
    # the first load ran out at the 4th threat either way; the reload refills it
    np.testing.assert_array_equal(capped.t_dry_s[:, 0], t[3] + 120.0)
    np.testing.assert_array_equal(reloaded.t_dry_s[:, 0], t[3] + 120.0)


def test_out_of_order_salvo_is_checked_against_the_whole_timeline():
    # threats are taken by priority: the one launched at t=500 is engaged before the one at t=0. One
    # round per load. A round fired at t=0 empties the launcher at t=0, so its reload is back at
    # t=0 + T_r; the t=500 salvo already fired keeps its round only if that is by t=500.
    opp = stream([500.0, 0.0])
    prio = np.array([10.0, 1.0])
    for reload_s, reserve, expected in [(100.0, 5, [1, 1]),   # back at 100: both fit
                                        (1000.0, 5, [1, 0]),  # back at 1000: the t=0 salvo would leave
                                                              # the t=500 one without a round
                                        (100.0, 0, [1, 0])]:  # no reserve: one round in all
        out = fight(launcher(1, reserve, reload_s), opp, priority=prio, replications=2,
                    rng=np.random.default_rng(0), last_chance=False)
        np.testing.assert_array_equal(out.shots[:, :, 0], [expected] * 2, err_msg=str(reload_s))


def random_battle(seed, s=3, n=12):
    rng = np.random.default_rng(seed)
    sh = ShooterSet(name=tuple(f"s{i}" for i in range(s)), nation=("US",) * s, layer=rng.integers(0, 2, s),
                    inventory=rng.integers(0, 8, s), pk=rng.uniform(0.3, 0.9, s), salvo=rng.integers(1, 3, s),
                    max_looks=rng.integers(1, 3, s), reliability=np.full(s, 0.9), p_discriminate=np.full(s, 0.8),
                    unit_cost_usd=np.ones(s), launchers=rng.integers(1, 4, s), launcher_cycle_s=np.full(s, 5.0))
    t_launch = np.sort(rng.uniform(0, 3000, (s, n, 2)), axis=2)
    opp = Opportunities(looks=rng.integers(0, 3, (s, n)), t_intercept_s=t_launch[..., 0] + 60.0,
                        t_final_look_s=t_launch[..., 1] + 60.0, t_last_chance_s=t_launch[..., 1] + 90.0,
                        t_launch_looks_s=t_launch, t_last_chance_launch_s=t_launch[..., 1] + 30.0)
    return sh, opp, rng.uniform(1, 10, n)


@pytest.mark.parametrize("seed", range(4))
def test_infinite_reload_time_is_todays_battle(seed):
    sh, opp, prio = random_battle(seed)
    base = fight(sh, opp, priority=prio, replications=300, rng=np.random.default_rng(seed))
    never = fight(ShooterSet(**{**{f: getattr(sh, f) for f in sh.__slots__},
                                "reload_time_s": np.full(sh.n, np.inf), "reserve": np.full(sh.n, 50),
                                "rounds_per_launcher": np.full(sh.n, 2)}),
                  opp, priority=prio, replications=300, rng=np.random.default_rng(seed))
    for f in ("killed", "kill_layer", "shots", "inventory_left", "t_dry_s", "battery_up", "network_up"):
        np.testing.assert_array_equal(getattr(base, f), getattr(never, f), err_msg=f)
    np.testing.assert_array_equal(never.reloads, 0)
    np.testing.assert_array_equal(never.reserve_left, 50)
    # a finite reload slower than the campaign goes through the reload ledger and changes no shot either
    slow = fight(ShooterSet(**{**{f: getattr(sh, f) for f in sh.__slots__},
                               "reload_time_s": np.full(sh.n, 1e9), "reserve": np.full(sh.n, 50),
                               "rounds_per_launcher": np.full(sh.n, 2)}),
                 opp, priority=prio, replications=300, rng=np.random.default_rng(seed))
    for f in ("killed", "kill_layer", "shots"):
        np.testing.assert_array_equal(getattr(base, f), getattr(slow, f), err_msg=f)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), reload_s=st.floats(1.0, 2000.0), size=st.integers(1, 4),
       finite_reserve=st.booleans(), reserve=st.integers(0, 12))
def test_shots_never_exceed_stock_nor_precede_the_reload(seed, reload_s, size, finite_reserve, reserve):
    rng = np.random.default_rng(seed)
    s, n = 2, 10
    loads = rng.integers(1, 4, s)
    inventory = loads * size  # whole launcher loads
    reserve_s = np.full(s, reserve if finite_reserve else 10**6)
    sh = ShooterSet(name=("a", "b"), nation=("US", "US"), layer=np.array([0, 0]), inventory=inventory,
                    pk=rng.uniform(0.2, 0.9, s), salvo=rng.integers(1, 3, s), max_looks=np.ones(s, np.int64),
                    reliability=np.ones(s), p_discriminate=np.ones(s), unit_cost_usd=np.ones(s),
                    reload_time_s=np.full(s, reload_s), reserve=reserve_s, rounds_per_launcher=np.full(s, size))
    t = rng.uniform(0.0, 4000.0, (s, n))
    opp = Opportunities(looks=rng.integers(0, 2, (s, n)), t_intercept_s=t + 60.0, t_launch_looks_s=t[..., None])
    out = fight(sh, opp, priority=rng.uniform(1, 5, n), replications=20, rng=rng, last_chance=False)
    for i in range(s):
        fired = out.shots[:, :, i]  # (r, n): one look, so each round left at t[i, j]
        assert np.all(fired.sum(axis=1) <= inventory[i] + reserve_s[i])
        for tau in np.unique(t[i]):
            by_tau = fired[:, t[i] <= tau].sum(axis=1)
            before = fired[:, t[i] <= tau - reload_s].sum(axis=1)
            # reloads that can have arrived by tau were drawn by loads emptied by tau - reload_s
            assert np.all(by_tau <= inventory[i] + size * (before // size)), (i, tau)
        first = np.where(fired.any(axis=1), np.min(np.where(fired > 0, t[i][None, :], np.inf), axis=1), np.inf)
        early = np.sum(np.where(t[i][None, :] < first[:, None] + reload_s, fired, 0), axis=1)
        assert np.all(early <= inventory[i])
