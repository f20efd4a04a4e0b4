"""Benchmark: the default `bmdsim run` (northeast-asia-2014 at its default size), time per stage.

Run: ``python bench/bench_run.py [PRESET]``. Prints each stage's wall time so the slowest is visible,
and the total; the goal is under 60 s on 2 cores.
"""

from __future__ import annotations

import sys
import time

from bmdsim.assessment.build import resolve
from bmdsim.assessment.metrics import all_tables
from bmdsim.assessment.run import run
from bmdsim.scenario.presets import DEFAULT_PRESET, preset_text
from bmdsim.scenario.schema import parse_scenario


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PRESET
    t0 = time.perf_counter()
    cfg, lines = parse_scenario(preset_text(name), name)
    sc = resolve(cfg, file=name, lines=lines)
    t_load = time.perf_counter() - t0
    res = run(sc)
    t1 = time.perf_counter()
    all_tables(res)
    t_tables = time.perf_counter() - t1
    total = time.perf_counter() - t0
    print(f"{name}: {res.trajectories.n} threats, {len(sc.radars)} radars, {sc.shooters.battle.n} shooters, "
          f"{len(res.architectures)} architectures, {res.replications} replications")
    rows = [("load and resolve", t_load), *res.stage_seconds.items(), ("tables", t_tables)]
    for stage, sec in sorted(rows, key=lambda r: -r[1]):
        print(f"  {stage:18s} {sec:7.2f} s")
    print(f"  {'total':18s} {total:7.2f} s  (goal: under 60 s)")


if __name__ == "__main__":
    main()
