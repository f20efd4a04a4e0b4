"""Architectures: releasability and latency as the built-in agreements define them."""

import numpy as np
import pytest

from bmdsim.network import Agreement, Architecture, builtin_architectures

SENSORS = ["US", "US", "JP", "ROK", "ROK"]  # e.g. two TPY-2, an FPS-5, two Green Pines


def test_national_uses_only_own_sensors():
    arch = builtin_architectures()["national"]
    for nation in ("US", "JP", "ROK"):
        allowed, lat = arch.sensor_access(nation, SENSORS)
        np.testing.assert_array_equal(allowed, [n == nation for n in SENSORS])
        assert np.all(lat[allowed] == 0.0)


def test_bilateral_has_no_japan_rok_link_and_no_relay():
    arch = builtin_architectures(latency_s=3.0)["bilateral"]
    allowed, lat = arch.sensor_access("JP", SENSORS)
    np.testing.assert_array_equal(allowed, [True, True, True, False, False])
    np.testing.assert_allclose(lat[:3], [3.0, 3.0, 0.0])
    allowed, _ = arch.sensor_access("ROK", SENSORS)
    np.testing.assert_array_equal(allowed, [True, True, False, True, True])
    allowed, _ = arch.sensor_access("US", SENSORS)
    assert allowed.all()


def test_trilateral_relays_through_us_with_added_latency():
    arch = builtin_architectures(latency_s=3.0, relay_latency_s=5.0)["trilateral"]
    allowed, lat = arch.sensor_access("JP", SENSORS)
    assert allowed.all()
    np.testing.assert_allclose(lat, [5.0, 5.0, 0.0, 10.0, 10.0])  # ROK data: two hops through the US


def test_more_sharing_is_a_superset():
    archs = builtin_architectures()
    for nation in ("US", "JP", "ROK"):
        a_nat, _ = archs["national"].sensor_access(nation, SENSORS)
        a_bi, _ = archs["bilateral"].sensor_access(nation, SENSORS)
        a_tri, _ = archs["trilateral"].sensor_access(nation, SENSORS)
        assert np.all(a_nat <= a_bi) and np.all(a_bi <= a_tri)


def test_bad_agreements_name_the_field():
    with pytest.raises(ValueError, match=r"agreements\[0\]\.receiver: unknown nation 'PRC'"):
        Architecture(name="x", nations=("US", "JP"),
                     agreements=(Agreement(provider="US", receiver="PRC", latency_s=1.0),))
    with pytest.raises(ValueError, match="latency_s must be >= 0"):
        Agreement(provider="US", receiver="JP", latency_s=-1.0)
    with pytest.raises(ValueError, match="receiver must differ"):
        Agreement(provider="US", receiver="US", latency_s=1.0)
