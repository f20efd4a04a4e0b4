"""The northeast-asia-2024 preset: valid, every reference resolves to a sourced catalog entry, and it holds
the changes since 2014 that issue 12 names (THAAD at Seongju, the current threat set, real-time sharing)."""

from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog
from bmdsim.scenario.presets import preset_text
from bmdsim.scenario.radar_catalog import load_radar_catalog
from bmdsim.scenario.schema import parse_scenario
from bmdsim.scenario.sites import load_site_catalog


def _config(name):
    config, _ = parse_scenario(preset_text(name), f"{name}.yaml")
    return config


def test_every_reference_resolves_and_every_unit_has_a_source():
    config = _config("northeast-asia-2024")
    sites = set(load_site_catalog().sites) | set(config.sites)
    assert {s.site for s in config.sensors} <= sites
    assert {s.site for s in config.shooters} <= sites
    assert {r.launch_site for r in config.raids} <= sites
    assert {a.site for a in config.assets} <= sites
    assert {s.type for s in config.sensors} <= set(load_radar_catalog().radars)
    assert {s.interceptor for s in config.shooters} <= set(load_interceptor_catalog().interceptors)
    assert {r.missile for r in config.raids} <= set(load_threat_catalog().missiles)
    assert all(e.source for e in (*config.sensors, *config.shooters))


def test_the_decade_of_change_is_in_the_preset():
    old, new = _config("northeast-asia-2014"), _config("northeast-asia-2024")
    thaad = next(s for s in new.shooters if s.interceptor == "thaad")
    assert thaad.enabled and thaad.site == "seongju"
    assert "trilateral" in new.architectures
    assert new.network.latency_s < old.network.latency_s  # real-time sharing (assumed 2 s a hop vs 4 s)
    assert {"kn-23", "kn-24", "kn-25", "hwasong-12", "pukguksong-3"} <= {r.missile for r in new.raids}
    # same scale as the 2014 preset, so that the default run time stays in the same range
    assert abs(sum(r.count for r in new.raids) - sum(r.count for r in old.raids)) <= 4
