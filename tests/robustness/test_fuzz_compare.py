"""Fuzzing `bmdsim compare` over malformed results folders (issue 11: 9 of 14 hand-made cases crashed).

Random JSON documents (and random text) stand in for results.json, beside a real result set; every case
ends in exit status 0 or one line on stderr with status 2, never a traceback. ``BMDSIM_FUZZ_EXAMPLES``
sets the examples (default 250).
"""

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import BASE, run_cli

EXAMPLES = int(os.environ.get("BMDSIM_FUZZ_EXAMPLES", "250"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("BMDSIM_FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(max_size=20)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=30)
KEYS = ("architectures", "scenario", "seed", "replications", "tables", "stage_seconds", "expected_leakers",
        "expected_leakers_se", "p_zero_leakers", "national", "summary")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A complete result set of a small scenario (made once)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from bmdsim.cli.main import main

    folder = tmp_path_factory.mktemp("real")
    scenario = folder / "s.yaml"
    scenario.write_text(BASE)
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert main(["run", str(scenario), "--out", str(folder / "out"), "--quiet", "--replications", "5"]) == 0
    return folder / "out"


def _check(status: int, err: str) -> None:
    assert status in (0, 2), err
    assert "Traceback" not in err
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err


@SETTINGS
@given(doc=documents | st.dictionaries(st.sampled_from(KEYS), documents, max_size=6))
def test_compare_random_results_json(capsys, tmp_path_factory, real, doc):
    bad = tmp_path_factory.mktemp("bad")
    shutil.copytree(real, bad / "run", dirs_exist_ok=True)
    (bad / "run" / "results.json").write_text(json.dumps(doc, allow_nan=True))
    status, _, err = run_cli(capsys, "compare", real, bad / "run")
    _check(status, err)


@SETTINGS
@given(text=st.text(max_size=200), drop=st.sampled_from(["", "summary.parquet", "summary.csv", "results.json"]))
def test_compare_random_text_and_missing_tables(capsys, tmp_path_factory, real, text, drop):
    bad = tmp_path_factory.mktemp("bad")
    shutil.copytree(real, bad / "run", dirs_exist_ok=True)
    if drop:
        (bad / "run" / drop).unlink()
    if drop != "results.json":
        (bad / "run" / "results.json").write_text(text)
    status, _, err = run_cli(capsys, "compare", bad / "run", real)
    _check(status, err)
