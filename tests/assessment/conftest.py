"""A small scenario for end-to-end tests: two raids, three radars of three nations, three shooters."""

import pytest

SMALL = """
name: small-test
nations: [US, JP, ROK]
sensors:
  - {name: tpy2-shariki, type: tpy2-fbm, nation: US, site: shariki, boresight_az_deg: 270, p_discriminate: 0.5}
  - {name: spy1-jp, type: spy1d, nation: JP, site: sea-of-japan-north, boresight_az_deg: 270, p_discriminate: 0.3}
  - {name: greenpine-north, type: green-pine, nation: ROK, site: greenpine-north, boresight_az_deg: 340,
     p_discriminate: 0.95}
  - {name: mpq65-osan, type: mpq65, nation: US, site: osan-ab, boresight_az_deg: 0}
  - {name: mpq65-seoul, type: mpq65, nation: ROK, site: rok-patriot-seoul, boresight_az_deg: 0}
shooters:
  - {name: aegis-jp, nation: JP, site: sea-of-japan-north, interceptor: sm-3-ia, inventory: 4,
     fire_control_radar: spy1-jp}
  - {name: patriot-osan, nation: US, site: osan-ab, interceptor: pac-3-cri, inventory: 8,
     fire_control_radar: mpq65-osan}
  - {name: patriot-rok, nation: ROK, site: rok-patriot-seoul, interceptor: pac-2-gem-t, inventory: 8,
     fire_control_radar: mpq65-seoul}
assets:
  - {name: tokyo, site: tokyo, value: 10}
  - {name: osan-ab, site: osan-ab, value: 8}
raids:
  - {name: nodong-tokyo, missile: nodong, launch_site: tonghae, aim: tokyo, count: 2, spacing_s: 30,
     launch_radius_km: 10, decoys: 1}
  - {name: scudb-osan, missile: scud-b, launch_site: kittaeryong, aim: osan-ab, count: 2, t_launch_s: 20,
     spacing_s: 20, launch_radius_km: 10}
early_warning:
  - {name: sbirs, system: sbirs, nation: US}
monte_carlo: {replications: 200, seed: 7}
"""


@pytest.fixture(scope="session")
def small_text() -> str:
    return SMALL


@pytest.fixture(scope="session")
def small_run():
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import run
    from bmdsim.scenario.schema import parse_scenario

    cfg, lines = parse_scenario(SMALL, "small.yaml")
    sc = resolve(cfg, file="small.yaml", lines=lines)
    return run(sc)
