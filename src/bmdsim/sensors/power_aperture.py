"""Radar range from first principles: the search and track radar equations in power-aperture form.

What it models
--------------
Where public parameters exist (average power, aperture area, frequency, system noise temperature, losses),
detection range follows from the radar equation instead of a quoted figure, so that derived configurations
(two stacked arrays, a narrower search sector, a longer track dwell, another band) and published disputes
about a radar's range can be traced to stated assumptions.

**Search** ([Skolnik01] eq. 2.62, [Barton05] sec. 1.5): a radar that spreads its average power ``P_av`` over
a solid angle ``Omega`` once per frame time ``t_f`` puts on each target the energy that gives

    SNR = P_av A_e t_f sigma / (4 pi Omega k T_s L R^4)

independent of wavelength, with ``A_e`` the effective aperture (physical area times aperture efficiency),
``k`` Boltzmann's constant, ``T_s`` the system noise temperature and ``L`` the total losses (>= 1).

**Track** ([Skolnik01] eq. 2.61 with coherent integration over the dwell): a beam held on the target for a
coherent dwell ``t_d`` (the transmitted duty ``P_av t_d`` is the energy) gives

    SNR = P_av G A_e sigma t_d / ((4 pi)^2 k T_s L R^4),   G = 4 pi A_e / lambda^2,

so ``SNR ∝ P_av A_e^2 t_d / lambda^2``: in track, aperture counts twice and the band matters.

Consequences used by bmdsim (all exact in the equations above):

* N identical arrays stacked into one aperture, each with its own transmitters: ``P_av`` and ``A_e`` scale by
  N, so search SNR grows by N^2 (range by N^(1/2)) and track SNR by N^3 (range by N^(3/4)).
* Search range scales as ``(t_f / Omega)^(1/4)``: halving the searched solid angle at a fixed frame time
  gives 19% more range (the cued-search gain of :mod:`bmdsim.sensors.radar`).
* Track range scales as ``(t_d / lambda^2)^(1/4)``.

A scenario applies these to a catalog radar with ``sensors[].power_aperture`` (:func:`derived_radar`): the
catalog's quoted range stays the anchor and the equations give the change.

Assumptions and validity: free space, peak of the beam (no scan loss beyond ``L``), no atmospheric
attenuation, clutter or jamming; ``L`` lumps transmit, receive, processing and scan losses. The SNR is
single-look; the detection threshold is the caller's (bmdsim's convention: 13.2 dB).

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (McGraw-Hill, 2001), eqs. 2.61-2.62.
.. [Barton05] D. K. Barton, *Radar System Analysis and Modeling* (Artech House, 2005), sec. 1.5.
.. [LewisPostol12] G. Lewis and T. Postol, "Radar Range Calculations for the AN/TPY-2 X-Band and NAS
   Proposed GBX Radars", mostlymissiledefense.com, 21 Sep 2012: aperture efficiency 0.8, 20 ms of coherent
   transmission in a 100 ms dwell, and the NAS report's Fig. 5-8 ranges (about 1,500 km for TPY-2, about
   3,000 km for stacked TPY-2 "GBX").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.sensors.radar import RadarConfig

F64 = NDArray[np.float64]

BOLTZMANN_J_K = 1.380649e-23
"""Boltzmann constant [J/K] (exact, SI 2019)."""
SPEED_OF_LIGHT_M_S = 299_792_458.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerAperture:
    """Power-aperture description of a radar (SI).

    Parameters
    ----------
    average_power_w : float
        Average transmitted power [W].
    aperture_area_m2 : float
        Physical aperture area [m^2].
    aperture_efficiency : float
        Effective over physical area, in (0, 1].
    frequency_hz : float
        Carrier frequency [Hz].
    system_noise_temperature_k : float
        System noise temperature [K].
    loss_db : float
        Total losses [dB], >= 0.
    """

    average_power_w: float
    aperture_area_m2: float
    aperture_efficiency: float = 0.8
    frequency_hz: float
    system_noise_temperature_k: float
    loss_db: float

    def __post_init__(self) -> None:
        for name, unit in (("average_power_w", "W"), ("aperture_area_m2", "m^2"), ("frequency_hz", "Hz"),
                           ("system_noise_temperature_k", "K")):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"PowerAperture.{name} must be > 0 {unit}, got {v!r}")
        if not 0 < self.aperture_efficiency <= 1:
            raise ValueError(f"PowerAperture.aperture_efficiency must be in (0, 1], got {self.aperture_efficiency!r}")
        if not (math.isfinite(self.loss_db) and self.loss_db >= 0):
            raise ValueError(f"PowerAperture.loss_db must be >= 0 dB, got {self.loss_db!r}")

    @property
    def effective_aperture_m2(self) -> float:
        return self.aperture_area_m2 * self.aperture_efficiency

    @property
    def wavelength_m(self) -> float:
        return SPEED_OF_LIGHT_M_S / self.frequency_hz

    @property
    def gain(self) -> float:
        """Antenna gain ``4 pi A_e / lambda^2`` (linear)."""
        return 4.0 * math.pi * self.effective_aperture_m2 / self.wavelength_m**2

    def stacked(self, n: float) -> PowerAperture:
        """``n`` identical arrays combined into one aperture, each with its own transmitters."""
        return PowerAperture(average_power_w=n * self.average_power_w, aperture_area_m2=n * self.aperture_area_m2,
                             aperture_efficiency=self.aperture_efficiency, frequency_hz=self.frequency_hz,
                             system_noise_temperature_k=self.system_noise_temperature_k, loss_db=self.loss_db)

    def _noise_loss(self) -> float:
        return BOLTZMANN_J_K * self.system_noise_temperature_k * 10.0 ** (self.loss_db / 10.0)


def search_snr_db(radar: PowerAperture, range_m: ArrayLike, rcs_m2: ArrayLike, *, frame_time_s: float,
                  solid_angle_sr: float) -> F64:
    """Single-look SNR [dB] in search (module notes), broadcast over range [m] and RCS [m^2]."""
    r, s = np.asarray(range_m, dtype=float), np.asarray(rcs_m2, dtype=float)
    snr = (radar.average_power_w * radar.effective_aperture_m2 * frame_time_s * s
           / (4.0 * math.pi * solid_angle_sr * radar._noise_loss() * r**4))
    return 10.0 * np.log10(snr)


def track_snr_db(radar: PowerAperture, range_m: ArrayLike, rcs_m2: ArrayLike, *, dwell_s: float) -> F64:
    """Single-look SNR [dB] of a coherent track dwell (module notes), broadcast over range and RCS."""
    r, s = np.asarray(range_m, dtype=float), np.asarray(rcs_m2, dtype=float)
    snr = (radar.average_power_w * radar.gain * radar.effective_aperture_m2 * s * dwell_s
           / ((4.0 * math.pi) ** 2 * radar._noise_loss() * r**4))
    return 10.0 * np.log10(snr)


def search_range_m(radar: PowerAperture, rcs_m2: ArrayLike, *, frame_time_s: float, solid_angle_sr: float,
                   snr_db: float = 13.2) -> F64:
    """Range [m] at which the search SNR equals ``snr_db`` (default bmdsim's 13.2 dB threshold)."""
    at_1m = search_snr_db(radar, 1.0, rcs_m2, frame_time_s=frame_time_s, solid_angle_sr=solid_angle_sr)
    return 10.0 ** ((at_1m - snr_db) / 40.0)


def track_range_m(radar: PowerAperture, rcs_m2: ArrayLike, *, dwell_s: float, snr_db: float = 13.2) -> F64:
    """Range [m] at which the track SNR equals ``snr_db``."""
    at_1m = track_snr_db(radar, 1.0, rcs_m2, dwell_s=dwell_s)
    return 10.0 ** ((at_1m - snr_db) / 40.0)


def average_power_for_search_range_w(radar: PowerAperture, range_m: float, rcs_m2: float, *, frame_time_s: float,
                                     solid_angle_sr: float, snr_db: float = 13.2) -> float:
    """The average power [W] that gives ``snr_db`` at ``range_m`` in search (the other parameters held)."""
    got = float(search_snr_db(radar, range_m, rcs_m2, frame_time_s=frame_time_s, solid_angle_sr=solid_angle_sr))
    return radar.average_power_w * 10.0 ** ((snr_db - got) / 10.0)


def from_catalog(key: str) -> tuple[PowerAperture, dict[str, float]]:
    """A catalog radar's power-aperture model and its modes (``frame_time_s``, ``solid_angle_sr``,
    ``track_dwell_s``), from :func:`bmdsim.scenario.radar_catalog.power_aperture_kwargs`."""
    from bmdsim.scenario.radar_catalog import power_aperture_kwargs

    kw = power_aperture_kwargs(key)
    modes = {k: kw.pop(k) for k in ("frame_time_s", "solid_angle_sr", "track_dwell_s")}
    return PowerAperture(**kw), modes


def derived_radar(radar: RadarConfig, *, arrays: int = 1, power_scale: float = 1.0,
                  sector_deg: float | None = None, frequency_hz: float | None = None,
                  base_frequency_hz: float | None = None) -> RadarConfig:
    """A catalog radar changed as the power-aperture equations say (module notes), anchored at its quoted range.

    The catalog radar's reference range stays the sourced anchor; only the *ratios* come from the equations,
    so the derived radar needs no absolute power or loss figure:

    * ``arrays`` identical arrays stacked into one aperture, each with its own transmitters: search SNR x N^2,
      track SNR x N^3, beamwidth / sqrt(N) (the aperture grows N-fold; the square root splits it evenly
      between the two axes);
    * ``power_scale`` times the average power: search and track SNR x that factor;
    * ``sector_deg``, a new full azimuth width of the search sector (same elevation extent): the searched solid
      angle scales with the width at a fixed frame time, so search SNR x old/new width; track is unchanged;
    * ``frequency_hz`` in place of ``base_frequency_hz``: track SNR x (f / f0)^2 (gain ``4 pi A_e / lambda^2``),
      search unchanged (the search equation holds no wavelength), beamwidth x f0 / f. The derived radar
      carries the new ``frequency_hz``, so the scenario's RCS model (the aspect model is band-dependent)
      sees the target at the new band; the RCS itself is that model's business, not this function's.

    The search gain moves ``search_reference_range_m`` (by the fourth root); the track gain moves
    ``track_gain_db`` by the difference of the two. The instrumented ``max_range_m`` is kept: it is a
    processing limit, not a power one.
    """
    import dataclasses

    if not (isinstance(arrays, int) and arrays >= 1):
        raise ValueError(f"derived_radar: arrays must be a whole number >= 1, got {arrays!r}")
    if not (math.isfinite(power_scale) and power_scale > 0):
        raise ValueError(f"derived_radar: power_scale must be > 0, got {power_scale!r}")
    search = float(arrays) ** 2 * power_scale
    track = float(arrays) ** 3 * power_scale
    beamwidth = radar.beamwidth_rad / math.sqrt(arrays)
    solid_angle = radar.search_solid_angle_sr
    half_width = radar.sector_half_width_rad
    if sector_deg is not None:
        if not (math.isfinite(sector_deg) and 0 < sector_deg <= 360):
            raise ValueError(f"derived_radar: sector_deg must be in (0, 360], got {sector_deg!r}")
        ratio = math.radians(sector_deg) / (2.0 * radar.sector_half_width_rad)
        solid_angle *= ratio
        search /= ratio
        half_width = math.radians(sector_deg) / 2.0
    if frequency_hz is not None:
        if base_frequency_hz is None:
            raise ValueError(f"derived_radar: radar {radar.name!r} has no catalog frequency to scale from")
        if not (math.isfinite(frequency_hz) and frequency_hz > 0):
            raise ValueError(f"derived_radar: frequency must be > 0 Hz, got {frequency_hz!r}")
        track *= (frequency_hz / base_frequency_hz) ** 2
        beamwidth *= base_frequency_hz / frequency_hz
    track_gain_db = radar.track_gain_db + 10.0 * math.log10(track / search)
    if track_gain_db < 0:
        raise ValueError(f"derived_radar: a track dwell of {radar.name!r} would get {track_gain_db:.1f} dB against a "
                         "search look, and the radar model needs at least 0 dB (a much narrower sector or a much "
                         "lower frequency than the catalog's)")
    return dataclasses.replace(
        radar, search_reference_range_m=radar.search_reference_range_m * search ** 0.25,
        search_solid_angle_sr=solid_angle, cued_solid_angle_sr=min(radar.cued_solid_angle_sr, solid_angle),
        sector_half_width_rad=half_width, track_gain_db=track_gain_db, beamwidth_rad=beamwidth,
        frequency_hz=radar.frequency_hz if frequency_hz is None else frequency_hz)
