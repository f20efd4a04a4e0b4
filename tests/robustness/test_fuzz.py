"""Property-based fuzzing of every input bmdsim reads: scenario files and command arguments.

Every case must end in a valid parse (which then resolves and sizes without error) or one ``InputError``
line / exit status 2, within bounded time: no traceback, no hang. The loader is called in-process, and
the commands run with their physics replaced by a sentinel, so the fuzz exercises validation, not runs.

``BMDSIM_FUZZ_EXAMPLES`` sets the examples per test (default 250: about 2,500 cases in CI);
``BMDSIM_FUZZ_RANDOM=1`` draws new cases each time instead of the fixed derandomized ones. A longer
campaign: ``scripts/fuzz.sh`` (20,000 per test).
"""

import math
import os
import time
import warnings
from contextlib import ExitStack
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bmdsim.cli.main import main
from bmdsim.scenario.errors import InputError
from bmdsim.scenario.presets import preset_names, preset_text
from bmdsim.scenario.schema import parse_scenario

from .conftest import BASE

with warnings.catch_warnings():
    # hypothesis imports its patch writer (libcst, which warns on import) only when reporting a failure;
    # with warnings as errors that import would turn the failure report into an internal error
    warnings.simplefilter("ignore")
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:
        pass

EXAMPLES = int(os.environ.get("BMDSIM_FUZZ_EXAMPLES", "250"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=os.environ.get("BMDSIM_FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
TIME_LIMIT_S = 2.0  # one parse; the bounds of the loader make the worst case far shorter

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**60, max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 5e-324, -0.0]),
    st.text(max_size=30),
    st.sampled_from(["national", "US", "JP", "tokyo", "nodong", "tpy2-fbm", "pac-3-cri", "..", "variants.csv",
                     "[/bold]", "=cmd|' /C calc'!A0", "\x1b[31m", "2014-12-29T00:00:00Z", "yes", "1e5"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12) | st.sampled_from(
        ["name", "count", "site", "nation", "latency_s", "agreements", "inventory"]), inner, max_size=4)),
    max_leaves=20)


def _check_parse(text: str, file: str = "fuzz.yaml") -> None:
    """Valid (and then resolvable and sizeable) or one InputError line naming the file; in bounded time."""
    t0 = time.perf_counter()
    try:
        config, lines = parse_scenario(text, file)
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg and "\r" not in msg and "\x1b" not in msg, msg
        assert msg.startswith(file) and len(msg) < 2000, msg
    else:
        from bmdsim.assessment.build import resolve
        from bmdsim.scenario.validate import estimate_run

        estimate_run(config)
        try:
            resolve(config, file=file, lines=lines)
        except InputError as exc:  # a check only build can make (e.g. an interceptor override's field)
            assert "\n" not in str(exc)
    assert time.perf_counter() - t0 < TIME_LIMIT_S


def _warm_up() -> None:
    """Load the catalogs and import the stages once, so the time bound measures validation alone."""
    from bmdsim.assessment.build import resolve

    config, lines = parse_scenario(BASE, "warm.yaml")
    resolve(config, file="warm.yaml", lines=lines)


_warm_up()


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


BASE_DATA = yaml.safe_load(BASE)
PATHS = [("name",), ("nations",), ("nations", 0), ("sensors", 0, "type"), ("sensors", 0, "site"),
         ("shooters", 0, "inventory"), ("shooters", 0, "salvo"), ("shooters", 0, "interceptor"),
         ("assets", 0, "value"), ("raids", 0, "count"), ("raids", 0, "t_launch_s"), ("raids", 0, "aim"),
         ("raids", 0, "missile"), ("raids", 0, "wave"), ("architectures",), ("architectures", 0), ("monte_carlo",),
         ("network",), ("footprints",), ("variants",), ("overrides",), ("epoch_utc",), ("sites",), ("earth",)]


def _set(data, path, value):
    import copy

    data = copy.deepcopy(data)
    node = data
    for p in path[:-1]:
        node = node[p]
    if isinstance(node, list) and isinstance(path[-1], int) and path[-1] >= len(node):
        node.append(value)
    else:
        node[path[-1]] = value
    return data


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_fuzz_mutated_fields(changes):
    data = BASE_DATA
    for path, value in changes:
        data = _set(data, path, value)
    try:
        text = _dump(data)
    except (yaml.YAMLError, ValueError):
        return
    _check_parse(text)


@FUZZ
@given(VALUES)
def test_fuzz_random_documents(data):
    _check_parse(_dump(data))


@FUZZ
@given(st.sampled_from([BASE, *[preset_text(n) for n in preset_names()]]),
       st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5), st.text(max_size=6) | st.sampled_from(
           ["&a ", "*a", "<<: ", "\t", "\x00", "\x1b", "[", "{", "!!python/name:os.system", "- ", ": ", "\n  ",
            "1e999", ".inf", ".nan", "~", '"', "'", "\ufeff", "\u202e"])), max_size=5))
def test_fuzz_text_edits(source, edits):
    text = source
    for where, cut, insert in edits:
        i = int(where * len(text))
        text = text[:i] + insert + text[i + cut:]
    _check_parse(text)


@FUZZ
@given(st.integers(1, 12), st.integers(2, 12), st.integers(1, 200), st.booleans())
def test_fuzz_aliases_and_nesting(levels, fan, depth, flow):
    text = "a0: &a0 [1, 2]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]\n" for i in range(1, levels))
    if flow:
        text += "deep: " + "[" * depth + "]" * depth + "\n"
    else:
        text += "deep:\n" + "".join(" " * (k + 1) + f"k{k}:\n" for k in range(depth))
    _check_parse(text)


# -- command arguments: validation only (the physics is replaced by a sentinel)

class _Reached(Exception):
    """Validation let the arguments through to the physics."""


def _run_main(args: list[str]) -> tuple[int | None, str]:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(args)
        except _Reached:
            return None, err.getvalue()
    return status, err.getvalue()


def _assert_one_line(status, err):
    assert status == 2, (status, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bmdsim: error: "), err
    assert "\x1b" not in err


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str),
                    st.sampled_from(["", "nan", "inf", "-inf", "1e999", "0x10", "1_000", " 5", "1,2", "--", "-"]),
                    st.text(max_size=8))
LATLON = st.one_of(st.tuples(NUMBERS, NUMBERS).map(",".join), st.tuples(
    st.floats(-100, 400), st.floats(-100, 400)).map(lambda t: f"{t[0]},{t[1]}"), st.text(max_size=10))


def _stub(target: str):
    def boom(*args, **kwargs):
        for a in (*args, *kwargs.values()):
            if isinstance(a, float):
                assert math.isfinite(a), (target, args, kwargs)
        raise _Reached

    return mock.patch(target, boom)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["--from", "--to", "--missile", "--profile", "--burnout-angle",
                                           "--apogee", "--burnout-altitude", "--beta", "--earth"]),
                          st.one_of(LATLON, NUMBERS)), max_size=4),
       st.lists(st.sampled_from(["--impulsive", "--no-rotation", "--no-drag", "--json"]), max_size=2))
def test_fuzz_trajectory_arguments(options, flags):
    args = ["trajectory", *[x for pair in options for x in pair], *flags]
    with ExitStack() as stack:
        stack.enter_context(_stub("bmdsim.flight.targeting.target_missile"))
        stack.enter_context(_stub("bmdsim.flight.targeting.target_impulsive"))
        stack.enter_context(_stub("bmdsim.earth.geodesy.surface_inverse"))
        status, err = _run_main(args)
    if status is not None:
        _assert_one_line(status, err)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["--radar", "--at", "--boresight-az", "--target-altitude", "--rcs",
                                           "--earth", "--refraction", "--min-elevation"]),
                          st.one_of(LATLON, NUMBERS, st.sampled_from(["tpy2-fbm", "green-pine", "4/3"]))),
                max_size=5))
def test_fuzz_coverage_arguments(options):
    args = ["coverage", "--radar", "tpy2-fbm", "--at", "40,140", "--target-altitude", "100",
            *[x for pair in options for x in pair]]
    with _stub("bmdsim.sensors.coverage.coverage"):
        status, err = _run_main(args)
    if status is not None:
        _assert_one_line(status, err)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(BASE)
    return path


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["--architectures", "--replications", "--seed", "--out"]),
                          st.one_of(NUMBERS, st.sampled_from(["national", "national,national", ",", "foo",
                                                              "/dev/null/x", "\x1b[2J"]))), max_size=3))
def test_fuzz_run_arguments(scenario_file, options):
    args = ["run", str(scenario_file), "--quiet", *[x for pair in options for x in pair]]
    if "--out" not in args:
        args += ["--out", "out"]
    here = os.getcwd()
    os.chdir(scenario_file.parent)  # relative --out values land in the test's folder
    try:
        with _stub("bmdsim.assessment.build.resolve"):
            status, err = _run_main(args)
    finally:
        os.chdir(here)
    if status is not None:
        _assert_one_line(status, err)


@FUZZ
@given(st.text(max_size=20) | st.sampled_from(preset_names()))
def test_fuzz_presets_show(name):
    status, err = _run_main(["presets", "show", name])
    if name in preset_names():
        assert status == 0, err
    else:
        _assert_one_line(status, err)
