"""Benchmark: 10,000 full-model ballistic trajectories, bmdsim's batch propagator vs scipy per trajectory.

Both integrate the same model (rotating WGS 84 Earth, J2, US Standard Atmosphere 1976 drag on a re-entry
vehicle of ballistic coefficient 5,000 kg/m^2) from the same burnout states, about 30 minutes of flight
each. Accuracy is equalized first: on a sample of trajectories both must land within 10 m of a DOP853
reference at rtol 1e-10. The scipy peer is ``solve_ivp(method="DOP853")`` per trajectory with a terminal
ground event, timed on the sample and scaled to the full batch.

Run: ``python bench/bench_propagate.py [--n 10000] [--sample 100]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bmdsim.earth.model import EarthModel
from bmdsim.flight.plan import FlightPlan, plan_impulsive
from bmdsim.flight.propagator import Tolerances, propagate
from flight.test_propagator import scipy_reference


def make_plan(n: int, earth: EarthModel, seed: int = 2014) -> FlightPlan:
    rng = np.random.default_rng(seed)
    return plan_impulsive(np.radians(rng.uniform(-50, 50, n)), np.radians(rng.uniform(-180, 180, n)),
                          rng.uniform(150e3, 250e3, n), rng.uniform(0, 2 * np.pi, n),
                          np.radians(rng.uniform(20, 30, n)), rng.uniform(6900, 7150, n),
                          mass_kg=700.0, cda_m2=700.0 / 5000.0, earth=earth)


def subset(plan: FlightPlan, rows: np.ndarray) -> FlightPlan:
    return FlightPlan(**{f: getattr(plan, f)[rows] for f in FlightPlan.__dataclass_fields__})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--rtol", type=float, default=1e-9, help="bmdsim tolerance")
    ap.add_argument("--peer-rtol", type=float, default=1e-8, help="scipy DOP853 tolerance")
    args = ap.parse_args()
    earth = EarthModel()
    plan = make_plan(args.n, earth)
    rows = np.linspace(0, args.n - 1, args.sample).astype(int)

    t0 = time.perf_counter()
    tr = propagate(plan, earth, output_step_s=None, tolerances=Tolerances(rtol=args.rtol))
    t_ours = time.perf_counter() - t0

    ref, peer, t_peer = [], [], 0.0
    for i in rows:
        _, y_ref, _ = scipy_reference(plan, earth, int(i), rtol=1e-10)
        ref.append(y_ref[:3])
        t0 = time.perf_counter()
        _, y_peer, _ = scipy_reference(plan, earth, int(i), rtol=args.peer_rtol)
        t_peer += time.perf_counter() - t0
        peer.append(y_peer[:3])
    ref_a, peer_a = np.array(ref), np.array(peer)
    err_ours = np.linalg.norm(tr.r_impact_ecef_m[rows] - ref_a, axis=1)
    err_peer = np.linalg.norm(peer_a - ref_a, axis=1)
    t_peer_full = t_peer / args.sample * args.n
    print(f"trajectories: {args.n}, mean flight time {np.nanmean(tr.flight_time_s) / 60:.1f} min, "
          f"mean steps {tr.n_steps.mean():.0f}")
    print(f"bmdsim batch (rtol {args.rtol:g}): {t_ours:.2f} s, max impact error {err_ours.max():.3f} m")
    print(f"scipy DOP853 loop (rtol {args.peer_rtol:g}): {t_peer / args.sample * 1e3:.1f} ms/trajectory "
          f"-> {t_peer_full:.0f} s for {args.n} (scaled from {args.sample}), "
          f"max impact error {err_peer.max():.3f} m")
    ok = err_ours.max() <= 10.0 and err_peer.max() <= 10.0
    print(f"equal accuracy (both within 10 m of DOP853 rtol 1e-10): {'yes' if ok else 'NO'}")
    print(f"speed ratio (scipy loop / bmdsim batch): {t_peer_full / t_ours:.0f}x")


if __name__ == "__main__":
    main()
