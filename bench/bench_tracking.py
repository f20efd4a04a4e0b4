"""Benchmark: bmdsim's vectorized tracker against Stone Soup and filterpy on the same measurements.

A raid of 1,000 intermediate-range ballistic threats (bmdsim.flight, rotating WGS 84, J2, no drag) is
measured by three radars in Korea and Japan (range 10-30 m, angles 1-2 mrad, revisits 2, 3 and 5 s),
about 870,000 measurements. All three trackers run the constant-velocity EKF, the one model they share:
bmdsim tracks all threats at once (M-of-N initiation, fusion, output every 10 s); Stone Soup and
filterpy run one threat at a time from bmdsim's initial state and covariance, over the same
measurements in the same order, and their estimates are checked against bmdsim's (tests/tracking/
test_peers.py states the tolerances; bmdsim's manoeuvre-noise switch, which the peers lack, is off).
Peers are timed on a sample of threats and scaled; only their predict and update calls are timed
(building Stone Soup's detection objects is not). bmdsim's time is the whole ``track`` call, initiation
and grid output included, best of three runs (the test machine may be shared). The ballistic mode
(J2, Coriolis, RK4 substeps, manoeuvre switch on) is timed on the same data.

Run: ``python bench/bench_tracking.py [--n 1000] [--stonesoup-sample 20] [--filterpy-sample 100]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.tracking.peers import StoneSoupEKF, filterpy_run  # the peers the tests use
from tests.tracking.scenario import VACUUM, ballistic_truth, make_sites, simulate_measurements

from bmdsim.tracking import TrackerConfig, track

Q_M2_S3 = 10.0
SITES = [(41.0, 129.0, 50.0), (38.0, 135.0, 20.0), (36.0, 128.0, 100.0)]
SIGMA = np.array([[20.0, 1e-3, 1e-3], [30.0, 1.5e-3, 1.5e-3], [10.0, 2e-3, 2e-3]])


def _timed(fun, *args, repeat: int = 1, **kwargs):
    """Result and the shortest wall time of ``repeat`` calls [s] (the machine may be shared)."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fun(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best


def _agreement(pic, rows_by_threat, results) -> tuple[float, float]:
    """Largest state difference in posterior sigmas and in metres of position, over sampled threats."""
    worst_sigma, worst_m = 0.0, 0.0
    u = pic.updates
    for i, (x, _) in results.items():
        sel = u.threat == i
        sd = np.sqrt(np.einsum("uii->ui", u.cov_ecef[sel]))
        d = np.abs(x - u.state_ecef[sel])
        worst_sigma = max(worst_sigma, float((d / sd).max()))
        worst_m = max(worst_m, float(d[:, :3].max()))
        assert rows_by_threat[i].size == x.shape[0]
    return worst_sigma, worst_m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--stonesoup-sample", type=int, default=20)
    ap.add_argument("--filterpy-sample", type=int, default=100)
    args = ap.parse_args()

    truth = ballistic_truth(args.n, seed=3)
    meas = simulate_measurements(truth.t_s, truth.r_ecef_m, make_sites(SITES), revisit_steps=[2, 3, 5],
                                 sigma=SIGMA, rng=np.random.default_rng(1))
    grid = truth.t_s[::10]
    cv = TrackerConfig(motion_model="constant_velocity", q_m2_s3=Q_M2_S3, maneuver_q_m2_s3=0.0)
    pic_cv, t_cv = _timed(track, meas, None, grid, cv, VACUUM, impact_t_s=[], repeat=3)
    n_upd = int(pic_cv.n_updates.sum())
    pic_b, t_b = _timed(track, meas, None, grid, TrackerConfig(q_m2_s3=1.0), VACUUM, impact_t_s=[], repeat=3)
    _, t_imp = _timed(track, meas, None, grid, TrackerConfig(q_m2_s3=1.0), VACUUM, impact_t_s=grid[[30, 60]],
                      repeat=3)

    rec = track(meas, None, grid, replace(cv, record_updates=True), VACUUM, impact_t_s=[])
    rows_by_threat = {i: rec.updates.row[rec.updates.threat == i] for i in range(args.n)}

    def sample(k: int) -> np.ndarray:
        return np.unique(np.linspace(0, args.n - 1, k).astype(int))

    ss_res, t_ss, n_ss = {}, 0.0, 0
    for i in sample(args.stonesoup_sample):
        ss = StoneSoupEKF(meas, Q_M2_S3)
        dets = ss.detections(rows_by_threat[i])
        ss_res[i], dt = _timed(ss.run, dets, rec.state_init_ecef[i], rec.cov_init_ecef[i], rec.t_init_s[i])
        t_ss += dt
        n_ss += len(dets)
    fp_res, t_fp, n_fp = {}, 0.0, 0
    for i in sample(args.filterpy_sample):
        fp_res[i], dt = _timed(filterpy_run, meas, rows_by_threat[i], rec.state_init_ecef[i],
                               rec.cov_init_ecef[i], rec.t_init_s[i], Q_M2_S3)
        t_fp += dt
        n_fp += rows_by_threat[i].size

    rate_cv, rate_b = n_upd / t_cv, int(pic_b.n_updates.sum()) / t_b
    rate_ss, rate_fp = n_ss / t_ss, n_fp / t_fp
    ss_sigma, ss_m = _agreement(rec, rows_by_threat, ss_res)
    fp_sigma, fp_m = _agreement(rec, rows_by_threat, fp_res)
    print(f"threats: {args.n}, measurements: {meas.m:,}, track updates: {n_upd:,} "
          f"({np.isfinite(pic_cv.t_init_s).sum()} tracks), output grid: {grid.size} times")
    print(f"bmdsim constant velocity (batch): {t_cv:.2f} s, {rate_cv:,.0f} updates/s")
    print(f"bmdsim ballistic J2+Coriolis (batch): {t_b:.2f} s, {rate_b:,.0f} updates/s; with impact "
          f"predictions at 2 times: {t_imp:.2f} s")
    for name, res, n, rate, d_sigma, d_m in [("Stone Soup", ss_res, n_ss, rate_ss, ss_sigma, ss_m),
                                             ("filterpy", fp_res, n_fp, rate_fp, fp_sigma, fp_m)]:
        print(f"{name} EKF (loop, {len(res)} threats, {n:,} updates): {1e6 / rate:.0f} us/update, "
              f"{rate:,.0f} updates/s -> {n_upd / rate:.0f} s for all; estimates differ from bmdsim's by "
              f"at most {d_sigma:.1e} sigma, {d_m * 1e3:.2g} mm")
    print(f"speed ratio, constant velocity: {rate_cv / rate_ss:.0f}x Stone Soup, "
          f"{rate_cv / rate_fp:.0f}x filterpy")
    print(f"speed ratio, ballistic mode vs the peers' constant velocity: {rate_b / rate_ss:.0f}x Stone Soup, "
          f"{rate_b / rate_fp:.0f}x filterpy")


if __name__ == "__main__":
    main()
