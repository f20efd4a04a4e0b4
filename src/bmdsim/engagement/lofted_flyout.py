"""Interceptor reach on a boost-plus-coast flight, flown with the threat propagator.

The straight-line flyout of :mod:`bmdsim.engagement.flyout` is exact enough for endo-atmospheric interceptors
but understates what an exo-atmospheric interceptor can reach: its real path is a ballistic arc, so at a given
altitude it reaches further than a straight line at any single elevation (issue 12: SM-3 IA about 540 km on a
30 deg line against about 700 km published). Here the interceptor is flown as a point-mass rocket on the full
model (rotating WGS 84 Earth, J2, US Standard Atmosphere 1976 drag; :func:`bmdsim.flight.propagator.propagate`)
with a pitch program ending at burnout, and its **reach at an intercept altitude** is the largest ground range
(along the surface, launcher to the point under the interceptor) at which it is at or above that altitude
within a flight-time limit, over the pitch-program end angle.

Equivalent vehicle: the catalog gives a burnout speed (the ideal speed gain of the boost, as in
:mod:`bmdsim.engagement.flyout`), a burn time and a launch mass. One equivalent stage of vacuum specific
impulse :data:`EQUIVALENT_ISP_S` burning for the catalog time with the mass ratio ``exp(v_bo / (Isp g0))`` has
exactly that ideal speed gain; the split into real stages changes the acceleration history, hence gravity and
drag losses, by a few per cent of the reach. Drag: the catalog ballistic coefficient (default 20,000 kg/m^2)
for the burnt-out body, and the same ``Cd A`` during the boost.

Fire control (:func:`arc_table`): a fan of such flights (pitch-over end angles 1 to 90 deg, non-rotating
Earth so that one table serves every azimuth) gives, at each altitude, the shortest time to each ground range;
:class:`ArcTable` reads it by ground range and height above the launcher, and is inf beyond the fan's reach.
Checked against Kepler in vacuum (tests/engagement/test_lofted_flyout.py).

References
----------
.. [BMW71] R. R. Bate, D. D. Mueller and J. E. White, *Fundamentals of Astrodynamics* (1971), sec. 6.2.
.. [APS03] APS Study Group, *Boost-Phase Intercept Systems for National Missile Defense* (2003), ch. 5.
.. [Sutton] G. P. Sutton and O. Biblarz, *Rocket Propulsion Elements*, 8th ed. (2010), eq. 4-7.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bmdsim.earth.constants import G0_M_S2
from bmdsim.earth.frames import ecef_to_geodetic
from bmdsim.earth.geodesy import surface_distance
from bmdsim.earth.model import EarthModel
from bmdsim.engagement.flyout import InterceptorConfig
from bmdsim.engagement.interceptors import interceptor_config
from bmdsim.flight.plan import plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.flight.vehicles import Stage, Vehicle
from bmdsim.scenario.interceptor_catalog import InterceptorCatalog

EQUIVALENT_ISP_S = 280.0
"""Vacuum Isp of the equivalent stage [s]: composite solid propellant (Sutton ch. 12-14: 265-295 s)."""
PITCH_FRACTION = 0.2
"""Share of the burn over which the equivalent vehicle pitches over before holding its attitude [estimate]."""


@dataclass(frozen=True, slots=True)
class Reach:
    """Reach of an interceptor at one intercept altitude.

    Attributes
    ----------
    ground_range_m : float
        Largest ground range at which the interceptor is at or above the altitude within the time limit [m].
    pitch_end_rad : float
        Pitch-program end angle that gives it.
    time_of_flight_s : float
        Time from launch to that point [s].
    """

    ground_range_m: float
    pitch_end_rad: float
    time_of_flight_s: float


def equivalent_vehicle(cfg: InterceptorConfig) -> Vehicle:
    """The equivalent single-stage vehicle of an interceptor configuration (module notes)."""
    m0 = cfg.launch_mass_kg
    m_burnout = m0 * math.exp(-cfg.burnout_speed_mps / (EQUIVALENT_ISP_S * G0_M_S2))
    payload = min(cfg.kill_vehicle_mass_kg if cfg.kill_vehicle_mass_kg > 0 else 0.1 * m_burnout, 0.9 * m_burnout)
    cda = m_burnout / cfg.ballistic_coefficient_kg_m2
    prop, burn = m0 - m_burnout, cfg.burn_time_s
    # Two pieces of one burn at constant mass flow: the pitch program (bmdsim.flight.plan) turns the thrust
    # during the first piece and holds it through the second, as an interceptor pitches over early.
    first = Stage(propellant_mass_kg=PITCH_FRACTION * prop, dry_mass_kg=0.0, burn_time_s=PITCH_FRACTION * burn,
                  isp_s=EQUIVALENT_ISP_S, drag_area_m2=cda)
    rest = Stage(propellant_mass_kg=(1 - PITCH_FRACTION) * prop, dry_mass_kg=m_burnout - payload,
                 burn_time_s=(1 - PITCH_FRACTION) * burn, isp_s=EQUIVALENT_ISP_S, drag_area_m2=cda)
    return Vehicle(name=cfg.name, kind="ballistic", stages=(first, rest), payload_mass_kg=payload,
                   reentry_mass_kg=m_burnout, reentry_drag_area_m2=cda,
                   vertical_rise_s=min(2.0, 0.5 * PITCH_FRACTION * burn))


def interceptor_vehicle(key: str, catalog: InterceptorCatalog | None = None) -> Vehicle:
    """The equivalent single-stage vehicle of a catalog interceptor (module notes)."""
    return equivalent_vehicle(interceptor_config(key, catalog=catalog))


def reach_at_altitude(key: str, alt_m: float, *, t_max_s: float, lat_rad: float = math.radians(37.0),
                      lon_rad: float = math.radians(135.0), n_pitch: int = 45,
                      earth: EarthModel | None = None) -> Reach:
    """Largest ground range at which interceptor ``key`` is at or above ``alt_m`` within ``t_max_s``.

    Fired due east from (``lat_rad``, ``lon_rad``) (the Sea of Japan by default; Earth rotation changes the
    reach by well under 1% at these speeds), pitch-program end angles from 1 to 89 deg.
    """
    return vehicle_reach(interceptor_vehicle(key), alt_m, t_max_s=t_max_s, lat_rad=lat_rad, lon_rad=lon_rad,
                         n_pitch=n_pitch, earth=earth)


def vehicle_reach(vehicle: Vehicle, alt_m: float, *, t_max_s: float, lat_rad: float = math.radians(37.0),
                  lon_rad: float = math.radians(135.0), n_pitch: int = 45, earth: EarthModel | None = None,
                  output_step_s: float = 0.5, azimuth_rad: float = math.radians(90.0)) -> Reach:
    """:func:`reach_at_altitude` for any single- or multi-stage ``vehicle`` (ground range to 1 output step),
    fired at ``azimuth_rad`` (default due east)."""
    pitch = np.radians(np.linspace(1.0, 89.0, n_pitch))
    t, ground, alt = fly_fan(vehicle, pitch, lat_rad=lat_rad, lon_rad=lon_rad, azimuth_rad=azimuth_rad,
                             earth=earth or EarthModel(), t_max_s=t_max_s + 1.0, output_step_s=output_step_s)
    t = np.broadcast_to(t, ground.shape)
    ok = (alt >= alt_m) & (t <= t_max_s) & np.isfinite(ground)
    best = np.where(ok, ground, -np.inf)
    i, j = np.unravel_index(np.argmax(best), best.shape)
    if not np.isfinite(best[i, j]):
        return Reach(0.0, float("nan"), float("nan"))
    return Reach(float(best[i, j]), float(pitch[i]), float(t[i, j]))


# --- time of flight on the arc, for fire control -------------------------------------------------------------

ARC_PITCH_DEG = np.arange(1.0, 90.0 + 1e-9, 1.0)
"""Pitch-program end angles of the fan of flights the table is read from [deg]."""
ARC_T_MAX_S = 1500.0
"""Longest flight considered [s]: above the 700-800 s an SM-3 IIA needs to its 2,000 km reach."""
ARC_ALT_STEP_M = 2500.0
"""Altitude step of the table [m]."""
ARC_N_RANGE = 400
"""Ground-range columns of the table (from 0 to the fan's largest reach)."""
ARC_OUTPUT_STEP_S = 0.5


@dataclass(frozen=True, slots=True)
class ArcTable:
    """Shortest time of flight to each (intercept altitude, ground range) on the boost-plus-coast fan.

    Attributes
    ----------
    alt_step_m, range_step_m : float
        Row and column steps: row ``j`` is altitude ``j * alt_step_m``, column ``i`` ground range
        ``i * range_step_m`` (both above and from the launcher).
    tof_s : ndarray, shape (n_alt, n_range)
        Shortest time from launch to that point over the fan [s]; inf where no flight of the fan reaches it
        within :data:`ARC_T_MAX_S`. Rows stop one step above the configuration's ``max_alt_m``.
    apogee_m : float
        Highest altitude any flight of the fan reaches within :data:`ARC_T_MAX_S` [m]: the kinematic ceiling.
    """

    alt_step_m: float
    range_step_m: float
    tof_s: np.ndarray
    apogee_m: float

    def reach_m(self) -> np.ndarray:
        """Largest tabulated ground range at each altitude row [m] (0 where unreachable): the envelope."""
        ok = np.isfinite(self.tof_s)
        last = self.tof_s.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
        return np.where(ok.any(axis=1), last * self.range_step_m, 0.0)

    def time_of_flight_s(self, ground_range_m: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
        """Bilinear time of flight at these points [s]; inf where any of the four table corners is (so the
        envelope is met conservatively, to within one cell)."""
        d = np.asarray(ground_range_m, dtype=float) / self.range_step_m
        h = np.asarray(alt_m, dtype=float) / self.alt_step_m
        d, h = np.broadcast_arrays(d, h)
        n_h, n_d = self.tof_s.shape
        inside = (d >= 0) & (h >= 0) & (d <= n_d - 1) & (h <= n_h - 1)
        i = np.clip(np.floor(np.where(inside, d, 0.0)).astype(np.intp), 0, n_d - 2)
        j = np.clip(np.floor(np.where(inside, h, 0.0)).astype(np.intp), 0, n_h - 2)
        wd, wh = d - i, h - j
        t = self.tof_s
        with np.errstate(invalid="ignore"):
            out = ((1 - wh) * ((1 - wd) * t[j, i] + wd * t[j, i + 1])
                   + wh * ((1 - wd) * t[j + 1, i] + wd * t[j + 1, i + 1]))
        return np.where(inside & np.isfinite(out), out, np.inf)


def arc_fan(cfg: InterceptorConfig, earth: EarthModel | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fan of boost-plus-coast flights of ``cfg``: time since launch (k,), ground range and altitude (p, k).

    Flown on a non-rotating WGS 84 Earth (J2 gravity, US Standard Atmosphere 1976 drag), so the table holds
    for every launch azimuth: Earth rotation changes the reach by about +1.5 % (SM-3 IA) to +3 % (SM-3 IIA)
    fired east at 37 deg N and as much less fired west (measured in tests/engagement/test_lofted_flyout.py).
    NaN after impact.
    """
    return fly_fan(equivalent_vehicle(cfg), np.radians(ARC_PITCH_DEG), lat_rad=math.radians(37.0),
                   lon_rad=math.radians(135.0), azimuth_rad=math.radians(90.0),
                   earth=earth or EarthModel(rotation=False), t_max_s=ARC_T_MAX_S, output_step_s=ARC_OUTPUT_STEP_S)


def fly_fan(vehicle: Vehicle, pitch_end_rad: np.ndarray, *, lat_rad: float, lon_rad: float, azimuth_rad: float,
            earth: EarthModel, t_max_s: float, output_step_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``vehicle`` launched from the ground at each pitch-program end angle: time since launch (k,), and the
    ground range from the launch point and geodetic height of each flight (p, k), NaN after impact."""
    plan = plan_powered(vehicle, lat_rad, lon_rad, 0.0, azimuth_rad, pitch_end_rad, earth=earth)
    tr = propagate(plan, earth, output_step_s=output_step_s, t_max_s=t_max_s)
    lat, lon, alt = ecef_to_geodetic(tr.r_ecef_m.reshape(-1, 3), earth.ellipsoid)
    shape = tr.r_ecef_m.shape[:2]
    ground = surface_distance(np.full(lat.shape, lat_rad), np.full(lat.shape, lon_rad), lat, lon, earth.ellipsoid)
    return tr.t_s - tr.t_launch_s[0], ground.reshape(shape), alt.reshape(shape)


def _crossings(t: np.ndarray, ground: np.ndarray, alt: np.ndarray, h: float) -> tuple[np.ndarray, ...]:
    """Where each flight of the fan first and last stands at altitude ``h``: (d_up, t_up, d_down, t_down)."""
    p, k = alt.shape
    above = np.nan_to_num(alt, nan=-np.inf) >= h
    reached = above.any(axis=1)
    rows = np.arange(p)

    def cross(i0: np.ndarray, i1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a0, a1 = alt[rows, i0], alt[rows, i1]
        ok1 = np.isfinite(a1) & (a1 != a0)
        w = np.where(ok1, (h - a0) / np.where(ok1, a1 - a0, 1.0), 0.0)
        d = ground[rows, i0] + w * (np.where(ok1, ground[rows, i1], ground[rows, i0]) - ground[rows, i0])
        return np.where(reached, d, np.nan), np.where(reached, t[i0] + w * (t[i1] - t[i0]), np.nan)

    first = np.argmax(above, axis=1)
    last = k - 1 - np.argmax(above[:, ::-1], axis=1)
    d_up, t_up = cross(first, np.maximum(first - 1, 0))
    d_dn, t_dn = cross(last, np.minimum(last + 1, k - 1))
    return d_up, t_up, d_dn, t_dn


def arc_table(cfg: InterceptorConfig, earth: EarthModel | None = None) -> ArcTable:
    """:class:`ArcTable` of ``cfg`` (content-addressed on disk, as the straight-line tables).

    At each altitude the fan's crossings form one polyline in (ground range, time): the ascending crossings
    from the steepest flight to the flattest that still reaches the altitude, then the descending ones back;
    the table holds, at each ground range, the shortest time over that polyline's segments (linear between
    neighbouring pitch angles, 1 deg apart). ``earth`` defaults to the non-rotating WGS 84 model of
    :func:`arc_fan`.
    """
    from bmdsim import _cache

    def compute() -> dict[str, np.ndarray]:
        t, ground, alt = arc_fan(cfg, earth)
        top = float(np.nanmax(alt))
        n_alt = int(min(top, cfg.max_alt_m + ARC_ALT_STEP_M) // ARC_ALT_STEP_M) + 1
        d_max = float(np.nanmax(ground))
        range_step = d_max / (ARC_N_RANGE - 1)
        d_grid = np.arange(ARC_N_RANGE) * range_step
        tof = np.full((n_alt, ARC_N_RANGE), np.inf)
        for j in range(n_alt):
            d_up, t_up, d_dn, t_dn = _crossings(t, ground, alt, j * ARC_ALT_STEP_M)
            # steep to flat (pitch angles descending) going up, then flat to steep coming down. The flights
            # that reach the altitude are the steeper ones; the flattest of them joins the two branches at
            # the tip of the envelope, where its apogee is the altitude. If even the fan's flattest flight
            # rises above the altitude, its two crossings are far apart and nothing in the fan joins them.
            sel = np.isfinite(d_up)
            segments = []
            for d_line, t_line in ((d_up[sel][::-1], t_up[sel][::-1]), (d_dn[sel], t_dn[sel])):
                segments.append((d_line[:-1], d_line[1:], t_line[:-1], t_line[1:]))
            if sel.any() and not sel[0]:
                k = int(np.argmax(sel))
                segments.append((d_up[k:k + 1], d_dn[k:k + 1], t_up[k:k + 1], t_dn[k:k + 1]))
            da, db, ta, tb = (np.concatenate(parts) for parts in zip(*segments, strict=True))
            if da.size == 0:
                continue
            lo, hi = np.minimum(da, db)[:, None], np.maximum(da, db)[:, None]
            span = np.where(db != da, db - da, 1.0)[:, None]
            w = np.clip((d_grid[None, :] - da[:, None]) / span, 0.0, 1.0)
            tt = np.where((d_grid[None, :] >= lo) & (d_grid[None, :] <= hi),
                          ta[:, None] + w * (tb - ta)[:, None], np.inf)
            tof[j] = tt.min(axis=0)
            # the vertical flight drifts a few metres off the launcher (J2): the point straight above takes
            # no longer than the next column's
            if not np.isfinite(tof[j, 0]) and np.isfinite(tof[j, 1]):
                tof[j, 0] = tof[j, 1]
        return {"tof": tof, "scalars": np.array([ARC_ALT_STEP_M, range_step, top])}

    key = (cfg, "arc", earth or EarthModel(rotation=False), EQUIVALENT_ISP_S, PITCH_FRACTION, ARC_T_MAX_S)
    out = _cache.cached(key, compute, kind="flyout")
    alt_step, range_step, top = (float(x) for x in out["scalars"])
    return ArcTable(alt_step_m=alt_step, range_step_m=range_step, tof_s=out["tof"], apogee_m=top)
