"""Interceptors added for issue 12 (SM-6, L-SAM): present, sourced, bounded, and flown by the flyout model."""

import numpy as np
import pytest

from bmdsim.engagement.interceptors import interceptor_config
from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog

NEW = ("sm-6", "l-sam")
CATALOG = load_interceptor_catalog()


@pytest.mark.parametrize("key", NEW)
def test_new_interceptor_sourced_bounded_and_flyable(key):
    entry = CATALOG.interceptors[key]
    for name, fig in entry:
        if hasattr(fig, "source"):
            assert any(tag in fig.source for tag in ("[seen", "[unverified", "[estimate")), name
            if getattr(fig, "low", None) is not None and fig.high is not None:
                assert fig.low <= fig.value <= fig.high, name
    cfg = interceptor_config(key)
    d = 0.5 * min(cfg.max_range_m, cfg.max_alt_m / np.sin(np.radians(30)))
    assert np.isfinite(cfg.time_of_flight_s(d, np.radians(30.0)))


def test_l_sam_band_sits_between_pac3_and_thaad():
    """Yonhap 2022: L-SAM intercepts at about 50-60 km, between PAC-3 MSE (about 36 km) and THAAD (40-150 km)."""
    lsam, pac3, thaad = (CATALOG.interceptors[k] for k in ("l-sam", "pac-3-mse", "thaad"))
    assert pac3.max_intercept_altitude_km.value < lsam.max_intercept_altitude_km.value
    assert lsam.max_intercept_altitude_km.value < thaad.max_intercept_altitude_km.value
    assert pac3.max_range_km.value < lsam.max_range_km.value < thaad.max_range_km.value
