"""Radar measurements of flown threats: look schedules, detections and noisy measurements.

What it models
--------------
For each radar site and each threat object (vectorized over threats and looks; a loop runs over sites):

1. **Search.** The radar scans its search volume once per frame, at ``look_offset_s + k * search_revisit_s``;
   every frame during the threat's flight is a *look*. A look at which the object is visible
   (:mod:`.visibility`: line of sight, elevation limits, sector, maximum range) detects it with the
   single-look probability ``Pd(SNR)`` of the radar's Swerling model (:mod:`.detection`), where the SNR is
   the search-mode value (:mod:`.radar`), plus the cued-search gain from the threat's cue time on. The
   RCS of the look is the nominal figure of the object's flight phase or, under the aspect model, the
   mean RCS at the look's aspect (from the interpolated velocity and the line of sight) and the radar's
   wavelength (:mod:`.rcs`, :mod:`.scattering`).
2. **Track.** From the first detection on, the radar tracks the object: looks every ``track_revisit_s``
   after the detection, with the track-mode SNR. A track look with the object out of view simply fails;
   the track is kept (re-acquisition after a gap is assumed, the tracker coasts). Search looks after the
   first detection are not used.
3. **Measurements.** Each detection yields slant range, azimuth and elevation in the site's ENU frame,
   each with a normal error of the one-sigma :func:`.radar.measurement_sigma` at the look's mean SNR.

Positions at look times come from the trajectory grid by cubic Hermite interpolation of the stored ECEF
position and velocity (error below a metre on a 1 s grid in ballistic flight; a few metres across
staging). A look falling in a grid step that is not fully in flight (the first step after launch, the last
before impact) is lost. Association is by truth (the measurement carries the object's id); false alarms and
clutter are not generated (docs/methods/sensors.md).

Randomness and batching
-----------------------
Each (site, threat) pair draws from its own stream, spawned from the root seed with the key (site name,
threat id) (:mod:`._streams`): the search-look uniforms, search-look normals, then the track-look
uniforms and normals, all sized by the threat's own schedule. So the measurements of a threat do not
depend on which other threats share the call: observing threats in batches with their global
``threat_ids`` and the same int or SeedSequence seed gives exactly the measurements of one call.

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), ch. 2 (detection), sec. 6.3
   (measurement accuracy).
.. [HNW93] E. Hairer, S. P. Nørsett and G. Wanner, *Solving Ordinary Differential Equations I*, 2nd ed.
   (1993), sec. II.6 (Hermite interpolation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.flight.propagator import Trajectories
from bmdsim.sensors._streams import Seed, root_sequence, stream_for
from bmdsim.sensors.detection import pd
from bmdsim.sensors.measurements import Measurements, SensorSites
from bmdsim.sensors.radar import RadarSite, measurement_sigma, snr_db
from bmdsim.sensors.rcs import ThreatRcs, aspect_angle_rad, rcs_at_looks
from bmdsim.sensors.visibility import is_visible, look_geometry

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectionSummary:
    """Per (sensor, threat) timeline of a set of observations.

    Attributes
    ----------
    sensor_name : tuple of str, length s
    threat : ndarray of int, shape (n,)
        Threat ids (columns).
    first_visible_s : ndarray, shape (s, n)
        First time on the trajectory grid at which the object is visible to the sensor [s]; NaN if never.
    first_detection_s, last_detection_s : ndarray, shape (s, n)
        Times of the first and last detection [s]; NaN if never detected.
    n_detections : ndarray of int, shape (s, n)
    """

    sensor_name: tuple[str, ...]
    threat: I64
    first_visible_s: F64
    first_detection_s: F64
    last_detection_s: F64
    n_detections: I64

    def to_records(self) -> list[dict[str, object]]:
        """One plain dict per (sensor, threat) pair; NaN times become None (ready for JSON or pandas)."""
        out: list[dict[str, object]] = []
        for j, name in enumerate(self.sensor_name):
            for i, tid in enumerate(self.threat):
                def t(a: F64, j: int = j, i: int = i) -> float | None:
                    v = float(a[j, i])
                    return v if np.isfinite(v) else None
                out.append({"sensor": name, "threat": int(tid), "first_visible_s": t(self.first_visible_s),
                            "first_detection_s": t(self.first_detection_s),
                            "last_detection_s": t(self.last_detection_s),
                            "n_detections": int(self.n_detections[j, i])})
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Observations:
    """The result of :func:`observe`: measurements (sorted by time) and the per-pair summary."""

    measurements: Measurements
    summary: DetectionSummary


def sensor_sites(sites: Sequence[RadarSite]) -> SensorSites:
    """The :class:`SensorSites` table of a list of placed radars."""
    names = tuple(s.name for s in sites)
    if len(set(names)) != len(names):
        raise ValueError(f"sensor names must be unique, got {names}")
    lla = np.array([[s.lat_rad, s.lon_rad, s.alt_m] for s in sites], dtype=float).reshape(-1, 3)
    r_ecef = np.array([s.r_ecef_m for s in sites], dtype=float).reshape(-1, 3)
    R_enu_from_ecef = np.array([s.R_enu_from_ecef for s in sites], dtype=float).reshape(-1, 3, 3)
    return SensorSites(name=names, nation=tuple(s.nation for s in sites), lla=lla, r_ecef_m=r_ecef,
                       R_enu_from_ecef=R_enu_from_ecef)


def interpolate_positions(traj: Trajectories, t_s: ArrayLike) -> F64:
    """ECEF positions [m] of each trajectory at times ``t_s`` (shape (n, K)) by cubic Hermite interpolation.

    Uses position and velocity at the two grid points around each time; NaN where either is not in flight
    or the time is off the grid. Returns shape (n, K, 3).
    """
    return _hermite_positions(traj.t_s, traj.r_ecef_m, traj.v_ecef_mps, np.asarray(t_s, dtype=float))


def _hermite_positions(grid_s: F64, r_ecef: F64, v_ecef: F64, t: F64) -> F64:
    return _hermite_states(grid_s, r_ecef, v_ecef, t, with_velocity=False)[0]


def _hermite_states(grid_s: F64, r_ecef: F64, v_ecef: F64, t: F64,
                    with_velocity: bool = True) -> tuple[F64, F64 | None]:
    """ECEF positions (n, K, 3) and, if asked, velocities (the cubic's derivative) at times ``t``."""
    n, k = r_ecef.shape[:2]
    out = np.full((*t.shape, 3), np.nan)
    vel = np.full((*t.shape, 3), np.nan) if with_velocity else None
    if k < 2 or t.size == 0:
        return out, vel
    dt = grid_s[1] - grid_s[0]
    with np.errstate(invalid="ignore"):
        x = (t - grid_s[0]) / dt
        on_grid = np.isfinite(x) & (x >= 0.0) & (x <= k - 1)
    idx = np.clip(np.floor(np.where(on_grid, x, 0.0)).astype(np.intp), 0, k - 2)
    s = np.where(on_grid, x, 0.0) - idx
    rows = np.arange(n).reshape(n, *((1,) * (t.ndim - 1)))
    s2 = s * s
    s3 = s2 * s
    pos = ((2 * s3 - 3 * s2 + 1)[..., None] * r_ecef[rows, idx]
           + (s3 - 2 * s2 + s)[..., None] * dt * v_ecef[rows, idx]
           + (-2 * s3 + 3 * s2)[..., None] * r_ecef[rows, idx + 1]
           + (s3 - s2)[..., None] * dt * v_ecef[rows, idx + 1])
    out[on_grid] = pos[on_grid]
    if vel is not None:
        d = ((6 * s2 - 6 * s)[..., None] * (r_ecef[rows, idx] - r_ecef[rows, idx + 1]) / dt
             + (3 * s2 - 4 * s + 1)[..., None] * v_ecef[rows, idx]
             + (3 * s2 - 2 * s)[..., None] * v_ecef[rows, idx + 1])
        vel[on_grid] = d[on_grid]
    return out, vel


def _end_times(traj: Trajectories) -> F64:
    """End of each object's flight on the grid [s]: impact, or the end of the grid."""
    return np.minimum(np.where(np.isfinite(traj.t_impact_s), traj.t_impact_s, traj.t_s[-1]), traj.t_s[-1])


def _frames(t_first: F64, t_end: F64, period: float, offset: float) -> tuple[F64, NDArray[np.bool_]]:
    """Search frames ``offset + j * period`` inside [t_first, t_end] per row: times (m, K), NaN-padded."""
    j0 = np.ceil((t_first - offset) / period - 1e-9)
    j1 = np.floor((t_end - offset) / period + 1e-9)
    count = np.maximum(j1 - j0 + 1.0, 0.0).astype(np.int64)
    col = np.arange(int(count.max()) if count.size else 0)
    valid = col[None, :] < count[:, None]
    return np.where(valid, offset + (j0[:, None] + col[None, :]) * period, np.nan), valid


def _revisits(t_first: F64, t_end: F64, period: float) -> tuple[F64, NDArray[np.bool_]]:
    """Track looks ``t_first + j * period``, j >= 1, up to t_end, per row (NaN t_first: none)."""
    with np.errstate(invalid="ignore"):
        count = np.where(np.isfinite(t_first), np.floor((t_end - t_first) / period + 1e-9), 0.0)
    count = np.maximum(count, 0.0).astype(np.int64)
    col = np.arange(int(count.max()) if count.size else 0)
    valid = col[None, :] < count[:, None]
    return np.where(valid, t_first[:, None] + (col[None, :] + 1.0) * period, np.nan), valid


def _draws(gens: list[np.random.Generator], counts: I64, width: int) -> tuple[F64, F64]:
    """Uniforms (m, width) and standard normals (m, width, 3); row i from gens[i] for its counts[i] looks."""
    u = np.full((len(gens), width), np.inf)
    z = np.zeros((len(gens), width, 3))
    for i, (g, c) in enumerate(zip(gens, counts, strict=True)):
        u[i, :c] = g.random(int(c))
        z[i, :c] = g.standard_normal((int(c), 3))
    return u, z


@dataclass(frozen=True, slots=True)
class _Looks:
    """Looks at m objects (rows) by one site: arrays of shape (m, K)."""

    t: F64
    range_m: F64
    az: F64
    el: F64
    snr: F64
    detected: NDArray[np.bool_]
    noise: F64


def _looks(site: RadarSite, r_ecef: F64, v_ecef: F64, grid_s: F64, t: F64, valid: NDArray[np.bool_],
           rcs: ThreatRcs, t_burnout_s: F64, gain_db: F64 | float, gens: list[np.random.Generator], mode: str,
           refraction_k: float) -> _Looks:
    """Geometry, RCS at each look's aspect and band, SNR, detection draws and noise draws of a batch."""
    u, noise = _draws(gens, valid.sum(axis=1), t.shape[1])
    r, v = _hermite_states(grid_s, r_ecef, v_ecef, t, with_velocity=rcs.shapes is not None)
    if v is None:  # nominal model: no aspect needed
        rcs_m2 = rcs_at_looks(rcs, t, t_burnout_s)
    else:
        rcs_m2 = rcs_at_looks(rcs, t, t_burnout_s, aspect_rad=aspect_angle_rad(v, r, site.r_ecef_m),
                              wavelength_m=site.radar.wavelength_m)
    alt = ecef_to_geodetic(r, site.ellipsoid)[2] if refraction_k != 1.0 else None
    g = look_geometry(site, r, refraction_k=refraction_k, alt_m=alt)
    vis = is_visible(site, g) & valid
    radar = site.radar
    with np.errstate(invalid="ignore"):
        snr = snr_db(radar, g.range_m, rcs_m2, mode) + gain_db  # type: ignore[arg-type]
        detected = vis & (u < pd(np.where(vis, snr, -np.inf), radar.pfa, radar.swerling))
    return _Looks(t=t, range_m=g.range_m, az=g.az_rad, el=g.el_rad, snr=snr, detected=detected, noise=noise)


@dataclass(frozen=True, slots=True)
class _SiteResult:
    t: F64
    threat: I64
    z: F64
    sigma: F64
    snr: F64
    first_visible: F64
    first_det: F64
    last_det: F64
    n_det: I64


def _measure(site: RadarSite, looks: _Looks, mask: NDArray[np.bool_]) -> tuple[F64, F64]:
    """Noisy (range, az, el) and their sigmas for the looks selected by ``mask``."""
    sigma = measurement_sigma(site.radar, looks.snr[mask], looks.el[mask])
    z = np.stack([looks.range_m[mask], looks.az[mask], looks.el[mask]], axis=-1) + sigma * looks.noise[mask]
    z[:, 1] %= 2.0 * np.pi
    return z, sigma


def _observe_site(site: RadarSite, traj: Trajectories, rcs: ThreatRcs, cue: F64, ids: I64,
                  root: np.random.SeedSequence, refraction_k: float) -> _SiteResult:
    radar = site.radar
    n = traj.n
    first_visible, first_det, last_det = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    n_det = np.zeros(n, dtype=np.int64)
    g = look_geometry(site, traj.r_ecef_m, refraction_k=refraction_k,
                      alt_m=traj.alt_m if refraction_k != 1.0 else None)
    vis_grid = is_visible(site, g)
    seen = vis_grid.any(axis=1)
    first_visible[seen] = traj.t_s[np.argmax(vis_grid[seen], axis=1)]
    rows = np.flatnonzero(seen)
    if rows.size == 0:
        return _SiteResult(t=np.zeros(0), threat=np.zeros(0, dtype=np.int64), z=np.zeros((0, 3)),
                           sigma=np.zeros((0, 3)), snr=np.zeros(0), first_visible=first_visible,
                           first_det=first_det, last_det=last_det, n_det=n_det)
    r_ecef, v_ecef, t_end = traj.r_ecef_m[rows], traj.v_ecef_mps[rows], _end_times(traj)[rows]
    sub_rcs, t_bo = rcs.take(rows), traj.t_burnout_s[rows]
    gens = [stream_for(root, site.name, int(ids[i])) for i in rows]
    # search: frames from launch to the end of flight, cued gain from the cue time on
    ts, valid_s = _frames(traj.t_launch_s[rows], t_end, radar.search_revisit_s, site.look_offset_s)
    with np.errstate(invalid="ignore"):
        cued = np.where(ts >= cue[rows, None], radar.cued_gain_db, 0.0)
    search = _looks(site, r_ecef, v_ecef, traj.t_s, ts, valid_s, sub_rcs, t_bo, cued, gens, "search",
                    refraction_k)
    has = search.detected.any(axis=1)
    first = search.detected & (np.cumsum(search.detected, axis=1) == 1)  # the first detection of each row
    t_first = np.full(rows.size, np.nan)
    t_first[has] = search.t[first]
    # track: from the first detection on
    tt, valid_t = _revisits(t_first, t_end, radar.track_revisit_s)
    track = _looks(site, r_ecef, v_ecef, traj.t_s, tt, valid_t, sub_rcs, t_bo, 0.0, gens, "track",
                   refraction_k)
    zs, ss = _measure(site, search, first)
    zt, st = _measure(site, track, track.detected)
    k = np.arange(rows.size)
    local = np.concatenate([k[has], np.broadcast_to(k[:, None], track.detected.shape)[track.detected]])
    first_det[rows] = t_first
    n_det[rows] = has.astype(np.int64) + track.detected.sum(axis=1)
    last = np.where(track.detected, track.t, -np.inf).max(axis=1, initial=-np.inf)
    last_det[rows] = np.where(has, np.maximum(t_first, last), np.nan)
    return _SiteResult(t=np.concatenate([search.t[first], track.t[track.detected]]), threat=ids[rows[local]],
                       z=np.concatenate([zs, zt]), sigma=np.concatenate([ss, st]),
                       snr=np.concatenate([search.snr[first], track.snr[track.detected]]),
                       first_visible=first_visible, first_det=first_det, last_det=last_det, n_det=n_det)


def observe(traj: Trajectories, sites: Sequence[RadarSite], seed: Seed, *, rcs: ThreatRcs,
            cue_time_s: ArrayLike | None = None, threat_ids: ArrayLike | None = None,
            refraction_k: float = 1.0) -> Observations:
    """Radar measurements of ``n`` objects by a set of placed radars.

    Parameters
    ----------
    traj : Trajectories
        Flown objects on a uniform time grid (positions NaN when not in flight).
    sites : sequence of RadarSite
        Placed radars; names must be unique (they key the random streams). The sites' ellipsoid must be
        the Earth of the trajectories.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Root of the random streams (a Generator is consumed for 128 bits; pass an int or SeedSequence to
        observe threats in batches, see the module docstring).
    rcs : ThreatRcs
        RCS of each object before and after burnout (:mod:`.rcs`); with shapes (the aspect model), each
        look's RCS follows its aspect and the radar's wavelength, which every site then needs
        (``RadarConfig.frequency_hz``).
    cue_time_s : array_like, shape (n,) or (len(sites), n), optional
        Time from which each object's search benefits from a cue (e.g. ``InfraredCues.t_cue_s``), the same
        for every site or one row per site (the time the warning reaches that radar's nation); NaN or None
        for no cue.
    threat_ids : array_like of int, shape (n,), optional
        Global, non-negative ids of the objects (default ``0..n-1``); measurements carry them.
    refraction_k : float
        Effective-Earth factor for line of sight (1 none, 4/3 standard atmosphere).

    Returns
    -------
    Observations
        ``measurements`` sorted by time (then sensor, then threat) and the per-pair ``summary``.
    """
    n = traj.n
    ids = np.arange(n, dtype=np.int64) if threat_ids is None else np.asarray(threat_ids, dtype=np.int64)
    if ids.shape != (n,):
        raise ValueError(f"observe: threat_ids must have shape ({n},), got {ids.shape}")
    if rcs.n != n:
        raise ValueError(f"observe: rcs holds {rcs.n} objects, the trajectories {n}")
    cue = np.full(n, np.nan) if cue_time_s is None else np.asarray(cue_time_s, dtype=float)
    if cue.ndim == 2 and cue.shape != (len(sites), n):
        raise ValueError(f"observe: cue_time_s must have shape ({n},) or ({len(sites)}, {n}), got {cue.shape}")
    cues = cue if cue.ndim == 2 else np.broadcast_to(cue.reshape(n), (len(sites), n))
    if traj.t_s.size < 2:
        raise ValueError("observe: the trajectories need a time grid of at least two points (output_step_s)")
    step = traj.t_s[1] - traj.t_s[0]
    if traj.t_s.size >= 3 and not np.allclose(np.diff(traj.t_s), step, rtol=1e-9, atol=1e-9):
        raise ValueError("observe: the trajectory time grid must be uniform")
    root = root_sequence(seed)
    results = [_observe_site(site, traj, rcs, cues[i], ids, root, refraction_k) for i, site in enumerate(sites)]
    return _assemble(results, sensor_sites(sites), ids)


def _assemble(results: list[_SiteResult], table: SensorSites, ids: I64) -> Observations:
    """Merge per-site results into time-sorted measurements and the summary table."""
    n, s = ids.size, len(results)

    def cat(name: str, width: int = 0) -> F64:
        empty = np.zeros((0, width) if width else 0)
        return np.concatenate([getattr(r, name) for r in results]) if results else empty

    t = cat("t")
    sensor = np.repeat(np.arange(s, dtype=np.int64), [r.t.size for r in results])
    threat = cat("threat").astype(np.int64)
    order = np.lexsort((threat, sensor, t))
    meas = Measurements(t_s=t[order], threat=threat[order], sensor=sensor[order],
                        z=cat("z", 3)[order], sigma=cat("sigma", 3)[order], snr_db=cat("snr")[order],
                        sites=table)

    def stack(name: str) -> F64:
        return np.array([getattr(r, name) for r in results]).reshape(s, n)

    summary = DetectionSummary(sensor_name=table.name, threat=ids, first_visible_s=stack("first_visible"),
                               first_detection_s=stack("first_det"), last_detection_s=stack("last_det"),
                               n_detections=stack("n_det").astype(np.int64))
    return Observations(measurements=meas, summary=summary)
