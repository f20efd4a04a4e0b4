"""Identical measurement sets fed to Stone Soup and filterpy give bmdsim's state estimates.

The comparison runs on the filter's constant-velocity mode, which all three can model identically
(neither peer has a J2/Coriolis ECEF model): bmdsim tracks three ballistic threats with two radars,
recording every update, and each peer restarts from bmdsim's initial state and covariance at initiation
and processes the same measurements of each threat in the same order (peers.py converts the state
order and Stone Soup's bearing convention). bmdsim additionally splits the prediction at its output grid
times; for constant velocity that is exact (Φ(a)Φ(b) = Φ(a+b), and the white-noise Q adds up likewise).
bmdsim's NIS-driven manoeuvre noise has no counterpart in the peers and is off here.

Tolerances (measured values in brackets):
* filterpy, given an analytic Jacobian: states within 1e-8 posterior sigma [5e-11], covariance entries
  within 1e-10 of sqrt(P_ii P_jj) [1.2e-13]: the same arithmetic in a different order.
* Stone Soup linearizes with a forward-difference Jacobian of relative step 2e-8 |x| (≈0.1 m), good to
  ~1e-7: states within 1e-4 posterior sigma [3.5e-5] and 5 mm [0.6 mm] (1e-9 of the ECEF coordinates),
  covariance entries within 1e-4 [9e-6].
"""

import numpy as np
import pytest

from bmdsim.tracking import TrackerConfig, track

from .peers import OURS_FROM_SS, StoneSoupEKF, filterpy_run, stonesoup_rotation_offset
from .scenario import VACUUM, ballistic_truth, make_sites, simulate_measurements

Q = 10.0  # [m^2/s^3]: lets a constant-velocity track follow gravity's 10 m/s^2


@pytest.fixture(scope="module")
def recorded():
    tr = ballistic_truth(3)
    sites = make_sites([(41.0, 129.0, 50.0), (38.0, 135.0, 20.0)])
    sig = np.array([[20.0, 1e-3, 1e-3], [30.0, 1.5e-3, 1.5e-3]])
    meas = simulate_measurements(tr.t_s, tr.r_ecef_m, sites, revisit_steps=[2, 3], sigma=sig,
                                 rng=np.random.default_rng(1), t_window_s=(0.0, 400.0))
    cfg = TrackerConfig(motion_model="constant_velocity", q_m2_s3=Q, maneuver_q_m2_s3=0.0,
                        record_updates=True)
    pic = track(meas, None, tr.t_s[::10], cfg, VACUUM, impact_t_s=[])
    assert np.all(pic.n_updates > 100)
    return meas, pic


def _differences(pic, i, x, P):
    sel = pic.updates.threat == i
    ours, Po = pic.updates.state_ecef[sel], pic.updates.cov_ecef[sel]
    sd = np.sqrt(np.einsum("uii->ui", Po))
    return (np.abs(x - ours) / sd).max(), np.abs(x - ours)[:, :3].max(), (
        np.abs(P - Po) / (sd[:, :, None] * sd[:, None, :])).max()


def test_stonesoup_frame_is_the_sensor_enu_frame(recorded):
    meas, _ = recorded
    model = StoneSoupEKF(meas, Q).model(0)
    s = meas.sensor[0]
    np.testing.assert_allclose(model.rotation_matrix, meas.sites.R_enu_from_ecef[s], rtol=0, atol=1e-15)
    assert stonesoup_rotation_offset(0.0, 0.0).shape == (3, 1)
    assert sorted(OURS_FROM_SS) == list(range(6))


@pytest.mark.parametrize("threat", [0, 1, 2])
def test_filterpy_gives_the_same_estimates(recorded, threat):
    meas, pic = recorded
    rows = pic.updates.row[pic.updates.threat == threat]
    x, P = filterpy_run(meas, rows, pic.state_init_ecef[threat], pic.cov_init_ecef[threat],
                        pic.t_init_s[threat], Q)
    in_sigma, _, cov = _differences(pic, threat, x, P)
    assert in_sigma < 1e-8
    assert cov < 1e-10


@pytest.mark.parametrize("threat", [0, 1, 2])
def test_stonesoup_gives_the_same_estimates(recorded, threat):
    meas, pic = recorded
    rows = pic.updates.row[pic.updates.threat == threat]
    ss = StoneSoupEKF(meas, Q)
    x, P = ss.run(ss.detections(rows), pic.state_init_ecef[threat], pic.cov_init_ecef[threat],
                  pic.t_init_s[threat])
    in_sigma, pos_m, cov = _differences(pic, threat, x, P)
    assert in_sigma < 1e-4
    assert pos_m < 5e-3
    assert cov < 1e-4
