"""Interceptor kinematics: time of flight to any point in reach, and the engagement envelope.

Model (a kinematic flyout in the tradition of public BMD analyses, e.g. the APS boost-phase study's
interceptor model): the interceptor flies the straight line from its launcher to the intercept point.
Along that line its speed obeys

    dv/dt = a_boost [t < t_burn] - g(h) sin(gamma) - rho(h) v^2 / (2 beta)

with ``a_boost = v_burnout / t_burn`` (the catalog's burnout speed taken as the ideal speed gain of the
boost), ``gamma`` the local flight-path angle of the line at distance s (it rises as the Earth curves
away beneath it), ``g = GM/r^2``, US Standard Atmosphere 1976 density and a constant ballistic
coefficient ``beta``. Flight times are tabulated once per interceptor, over elevation angles of the line
every 1 deg and distance, by RK4 at 0.05 s (0.25 s after the first 30 s of coast); a time of flight is
then read by interpolation.

Limits: a straight line ignores the curved, lofted path a long-range exo-atmospheric interceptor flies
and the divert of its kill vehicle. Such interceptors (``flyout="arc"``) are therefore flown on the
boost-plus-coast model of :mod:`bmdsim.engagement.lofted_flyout`; this module serves the endo-atmospheric
ones, which steer with aerodynamic lift along their whole flight.

References
----------
.. [APS03] APS Study Group, *Boost-Phase Intercept Systems for National Missile Defense* (2003), ch. 5
   (interceptor kinematics: burnout speed, burn time, flyout).
.. [Zarchan] P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed. (2012), ch. 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.atmosphere import density_fast_kg_m3
from bmdsim.earth.constants import GM_EARTH_M3_S2, WGS84_A_M

F64 = NDArray[np.float64]
KillVehicle = Literal["exo", "endo", "exo-endo"]
FlyoutModel = Literal["line", "arc"]

_DT_S = 0.05
_ELEV_GRID_RAD = np.radians(np.arange(0.0, 90.0 + 1e-9, 1.0))
_R_LOCAL_M = WGS84_A_M  # the curvature of the line's height profile; 0.3% from the local radius anywhere


@dataclass(frozen=True, kw_only=True)
class InterceptorConfig:
    """An interceptor type in SI units (the catalog loader converts published km, km/s, deg).

    Parameters
    ----------
    name : str
    burnout_speed_mps, burn_time_s : float
        Speed gain of the boost (ideal) [m/s] and its duration [s].
    ballistic_coefficient_kg_m2 : float
        ``m / (Cd A)`` [kg/m^2], default 20,000: a slender interceptor (a THAAD round, about 900 kg, 0.37 m
        across, Cd about 0.3, has about 28,000).
    min_alt_m, max_alt_m : float
        Intercept altitude limits [m].
    min_range_m, max_range_m : float
        Ground range limits from the launcher [m] (the catalog's envelopes are ground ranges; fire control
        checks them as such, and reads the time of flight at the slant range).
    kill_vehicle : {"exo", "endo", "exo-endo"}
    pk : float
        Single-shot kill probability against the warhead (a scenario parameter; catalog default).
    unit_cost_usd : float
    reaction_time_s : float
        From the fire decision to launch [s].
    launch_mass_kg : float
        Launch mass [kg] (the boost-plus-coast model's equivalent vehicle; default 1,000 kg).
    kill_vehicle_mass_kg : float
        Mass carried to burnout as payload [kg]; 0 takes 10 % of the burnout mass.
    flyout : {"line", "arc"}
        Time-of-flight model: ``line``, the straight line of this module (endo-atmospheric interceptors,
        which steer aerodynamically), or ``arc``, the boost-plus-coast flight of
        :mod:`bmdsim.engagement.lofted_flyout` (exo-atmospheric kill vehicles, whose path is a ballistic arc).
        :func:`bmdsim.engagement.interceptors.interceptor_config` picks ``arc`` for ``exo`` and ``exo-endo``.
    """

    name: str
    burnout_speed_mps: float
    burn_time_s: float
    ballistic_coefficient_kg_m2: float = 20_000.0
    min_alt_m: float
    max_alt_m: float
    min_range_m: float = 0.0
    max_range_m: float
    kill_vehicle: KillVehicle
    pk: float = 0.8
    unit_cost_usd: float = 0.0
    reaction_time_s: float = 10.0
    launch_mass_kg: float = 1000.0
    kill_vehicle_mass_kg: float = 0.0
    flyout: FlyoutModel = "line"

    def __post_init__(self) -> None:
        owner = f"InterceptorConfig[{self.name}]"
        for f, unit in (("burnout_speed_mps", "m/s"), ("burn_time_s", "s"),
                        ("ballistic_coefficient_kg_m2", "kg/m^2"), ("max_alt_m", "m"), ("max_range_m", "m")):
            v = getattr(self, f)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{owner}.{f} must be > 0 {unit}, got {v}")
        for f in ("min_alt_m", "min_range_m", "unit_cost_usd", "reaction_time_s", "kill_vehicle_mass_kg"):
            if not getattr(self, f) >= 0:
                raise ValueError(f"{owner}.{f} must be >= 0, got {getattr(self, f)}")
        if self.min_alt_m >= self.max_alt_m:
            raise ValueError(f"{owner}: min_alt_m ({self.min_alt_m}) must be below max_alt_m "
                             f"({self.max_alt_m})")
        if self.min_range_m >= self.max_range_m:
            raise ValueError(f"{owner}: min_range_m ({self.min_range_m}) must be below max_range_m "
                             f"({self.max_range_m})")
        if self.kill_vehicle not in ("exo", "endo", "exo-endo"):
            raise ValueError(f"{owner}.kill_vehicle must be 'exo', 'endo' or 'exo-endo', "
                             f"got {self.kill_vehicle!r}")
        if not 0.0 <= self.pk <= 1.0:
            raise ValueError(f"{owner}.pk must be in [0, 1], got {self.pk}")
        if not (np.isfinite(self.launch_mass_kg) and self.launch_mass_kg > 0):
            raise ValueError(f"{owner}.launch_mass_kg must be > 0 kg, got {self.launch_mass_kg}")
        if self.flyout not in ("line", "arc"):
            raise ValueError(f"{owner}.flyout must be 'line' or 'arc', got {self.flyout!r}")

    @cached_property
    def _table(self) -> tuple[F64, F64]:
        # content-addressed on disk (bmdsim._cache: every field of this config and the flyout code's hash)
        from bmdsim import _cache

        out = _cache.cached((self,), lambda: dict(zip(("t", "s"), flyout_table(self), strict=True)), kind="flyout")
        return out["t"], out["s"]

    @cached_property
    def arc(self):
        """The boost-plus-coast time-of-flight table (:func:`bmdsim.engagement.lofted_flyout.arc_table`)."""
        from bmdsim.engagement.lofted_flyout import arc_table

        return arc_table(self)

    def flight_time_to_s(self, ground_range_m: ArrayLike, height_m: ArrayLike, slant_range_m: ArrayLike,
                         elevation_rad: ArrayLike) -> F64:
        """Time of flight [s] to points given both ways, read on this interceptor's own model (``flyout``):
        the arc by ground range and height above the launcher, the line by slant range and elevation; inf
        where it cannot get there."""
        if self.flyout == "arc":
            return self.arc.time_of_flight_s(ground_range_m, height_m)
        return self.time_of_flight_s(slant_range_m, elevation_rad)

    def time_of_flight_s(self, slant_range_m: ArrayLike, elevation_rad: ArrayLike) -> F64:
        """Time of flight from launch to a point at this slant range and launcher elevation [s].

        inf where the interceptor cannot get there (beyond its reach or below the horizontal).
        """
        t_grid, s_table = self._table
        d = np.asarray(slant_range_m, dtype=float)
        e = np.clip(np.asarray(elevation_rad, dtype=float), 0.0, np.pi / 2)
        d, e = np.broadcast_arrays(d, e)
        x = e / np.radians(1.0)
        i0 = np.clip(np.floor(x).astype(int), 0, len(_ELEV_GRID_RAD) - 2)
        w = x - i0
        out = np.full(d.shape, np.inf)
        for i in np.unique(i0):
            sel = i0 == i
            t_lo = _time_at_distance(t_grid, s_table[i], d[sel])
            t_hi = _time_at_distance(t_grid, s_table[i + 1], d[sel])
            both = np.isfinite(t_lo) & np.isfinite(t_hi)  # out of reach at either grid angle: out of reach
            ws = w[sel]
            out[sel] = np.where(both, (1.0 - ws) * np.where(both, t_lo, 0.0) + ws * np.where(both, t_hi, 0.0),
                                np.inf)
        return np.where(np.asarray(elevation_rad) < 0.0, np.inf, out)


def _time_at_distance(t_grid: F64, s_row: F64, d: F64) -> F64:
    reach = np.nanmax(s_row)
    n_ok = int(np.argmax(s_row)) + 1  # s is increasing until the interceptor stops
    t = np.interp(d, s_row[:n_ok], t_grid[:n_ok])
    return np.where(d <= reach, t, np.inf)


def line_state_derivative(s_m: F64, v_mps: F64, elevation_rad: F64, h0_m: float, cfg: InterceptorConfig,
                          thrust_on: bool) -> tuple[F64, F64]:
    """Right-hand side (ds/dt, dv/dt) of the flyout model along the straight line (see module notes).

    ``thrust_on`` is decided per integration step (steps end exactly at burnout), so the thrust cut-off
    is never smeared across a step.
    """
    r0 = _R_LOCAL_M + h0_m
    sin_e = np.sin(elevation_rad)
    r = np.sqrt(r0 * r0 + s_m * s_m + 2.0 * r0 * s_m * sin_e)
    sin_gamma = (r0 * sin_e + s_m) / r
    h = r - _R_LOCAL_M
    thrust = cfg.burnout_speed_mps / cfg.burn_time_s if thrust_on else 0.0
    drag = density_fast_kg_m3(h) * v_mps * v_mps / (2.0 * cfg.ballistic_coefficient_kg_m2)
    dv = thrust - GM_EARTH_M3_S2 / (r * r) * sin_gamma - drag
    return v_mps, dv


def flyout_table(cfg: InterceptorConfig, h0_m: float = 0.0) -> tuple[F64, F64]:
    """Distance flown along the line versus time, for every grid elevation: (t (k,), s (n_elev, k)).

    RK4 at 0.05 s (global error below a centimetre for these smooth, minute-long flights, checked in the
    tests against scipy's DOP853); rows stop growing once the interceptor has slowed to a stop.
    """
    t_max = cfg.burn_time_s + 2.5 * cfg.max_range_m / cfg.burnout_speed_mps
    n_burn = int(np.ceil(cfg.burn_time_s / _DT_S))
    dt_burn = cfg.burn_time_s / n_burn  # boost steps end exactly at burnout
    # 0.05 s through boost and the first 30 s of coast (dense air, fast-changing drag), then 0.25 s
    n_fine = int(np.ceil(30.0 / _DT_S))
    n_coarse = max(int(np.ceil((t_max - cfg.burn_time_s - 30.0) / (5 * _DT_S))), 0)
    steps = [(dt_burn, True)] * n_burn + [(_DT_S, False)] * n_fine + [(5 * _DT_S, False)] * n_coarse
    e = _ELEV_GRID_RAD
    s = np.zeros_like(e)
    v = np.zeros_like(e)
    out = np.empty((e.size, len(steps) + 1))
    t_out = np.empty(len(steps) + 1)
    out[:, 0] = 0.0
    t_out[0] = 0.0
    for k, (dt, on) in enumerate(steps):
        k1s, k1v = line_state_derivative(s, v, e, h0_m, cfg, on)
        k2s, k2v = line_state_derivative(s + dt / 2 * k1s, v + dt / 2 * k1v, e, h0_m, cfg, on)
        k3s, k3v = line_state_derivative(s + dt / 2 * k2s, v + dt / 2 * k2v, e, h0_m, cfg, on)
        k4s, k4v = line_state_derivative(s + dt * k3s, v + dt * k3v, e, h0_m, cfg, on)
        s = s + dt / 6 * (k1s + 2 * k2s + 2 * k3s + k4s)
        v = v + dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
        v = np.maximum(v, 0.0)  # a stalled interceptor does not fly backwards
        out[:, k + 1] = s
        t_out[k + 1] = t_out[k] + dt
    return t_out, out
