"""Reload in the interceptor catalog and in scenario files: sourced figures, defaults, one-line errors."""

import math
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from bmdsim.scenario.errors import InputError
from bmdsim.scenario.interceptor_catalog import (
    BatteryReload,
    battery_load,
    battery_reload,
    load_interceptor_catalog,
    shooter_reload,
)
from bmdsim.scenario.schema import parse_scenario
from bmdsim.scenario.validate import check_references

CATALOG = load_interceptor_catalog()
TAGS = ("[seen", "[unverified", "[estimate", "[derived")


def test_every_battery_type_states_its_reload_with_sources():
    for key, entry in CATALOG.batteries.items():
        reload = BatteryReload.model_validate(entry["reload"])
        assert any(tag in reload.source for tag in TAGS), key
        for fig in (reload.time_per_launcher_s, reload.reserve_loads_per_launcher):
            if fig is not None:
                assert any(tag in fig.source for tag in TAGS), key
                assert fig.low is None or fig.low <= fig.value <= fig.high, key


def test_ships_do_not_reload_at_sea():
    for interceptor in CATALOG.batteries["aegis-bmd-ship"]["interceptors"]:
        assert battery_reload("aegis-bmd-ship", interceptor) == (math.inf, 0)


def test_ground_batteries_reload_one_launcher_load_each_by_default():
    launchers, rounds = battery_load("thaad-battery", "thaad")
    time_s, reserve = battery_reload("thaad-battery", "thaad")
    assert math.isfinite(time_s) and time_s > 0
    assert reserve == launchers * rounds  # one reload per launcher [estimate]
    # fewer launchers in the scenario: a smaller reserve
    assert battery_reload("thaad-battery", "thaad", launchers=2)[1] == 2 * rounds


def test_reload_figures_must_match_reloadable():
    with pytest.raises(ValidationError, match="needs time_per_launcher_s"):
        BatteryReload(reloadable=True, source="x [estimate]")
    with pytest.raises(ValidationError, match="takes no"):
        BatteryReload(reloadable=False, source="x [seen]",
                      time_per_launcher_s={"value": 60, "source": "y [estimate]"})


def shooter(**kw):
    base = dict(battery=None, interceptor="pac-3-cri", inventory=16, launchers=None, reload_time_s=None,
                reserve=None)
    return SimpleNamespace(**{**base, **kw})


def test_shooter_reload_defaults_and_overrides():
    assert shooter_reload(shooter()) == (math.inf, 0, 16)  # no battery type, nothing given: no reload
    assert shooter_reload(shooter(launchers=6, reload_time_s=600.0, reserve=32)) == (600.0, 32, 3)
    cat = shooter_reload(shooter(battery="patriot-battery-us", inventory=None))
    assert cat == (*battery_reload("patriot-battery-us", "pac-3-cri"), 16)
    assert shooter_reload(shooter(battery="patriot-battery-us", inventory=None, reserve=0))[1] == 0
    ship = shooter_reload(shooter(battery="aegis-bmd-ship", interceptor="sm-3-ib", inventory=None))
    assert ship[:2] == (math.inf, 0)


SCENARIO = """
name: reload-fields
nations: [US]
architectures: [national]
sensors:
  - {name: mpq65-osan, type: mpq65, nation: US, site: osan-ab}
shooters:
  - {name: patriot-osan, nation: US, site: osan-ab, interceptor: pac-3-cri, fire_control_radar: mpq65-osan, EXTRA}
assets:
  - {name: osan-ab, site: osan-ab, value: 1}
raids:
  - {name: r, missile: scud-b, launch_site: kittaeryong, aim: osan-ab, count: 1}
"""


@pytest.mark.parametrize("extra, message", [
    ("inventory: 8, reload_time_s: 600", r"shooters\[0\]\.reserve: required with reload_time_s"),
    ("inventory: 8, reserve: 8", r"shooters\[0\]\.reload_time_s: required with reserve"),
    ("inventory: 0, reload_time_s: 600, reserve: 8", r"shooters\[0\]\.reserve: a shooter with no first load"),
    ("inventory: 8, reload_time_s: 0, reserve: 8", r"shooters\[0\]\.reload_time_s: .*greater than 0"),
    ("inventory: 8, reload_time_s: 600, reserve: -1", r"shooters\[0\]\.reserve: .*greater than or equal to 0"),
])
def test_scenario_reload_errors_are_one_line(extra, message):
    text = SCENARIO.replace("EXTRA", extra)
    with pytest.raises(InputError, match=message) as err:
        cfg, lines = parse_scenario(text, "reload.yaml")
        check_references(cfg, "reload.yaml", lines)
    assert "\n" not in str(err.value) and "reload.yaml" in str(err.value)


@pytest.mark.parametrize("extra", ["inventory: 8, reload_time_s: 600, reserve: 8", "battery: patriot-battery-us",
                                   "battery: patriot-battery-us, reserve: 0"])
def test_scenario_reload_accepted(extra):
    cfg, lines = parse_scenario(SCENARIO.replace("EXTRA", extra), "reload.yaml")
    check_references(cfg, "reload.yaml", lines)
