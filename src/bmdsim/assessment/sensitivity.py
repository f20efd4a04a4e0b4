"""One-at-a-time sensitivity over every stated range, and the break-even value of each input.

Inputs (each varied alone, the others at their nominal values):

- every catalog figure with a published low-high range of the radars and interceptors the scenario uses
  (single-shot Pk among them: ``catalog.interceptors.<key>.single_shot_pk``), applied as overrides;
- the radar cross section of each object class the scenario's threats show (``rcs.<class>``, radar
  catalog ``rcs:`` ranges), applied to the radars' looks (under the nominal RCS model only: the aspect
  model computes each look's RCS from the objects' shapes, not from these figures);
- each sensor's discrimination probability over [0, 1] (an explicit, disputed input with no published
  range; only when a raid carries decoys);
- the sharing latency ``network.latency_s`` over [0, 120] s (the built-in architectures' links) and the
  network reliability ``network.reliability`` over [0.5, 1]: stated ranges, not published figures.

Every case runs on the scenario seed, so all cases share their random draws (common random numbers) and
the differences between them are the inputs' effects, not sampling noise.

**Tornado.** For each input, the metric (of architecture A, or the difference B - A when comparing) at the
low and the high end; inputs sorted by swing.

**Break-even.** With ``compare=(A, B)``, the comparison is the sign of d(x) = metric_B - metric_A. If
d changes sign between the nominal value and an end of the range, the crossing is bracketed by bisection
(each step one run at the midpoint) and located by linear interpolation inside the last bracket; else
the input "does not flip within its range". Because the battle draws are common random numbers, d(x) is
a step function of x for a fixed seed, so the break-even value is resolved to the final bracket width
(reported) and carries the Monte Carlo error of d as well.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bmdsim.assessment.sweep import _CACHE, CATALOG_FIELDS, SweepError, apply_values
from bmdsim.scenario.schema import ScenarioConfig

LATENCY_RANGE_S = (0.0, 120.0)
"""Stated range of the sharing latency [s]: near-real-time links to minutes of manual relay."""
RELIABILITY_RANGE = (0.5, 1.0)
"""Stated range of the network reliability (probability a shared link works in a replication)."""
METRIC_NAMES = ("expected_leakers", "p_zero_leakers", "expected_interceptors", "expected_cost_usd",
                "threats_engageable")


@dataclass(frozen=True, slots=True)
class Input:
    """An uncertain input: a name, the path it sets (``rcs.<class>`` for RCS) and its range."""

    name: str
    path: str
    nominal: float
    low: float
    high: float
    source: str
    integer: bool = False
    """A whole-number input (a count of rounds): bisection tries whole numbers only."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SensitivityResult:
    """The tornado table (one row per input) and the settings it came from."""

    table: pd.DataFrame
    metric: str
    compare: tuple[str, str] | None
    architecture: str
    nominal: dict[str, float]
    replications: int
    seed: int
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the inputs -----------------------------

def uncertain_inputs(config: ScenarioConfig) -> list[Input]:
    """Every input of the scenario with a stated range (module notes), in a stable order."""
    from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog
    from bmdsim.scenario.radar_catalog import load_radar_catalog
    from bmdsim.sensors.rcs import rcs_class_of

    out: list[Input] = []
    radars = load_radar_catalog()
    for key in dict.fromkeys(s.type for s in config.sensors if s.enabled):
        entry = radars.radars[key]
        out += _figure_inputs("radars", key, entry)
    interceptors = load_interceptor_catalog().interceptors
    for key in dict.fromkeys(s.interceptor for s in config.shooters if s.enabled):
        found = _figure_inputs("interceptors", key, interceptors[key])
        # shooters that all state one Pk for this interceptor make it the nominal (the override sets them all)
        pks = {s.pk for s in config.shooters if s.enabled and s.interceptor == key}
        if len(pks) == 1 and None not in pks:
            pk = float(pks.pop())
            found = [dataclasses.replace(i, nominal=pk, low=min(i.low, pk), high=max(i.high, pk))
                     if i.path.endswith(".single_shot_pk") else i for i in found]
        out += found
    out += _reload_inputs(config)
    classes = dict.fromkeys(c for r in config.raids for c in rcs_class_of(r.missile))
    if config.rcs.model != "nominal":  # the aspect model computes the RCS from shapes, not these figures
        classes = {}
    for cls in classes:
        fig = getattr(radars.rcs, f"{cls}_m2")
        if fig.low is not None and fig.high is not None and fig.low < fig.high:
            out.append(Input(name=f"RCS {cls} [m^2]", path=f"rcs.{cls}", nominal=fig.value, low=fig.low,
                             high=fig.high, source=fig.source))
    if any(r.decoys > 0 for r in config.raids):
        for s in config.sensors:
            if s.enabled:
                out.append(Input(name=f"discrimination {s.name}", path=f"sensors.{s.name}.p_discriminate",
                                 nominal=s.p_discriminate, low=0.0, high=1.0,
                                 source="stated: a probability with no published figure"))
    if any(isinstance(a, str) and a != "national" for a in config.architectures):
        out.append(Input(name="sharing latency [s]", path="network.latency_s", nominal=config.network.latency_s,
                         low=LATENCY_RANGE_S[0], high=LATENCY_RANGE_S[1], source="stated range"))
    out.append(Input(name="network reliability", path="network.reliability", nominal=config.network.reliability,
                     low=RELIABILITY_RANGE[0], high=RELIABILITY_RANGE[1], source="stated range"))
    return out


def _reload_inputs(config: ScenarioConfig) -> list[Input]:
    """Reload time and reserve of each shooter whose catalog battery type reloads and that does not set them
    itself: the battery type's low-high figures (launcher loads of the reserve, in rounds)."""
    from bmdsim.scenario.interceptor_catalog import BatteryReload, battery_load, load_interceptor_catalog

    catalog = load_interceptor_catalog()
    out: list[Input] = []
    for s in config.shooters:
        if not s.enabled or s.battery is None:
            continue
        reload = BatteryReload.model_validate(catalog.batteries[s.battery]["reload"])
        if not reload.reloadable:
            continue
        launchers, rounds = battery_load(s.battery, s.interceptor, catalog)
        per_load = (s.launchers or launchers) * rounds
        t, r = reload.time_per_launcher_s, reload.reserve_loads_per_launcher
        if s.reload_time_s is None and t.low is not None and t.high is not None and t.low < t.high:
            out.append(Input(name=f"{s.name} reload time [s]", path=f"shooters.{s.name}.reload_time_s",
                             nominal=t.value, low=t.low, high=t.high, source=t.source))
        if s.reserve is None and r.low is not None and r.high is not None and r.low < r.high:
            out.append(Input(name=f"{s.name} reserve [rounds]", path=f"shooters.{s.name}.reserve",
                             nominal=round(r.value * per_load), low=round(r.low * per_load),
                             high=round(r.high * per_load), source=r.source, integer=True))
    return out


def _figure_inputs(group: str, key: str, entry: Any) -> list[Input]:
    out = []
    for name in CATALOG_FIELDS[group]:
        fig = getattr(entry, name, None)
        if fig is None or fig.low is None or fig.high is None or not fig.low < fig.high:
            continue
        out.append(Input(name=f"{key} {name}", path=f"catalog.{group}.{key}.{name}", nominal=fig.value,
                         low=fig.low, high=fig.high, source=fig.source))
    return out


# ---------------------------------------------------------------- one point ------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class PointSpec:
    scenario: dict
    file: str
    replications: int
    architectures: tuple[str, ...]


def run_point(spec: PointSpec, path: str | None, value: float | None) -> dict[str, dict[str, float]] | str:
    """Summary metrics per architecture with one input set (None: nominal); a string says why it is invalid."""
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.metrics import summary_table
    from bmdsim.assessment.run import Pipeline, StageCache, Timer, run

    base = ScenarioConfig.model_validate(spec.scenario)
    try:
        config = base if path is None or path.startswith("rcs.") else apply_values(base, [(path, value)])
        sc = resolve(config, file=spec.file)
    except ValueError as exc:
        return str(exc)
    archs = list(spec.architectures)
    if path is not None and path.startswith("rcs."):
        # a hook the engine lacks: the radars' RCS comes from the catalog inside Pipeline; set it after
        # construction, on a fresh sensor cache (its keys do not include the RCS), sharing the flights
        cache = StageCache()
        cache.flights = _CACHE.flights
        timer = Timer()
        pipe = Pipeline(sc, cache.fly(sc, timer), timer, cache)
        pipe.rcs = _rcs_with(list(sc.threats.missile), path.split(".", 1)[1], float(value))
        res = run(sc, architectures=archs, replications=spec.replications, pipeline=pipe)
    else:
        res = run(sc, architectures=archs, replications=spec.replications, cache=_CACHE.get(sc.seeds.seed))
    table = summary_table(res)
    return {r["architecture"]: {m: float(r[m]) for m in (*METRIC_NAMES, "expected_leakers_se")}
            for r in table.to_dict("records")}


def _rcs_with(missiles: list[str], cls: str, value_m2: float):
    from bmdsim.scenario.radar_catalog import rcs_figures_m2
    from bmdsim.sensors.rcs import ThreatRcs, rcs_class_of

    figures = {**rcs_figures_m2(), cls: value_m2}
    classes = [rcs_class_of(k) for k in missiles]
    return ThreatRcs(booster_m2=np.array([figures[a] for a, _ in classes]),
                     post_boost_m2=np.array([figures[b] for _, b in classes]))


# ---------------------------------------------------------------- the study ------------------------------

Mapper = Callable[[list[tuple[str | None, float | None]]], list[Any]]


def _mapper(spec: PointSpec, scheduler: str | None, workers: int, timeout_s: float):
    """A context giving ``map(points) -> results`` on Dask (local cluster or scheduler), or in process."""
    from contextlib import contextmanager

    @contextmanager
    def ctx():
        if workers == 0 and scheduler is None:
            yield lambda points: [run_point(spec, p, v) for p, v in points]
            return
        import logging

        from distributed import Client, LocalCluster

        cluster = None
        try:
            if scheduler is None:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster or scheduler, timeout=timeout_s)
        except OSError as exc:
            if cluster is not None:
                cluster.close()
            raise SweepError(f"--scheduler: cannot connect to {scheduler or 'a local cluster'}: {exc}") from None
        try:
            spec_f = client.scatter(spec, broadcast=True)

            def run_all(points):
                futures = [client.submit(run_point, spec_f, p, v, pure=False) for p, v in points]
                return client.gather(futures)

            yield run_all
        finally:
            client.close(timeout=timeout_s)
            if cluster is not None:
                cluster.close(timeout=timeout_s)

    return ctx()


def _value(point: dict | str, arch: str, metric: str) -> float:
    return math.nan if isinstance(point, str) else point[arch][metric]


def run_sensitivity(config: ScenarioConfig, *, file: str = "<scenario>", lines: dict | None = None,
                    metric: str = "expected_leakers", compare: Sequence[str] | None = None,
                    replications: int | None = None, scheduler: str | None = None, workers: int = 2,
                    bisections: int = 4, only: Sequence[str] | None = None,
                    say: Callable[[str], None] | None = None, timeout_s: float = 30.0) -> SensitivityResult:
    """Tornado and break-even values of every uncertain input (module notes).

    Parameters
    ----------
    compare : (str, str), optional
        Architectures A and B; default the scenario's first and last.
    only : sequence of str, optional
        Keep only the inputs whose name or path contains one of these strings.
    """
    from bmdsim.assessment.build import resolve

    say = say or (lambda _m: None)
    if metric not in METRIC_NAMES:
        raise SweepError(f"--metric: unknown metric {metric!r} (metrics: {', '.join(METRIC_NAMES)})")
    known = list(resolve(config, file=file, lines=lines).architectures)
    pair = tuple(compare) if compare else (known[0], known[-1])
    for a in pair:
        if a not in known:
            raise SweepError(f"--compare: unknown architecture {a!r} (scenario has {', '.join(known)})")
    inputs = uncertain_inputs(config)
    if only:
        inputs = [i for i in inputs if any(s in i.name or s in i.path for s in only)]
        if not inputs:
            raise SweepError(f"--only: no uncertain input matches {', '.join(only)}")
    reps = replications or config.monte_carlo.replications
    spec = PointSpec(scenario=config.model_dump(mode="json"), file=file, replications=reps,
                     architectures=tuple(dict.fromkeys(pair)))
    a, b = pair
    compare_mode = a != b

    def score(point) -> float:
        if compare_mode:
            return _value(point, b, metric) - _value(point, a, metric)
        return _value(point, a, metric)

    with _mapper(spec, scheduler, workers, timeout_s) as run_all:
        say(f"sensitivity: {len(inputs)} inputs, {2 * len(inputs) + 1} cases, {reps} replications each")
        points = [(None, None)] + [(i.path, v) for i in inputs for v in (i.low, i.high)]
        results = run_all(points)
        nominal = results[0]
        if isinstance(nominal, str):
            raise SweepError(f"scenario: {nominal}")
        rows = []
        for k, inp in enumerate(inputs):
            lo, hi = results[1 + 2 * k], results[2 + 2 * k]
            rows.append({"input": inp.name, "path": inp.path, "nominal": inp.nominal, "low": inp.low,
                         "high": inp.high, f"{a}_low": _value(lo, a, metric), f"{a}_high": _value(hi, a, metric),
                         f"{b}_low": _value(lo, b, metric), f"{b}_high": _value(hi, b, metric),
                         "score_low": score(lo), "score_high": score(hi),
                         "note": "; ".join(x for x in (lo, hi) if isinstance(x, str)), "source": inp.source})
        d0 = score(nominal)
        if compare_mode:
            _break_even(rows, inputs, d0, run_all, bisections, say, score)
    table = pd.DataFrame(rows)
    if not table.empty:
        table["score_nominal"] = d0
        table["swing"] = (table["score_high"] - table["score_low"]).abs()
        first = ["input", "path", "nominal", "low", "high", "score_nominal", "score_low", "score_high", "swing"]
        last = ["flips", "break_even", "bracket", "conclusion"] if compare_mode else []
        table = table[first + [c for c in table.columns if c not in first + last + ["note", "source"]] + last
                      + ["note", "source"]]
        table = table.sort_values("swing", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
    return SensitivityResult(table=table, metric=metric, compare=pair if compare_mode else None, architecture=a,
                             nominal={arch: nominal[arch][metric] for arch in nominal}, replications=reps,
                             seed=config.monte_carlo.seed)


def _break_even(rows: list[dict], inputs: list[Input], d0: float, run_all, bisections: int,
                say: Callable[[str], None], score: Callable[[Any], float]) -> None:
    """Fill ``break_even``, ``bracket`` and ``flips`` of each row (module notes), bisecting all inputs at once."""
    brackets: dict[int, list[float]] = {}  # k -> [x_nominal_side, d_nominal_side, x_far, d_far]
    for k, (row, inp) in enumerate(zip(rows, inputs, strict=True)):
        row.update({"flips": False, "break_even": math.nan, "bracket": math.nan,
                    "conclusion": "does not flip within its range"})
        if d0 == 0 or not math.isfinite(d0):
            row["conclusion"] = "tied at nominal" if d0 == 0 else "nominal undefined"
            continue
        for x, d in ((inp.low, row["score_low"]), (inp.high, row["score_high"])):
            if math.isfinite(d) and d * d0 < 0:
                brackets[k] = [inp.nominal, d0, x, d]
                break
            if d == 0:
                row["conclusion"] = "does not flip within its range (ties at an end)"
    for step in range(bisections):
        if not brackets:
            break
        say(f"sensitivity: bisection {step + 1}/{bisections} on {len(brackets)} inputs")
        order = list(brackets)
        mids = [(inputs[k].path, _midpoint(brackets[k][0], brackets[k][2], inputs[k].integer)) for k in order]
        for k, (_, x), res in zip(order, mids, run_all(mids), strict=True):
            d = score(res)
            br = brackets[k]
            if not math.isfinite(d):
                continue
            if d * d0 < 0:
                br[2], br[3] = x, d
            else:
                br[0], br[1] = x, d
    for k, (x0, d_0, x1, d_1) in brackets.items():
        frac = d_0 / (d_0 - d_1) if d_0 != d_1 else 0.5
        rows[k].update({"flips": True, "break_even": x0 + frac * (x1 - x0), "bracket": abs(x1 - x0),
                        "conclusion": "flips"})


def _midpoint(a: float, b: float, integer: bool) -> float | int:
    """The bisection point of a bracket (a whole number for a whole-number input)."""
    return round(0.5 * (a + b)) if integer else 0.5 * (a + b)


# ---------------------------------------------------------------- output ---------------------------------

def write_outputs(result: SensitivityResult, out: Path) -> list[Path]:
    """``sensitivity.parquet`` and ``.csv`` (chart data), and a tornado PNG if matplotlib is installed."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "sensitivity.parquet", out / "sensitivity.csv"]
    result.table.to_parquet(files[0], index=False)
    result.table.to_csv(files[1], index=False)
    try:
        import matplotlib
    except ImportError:
        return files
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = result.table.head(20).iloc[::-1]
    base = float(t["score_nominal"].iloc[0]) if len(t) else 0.0
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(t) + 1.5))
    y = np.arange(len(t))
    ax.barh(y, t["score_low"] - base, left=base, color="tab:blue", label="at low")
    ax.barh(y, t["score_high"] - base, left=base, color="tab:orange", alpha=0.7, label="at high")
    ax.set_yticks(y, t["input"], fontsize=7)
    ax.axvline(base, color="k", lw=0.8)
    ax.set_xlabel(f"{result.metric}" + (f" ({result.compare[1]} - {result.compare[0]})" if result.compare else ""))
    ax.legend(fontsize=7)
    fig.tight_layout()
    files.append(out / "sensitivity.png")
    fig.savefig(files[-1], dpi=120)
    plt.close(fig)
    return files
