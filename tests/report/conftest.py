"""Small results folders made once per session by ``bmdsim run``: a defended scenario with variants whose
names carry markup and script (the injection case), and a sensor-only scenario."""

import pytest

from bmdsim.cli.main import main

EVIL = "<script>window.PWNED=1</script>"

DEFENDED = """
name: "evil</script><script>window.PWNED=1</script>"
description: "<img src=x onerror=\\"window.PWNED=2\\"> & <b>bold</b> end"
nations: [US, JP, ROK]
sensors:
  - {name: "tpy2<script>window.PWNED=3</script>", type: tpy2-fbm, nation: US, site: shariki, boresight_az_deg: 270}
  - {name: greenpine-north, type: green-pine, nation: ROK, site: greenpine-north, boresight_az_deg: 340}
  - {name: mpq65-osan, type: mpq65, nation: US, site: osan-ab, boresight_az_deg: 0}
  - {name: mpq65-seoul, type: mpq65, nation: ROK, site: rok-patriot-seoul, boresight_az_deg: 0}
shooters:
  - {name: "patriot <a href='javascript:window.PWNED=4'>osan</a>", nation: US, site: osan-ab,
     interceptor: pac-3-cri, inventory: 8, fire_control_radar: mpq65-osan}
  - {name: patriot-rok, nation: ROK, site: rok-patriot-seoul, interceptor: pac-2-gem-t, inventory: 8,
     fire_control_radar: mpq65-seoul, enabled: false}
assets:
  - {name: "osan<img src=x onerror=window.PWNED=5>", site: osan-ab, value: 8}
raids:
  - {name: "scud<svg onload=window.PWNED=6>", missile: scud-b, launch_site: kittaeryong,
     aim: "osan<img src=x onerror=window.PWNED=5>", count: 2, spacing_s: 20}
variants:
  - {name: baseline}
  - {name: more, enable: [patriot-rok]}
architectures: [national, bilateral]
monte_carlo: {replications: 20, seed: 7}
"""

SENSORS = """
name: sensors-only
nations: [US, JP, ROK]
sensors:
  - {name: tpy2-kyogamisaki, type: tpy2-fbm, nation: US, site: kyogamisaki, boresight_az_deg: 300}
  - {name: greenpine-north, type: green-pine, nation: ROK, site: greenpine-north, boresight_az_deg: 340}
shooters: []
assets:
  - {name: tokyo, site: tokyo, value: 1}
raids:
  - {name: df21-tokyo, missile: df-21, launch_site: tonghua, aim: tokyo, count: 1}
architectures: [national]
monte_carlo: {replications: 5, seed: 7}
"""


def _run(tmp_path_factory, name: str, text: str):
    base = tmp_path_factory.mktemp(name)
    path = base / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    out = base / "out"
    status = main(["run", str(path), "--out", str(out), "--quiet", "--format", "json"])
    assert status == 0
    return out


@pytest.fixture(scope="session")
def defended_folder(tmp_path_factory):
    """A variant run (folders baseline/ and more/) of a scenario whose names are markup."""
    return _run(tmp_path_factory, "defended", DEFENDED)


@pytest.fixture(scope="session")
def sensor_folder(tmp_path_factory):
    return _run(tmp_path_factory, "sensors", SENSORS)
