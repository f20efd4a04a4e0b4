"""Invariants of an assessment, property-based over randomized architectures, sensor sets and shooters.

The raids of the small scenario (tests/assessment/conftest.py) are flown and sensed once per session;
hypothesis then draws which sensors are on (under the nominal and the aspect RCS model), which agreements
exist (provider, receiver, latency, relay, flows), and which shooters are deployed, and checks properties
that must hold for every such scenario:

- switching on a sensor never delays any nation's first fire-control-quality time, never loses a track;
- releasability: changing what a nation may not receive (tracks of sensors it has no agreement for,
  early-warning cues, discrimination data) leaves its picture identical to the bit;
- with unlimited inventories, adding a sharing link or a shooter never raises expected leakers beyond
  Monte Carlo noise under common random numbers (3 standard errors of the paired difference).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bmdsim.network.agreements import FLOWS, Agreement, Architecture
from bmdsim.network.share import discrimination_sources, share, warning_arrival_s
from bmdsim.tracking.fusion import SensorTracks

NATIONS = ("US", "JP", "ROK")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", params=["nominal", "aspect"])
def pipe(small_run, request):
    """The small scenario's pipeline under each RCS model: the sensor and releasability invariants must hold
    whichever model sets the looks' RCS."""
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import Pipeline
    from bmdsim.scenario.schema import RcsSettings

    if request.param == "nominal":
        return Pipeline(small_run.scenario, small_run.trajectories)
    cfg = small_run.scenario.config.model_copy(update={"rcs": RcsSettings(model="aspect")})
    return Pipeline(resolve(cfg, file="small.yaml"), small_run.trajectories)


@pytest.fixture(scope="module")
def tracks(pipe):
    """Every sensor's own tracks, all cued at the owner's cue time (a fixed cue for the fusion tests)."""
    cue = warning_arrival_s(Architecture(name="x", nations=NATIONS), ["US"], pipe.t_cue_s, pipe.radar_nations)
    return pipe._sense_and_track(cue)[1]


agreements = st.lists(st.builds(
    lambda p, r, lat, relay, flows: (p, r, lat, relay, flows),
    st.sampled_from(NATIONS), st.sampled_from(NATIONS), st.sampled_from([0.0, 2.0, 4.0, 10.0, 30.0]),
    st.booleans(), st.sets(st.sampled_from(FLOWS), min_size=1)), max_size=6)


def _arch(specs) -> Architecture:
    return Architecture(name="random", nations=NATIONS, agreements=tuple(
        Agreement(provider=p, receiver=r, latency_s=lat, relay=relay, flows=frozenset(f))
        for p, r, lat, relay, f in specs if p != r))


def _later_or_lost(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Where ``after`` is later than ``before`` or lost (NaN) where ``before`` had a time."""
    b = np.where(np.isfinite(before), before, np.inf)
    a = np.where(np.isfinite(after), after, np.inf)
    return a > b


@SETTINGS
@given(specs=agreements, on=st.lists(st.booleans(), min_size=5, max_size=5), extra=st.integers(0, 4))
def test_switching_on_a_sensor_never_delays_fire_control(pipe, tracks, specs, on, extra):
    arch = _arch(specs)
    mask = np.array(on)
    more = mask.copy()
    more[extra] = True
    nat = pipe.radar_nations

    def pictures(m):
        sub = tracks.select(np.flatnonzero(m))
        return share(arch, sub, [nat[i] for i in np.flatnonzero(m)], pipe.quality, pipe.t_end_s, {})

    if mask.any():
        a = pictures(mask).t_fire_control_s
        b = pictures(more).t_fire_control_s
        assert not _later_or_lost(a, b).any()


def _scrambled(tracks: SensorTracks, rows: np.ndarray, rng: np.random.Generator) -> SensorTracks:
    """The same tracks with the sensors at ``rows`` replaced by other numbers (worse and shuffled)."""
    cov = list(tracks.cov_ecef)
    idx = list(tracks.index)
    for i in rows:
        cov[i] = cov[i] * rng.uniform(0.01, 100.0)
        keep = rng.random(idx[i].size) < 0.5
        idx[i], cov[i] = idx[i][keep], cov[i][keep]
    return dataclasses.replace(tracks, cov_ecef=tuple(cov), index=tuple(idx), key=None)


@SETTINGS
@given(specs=agreements, seed=st.integers(0, 2**16))
def test_releasability_to_the_bit(pipe, tracks, specs, seed):
    arch = _arch(specs)
    rng = np.random.default_rng(seed)
    nat = pipe.radar_nations
    base = share(arch, tracks, nat, pipe.quality, pipe.t_end_s, {})
    sc = pipe.sc
    seen = rng.random((len(nat), tracks.n)) < 0.7
    shooter_nations = sc.shooters.battle.nation
    src, p = discrimination_sources(base, shooter_nations, sc.radar_p_discriminate, seen,
                                    np.full(len(shooter_nations), np.nan))
    cue = warning_arrival_s(arch, ["US"], pipe.t_cue_s, nat)
    for k, nation in enumerate(NATIONS):
        forbidden = np.flatnonzero(~np.isfinite(base.track_latency_s[k]))
        changed = share(arch, _scrambled(tracks, forbidden, rng), nat, pipe.quality, pipe.t_end_s, {})
        np.testing.assert_array_equal(changed.t_fire_control_s[k], base.t_fire_control_s[k])
        # discrimination data of sensors the nation may not use
        p_other = sc.radar_p_discriminate.copy()
        no_disc = ~base.discrimination_allowed[k]
        p_other[no_disc] = rng.random(no_disc.sum())
        seen_other = seen.copy()
        seen_other[no_disc] = rng.random((no_disc.sum(), tracks.n)) < 0.5
        src2, p2 = discrimination_sources(base, shooter_nations, p_other, seen_other,
                                          np.full(len(shooter_nations), np.nan))
        mine = np.array([n == nation for n in shooter_nations])
        np.testing.assert_array_equal(src2[mine], src[mine])
        np.testing.assert_array_equal(p2[mine], p[mine])
        # early warning the nation does not receive
        if not np.isfinite(arch.latency_matrix_s("early_warning")[0, k]):
            cue2 = warning_arrival_s(arch, ["US"], pipe.t_cue_s + rng.uniform(-50, 50, pipe.t_cue_s.shape), nat)
            mine_radars = np.array([n == nation for n in nat])
            np.testing.assert_array_equal(cue2[mine_radars], cue[mine_radars])


@pytest.fixture(scope="module")
def unlimited(small_run):
    """The small scenario with unlimited inventories (the condition of the leakers invariant)."""
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import Pipeline

    cfg = small_run.scenario.config
    shooters = [s.model_copy(update={"inventory": 10_000}) for s in cfg.shooters]
    sc = resolve(cfg.model_copy(update={"shooters": shooters}), file="small.yaml")
    return Pipeline(sc, small_run.trajectories)


def _leakers(pipe, arch, fallback, reps=400):
    return pipe.assess(arch, reps, fallback).outcome.leakers.astype(float)


def _no_worse(less: np.ndarray, more: np.ndarray) -> None:
    diff = more - less  # common random numbers: paired by replication
    se = diff.std(ddof=1) / np.sqrt(diff.size) if diff.size > 1 else 0.0
    assert diff.mean() <= 3.0 * se + 1e-12, (diff.mean(), se)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=agreements, link=st.tuples(st.sampled_from(NATIONS), st.sampled_from(NATIONS),
                                         st.sampled_from([0.0, 4.0, 30.0])))
def test_adding_a_sharing_link_never_raises_leakers_with_unlimited_inventories(unlimited, specs, link):
    p, r, lat = link
    if p == r:
        return
    less = _arch(specs)
    more = _arch([*specs, (p, r, lat, True, set(FLOWS))])
    national = unlimited.assess(Architecture(name="national", nations=NATIONS), 1, None)
    fb = (national.fire_control, national.discrimination)
    _no_worse(_leakers(unlimited, less, fb if less.agreements else None), _leakers(unlimited, more, fb))


def test_adding_a_shooter_never_raises_leakers_with_unlimited_inventories(small_run):
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import Pipeline, national_of

    cfg = small_run.scenario.config
    full = [s.model_copy(update={"inventory": 10_000}) for s in cfg.shooters]
    results = []
    for keep in (full[:1], full[:2], full):
        sc = resolve(cfg.model_copy(update={"shooters": keep}), file="small.yaml")
        pipe = Pipeline(sc, small_run.trajectories)
        results.append(_leakers(pipe, national_of(sc), None))
    _no_worse(results[0], results[1])
    _no_worse(results[1], results[2])
