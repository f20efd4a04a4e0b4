"""The interceptor catalog: every system present, every figure sourced, configs valid."""

import numpy as np
import pytest

from bmdsim.engagement.interceptors import interceptor_config
from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog

REQUIRED = {"thaad", "sm-3-ia", "sm-3-ib", "sm-3-iia", "pac-3-cri", "pac-3-mse", "pac-2-gem-t", "gbi",
            "iron-dome-tamir"}
CATALOG = load_interceptor_catalog()


def test_required_interceptors_present():
    assert REQUIRED <= set(CATALOG.interceptors)


@pytest.mark.parametrize("key", sorted(REQUIRED))
def test_figures_sourced_and_config_valid(key):
    entry = CATALOG.interceptors[key]
    for name, fig in entry:
        if hasattr(fig, "source"):
            assert len(fig.source) > 10, name
            if getattr(fig, "low", None) is not None and fig.high is not None:
                assert fig.low <= fig.value <= fig.high, name
    assert entry.remote_data.mode in ("none", "launch-on-remote", "engage-on-remote")
    assert any(f"[{tag}" in entry.remote_data.source for tag in ("seen", "unverified", "estimate")), key
    cfg = interceptor_config(key)
    assert 0.0 <= cfg.pk <= 1.0
    # the flyout reaches a point at half its catalog range on a 30 deg line, inside the altitude envelope
    d = 0.5 * min(cfg.max_range_m, cfg.max_alt_m / np.sin(np.radians(30)))
    assert np.isfinite(cfg.time_of_flight_s(d, np.radians(30.0)))


def test_unknown_interceptor_names_known_ones():
    with pytest.raises(KeyError, match=r"no interceptor 'sm-4'.*thaad"):
        interceptor_config("sm-4")


def test_batteries_name_catalog_interceptors():
    for key, battery in CATALOG.batteries.items():
        for name in battery.get("interceptors", []):
            assert name in CATALOG.interceptors, (key, name)
