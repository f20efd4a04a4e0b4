"""Releasability: which data each nation may use, and when. The only place that decides it.

Every flow between nations goes through here, under the agreements of an architecture
(:class:`~bmdsim.network.agreements.Architecture`):

- **Tracks.** A nation fuses its own sensors' tracks (no latency) and the tracks of every sensor whose
  owner releases tracks to it, directly or relayed, each arriving after the shortest latency of the chain
  of agreements (:func:`share`, fusion in :mod:`bmdsim.tracking.fusion`).
- **Early warning.** An infrared early-warning system's cue reaches a radar only if the radar's nation is
  the system's owner or receives its warnings under an agreement carrying ``early_warning``, after that
  chain's latency (:func:`warning_arrival_s`). Under ``national`` a US satellite cues US radars only.
- **Discrimination.** A shooter's fire control may rely on the discrimination of a sensor only if its
  nation receives that sensor's discrimination data (:func:`discrimination_sources`).
- **Kill assessment** is made by each shooter's own fire-control radar and never crosses a border.

Releasability holds to the bit: nothing a nation may not receive enters its picture (tested
property-based in tests/network/test_releasability.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.network.agreements import Architecture
from bmdsim.tracking.fusion import SensorTracks, fuse

F64 = NDArray[np.float64]


def access_matrix_s(arch: Architecture, receivers: Sequence[str], owners: Sequence[str], flow: str) -> F64:
    """Latency [s] of data of kind ``flow`` from each owner's equipment to each receiver, shape (k, s).

    0 for a nation's own equipment, ``inf`` where nothing is released.
    """
    lat = arch.latency_matrix_s(flow)
    idx = {n: i for i, n in enumerate(arch.nations)}
    out = np.full((len(receivers), len(owners)), np.inf)
    for a, r in enumerate(receivers):
        for b, o in enumerate(owners):
            if r in idx and o in idx:
                out[a, b] = lat[idx[o], idx[r]]
    return out


def warning_arrival_s(arch: Architecture, system_nations: Sequence[str], t_cue_s: ArrayLike,
                      radar_nations: Sequence[str]) -> F64:
    """When each early-warning cue reaches each radar [s], shape (s_radars, n); NaN: never.

    Parameters
    ----------
    arch : Architecture
    system_nations : sequence of str, length w
        Owner of each early-warning system.
    t_cue_s : array_like, shape (w, n)
        Time each system's cue is ready at its owner [s] (NaN: the launch was not seen).
    radar_nations : sequence of str, length s_radars
    """
    t = np.asarray(t_cue_s, dtype=float)
    t = t[None, :] if t.ndim == 1 else t
    if t.shape[0] != len(system_nations):
        raise ValueError(f"warning_arrival_s: t_cue_s has {t.shape[0]} rows for {len(system_nations)} systems")
    lat = access_matrix_s(arch, radar_nations, system_nations, "early_warning")  # (s, w)
    with np.errstate(invalid="ignore"):
        arrive = t[None, :, :] + lat[:, :, None]  # (s, w, n); inf or NaN where not released or not seen
    arrive = np.where(np.isfinite(arrive), arrive, np.inf).min(axis=1, initial=np.inf)
    return np.where(np.isfinite(arrive), arrive, np.nan)


@dataclass(frozen=True, slots=True, kw_only=True)
class NationPictures:
    """What each nation's fire control knows under one architecture.

    Attributes
    ----------
    nations : tuple of str, length k
    track_latency_s : ndarray, shape (k, s)
        Latency of each sensor's tracks at each nation [s] (inf: not released).
    t_fire_control_s : ndarray, shape (k, n)
        First time each nation holds a fire-control-quality fused track of each threat [s] (NaN: never).
    discrimination_allowed : ndarray of bool, shape (k, s)
        Whether each nation may rely on each sensor's discrimination.
    """

    nations: tuple[str, ...]
    track_latency_s: F64
    t_fire_control_s: F64
    discrimination_allowed: NDArray[np.bool_]

    def row(self, nation: str) -> int:
        return self.nations.index(nation)


@dataclass(frozen=True, slots=True, kw_only=True)
class FireControlQuality:
    """Thresholds of a fire-control-quality track and the prediction noise of delayed tracks."""

    position_sigma_m: float
    velocity_sigma_mps: float
    q_m2_s3: float = 1.0
    hold_s: float = 10.0


def share(arch: Architecture, tracks: SensorTracks, sensor_nations: Sequence[str], quality: FireControlQuality,
          t_end_s: ArrayLike, cache: dict | None = None) -> NationPictures:
    """Each nation's fused picture under ``arch`` (module notes).

    Parameters
    ----------
    arch : Architecture
    tracks : SensorTracks
        Every sensor's own tracks (rows in the order of ``sensor_nations``).
    sensor_nations : sequence of str, length s
    quality : FireControlQuality
    t_end_s : array_like, shape (n,)
        End of each threat's flight [s].
    cache : dict, optional
        Reused across architectures on the same ``tracks`` (delayed track information).
    """
    nations = arch.nations
    lat = access_matrix_s(arch, nations, sensor_nations, "tracks")
    t_fc = np.full((len(nations), tracks.n), np.nan)
    for k in range(len(nations)):
        if np.isfinite(lat[k]).any():
            fused = fuse(tracks, lat[k], quality.q_m2_s3, cache)
            t_fc[k] = fused.fire_control_time_s(quality.position_sigma_m, quality.velocity_sigma_mps, t_end_s,
                                                quality.hold_s)
    disc = np.isfinite(access_matrix_s(arch, nations, sensor_nations, "discrimination"))
    return NationPictures(nations=tuple(nations), track_latency_s=lat, t_fire_control_s=t_fc,
                          discrimination_allowed=disc)


def discrimination_sources(pictures: NationPictures, shooter_nations: Sequence[str], p_sensor: ArrayLike,
                           seen: NDArray[np.bool_], p_override: ArrayLike) -> tuple[NDArray[np.int64], F64]:
    """The discrimination each shooter's fire control relies on against each threat.

    A shooter relies on one source: its own override (``p_override`` not NaN: the shooter's own
    phenomenology, source ``s_sensors + shooter``), or else the sensor with the highest
    ``p_discriminate`` among those that saw the threat and whose discrimination its nation may use
    (ties: the lower index). Layers relying on the same source share its outcome in the battle.

    Parameters
    ----------
    pictures : NationPictures
    shooter_nations : sequence of str, length s_shooters
    p_sensor : array_like, shape (s,)
        Discrimination probability of each sensor.
    seen : ndarray of bool, shape (s, n)
        Sensors that detected each threat.
    p_override : array_like, shape (s_shooters,)
        NaN: no override.

    Returns
    -------
    source : ndarray of int, shape (s_shooters, n)
        Source index (-1: none, the shooter cannot discriminate).
    p : ndarray, shape (s_shooters, n)
        Its discrimination probability (0 with no source).
    """
    p_sensor = np.asarray(p_sensor, dtype=float)
    p_override = np.asarray(p_override, dtype=float)
    s, n = seen.shape
    m = len(shooter_nations)
    source = np.full((m, n), -1, dtype=np.int64)
    p = np.zeros((m, n))
    for i, nation in enumerate(shooter_nations):
        if np.isfinite(p_override[i]):
            source[i] = s + i
            p[i] = p_override[i]
            continue
        usable = pictures.discrimination_allowed[pictures.row(nation)][:, None] & seen  # (s, n)
        if s == 0:
            continue
        score = np.where(usable, p_sensor[:, None], -1.0)
        best = np.argmax(score, axis=0)
        ok = usable[best, np.arange(n)]
        source[i] = np.where(ok, best, -1)
        p[i] = np.where(ok, p_sensor[best], 0.0)
    return source, p
