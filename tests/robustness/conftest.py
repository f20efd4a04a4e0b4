"""Shared inputs of the robustness tests: a small valid scenario and a way to run the CLI in-process."""

import pytest

from bmdsim.cli.main import main

BASE = """name: t
nations: [US, JP]
sensors:
  - {name: r1, type: tpy2-fbm, nation: US, site: shariki}
shooters:
  - {name: s1, nation: JP, site: tokyo, interceptor: pac-3-cri, inventory: 4, fire_control_radar: r1}
assets:
  - {name: tokyo, site: tokyo, value: 1}
raids:
  - {name: r, missile: nodong, launch_site: tonghae, aim: tokyo, count: 1}
architectures: [national]
"""


@pytest.fixture
def base_text() -> str:
    return BASE


def run_cli(capsys, *args):
    """(status, stdout, stderr) of ``bmdsim ARGS`` run in this process."""
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def assert_one_line_error(status, err, *needles):
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in err, (n, err)
