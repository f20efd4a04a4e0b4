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
