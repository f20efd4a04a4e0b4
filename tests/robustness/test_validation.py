"""Values the schema used to let through, and which then crashed a run or were silently misread.

Each case is refused when the file is loaded, before any stage runs, with one line naming the file, the
line and the field (the issue #11 list: inf and huge times, big integers, self-sharing, latency inf,
duplicate or "national" custom architectures, unresolved overrides, unknown missiles in aim grids,
coverage altitudes, `true` for a number, epochs, names that become paths).
"""

import pytest

from bmdsim.scenario.errors import InputError
from bmdsim.scenario.schema import parse_scenario

from .conftest import BASE

CUSTOM = "architectures: [national, {name: x, agreements: [{provider: US, receiver: JP, latency_s: 2}]}]"


def _arch(agreement: str, name: str = "x") -> tuple[str, str]:
    return ("architectures: [national]",
            f"architectures: [national, {{name: {name}, agreements: [{agreement}]}}]")


CASES = {
    # name: ((old, new) replacement or text to append, expected line, field path, words of the message)
    "launch time inf": (("count: 1}", "count: 1, t_launch_s: .inf}"), 10, "raids[0].t_launch_s", "finite"),
    "launch time 1e308": (("count: 1}", "count: 1, t_launch_s: 1e308}"), 10, "raids[0].t_launch_s", "86400"),
    "spacing inf": (("count: 1}", "count: 1, spacing_s: .inf}"), 10, "raids[0].spacing_s", "finite"),
    "spacing 1.0e+308": (("count: 1}", "count: 1, spacing_s: 1.0e+308}"), 10, "raids[0].spacing_s", "86400"),
    "inventory 2**70": (("inventory: 4", f"inventory: {2**70}"), 6, "shooters[0].inventory", "100000"),
    "wave 2**70": (("count: 1}", f"count: 1, wave: {2**70}}}"), 10, "raids[0].wave", "1000000"),
    "inventory true": (("inventory: 4", "inventory: true"), 6, "shooters[0].inventory", "valid integer"),
    "value true": (("value: 1}", "value: true}"), 8, "assets[0].value", "valid number"),
    "replications true": ("monte_carlo: {replications: true}\n", 12, "monte_carlo.replications", "valid integer"),
    "network latency inf": ("network: {latency_s: .inf}\n", 12, "network.latency_s", "finite"),
    "relay latency nan": ("network: {relay_latency_s: .nan}\n", 12, "network.relay_latency_s", "finite"),
    "agreement latency inf": (_arch("{provider: US, receiver: JP, latency_s: .inf}"), 11,
                              "architectures[1].agreements[0].latency_s", "finite"),
    "self sharing": (_arch("{provider: US, receiver: US, latency_s: 1}"), 11, "architectures[1].agreements[0]",
                     "cannot share with itself"),
    "custom named national": (_arch("{provider: US, receiver: JP, latency_s: 1}", "national"), 11,
                              "architectures[1].name", "built-in"),
    "two custom with one name": (("architectures: [national]", CUSTOM.replace("]}]", "]}, {name: x}]")), 11,
                                 "architectures[2].name", "already"),
    "unknown override entry": ("overrides: {interceptors.sm-9.pk: 0.5}\n", 12, "overrides.interceptors.sm-9.pk",
                               "not a shooter interceptor"),
    "override of an unused entry": ("overrides: {radars.spy1d.peak_power_w: 1.0e+6}\n", 12,
                                    "overrides.radars.spy1d.peak_power_w", "not a sensor type"),
    "override of an unknown field": ("overrides: {radars.tpy2-fbm.colour: 1.0}\n", 12,
                                     "overrides.radars.tpy2-fbm.colour", "unknown field"),
    "aim grid unknown missile": (
        "footprints: {aim_grids: [{name: g, missile: hw-99, center: tokyo, radius_km: 100, launch_site: tonghae}]}\n",
        12, "footprints.aim_grids[0].missile", "unknown missile"),
    "aim grid without launch site": (
        "footprints: {aim_grids: [{name: g, missile: nodong, center: tokyo, radius_km: 100}]}\n",
        12, "footprints.aim_grids[0].launch_site", "required"),
    "coverage altitude -1": ("footprints: {coverage_altitudes_km: [-1]}\n", 12,
                             "footprints.coverage_altitudes_km[0]", "greater than"),
    "coverage altitude nan": ("footprints: {coverage_altitudes_km: [.nan]}\n", 12,
                              "footprints.coverage_altitudes_km[0]", "finite"),
    "coverage altitude inf": ("footprints: {coverage_altitudes_km: [.inf]}\n", 12,
                              "footprints.coverage_altitudes_km[0]", "finite"),
    "epoch any string": ("epoch_utc: yesterday\n", 12, "epoch_utc", "ISO-8601"),
    "epoch not UTC": ('epoch_utc: "2014-12-29T09:00:00+09:00"\n', 12, "epoch_utc", "UTC"),
    "epoch without zone": ('epoch_utc: "2014-12-29T09:00:00"\n', 12, "epoch_utc", "UTC"),
    "variant ..": ('variants: [{name: ".."}]\n', 12, "variants[0].name", "folder name"),
    "variant with a slash": ('variants: [{name: "a/b"}]\n', 12, "variants[0].name", "folder name"),
    "variant variants.csv": ("variants: [{name: variants.csv}]\n", 12, "variants[0].name", "result file"),
    "variant results.json": ("variants: [{name: results.json}]\n", 12, "variants[0].name", "result file"),
    "variants differing in case": ("variants: [{name: A}, {name: a}]\n", 12, "variants[1].name", "already"),
    "variant enabling nothing known": ("variants: [{name: v, enable: [ghost]}]\n", 12, "variants[0].enable[0]",
                                       "unknown sensor or shooter"),
    "duplicate sensor": (("sensors:\n", "sensors:\n  - {name: r1, type: tpy2-fbm, nation: US, site: shariki}\n"),
                         5, "sensors[1].name", "already"),
    "Norway read as false": (("nations: [US, JP]", "nations: [US, JP, NO]"), 2, "nations[2]", "quote it"),
    "bilateral without ROK": (("architectures: [national]", "architectures: [bilateral]"), 11,
                              "architectures[0]", "ROK"),
    "unknown fire-control radar": (("fire_control_radar: r1", "fire_control_radar: nope"), 6,
                                   "shooters[0].fire_control_radar", "unknown sensor"),
    "quasi-ballistic Nodong": (("count: 1}", "count: 1, profile: quasi-ballistic}"), 10, "raids[0].profile",
                               "no quasi_ballistic block"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_on_load_with_file_line_and_field(case):
    change, line, field, words = CASES[case]
    text = BASE.replace(*change) if isinstance(change, tuple) else BASE + change
    assert text != BASE
    with pytest.raises(InputError) as exc:
        parse_scenario(text, "s.yaml")
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"s.yaml:{line}: {field}: "), msg
    assert words in msg, msg


@pytest.mark.parametrize("epoch, stored", [
    ("2014-12-29T00:00:00Z", "2014-12-29T00:00:00Z"),
    ('"2014-12-29T00:00:00+00:00"', "2014-12-29T00:00:00Z"),
    ("2014-12-29 06:30:00.5Z", "2014-12-29T06:30:00.500000Z"),
])
def test_epoch_is_a_utc_instant(epoch, stored):
    cfg, _ = parse_scenario(BASE + f"epoch_utc: {epoch}\n", "s.yaml")
    assert cfg.epoch_utc == stored


def test_yaml_1_2_floats_are_numbers():
    cfg, _ = parse_scenario(BASE.replace("count: 1}", "count: 1, t_launch_s: 1e2}"), "s.yaml")
    assert cfg.raids[0].t_launch_s == 100.0


def test_presets_still_load():
    from bmdsim.scenario.presets import preset_names, preset_text
    from bmdsim.scenario.schema import to_yaml

    for name in preset_names():
        cfg, _ = parse_scenario(preset_text(name), name)
        again, _ = parse_scenario(to_yaml(cfg), name)  # the resolved YAML passes the same checks
        assert again == cfg


def test_network_latency_inf_is_not_blamed_on_an_architecture():
    with pytest.raises(InputError) as exc:
        parse_scenario(BASE.replace("architectures: [national]", "architectures: [national, trilateral]").replace(
            "nations: [US, JP]", "nations: [US, JP, ROK]") + "network: {latency_s: .inf}\n", "s.yaml")
    assert "network.latency_s" in str(exc.value) and "architectures" not in str(exc.value)
