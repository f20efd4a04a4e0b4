"""Measurement generation: determinism, batching, noise and detection statistics, summary, contract."""

import math
from dataclasses import fields, replace

import numpy as np
import pytest
from scipy import stats

from bmdsim.earth.frames import wrap_to_pi
from bmdsim.earth.model import SPHERE
from bmdsim.sensors.detection import pd
from bmdsim.sensors.observe import interpolate_positions, observe
from bmdsim.sensors.radar import RadarSite, snr_db
from bmdsim.sensors.rcs import ThreatRcs, rcs_at_time
from bmdsim.sensors.visibility import is_visible, look_geometry
from tests.sensors._helpers import make_radar


def subset(tr, rows):
    per_object = {f.name: getattr(tr, f.name)[rows] for f in fields(tr) if f.name != "t_s"}
    return replace(tr, **per_object)


def sites(**radar):
    r1 = RadarSite(name="east", radar=make_radar(**radar), lat_rad=math.radians(38.5),
                   lon_rad=math.radians(134.0), ellipsoid=SPHERE, nation="A")
    r2 = RadarSite(name="south", radar=make_radar(**{**radar, "sector_half_width_rad": math.radians(60)}),
                   lat_rad=math.radians(35.0), lon_rad=math.radians(131.0),
                   boresight_az_rad=math.radians(340), ellipsoid=SPHERE, nation="B", look_offset_s=3.0)
    return [r1, r2]


def rcs_for(tr, post=0.05):
    return ThreatRcs.uniform(tr.n, 1.0, post)


def test_same_seed_same_measurements_other_seed_differs(sphere_flights):
    tr = sphere_flights
    a = observe(tr, sites(), 42, rcs=rcs_for(tr))
    b = observe(tr, sites(), np.random.SeedSequence(42), rcs=rcs_for(tr))
    c = observe(tr, sites(), 43, rcs=rcs_for(tr))
    assert a.measurements.m > 500
    for name in ("t_s", "threat", "sensor", "z", "sigma", "snr_db"):
        np.testing.assert_array_equal(getattr(a.measurements, name), getattr(b.measurements, name))
    assert not np.array_equal(a.measurements.z[:50], c.measurements.z[:50])
    # a Generator is accepted too (it is consumed for the root entropy)
    g = observe(tr, sites(), np.random.default_rng(1), rcs=rcs_for(tr))
    assert g.measurements.m > 0


def test_batches_with_global_ids_give_the_same_measurements(sphere_flights):
    tr = sphere_flights
    whole = observe(tr, sites(), 7, rcs=rcs_for(tr)).measurements
    parts = []
    for rows in ([0, 2, 5], [1, 3, 4]):
        part = subset(tr, rows)
        parts.append(observe(part, sites(), 7, rcs=rcs_for(part), threat_ids=rows).measurements)
    t = np.concatenate([p.t_s for p in parts])
    threat = np.concatenate([p.threat for p in parts])
    sensor = np.concatenate([p.sensor for p in parts])
    order = np.lexsort((threat, sensor, t))
    np.testing.assert_array_equal(t[order], whole.t_s)
    np.testing.assert_array_equal(threat[order], whole.threat)
    np.testing.assert_array_equal(np.concatenate([p.z for p in parts])[order], whole.z)


def truth(tr, m, site_list):
    """True (range, az, el) of each measurement from the interpolated trajectory (per sensor)."""
    out = np.zeros((m.m, 3))
    for j, site in enumerate(site_list):
        sel = m.sensor == j
        t = np.full((tr.n, 1), np.nan)
        r = np.zeros((sel.sum(), 3))
        for i, (tid, ti) in enumerate(zip(m.threat[sel], m.t_s[sel], strict=True)):
            t[:] = np.nan
            t[tid, 0] = ti
            r[i] = interpolate_positions(tr, t)[tid, 0]
        g = look_geometry(site, r)
        out[sel] = np.stack([g.range_m, g.az_rad, g.el_rad], axis=-1)
    return out


def test_measurement_noise_matches_sigma(sphere_flights):
    # Standardized residuals (z - truth) / sigma of ~2,500 measurements: per component, the sample variance
    # must lie inside the two-sided 99.9% chi-square bounds for unit variance, and the mean within 4
    # standard errors of zero. Seeded, so deterministic; the bounds state what a correct sampler satisfies.
    tr = sphere_flights
    site_list = sites(search_reference_range_m=3_000e3)
    m = observe(tr, site_list, 2024, rcs=rcs_for(tr)).measurements
    assert m.m > 1_500
    res = m.z - truth(tr, m, site_list)
    res[:, 1] = wrap_to_pi(res[:, 1])
    u = res / m.sigma
    n = m.m
    lo, hi = stats.chi2.ppf(0.0005, n - 1), stats.chi2.ppf(0.9995, n - 1)
    for k in range(3):
        assert lo < (n - 1) * u[:, k].var(ddof=1) < hi
        assert abs(u[:, k].mean()) < 4 / math.sqrt(n)


def test_track_detections_follow_single_look_pd(sphere_flights):
    # Marginal radar: the post-boost object gives SNRs around the threshold in track. Count detections
    # among the track looks at which the object is visible and compare with the sum of the model's Pd over
    # those looks: |observed - expected| < 4 binomial standard deviations.
    tr = sphere_flights
    site = sites(search_reference_range_m=400e3, track_gain_db=6.0)[0]
    rcs = rcs_for(tr, post=0.05)
    obs = observe(tr, [site], 11, rcs=rcs)
    expected = var = observed = 0.0
    for i in range(tr.n):
        t_first = obs.summary.first_detection_s[0, i]
        if not np.isfinite(t_first):
            continue
        end = min(tr.t_impact_s[i], tr.t_s[-1])
        t = t_first + np.arange(1, int(np.floor(end - t_first)) + 1) * site.radar.track_revisit_s
        tt = np.full((tr.n, t.size), np.nan)
        tt[i] = t
        g = look_geometry(site, interpolate_positions(tr, tt)[i])
        vis = is_visible(site, g)
        sigma = rcs_at_time(rcs.take([i]), t[None, vis], tr.t_burnout_s[[i]])[0]
        p = pd(snr_db(site.radar, g.range_m[vis], sigma, "track"), site.radar.pfa, site.radar.swerling)
        expected += p.sum()
        var += (p * (1 - p)).sum()
        observed += obs.summary.n_detections[0, i] - 1  # minus the search detection
    assert var > 50  # the test is informative: many looks with Pd well inside (0, 1)
    assert abs(observed - expected) < 4 * math.sqrt(var)


def test_summary_agrees_with_measurements_and_sorting(sphere_flights):
    tr = sphere_flights
    obs = observe(tr, sites(), 3, rcs=rcs_for(tr))
    m, s = obs.measurements, obs.summary
    assert np.all(np.diff(m.t_s) >= 0)
    assert m.sites.name == ("east", "south") and m.sites.nation == ("A", "B")
    assert m.sites.lla.shape == (2, 3) and m.sites.R_enu_from_ecef.shape == (2, 3, 3)
    for j in range(2):
        for i in range(tr.n):
            sel = (m.sensor == j) & (m.threat == i)
            assert s.n_detections[j, i] == sel.sum()
            if sel.any():
                assert s.first_detection_s[j, i] == m.t_s[sel].min()
                assert s.last_detection_s[j, i] == m.t_s[sel].max()
                assert s.first_visible_s[j, i] <= s.first_detection_s[j, i] + 1.0  # grid vs look time
    # search detections fall on the site's frame schedule (offset 3 s for "south", period 10 s)
    first_south = s.first_detection_s[1][np.isfinite(s.first_detection_s[1])]
    np.testing.assert_allclose((first_south - 3.0) % 10.0, 0.0, atol=1e-9)
    recs = s.to_records()
    assert len(recs) == 2 * tr.n
    assert set(recs[0]) == {"sensor", "threat", "first_visible_s", "first_detection_s", "last_detection_s",
                            "n_detections"}
    allowed = m.select_sensors(np.array([True, False]))
    assert np.all(allowed.sensor == 0)


def test_cue_never_delays_first_detection(sphere_flights):
    # Same seed, same draws: a cue only raises the search SNR, so each first detection comes no later.
    tr = sphere_flights
    site_list = sites(search_reference_range_m=400e3)
    plain = observe(tr, site_list, 5, rcs=rcs_for(tr)).summary.first_detection_s
    cued = observe(tr, site_list, 5, rcs=rcs_for(tr), cue_time_s=tr.t_launch_s).summary.first_detection_s
    both = np.isfinite(plain)
    assert both.sum() >= 3
    assert np.all(np.isfinite(cued[both]))
    assert np.all(cued[both] <= plain[both])
    assert np.isfinite(cued).sum() > both.sum()  # and the cue lets the radar see objects it missed


def test_bad_inputs(sphere_flights):
    tr = sphere_flights
    with pytest.raises(ValueError, match="rcs holds 2 objects"):
        observe(tr, sites(), 1, rcs=ThreatRcs.uniform(2, 1.0, 1.0))
    with pytest.raises(ValueError, match="threat_ids must have shape"):
        observe(tr, sites(), 1, rcs=rcs_for(tr), threat_ids=[0, 1])
    with pytest.raises(ValueError, match="names must be unique"):
        observe(tr, [sites()[0], sites()[0]], 1, rcs=rcs_for(tr))
    with pytest.raises(TypeError, match="seed"):
        observe(tr, sites(), -3, rcs=rcs_for(tr))


def test_edge_cases_nothing_seen_no_sensors_no_frame_and_refraction(sphere_flights):
    tr = sphere_flights
    far = RadarSite(name="far", radar=make_radar(), lat_rad=-0.5, lon_rad=-1.0, ellipsoid=SPHERE)
    slow = RadarSite(name="slow", radar=make_radar(search_revisit_s=5_000.0), lat_rad=math.radians(38.5),
                     lon_rad=math.radians(133.0), ellipsoid=SPHERE, look_offset_s=2_000.0)
    obs = observe(tr, [far, slow], 1, rcs=rcs_for(tr), refraction_k=4.0 / 3.0)
    assert obs.measurements.m == 0
    assert np.isnan(obs.summary.first_visible_s[0]).all()
    assert np.isfinite(obs.summary.first_visible_s[1]).all()  # in view, but no search frame during flight
    assert (obs.summary.n_detections == 0).all()
    none = observe(tr, [], 1, rcs=rcs_for(tr))
    assert none.measurements.m == 0 and none.summary.first_visible_s.shape == (0, tr.n)
    # refraction only widens what is visible: first-visible times no later than without it
    plain = observe(tr, sites(), 1, rcs=rcs_for(tr)).summary.first_visible_s
    bent = observe(tr, sites(), 1, rcs=rcs_for(tr), refraction_k=4.0 / 3.0).summary.first_visible_s
    seen = np.isfinite(plain)
    assert np.all(bent[seen] <= plain[seen])
