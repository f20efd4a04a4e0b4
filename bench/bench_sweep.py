"""Benchmark: sweep throughput (cases per second) with 1 and 2 local Dask workers, in one run.

Run: ``python bench/bench_sweep.py [CASES] [REPLICATIONS]``. The same sweep (a short-range raid, single-shot
Pk times network reliability, a seed per case) runs on a local cluster of one worker process, then of two;
each worker first runs the scenario once (the flight is cached per process and the kernels compiled, as
in a long sweep), and the clock runs from the first chunk submitted to the last part written, so the
figure is the steady rate of cases. Prints both rates, the scaling efficiency rate_2 / (2 rate_1) (goal:
at least 90% from 1 to 2 workers on a 2-core machine), the machine, and whether both runs wrote identical
values.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
from pathlib import Path

# Both worker counts must start from the same cache state: with the on-disk targeting and flyout caches on,
# whichever sweep runs first fills them and the second reads them (a spurious 2x "superlinear" scaling was
# measured that way). The benchmark therefore runs with them off; workers inherit the setting.
os.environ.setdefault("BMDSIM_NO_CACHE", "1")

from bmdsim.assessment.sweep import Axis, read_sweep, sweep
from bmdsim.scenario.schema import parse_scenario

SCENARIO = """
name: bench-sweep
nations: [US, JP, ROK]
sensors:
  - {name: mpq65-osan, type: mpq65, nation: US, site: osan-ab, boresight_az_deg: 0}
  - {name: greenpine-north, type: green-pine, nation: ROK, site: greenpine-north, boresight_az_deg: 340}
shooters:
  - {name: patriot-osan, nation: US, site: osan-ab, interceptor: pac-3-cri, inventory: 8,
     fire_control_radar: mpq65-osan}
assets:
  - {name: osan-ab, site: osan-ab, value: 8}
raids:
  - {name: scudb-osan, missile: scud-b, launch_site: kittaeryong, aim: osan-ab, count: 2, spacing_s: 20}
architectures: [national, bilateral]
monte_carlo: {replications: 1000, seed: 2014}
"""


def _warm(text: str) -> None:
    """Run the scenario once in this worker process: fills the per-process flight cache and compiles
    the kernels, as the first cases of a long sweep would."""
    from bmdsim.assessment.build import resolve
    from bmdsim.assessment.run import run
    from bmdsim.assessment.sweep import _CACHE

    cfg, _ = parse_scenario(text, "bench")
    sc = resolve(cfg)
    run(sc, replications=10, cache=_CACHE.get(sc.seeds.seed))


def measure(n_workers: int, cases: int, replications: int, out: Path) -> float:
    """Cases per second of the sweep on a fresh local cluster of ``n_workers`` (after the warm-up)."""
    from distributed import Client, LocalCluster

    cfg, lines = parse_scenario(SCENARIO, "bench")
    pks = tuple(round(0.3 + 0.6 * i / max(1, cases // 2 - 1), 6) for i in range(cases // 2))
    axes = [Axis("shooters.patriot-osan.pk", pks), Axis("network.reliability", (0.8, 1.0))]
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster, timeout=60) as client:
        client.wait_for_workers(n_workers, timeout=120)
        client.run(_warm, SCENARIO)
        res = sweep(cfg, axes, out, file="bench", lines=lines, replications=replications,
                    scheduler=cluster.scheduler_address, timeout_s=60)
    # from the first chunk submitted to the last part written (the checks before any work excluded)
    return res.ran / res.seconds


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    replications = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print(f"sweep: {cases} cases (a 2-threat raid, 2 architectures, {replications} replications, a seed per case)")
    with tempfile.TemporaryDirectory() as tmp:
        rates = {n: measure(n, cases, replications, Path(tmp) / f"w{n}") for n in (1, 2)}
        same = read_sweep(Path(tmp) / "w1").equals(read_sweep(Path(tmp) / "w2"))
    for n, rate in rates.items():
        print(f"  {n} worker{'s' if n > 1 else ' '}: {rate:6.3f} cases/s")
    eff = rates[2] / (2 * rates[1])
    print(f"  scaling efficiency 1 -> 2 workers: {eff:.0%} (goal: at least 90%); identical values: "
          f"{'yes' if same else 'NO'}; load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
