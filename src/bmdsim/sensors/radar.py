"""Radar model from public figures: range equation scaled from a reference range, modes, errors.

What it models
--------------
Public sources give a radar's *detection range*, never its power, losses or waveforms. bmdsim therefore
anchors the radar range equation ([Skolnik01] eq. 2.61) at a reference point: a target of RCS
``sigma_ref`` at range ``R_ref`` gives the single-look signal-to-noise ratio ``SNR_ref``. Everything else in
the equation is fixed by the radar, so for any other range and RCS

    SNR(R, sigma) [dB] = SNR_ref + 10 log10(sigma / sigma_ref) + 40 log10(R_ref / R) + G_mode,

exact in the range equation (no approximation beyond the equation's own: free space, no atmospheric
attenuation, no clutter or jamming, peak of the beam). ``SNR_ref`` is also the detection threshold that
defines the range a source calls "detection range": bmdsim takes 13.2 dB, the single-look SNR at which a
*steady* target is detected with Pd = 0.9 at Pfa = 1e-6 ([Skolnik01] Fig. 2.6). A fluctuating Swerling 1
target at that SNR has a single-look Pd of 0.53 and a cumulative Pd above 0.9 after three looks, which is
how "detection range" is usually meant; docs/methods/sensors.md discusses the choice.

Modes (``G_mode``)
------------------
* **search**: ``G = 0``; the whole search volume ``Omega_full`` is scanned once per ``search_revisit_s``.
* **cued search**: the search radar equation ([Skolnik01] eq. 2.62, [Barton05] sec. 1.5) gives
  ``SNR ∝ P_av A_e t_frame sigma / (Omega R^4)``: with the frame time held, scanning a smaller solid angle
  ``Omega_cued`` puts ``Omega_full / Omega_cued`` times more energy on the target, so
  ``G = 10 log10(Omega_full / Omega_cued)`` and the range grows by that ratio to the power 1/4.
* **track**: a dedicated dwell on the target, ``G = track_gain_db`` (the ratio of track-dwell to search-dwell
  energy), revisited every ``track_revisit_s``.

Measurement errors
------------------
Thermal-noise errors ([Barton05] sec. 7.1; [BartonLeonov97] "accuracy of radar measurement, fundamental";
[Skolnik01] sec. 6.3) with a floor for the bias-like residuals:

    sigma_R  = sqrt(sigma_R0**2  + (dR    / (k_R sqrt(2 SNR)))**2)
    sigma_el = sqrt(sigma_th0**2 + (th_3dB / (k_m sqrt(2 SNR)))**2)
    sigma_az = sigma_el / cos(el)

with ``dR = c / (2 B)`` the range resolution, ``th_3dB`` the one-way half-power beamwidth, ``k_m = 1.6``
the monopulse slope and ``k_R = 1``. The azimuth error grows as ``1/cos(el)`` because a fixed angular error
spans a wider azimuth interval toward the zenith (capped at el = 84°).

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (McGraw-Hill, 2001), eqs. 2.61-2.62
   (radar and search radar equations), sec. 6.3 (theoretical accuracy of range and angle).
.. [Barton05] D. K. Barton, *Radar System Analysis and Modeling* (Artech House, 2005), sec. 1.5 (search
   radar equation) and sec. 7.1 (thermal-noise measurement error).
.. [BartonLeonov97] D. K. Barton and S. A. Leonov (eds.), *Radar Technology Encyclopedia* (Artech House,
   1997), "accuracy of radar measurement, fundamental": ``sigma = theta_3 / (k sqrt(2 E/N0))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.frames import enu_from_ecef_matrix, geodetic_to_ecef, wrap_to_pi
from bmdsim.earth.model import WGS84, Ellipsoid
from bmdsim.scenario.catalog import CatalogError
from bmdsim.scenario.radar_catalog import RadarCatalog, load_radar_catalog, radar_kwargs

F64 = NDArray[np.float64]
Mode = Literal["search", "cued", "track"]

SPEED_OF_LIGHT_M_S = 299_792_458.0
"""Speed of light in vacuum [m/s] (exact, SI definition)."""

MONOPULSE_SLOPE_KM = 1.6
"""Normalized monopulse difference slope ``k_m`` [-], typical of an amplitude-comparison monopulse feed
([BartonLeonov97]; [Barton05] sec. 7.1)."""

REFERENCE_SNR_DB = 13.2
"""Default reference/threshold SNR [dB]: Pd = 0.9, Pfa = 1e-6, steady target, one look ([Skolnik01]
Fig. 2.6)."""

_MAX_EL_FOR_AZ_ERROR_RAD = math.radians(84.0)


def _require(ok: bool, owner: str, name: str, bound: str, value: object, unit: str = "") -> None:
    if not ok:
        unit_part = f" {unit}" if unit else ""
        raise ValueError(f"{owner}.{name} must be {bound}{unit_part}, got {value!r}")


def _finite(x: object) -> bool:
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class RadarConfig:
    """A radar type, parameterized by public figures (SI units).

    Parameters
    ----------
    name : str
        Catalog key or a descriptive name.
    search_reference_range_m : float
        Range at which a target of ``reference_rcs_m2`` gives ``reference_snr_db`` in (uncued) search [m].
    reference_rcs_m2 : float
        RCS of the reference target [m^2].
    max_range_m : float
        Maximum instrumented range [m]: nothing farther is reported.
    search_revisit_s, track_revisit_s : float
        Search frame time and track revisit interval [s].
    track_gain_db : float
        SNR of a track dwell over a search dwell [dB], >= 0.
    search_solid_angle_sr, cued_solid_angle_sr : float
        Solid angle scanned in search and in cued search [sr]; ``cued <= search``.
    min_elevation_rad, max_elevation_rad : float
        Elevation limits [rad], ``-pi/2 <= min < max <= pi/2``.
    sector_half_width_rad : float
        Half-width of the azimuth sector about the site's boresight [rad], in (0, pi]; pi is 360 deg.
    reference_snr_db : float
        Reference and detection-threshold SNR [dB].
    pfa : float
        Probability of false alarm per look, in (0, 1).
    swerling : {0, 1, 3}
        Target fluctuation model for Pd.
    range_resolution_m : float
        ``c / (2 B)`` of the measuring waveform [m].
    beamwidth_rad : float
        One-way half-power beamwidth [rad].
    range_sigma_floor_m, angle_sigma_floor_rad : float
        Error floors at high SNR (bias residuals, calibration) [m, rad].
    band : str
        Radar band label (information only).
    frequency_hz : float or None
        Carrier frequency [Hz]; sets the wavelength of the aspect RCS model (:mod:`.scattering`). None
        where the catalog gives none (the nominal RCS model does not need it).
    """

    name: str
    search_reference_range_m: float
    reference_rcs_m2: float = 1.0
    max_range_m: float
    search_revisit_s: float
    track_revisit_s: float
    track_gain_db: float = 0.0
    search_solid_angle_sr: float
    cued_solid_angle_sr: float
    min_elevation_rad: float = 0.0
    max_elevation_rad: float = math.pi / 2
    sector_half_width_rad: float = math.pi
    reference_snr_db: float = REFERENCE_SNR_DB
    pfa: float = 1e-6
    swerling: Literal[0, 1, 3] = 1
    range_resolution_m: float
    beamwidth_rad: float
    range_sigma_floor_m: float = 0.0
    angle_sigma_floor_rad: float = 0.0
    band: str = ""
    frequency_hz: float | None = None

    def __post_init__(self) -> None:
        o = "RadarConfig"
        for name, unit in (("search_reference_range_m", "m"), ("reference_rcs_m2", "m^2"),
                           ("max_range_m", "m"), ("search_revisit_s", "s"), ("track_revisit_s", "s"),
                           ("search_solid_angle_sr", "sr"), ("cued_solid_angle_sr", "sr"),
                           ("range_resolution_m", "m"), ("beamwidth_rad", "rad")):
            v = getattr(self, name)
            _require(_finite(v) and v > 0, o, name, "> 0", v, unit)
        for name, unit in (("track_gain_db", "dB"), ("range_sigma_floor_m", "m"),
                           ("angle_sigma_floor_rad", "rad")):
            v = getattr(self, name)
            _require(_finite(v) and v >= 0, o, name, ">= 0", v, unit)
        _require(self.cued_solid_angle_sr <= self.search_solid_angle_sr, o, "cued_solid_angle_sr",
                 f"<= search_solid_angle_sr ({self.search_solid_angle_sr})", self.cued_solid_angle_sr, "sr")
        _require(_finite(self.min_elevation_rad) and -math.pi / 2 <= self.min_elevation_rad, o,
                 "min_elevation_rad", ">= -pi/2", self.min_elevation_rad, "rad")
        _require(_finite(self.max_elevation_rad) and self.max_elevation_rad <= math.pi / 2, o,
                 "max_elevation_rad", "<= pi/2", self.max_elevation_rad, "rad")
        _require(self.min_elevation_rad < self.max_elevation_rad, o, "min_elevation_rad",
                 f"< max_elevation_rad ({self.max_elevation_rad})", self.min_elevation_rad, "rad")
        _require(_finite(self.sector_half_width_rad) and 0 < self.sector_half_width_rad <= math.pi, o,
                 "sector_half_width_rad", "in (0, pi] (a sector of at most 360 deg)",
                 self.sector_half_width_rad, "rad")
        _require(_finite(self.reference_snr_db), o, "reference_snr_db", "finite", self.reference_snr_db, "dB")
        _require(_finite(self.pfa) and 0 < self.pfa < 1, o, "pfa", "in (0, 1)", self.pfa)
        _require(self.swerling in (0, 1, 3), o, "swerling", "0, 1 or 3", self.swerling)
        if self.frequency_hz is not None:
            _require(_finite(self.frequency_hz) and self.frequency_hz > 0, o, "frequency_hz", "> 0",
                     self.frequency_hz, "Hz")

    @property
    def wavelength_m(self) -> float:
        """Carrier wavelength ``c / f`` [m]; a ValueError naming the radar if it has no frequency."""
        if self.frequency_hz is None:
            raise ValueError(f"RadarConfig[{self.name}] has no frequency_hz: give the radar catalog entry a "
                             "frequency_ghz (the aspect RCS model needs the wavelength)")
        return SPEED_OF_LIGHT_M_S / self.frequency_hz

    @property
    def cued_gain_db(self) -> float:
        """SNR gain of cued search over full search [dB]: ``10 log10(Omega_full / Omega_cued)``."""
        return 10.0 * math.log10(self.search_solid_angle_sr / self.cued_solid_angle_sr)

    @property
    def is_rotator_or_full_circle(self) -> bool:
        """True when the sector covers all azimuths (360 deg)."""
        return self.sector_half_width_rad >= math.pi

    def mode_gain_db(self, mode: Mode) -> float:
        """SNR gain of a mode over search [dB]."""
        if mode == "search":
            return 0.0
        if mode == "cued":
            return self.cued_gain_db
        if mode == "track":
            return self.track_gain_db
        raise ValueError(f"mode must be 'search', 'cued' or 'track', got {mode!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RadarSite:
    """A radar placed on the Earth: a type, a position, a boresight and an owner.

    Parameters
    ----------
    name : str
        Unique instance name (it also seeds this sensor's random streams, see :mod:`.observe`).
    radar : RadarConfig
    lat_rad, lon_rad : float
        Geodetic latitude and longitude [rad].
    alt_m : float
        Antenna height above the ellipsoid [m].
    boresight_az_rad : float
        Centre of the azimuth sector, clockwise from north [rad] (ignored by 360-deg radars).
    nation : str
        Owning nation (releasability later).
    look_offset_s : float
        Scenario time of one search frame [s]; frames fall at ``look_offset_s + k * search_revisit_s``.
    ellipsoid : Ellipsoid
        Figure of the Earth for the position (WGS 84 or the sphere option).
    """

    name: str
    radar: RadarConfig
    lat_rad: float
    lon_rad: float
    alt_m: float = 0.0
    boresight_az_rad: float = 0.0
    nation: str = ""
    look_offset_s: float = 0.0
    ellipsoid: Ellipsoid = field(default=WGS84)

    def __post_init__(self) -> None:
        o = f"RadarSite[{self.name}]"
        _require(_finite(self.lat_rad) and abs(self.lat_rad) <= math.pi / 2, o, "lat_rad", "in [-pi/2, pi/2]",
                 self.lat_rad, "rad")
        _require(_finite(self.lon_rad), o, "lon_rad", "finite", self.lon_rad, "rad")
        _require(_finite(self.alt_m) and self.alt_m > -500.0, o, "alt_m", "> -500", self.alt_m, "m")
        _require(_finite(self.boresight_az_rad), o, "boresight_az_rad", "finite", self.boresight_az_rad,
                 "rad")
        _require(_finite(self.look_offset_s), o, "look_offset_s", "finite", self.look_offset_s, "s")

    @property
    def r_ecef_m(self) -> F64:
        """Antenna position in ECEF [m], shape (3,)."""
        return geodetic_to_ecef(self.lat_rad, self.lon_rad, self.alt_m, self.ellipsoid)

    @property
    def R_enu_from_ecef(self) -> F64:
        """Rotation from ECEF to the site's ENU frame, shape (3, 3)."""
        return enu_from_ecef_matrix(self.lat_rad, self.lon_rad)


def snr_db(radar: RadarConfig, range_m: ArrayLike, rcs_m2: ArrayLike, mode: Mode = "search") -> F64:
    """Mean single-look SNR [dB] from the range equation scaled at the reference point.

    Parameters
    ----------
    radar : RadarConfig
    range_m : array_like
        Slant range [m], > 0.
    rcs_m2 : array_like
        Target RCS [m^2]; broadcast with ``range_m``.
    mode : {"search", "cued", "track"}

    Returns
    -------
    snr_db : ndarray
        ``SNR_ref + 10 log10(rcs / rcs_ref) + 40 log10(R_ref / R) + G_mode``.
    """
    r = np.asarray(range_m, dtype=float)
    s = np.asarray(rcs_m2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (radar.reference_snr_db + 10.0 * np.log10(s / radar.reference_rcs_m2)
                + 40.0 * np.log10(radar.search_reference_range_m / r) + radar.mode_gain_db(mode))


def detection_range_m(radar: RadarConfig, rcs_m2: ArrayLike, mode: Mode = "search") -> F64:
    """Range at which the SNR equals the threshold ``reference_snr_db`` [m] (not capped by max range).

    ``R = R_ref (rcs / rcs_ref) ** (1/4) * 10 ** (G_mode / 40)``: a 16x smaller RCS halves it.
    """
    s = np.asarray(rcs_m2, dtype=float)
    return radar.search_reference_range_m * (s / radar.reference_rcs_m2) ** 0.25 * 10.0 ** (
        radar.mode_gain_db(mode) / 40.0)


def measurement_sigma(radar: RadarConfig, snr_db_: ArrayLike, el_rad: ArrayLike) -> F64:
    """One-sigma measurement errors in range [m], azimuth [rad] and elevation [rad].

    Parameters
    ----------
    radar : RadarConfig
    snr_db_ : array_like
        Mean single-look SNR [dB].
    el_rad : array_like
        Elevation of the target [rad] (the azimuth error grows as ``1 / cos(el)``).

    Returns
    -------
    sigma : ndarray, shape (..., 3)
        ``(sigma_range_m, sigma_az_rad, sigma_el_rad)``; see the module docstring for the formulas.
    """
    snr = np.power(10.0, np.asarray(snr_db_, dtype=float) / 10.0)
    root = np.sqrt(2.0 * snr)
    sigma_r = np.hypot(radar.range_sigma_floor_m, radar.range_resolution_m / root)
    sigma_el = np.hypot(radar.angle_sigma_floor_rad, radar.beamwidth_rad / (MONOPULSE_SLOPE_KM * root))
    el = np.minimum(np.abs(np.asarray(el_rad, dtype=float)), _MAX_EL_FOR_AZ_ERROR_RAD)
    sigma_az = sigma_el / np.cos(el)
    return np.stack(np.broadcast_arrays(sigma_r, sigma_az, sigma_el), axis=-1)


def in_sector(site: RadarSite, az_rad: ArrayLike) -> NDArray[np.bool_]:
    """True where an azimuth [rad] lies inside the site's sector ``|wrap(az - boresight)| <= half-width``."""
    az = np.asarray(az_rad, dtype=float)
    if site.radar.is_rotator_or_full_circle:
        return np.ones(az.shape, dtype=bool)
    off = wrap_to_pi(az - site.boresight_az_rad)
    return np.abs(off) <= site.radar.sector_half_width_rad + 1e-12


def radar_from_catalog(key: str, catalog: RadarCatalog | None = None) -> RadarConfig:
    """The :class:`RadarConfig` of a catalog radar (nominal figures).

    A KeyError names the known keys; a figure the physics rejects raises a CatalogError naming the file
    and the entry.
    """
    catalog = catalog or load_radar_catalog()
    kwargs = radar_kwargs(key, catalog)
    try:
        return RadarConfig(**kwargs)  # type: ignore[arg-type]
    except ValueError as exc:
        raise CatalogError(f"{catalog.path}: radars.{key}: {exc}") from exc
