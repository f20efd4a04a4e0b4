"""Benchmark: the whole `bmdsim run` command, this code against a baseline commit, by stage and by size.

What it measures (each in its own Python process, as a user runs it):

1. **Whole command**: ``python -m bmdsim run PRESET --quiet --out DIR`` (start-up, loading, every stage,
   footprints, tables, files), for this checkout and for the baseline (default: the ``speed-baseline``
   tag, checked out once as a git worktree under the system temp folder), alternating the two so that a
   shared machine's load falls on both alike. This code runs twice per repeat: with an empty targeting
   cache (``cold``: a first run, compiled kernels already on disk) and with the cache filled (``warm``:
   any later run of the same scenario). Prints median wall times and the ratios.
2. **Stages**: the same scenario through the stage entry points in one process (load, flight, sensing,
   tracking, fire control, battle as ``run`` times them, then footprints and tables), for both codes.
3. **Scaling** (this code): wall time and peak resident memory of the whole command at 1x, 4x and 16x the
   preset's raid counts, and at 10^3, 10^4 and 10^5 replications (footprints left out of these runs so that
   only the raid and the battle scale).

Run: ``python bench/bench_run.py [--preset NAME] [--repeats 3] [--baseline REF] [--no-scaling]``.
No timed assertions anywhere: this prints numbers for the README and the issue.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CLI = ("import resource, sys\nfrom bmdsim.cli.main import main\nrc = main(sys.argv[1:])\n"
        "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(rc)")

_STAGES = """
import json, sys, time
t0 = time.perf_counter()
from bmdsim.assessment.build import resolve
from bmdsim.assessment.footprints import footprint_tables
from bmdsim.assessment.metrics import all_tables
from bmdsim.assessment.run import run
from bmdsim.scenario.presets import preset_text
from bmdsim.scenario.schema import parse_scenario
name = sys.argv[1]
cfg, lines = parse_scenario(preset_text(name), name)
sc = resolve(cfg, file=name, lines=lines)
out = {"import and load": time.perf_counter() - t0}
res = run(sc)
out.update(res.stage_seconds)
t = time.perf_counter(); all_tables(res); out["tables"] = time.perf_counter() - t
import inspect
second = list(inspect.signature(footprint_tables).parameters)[1]  # the baseline took the seed, now a timer
t = time.perf_counter(); footprint_tables(sc, res.seed) if second == "seed" else footprint_tables(sc)
out["footprints"] = time.perf_counter() - t
print(json.dumps(out))
"""


def baseline_src(ref: str) -> Path:
    """``src`` of a worktree of ``ref`` under the temp folder (created once, reused)."""
    wt = Path(tempfile.gettempdir()) / f"bmdsim-{ref}"
    if not (wt / "src" / "bmdsim").exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), ref], check=True,
                       capture_output=True)
    return wt / "src"


def _env(src: Path, cache: str | None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src))
    if cache is None:
        env["BMDSIM_NO_CACHE"] = "1"
    else:
        env.pop("BMDSIM_NO_CACHE", None)
        env["BMDSIM_CACHE_DIR"] = cache
    return env


def run_cli(src: Path, args: list[str], cache: str | None) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [MB] of one ``bmdsim`` command in a fresh process."""
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _CLI, *args], env=_env(src, cache), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"bmdsim {' '.join(args)} failed:\n{p.stderr[-2000:]}")
    rss = next(int(line.split()[1]) for line in p.stderr.splitlines() if line.startswith("MAXRSS_KB"))
    return wall, rss / 1024.0


def stage_times(src: Path, preset: str, cache: str | None) -> dict[str, float]:
    p = subprocess.run([sys.executable, "-c", _STAGES, preset], env=_env(src, cache), capture_output=True,
                       text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def scaled_scenario(preset: str, raid_factor: int, folder: Path) -> Path:
    """The preset with every raid count multiplied by ``raid_factor`` and no footprints, as a file."""
    import yaml

    sys.path.insert(0, str(ROOT / "src"))
    from bmdsim.scenario.presets import preset_text

    cfg = yaml.safe_load(preset_text(preset))
    for raid in cfg.get("raids", []):
        raid["count"] = int(raid["count"]) * raid_factor
    cfg.pop("footprints", None)
    cfg.pop("variants", None)
    path = folder / f"{preset}-x{raid_factor}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="northeast-asia-2014")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", default="speed-baseline", help="git ref to compare with")
    ap.add_argument("--no-baseline", action="store_true", help="time this code only")
    ap.add_argument("--no-scaling", action="store_true")
    args = ap.parse_args()
    here = ROOT / "src"
    base = None if args.no_baseline else baseline_src(args.baseline)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = str(tmp / "out")
        cmd = ["run", args.preset, "--quiet", "--out", out]
        warm_cache = str(tmp / "cache-warm")
        run_cli(here, cmd, warm_cache)  # fills the warm cache and numba's kernel cache
        times: dict[str, list[float]] = {"baseline": [], "cold": [], "warm": []}
        for i in range(args.repeats):
            if base is not None:
                times["baseline"].append(run_cli(base, cmd, None)[0])
            times["cold"].append(run_cli(here, cmd, str(tmp / f"cache-cold-{i}"))[0])
            times["warm"].append(run_cli(here, cmd, warm_cache)[0])
        med = {k: statistics.median(v) for k, v in times.items() if v}
        print(f"\nwhole command `bmdsim {' '.join(cmd[:2])}`, median of {args.repeats} (wall s):")
        for k, v in times.items():
            if v:
                print(f"  {k:9s} {med[k]:7.2f}   runs: {', '.join(f'{x:.2f}' for x in v)}")
        if base is not None:
            print(f"  ratio baseline/cold {med['baseline'] / med['cold']:.1f}x, "
                  f"baseline/warm {med['baseline'] / med['warm']:.1f}x")

        print("\nstages (wall s, one process each; warm targeting cache for this code):")
        rows = {"this (warm)": stage_times(here, args.preset, warm_cache),
                "this (cold)": stage_times(here, args.preset, str(tmp / "cache-stages"))}
        if base is not None:
            rows = {"baseline": stage_times(base, args.preset, None), **rows}
        names = list(dict.fromkeys(k for r in rows.values() for k in r))
        print(f"  {'stage':16s}" + "".join(f"{c:>14s}" for c in rows))
        for n in names:
            print(f"  {n:16s}" + "".join(f"{r.get(n, float('nan')):14.2f}" for r in rows.values()))

        if not args.no_scaling:
            print("\nscaling of this code (no footprints; cold targeting cache per run):")
            print(f"  {'raid x':>7s} {'replications':>13s} {'wall s':>8s} {'peak MB':>8s}")
            cases = [(1, 1000), (4, 1000), (16, 1000), (1, 10_000), (1, 100_000)]
            for factor, reps in cases:
                path = scaled_scenario(args.preset, factor, tmp)
                wall, mb = run_cli(here, ["run", str(path), "--quiet", "--replications", str(reps), "--out", out],
                                   str(tmp / f"cache-scale-{factor}-{reps}"))
                print(f"  {factor:7d} {reps:13,d} {wall:8.2f} {mb:8.0f}")


if __name__ == "__main__":
    main()
