"""Sweeps: the Cartesian product of varied scenario fields, run on Dask, streamed into a Parquet dataset.

A sweep varies fields addressed by a path into the scenario (``raids.nodong-on-tokyo.count``: list items
by name, or by index) or into the catalog overrides (``catalog.radars.tpy2-fbm.search_reference_range_km``
becomes the override ``radars.tpy2-fbm.search_reference_range_m``), or ``variant`` (the scenario's
variants by name; without it the base laydown runs). Every value of every path is applied
and resolved before any work starts, so a bad path or value fails at once with one line naming it.

Each case is an ordinary run (:func:`bmdsim.assessment.run.run`) of the scenario with the case's values.
Its seed derives from the scenario seed and the case's key (``SeedSequence([seed, crc32(key)])``), or,
with common random numbers, is the scenario seed itself; either way a case's results depend on nothing but
the scenario, the case and the replications, never on the worker, the chunking or the cluster.

Results stream into ``OUT/sweep.parquet/``: one part per completed chunk of cases, written to a hidden
temporary file and renamed (atomic on POSIX), so pandas or DuckDB can read the dataset while the sweep
runs. The parts are the record of what is done: ``--resume`` reads the case keys of the parts present and
runs only the others, so a sweep killed at any point (kill -9 included) loses nothing and counts nothing
twice. ``OUT/sweep.json`` is the manifest of the planned case keys, checked on resume.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bmdsim.scenario.errors import InputError
from bmdsim.scenario.schema import ScenarioConfig

Value = int | float | str | bool
DATASET = "sweep.parquet"
MANIFEST = "sweep.json"
MAX_CASES = 1_000_000
METRICS = ("threats", "replications", "expected_leakers", "expected_leakers_se", "p_zero_leakers",
           "threats_engageable", "expected_interceptors", "expected_cost_usd")
"""Columns of each case's summary row (per architecture), see :mod:`bmdsim.assessment.metrics`."""

_DEG = math.pi / 180.0
# Catalog field (the catalog's units) -> (field of the runtime config in SI, factor to SI)
CATALOG_FIELDS: dict[str, dict[str, tuple[str, float]]] = {
    "radars": {
        "search_reference_range_km": ("search_reference_range_m", 1e3),
        "reference_rcs_m2": ("reference_rcs_m2", 1.0), "reference_snr_db": ("reference_snr_db", 1.0),
        "pfa": ("pfa", 1.0), "track_gain_db": ("track_gain_db", 1.0), "max_range_km": ("max_range_m", 1e3),
        "search_revisit_s": ("search_revisit_s", 1.0), "track_revisit_s": ("track_revisit_s", 1.0),
        "search_volume_deg2": ("search_solid_angle_sr", _DEG**2), "cued_volume_deg2": ("cued_solid_angle_sr", _DEG**2),
        "min_elevation_deg": ("min_elevation_rad", _DEG), "max_elevation_deg": ("max_elevation_rad", _DEG),
        "sector_half_width_deg": ("sector_half_width_rad", _DEG),
        "range_resolution_m": ("range_resolution_m", 1.0), "beamwidth_deg": ("beamwidth_rad", _DEG),
        "range_sigma_floor_m": ("range_sigma_floor_m", 1.0), "angle_sigma_floor_mrad": ("angle_sigma_floor_rad", 1e-3),
    },
    "interceptors": {
        "burnout_speed_m_s": ("burnout_speed_mps", 1.0), "burn_time_s": ("burn_time_s", 1.0),
        "min_intercept_altitude_km": ("min_alt_m", 1e3), "max_intercept_altitude_km": ("max_alt_m", 1e3),
        "max_range_km": ("max_range_m", 1e3), "min_range_km": ("min_range_m", 1e3),
        "single_shot_pk": ("pk", 1.0), "unit_cost_usd": ("unit_cost_usd", 1.0),
        "reaction_time_s": ("reaction_time_s", 1.0),
        "ballistic_coefficient_kg_m2": ("ballistic_coefficient_kg_m2", 1.0),
    },
}


class SweepError(InputError):
    """A bad sweep argument (path, values, output folder, resume): one line naming it."""


@dataclass(frozen=True, slots=True)
class Axis:
    """One varied field: its path and its values, in the order given."""

    path: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Case:
    """One point of the grid: its index in the plan, its canonical key and its (path, value) pairs."""

    index: int
    key: str
    assignments: tuple[tuple[str, Value], ...]


# ---------------------------------------------------------------- parsing --------------------------------

def _scalar(text: str) -> Value:
    t = text.strip()
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    try:
        return int(t)
    except ValueError:
        pass
    try:
        v = float(t)
    except ValueError:
        return t
    if not math.isfinite(v):
        raise ValueError(f"{t!r} is not a finite number")
    return v


def parse_values(text: str) -> tuple[Value, ...]:
    """Values of a ``--vary``: ``a,b,c`` or ``start:stop:step`` (stop included when on the step).

    Examples
    --------
    >>> parse_values("1,2,4,8")
    (1, 2, 4, 8)
    >>> parse_values("0.5:0.7:0.1")
    (0.5, 0.6, 0.7)
    """
    if not text.strip():
        raise ValueError("no values")
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"a range reads start:stop:step, got {text!r}")
        try:
            start, stop, step = (float(p) for p in parts)
        except ValueError:
            raise ValueError(f"a range needs numbers, got {text!r}") from None
        if not (math.isfinite(start) and math.isfinite(stop) and math.isfinite(step)) or step <= 0:
            raise ValueError(f"a range needs finite numbers and a step > 0, got {text!r}")
        if stop < start:
            raise ValueError(f"a range needs stop >= start, got {text!r}")
        n = math.floor((stop - start) / step + 1e-9) + 1
        if n > MAX_CASES:
            raise ValueError(f"{text!r} gives {n} values (at most {MAX_CASES})")
        is_int = all(float(p).is_integer() and "." not in p for p in parts)
        # round to 12 significant digits so that 0.5 + 2 * 0.1 reads 0.7, not 0.7000000000000001
        return tuple(int(start + i * step) if is_int else float(f"{start + i * step:.12g}") for i in range(n))
    values = tuple(_scalar(v) for v in text.split(","))
    if any(v == "" for v in values):
        raise ValueError(f"empty value in {text!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"repeated value in {text!r}")
    nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if nums and len(nums) == len(values) and any(isinstance(v, float) for v in nums):
        values = tuple(float(v) for v in values)  # one type per column of the dataset
    return values


def parse_vary(spec: str) -> Axis:
    """``PATH=VALUES`` of a ``--vary`` option; a SweepError names it."""
    path, sep, values = spec.partition("=")
    if not sep or not path.strip():
        raise SweepError(f"--vary {spec}: expected PATH=VALUES, e.g. shooters.aegis-kongo.pk=0.5:0.95:0.05")
    try:
        return Axis(path=path.strip(), values=parse_values(values))
    except ValueError as exc:
        raise SweepError(f"--vary {spec}: {exc}") from None


# ---------------------------------------------------------------- paths ----------------------------------

def _catalog_override(path: str, value: Value) -> tuple[str, float]:
    """``catalog.<group>.<key>.<field>`` -> (override key in SI, value in SI)."""
    from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog
    from bmdsim.scenario.radar_catalog import load_radar_catalog

    parts = path.split(".")
    if len(parts) != 4 or parts[1] not in CATALOG_FIELDS:
        raise ValueError("catalog paths read catalog.radars.<key>.<field> or catalog.interceptors.<key>.<field>")
    _, group, key, field = parts
    known = (load_radar_catalog().radars if group == "radars" else load_interceptor_catalog().interceptors)
    if key not in known:
        raise ValueError(f"no {group[:-1]} {key!r} in the catalog (known: {', '.join(sorted(known))})")
    table = CATALOG_FIELDS[group]
    si_names = {si for si, _ in table.values()}
    if field in table:
        si, factor = table[field]
    elif field in si_names:
        si, factor = field, 1.0
    else:
        # a unique suffix on a word boundary: ``reference_range_km`` names ``search_reference_range_km``
        match = [f for f in table if f.endswith("_" + field)]
        if len(match) != 1:
            raise ValueError(f"unknown field {field!r} (catalog fields: {', '.join(table)}; or the SI names "
                             f"{', '.join(sorted(si_names))})")
        si, factor = table[match[0]]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return f"{group}.{key}.{si}", float(value) * factor


def _set(node: Any, segments: list[str], value: Value, done: list[str]) -> Any:
    """A copy of plain data ``node`` with the field at ``segments`` set to ``value``."""
    if not segments:
        return value
    seg, rest = segments[0], segments[1:]
    where = ".".join(done) or "the scenario"
    if isinstance(node, dict):
        if seg not in node:
            raise ValueError(f"{where} has no field {seg!r} (fields: {', '.join(map(str, node))})")
        return {**node, seg: _set(node[seg], rest, value, [*done, seg])}
    if isinstance(node, list):
        names = [x.get("name") if isinstance(x, dict) else None for x in node]
        if seg in names:
            i = names.index(seg)
        elif seg.isdigit() and int(seg) < len(node):
            i = int(seg)
        else:
            known = ", ".join(str(n) for n in names if n is not None) or f"indices 0-{len(node) - 1}"
            raise ValueError(f"{where} has no item {seg!r} (items: {known})")
        out = list(node)
        out[i] = _set(node[i], rest, value, [*done, seg])
        return out
    raise ValueError(f"{where} is a value, not a group: cannot go into {seg!r}")


def apply_values(config: ScenarioConfig, assignments: Iterable[tuple[str, Value]]) -> ScenarioConfig:
    """The scenario with each path set to its value (validated); ValueError names the path and value."""
    assignments = list(assignments)
    for path, value in assignments:  # a variant first: it switches sensors and shooters the others may address
        if path == "variant":
            from bmdsim.scenario.schema import apply_variant

            names = [v.name for v in config.variants]
            if value not in names:
                raise ValueError(f"variant={value}: " + (f"no such variant (variants: {', '.join(names)})" if names
                                                         else "the scenario defines no variants"))
            config = apply_variant(config, str(value))
    data = config.model_dump(mode="python")
    for path, value in assignments:
        try:
            if path == "variant":
                continue
            if path.startswith("catalog."):
                key, si = _catalog_override(path, value)
                group, item = key.split(".")[:2]
                used = {s["type"] for s in data["sensors"]} if group == "radars" else {
                    s["interceptor"] for s in data["shooters"]}
                if item not in used:
                    raise ValueError(f"the scenario uses no {group[:-1]} {item!r} (it uses {', '.join(sorted(used))})")
                data["overrides"] = {**data.get("overrides", {}), key: si}
            else:
                if path.split(".")[0] == "monte_carlo":
                    raise ValueError("Monte Carlo settings are set by the sweep (--replications, the case seed)")
                data = _set(data, path.split("."), value, [])
        except ValueError as exc:
            raise ValueError(f"{path}={value}: {exc}") from None
    from pydantic import ValidationError

    try:
        return ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        pairs = ", ".join(f"{p}={v}" for p, v in assignments)
        raise ValueError(f"{pairs}: {loc}: {err['msg']}") from None


# ---------------------------------------------------------------- the plan -------------------------------

def plan(axes: Sequence[Axis]) -> list[Case]:
    """The Cartesian product of the axes, the last varying fastest, each case with its canonical key."""
    paths = [a.path for a in axes]
    if len(set(paths)) != len(paths):
        dup = next(p for p in paths if paths.count(p) > 1)
        raise SweepError(f"--vary {dup}: the path is varied twice")
    n = math.prod(len(a.values) for a in axes) if axes else 0
    if n > MAX_CASES:
        raise SweepError(f"--vary: the grid has {n} cases (at most {MAX_CASES})")
    cases = []
    for i, combo in enumerate(np.ndindex(*(len(a.values) for a in axes)) if axes else []):
        pairs = tuple((a.path, a.values[k]) for a, k in zip(axes, combo, strict=True))
        cases.append(Case(index=i, key=case_key(pairs), assignments=pairs))
    return cases


def case_key(assignments: Iterable[tuple[str, Value]]) -> str:
    """Canonical text of a case: ``path=value`` pairs sorted by path, values as JSON."""
    return ";".join(f"{p}={json.dumps(v)}" for p, v in sorted(assignments, key=lambda pv: pv[0]))


def case_seed(seed: int, key: str) -> int:
    """The seed of a case: from the scenario seed and the case key only (module notes)."""
    state = np.random.SeedSequence([int(seed), zlib.crc32(key.encode())]).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))  # a non-negative int64, as ``monte_carlo.seed`` requires


def validate(config: ScenarioConfig, axes: Sequence[Axis], *, file: str = "<scenario>",
             lines: dict | None = None) -> list[Case]:
    """Check every value of every axis (applied alone, then resolved) before any work; the plan.

    Raises
    ------
    SweepError
        One line naming the ``--vary`` path and value at fault.
    """
    from bmdsim.assessment.build import resolve

    if not axes:
        raise SweepError("--vary: give at least one PATH=VALUES")
    cases = plan(axes)
    for axis in axes:
        for v in axis.values:
            try:
                resolve(apply_values(config, [(axis.path, v)]), file=file, lines=lines)
            except (ValueError, KeyError) as exc:  # InputError is a ValueError
                msg = str(exc).strip("'\"")
                head = "" if msg.startswith(f"{axis.path}=") else f"{axis.path}={v}: "
                raise SweepError(f"--vary {head}{msg}") from None
    return cases


# ---------------------------------------------------------------- one case -------------------------------

class _ProcessCache:
    """Stage caches of one worker process: flights are deterministic, so shared by every seed; radar looks
    and tracks carry the seed's draws, so they are kept per seed (the few most recent)."""

    def __init__(self, max_seeds: int = 4, max_flights: int = 64) -> None:
        self.flights: OrderedDict = OrderedDict()
        self.by_seed: OrderedDict = OrderedDict()
        self.max_seeds, self.max_flights = max_seeds, max_flights

    def get(self, seed: int):
        from bmdsim.assessment.run import StageCache

        if seed not in self.by_seed:
            cache = StageCache()
            cache.flights = self.flights
            self.by_seed[seed] = cache
            while len(self.by_seed) > self.max_seeds:
                self.by_seed.popitem(last=False)
        while len(self.flights) > self.max_flights:
            self.flights.popitem(last=False)
        self.by_seed.move_to_end(seed)
        return self.by_seed[seed]


_CACHE = _ProcessCache()


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    """What a worker needs to run cases: the scenario as plain data and the run settings."""

    scenario: dict
    file: str
    replications: int
    common_random_numbers: bool
    architectures: tuple[str, ...] | None = None

    @property
    def seed(self) -> int:
        return int(self.scenario["monte_carlo"]["seed"])


def case_scenario(spec: SweepSpec, case: Case):
    """The resolved scenario of one case, its seed set (module notes)."""
    from bmdsim.assessment.build import resolve, with_seed

    base = ScenarioConfig.model_validate(spec.scenario)
    seed = spec.seed if spec.common_random_numbers else case_seed(spec.seed, case.key)
    return resolve(with_seed(apply_values(base, case.assignments), seed), file=spec.file)


def run_case(spec: SweepSpec, case: Case) -> list[dict]:
    """Summary rows (one per architecture) of one case: its index, key, seed, values and metrics."""
    from bmdsim.assessment.metrics import summary_table
    from bmdsim.assessment.run import run

    sc = case_scenario(spec, case)
    res = run(sc, architectures=list(spec.architectures) if spec.architectures else None,
              replications=spec.replications, cache=_CACHE.get(sc.seeds.seed))
    table = summary_table(res)
    rows = []
    for rec in table.to_dict("records"):
        row: dict[str, Any] = {"case": case.index, "case_key": case.key, "seed": res.seed}
        row.update(dict(case.assignments))
        row["architecture"] = rec["architecture"]
        row.update({m: rec[m] for m in METRICS})
        rows.append(row)
    return rows


def run_chunk(spec: SweepSpec, cases: Sequence[Case]) -> list[dict]:
    """The rows of a chunk of cases (the unit of work sent to a Dask worker).

    A case the engine rejects (values valid alone but not together) raises ValueError naming the case.
    """
    rows = []
    for case in cases:
        try:
            rows += run_case(spec, case)
        except ValueError as exc:  # InputError included
            raise ValueError(f"case {case.key}: {exc}") from None
    return rows


# ---------------------------------------------------------------- the dataset ----------------------------

def done_keys(out: Path) -> set[str]:
    """Case keys present in the completed parts of ``out/sweep.parquet`` (hidden temporaries ignored)."""
    import pyarrow.parquet as pq

    folder = Path(out) / DATASET
    keys: set[str] = set()
    if folder.is_dir():
        for part in sorted(folder.glob("part-*.parquet")):
            keys.update(pq.read_table(part, columns=["case_key"]).column("case_key").to_pylist())
    return keys


def write_part(out: Path, rows: list[dict], columns: Sequence[str]) -> Path:
    """Write one part atomically: a hidden temporary in the same folder, flushed, then renamed."""
    import pandas as pd

    folder = Path(out) / DATASET
    first = min(r["case"] for r in rows)
    digest = hashlib.sha1("\n".join(sorted({r["case_key"] for r in rows})).encode()).hexdigest()[:10]
    final = folder / f"part-{first:07d}-{digest}.parquet"
    tmp = folder / f".{final.name}.{os.getpid()}.tmp"
    pd.DataFrame(rows, columns=list(columns)).to_parquet(tmp, index=False)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    return final


def read_sweep(out: str | Path):
    """The sweep's results so far as a DataFrame, sorted by case and architecture."""
    import pandas as pd

    folder = Path(out) / DATASET
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return df.sort_values(["case", "architecture"], kind="stable").reset_index(drop=True)


def _manifest(spec: SweepSpec, axes: Sequence[Axis], cases: Sequence[Case]) -> dict:
    return {"scenario": spec.scenario.get("name"), "file": spec.file,
            "scenario_sha1": hashlib.sha1(json.dumps(spec.scenario, sort_keys=True, default=str).encode())
            .hexdigest(), "seed": spec.seed, "replications": spec.replications,
            "common_random_numbers": spec.common_random_numbers,
            "architectures": list(spec.architectures) if spec.architectures else None,
            "axes": [{"path": a.path, "values": list(a.values)} for a in axes],
            "cases": [c.key for c in cases]}


def prepare_output(out: Path, manifest: dict, resume: bool) -> set[str]:
    """Create or check ``out``; the case keys already done (resume) or an empty set."""
    out = Path(out)
    path = out / MANIFEST
    try:
        if resume and path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            for field in ("scenario_sha1", "replications", "common_random_numbers", "architectures", "cases"):
                if old.get(field) != manifest[field]:
                    raise SweepError(f"--resume: {out} holds a different sweep ({field} differs); use another --out")
            for tmp in (out / DATASET).glob(".part-*.tmp"):  # a part killed while being written
                tmp.unlink()
            return done_keys(out)
        if (out / DATASET).is_dir() and any((out / DATASET).glob("part-*.parquet")):
            raise SweepError(f"--out: {out} already holds a sweep; add --resume to finish it or choose another --out")
        (out / DATASET).mkdir(parents=True, exist_ok=True)
        tmp = out / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise SweepError(f"--out: cannot write the sweep to {out}: {exc.strerror or exc}") from None
    return set()


# ---------------------------------------------------------------- progress -------------------------------

class Progress:
    """Cases done, rate and time left, as plain lines (or one updated line on a terminal)."""

    def __init__(self, total: int, done: int, say: Callable[[str], None], *, every_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.say, self.every_s, self.clock = say, every_s, clock
        self.t0 = clock()
        self.last = -math.inf

    def line(self) -> str:
        dt = self.clock() - self.t0
        rate = (self.done - self.start_done) / dt if dt > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else math.nan
        eta = "unknown" if not math.isfinite(left) else f"{left:.0f} s"
        return f"sweep: {self.done}/{self.total} cases, {rate:.2f} cases/s, about {eta} left"

    def update(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if now - self.last >= self.every_s or self.done >= self.total:
            self.last = now
            self.say(self.line())


# ---------------------------------------------------------------- the driver -----------------------------

@dataclass(frozen=True, slots=True)
class SweepResult:
    """What a sweep did: planned, already done before it started, run now, and the folder."""

    out: Path
    planned: int
    skipped: int
    ran: int
    seconds: float


def chunks(cases: Sequence[Case], size: int) -> list[list[Case]]:
    return [list(cases[i:i + size]) for i in range(0, len(cases), size)]


def default_chunk_size(n_cases: int, n_workers: int) -> int:
    """About four chunks per worker (balance) and at most 16 cases per part (what a kill can lose)."""
    return max(1, min(16, math.ceil(n_cases / max(1, 4 * n_workers))))


def sweep(config: ScenarioConfig, axes: Sequence[Axis], out: str | Path, *, file: str = "<scenario>",
          lines: dict | None = None, replications: int | None = None, scheduler: str | None = None,
          workers: int = 2, resume: bool = False, chunk_size: int | None = None,
          common_random_numbers: bool = False, architectures: Sequence[str] | None = None,
          say: Callable[[str], None] | None = None, timeout_s: float = 30.0) -> SweepResult:
    """Run a sweep (module notes); ``workers=0`` runs in this process, without Dask.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:port``); default: a local cluster of
        ``workers`` processes, one thread each.
    timeout_s : float
        Bound on connecting to the scheduler and starting the workers [s].
    """
    say = say or (lambda _m: None)
    cases = validate(config, axes, file=file, lines=lines)
    if architectures:
        from bmdsim.assessment.build import resolve

        known = resolve(config, file=file, lines=lines).architectures
        bad = [a for a in architectures if a not in known]
        if bad:
            raise SweepError(f"--architectures: unknown architecture {bad[0]!r} (scenario has {', '.join(known)})")
    spec = SweepSpec(scenario=config.model_dump(mode="json"), file=file,
                     replications=replications or config.monte_carlo.replications,
                     common_random_numbers=common_random_numbers,
                     architectures=tuple(architectures) if architectures else None)
    out = Path(out)
    done = prepare_output(out, _manifest(spec, axes, cases), resume)
    todo = [c for c in cases if c.key not in done]
    columns = ["case", "case_key", "seed", *[a.path for a in axes], "architecture", *METRICS]
    progress = Progress(len(cases), len(cases) - len(todo), say)
    t0 = time.perf_counter()
    if todo:
        say(f"sweep: {len(cases)} cases, {len(cases) - len(todo)} already done, running {len(todo)}")
        if workers == 0 and scheduler is None:
            for chunk in chunks(todo, chunk_size or 1):
                try:
                    rows = run_chunk(spec, chunk)
                except ValueError as exc:
                    raise SweepError(f"--vary: {exc}") from None
                write_part(out, rows, columns)
                progress.update(len(chunk))
        else:
            _run_dask(spec, todo, out, columns, progress, scheduler=scheduler, workers=workers,
                      chunk_size=chunk_size, timeout_s=timeout_s)
    return SweepResult(out=out, planned=len(cases), skipped=len(cases) - len(todo), ran=len(todo),
                       seconds=time.perf_counter() - t0)


def _run_dask(spec: SweepSpec, todo: list[Case], out: Path, columns: list[str], progress: Progress, *,
              scheduler: str | None, workers: int, chunk_size: int | None, timeout_s: float) -> None:
    """Submit the chunks to a Dask cluster and write each part as it completes (on this machine)."""
    import logging

    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster, timeout=timeout_s)
        else:
            client = Client(scheduler, timeout=timeout_s)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise SweepError(f"--scheduler: cannot connect to {scheduler or 'a local cluster'}: {exc}") from None
    try:
        n_workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        size = chunk_size or default_chunk_size(len(todo), n_workers)
        spec_future = client.scatter(spec, broadcast=True)
        futures = {client.submit(run_chunk, spec_future, chunk, pure=False): len(chunk)
                   for chunk in chunks(todo, size)}
        for future in as_completed(list(futures)):
            try:
                rows = future.result()
            except ValueError as exc:
                raise SweepError(f"--vary: {exc}") from None
            write_part(out, rows, columns)
            progress.update(futures.pop(future))
            future.release()
    finally:
        client.close(timeout=timeout_s)
        if cluster is not None:
            cluster.close(timeout=timeout_s)


__all__ = ["Axis", "Case", "SweepError", "SweepResult", "apply_values", "case_key", "case_seed",
           "done_keys", "parse_values", "parse_vary", "plan", "read_sweep", "run_case", "sweep", "validate"]
