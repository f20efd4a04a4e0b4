"""Reload reaches the battle: catalog battery types give defaults, shooters override them, ships never
reload (``assessment.build`` into ``ShooterSet``)."""

import math

import numpy as np

from bmdsim.assessment.build import resolve
from bmdsim.scenario.interceptor_catalog import battery_load, battery_reload
from bmdsim.scenario.schema import parse_scenario


def battle(text):
    cfg, lines = parse_scenario(text, "small.yaml")
    return resolve(cfg, file="small.yaml", lines=lines).shooters.battle


def test_small_scenario_has_no_reload(small_text):
    sh = battle(small_text)
    assert not sh.reloads.any()
    np.testing.assert_array_equal(sh.reserve, 0)


def test_battery_types_supply_reload_and_shooters_override_it(small_text):
    text = (small_text.replace("interceptor: sm-3-ia, inventory: 4,", "interceptor: sm-3-ia, battery: aegis-bmd-ship,")
            .replace("interceptor: pac-3-cri, inventory: 8,", "interceptor: pac-3-cri, battery: patriot-battery-us,")
            .replace("interceptor: pac-2-gem-t, inventory: 8,",
                     "interceptor: pac-2-gem-t, inventory: 8, launchers: 2, reload_time_s: 900, reserve: 4,"))
    sh = battle(text)
    # the ship: its load is its stock for the campaign
    assert math.isinf(sh.reload_time_s[0]) and sh.reserve[0] == 0 and not sh.reloads[0]
    # the US Patriot battery: the catalog's reload time and reserve, loads of its launcher's rounds
    t_s, reserve = battery_reload("patriot-battery-us", "pac-3-cri")
    assert sh.reload_time_s[1] == t_s and sh.reserve[1] == reserve and sh.reloads[1]
    assert sh.rounds_per_launcher[1] == battery_load("patriot-battery-us", "pac-3-cri")[1]
    # the ROK battery: its own figures, 8 rounds over 2 launchers
    assert sh.reload_time_s[2] == 900.0 and sh.reserve[2] == 4 and sh.rounds_per_launcher[2] == 4


def test_battery_table_reports_reloads(small_run):
    from bmdsim.assessment.metrics import RELOAD_COLUMNS, all_tables

    b = all_tables(small_run)["batteries"]
    assert set(RELOAD_COLUMNS) <= set(b.columns)
    # the small scenario gives inventories only: nothing reloads
    assert b["reload_time_s"].isna().all() and (b["expected_reloads"] == 0).all() and (b["reserve"] == 0).all()
    assert (all_tables(small_run)["summary"]["expected_reloads"] == 0).all()


def test_reload_columns_count_the_reloads_of_a_battle():
    from bmdsim.assessment.metrics import _reload_columns
    from bmdsim.engagement import Opportunities, ShooterSet, fight

    sh = ShooterSet(name=("a",), nation=("US",), layer=np.array([0]), inventory=np.array([4]), pk=np.array([0.0]),
                    salvo=np.array([1]), max_looks=np.array([1]), reliability=np.array([1.0]),
                    p_discriminate=np.array([1.0]), unit_cost_usd=np.array([1.0]), reload_time_s=np.array([600.0]),
                    reserve=np.array([8]), rounds_per_launcher=np.array([2]))
    t = np.arange(12) * 200.0  # 12 threats over 40 min, one round each while rounds last
    opp = Opportunities(looks=np.ones((1, 12), np.int64), t_intercept_s=(t + 60.0)[None],
                        t_launch_looks_s=t[None, :, None])
    out = fight(sh, opp, priority=np.ones(12), replications=5, rng=np.random.default_rng(0), last_chance=False)
    cols = _reload_columns(sh, out, 0, out.shots[:, :, 0].sum(axis=1))
    # two launchers of 2 rounds: fired at 0, 200 (launcher 1 empty: back at 800), 400, 600 (launcher 2
    # empty: back at 1200; the launchers are empty, so t_dry is that salvo's intercept, 660), 800, 1000
    # (back at 1600), 1200, 1400 (back at 2000), 1600, 1800, 2000, 2200: four reloads, all 12 fired
    np.testing.assert_array_equal(out.shots[:, :, 0], 1)
    np.testing.assert_array_equal(out.t_dry_s[:, 0], 660.0)
    assert cols["reload_time_s"] == 600.0 and cols["reserve"] == 8
    assert cols["expected_reloads"] == 4.0 and cols["p_reloaded"] == 1.0
    assert cols["expected_reload_rounds_fired"] == 8.0
