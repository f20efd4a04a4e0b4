"""The gazetteer: required places present, coordinates sourced and plausible."""

import numpy as np
import pytest

from bmdsim.earth.geodesy import surface_distance
from bmdsim.scenario.sites import load_site_catalog

SITES = load_site_catalog().sites
REQUIRED = {"shariki", "kyogamisaki", "seoul", "busan", "tokyo", "naha", "tonghae", "sohae", "kaesong",
            "seongju", "sea-of-japan-north", "sea-of-japan-south", "osan-ab", "kadena-ab", "honolulu"}


def test_required_sites_present():
    assert REQUIRED <= set(SITES)


@pytest.mark.parametrize("key", sorted(SITES))
def test_each_site_sourced(key):
    s = SITES[key]
    assert len(s.lat_deg.source) > 10 and len(s.lon_deg.source) > 10


def test_known_distances():
    # Seoul-Tokyo about 1,160 km and Tonghae-Shariki about 820 km (great-circle, any atlas): 3% margin
    def d(a, b):
        return float(surface_distance(*np.radians([SITES[a].lat_deg.value, SITES[a].lon_deg.value,
                                                   SITES[b].lat_deg.value, SITES[b].lon_deg.value])))
    assert d("seoul", "tokyo") == pytest.approx(1.16e6, rel=0.03)
    assert 700e3 < d("tonghae", "shariki") < 950e3
