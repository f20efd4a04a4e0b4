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

References
----------
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
from bmdsim.flight.plan import plan_powered
from bmdsim.flight.propagator import propagate
from bmdsim.flight.vehicles import Stage, Vehicle
from bmdsim.scenario.interceptor_catalog import InterceptorCatalog, load_interceptor_catalog

EQUIVALENT_ISP_S = 280.0
"""Vacuum Isp of the equivalent stage [s]: composite solid propellant (Sutton ch. 12-14: 265-295 s)."""
PITCH_FRACTION = 0.2
"""Share of the burn over which the equivalent vehicle pitches over before holding its attitude [estimate]."""
DEFAULT_LAUNCH_MASS_KG = 1000.0
DEFAULT_BETA_KG_M2 = 20_000.0


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


def interceptor_vehicle(key: str, catalog: InterceptorCatalog | None = None) -> Vehicle:
    """The equivalent single-stage vehicle of a catalog interceptor (module notes)."""
    catalog = catalog or load_interceptor_catalog()
    e = catalog.interceptors[key]
    m0 = e.launch_mass_kg.value if e.launch_mass_kg else DEFAULT_LAUNCH_MASS_KG
    beta = e.ballistic_coefficient_kg_m2.value if e.ballistic_coefficient_kg_m2 else DEFAULT_BETA_KG_M2
    m_burnout = m0 * math.exp(-e.burnout_speed_m_s.value / (EQUIVALENT_ISP_S * G0_M_S2))
    payload = min(e.kill_vehicle_mass_kg.value if e.kill_vehicle_mass_kg else 0.1 * m_burnout, 0.9 * m_burnout)
    cda = m_burnout / beta
    prop, burn = m0 - m_burnout, e.burn_time_s.value
    # Two pieces of one burn at constant mass flow: the pitch program (bmdsim.flight.plan) turns the thrust
    # during the first piece and holds it through the second, as an interceptor pitches over early.
    first = Stage(propellant_mass_kg=PITCH_FRACTION * prop, dry_mass_kg=0.0, burn_time_s=PITCH_FRACTION * burn,
                  isp_s=EQUIVALENT_ISP_S, drag_area_m2=cda)
    rest = Stage(propellant_mass_kg=(1 - PITCH_FRACTION) * prop, dry_mass_kg=m_burnout - payload,
                 burn_time_s=(1 - PITCH_FRACTION) * burn, isp_s=EQUIVALENT_ISP_S, drag_area_m2=cda)
    return Vehicle(name=key, kind="ballistic", stages=(first, rest), payload_mass_kg=payload,
                   reentry_mass_kg=m_burnout, reentry_drag_area_m2=cda,
                   vertical_rise_s=min(2.0, 0.1 * burn))


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
                  output_step_s: float = 0.5) -> Reach:
    """:func:`reach_at_altitude` for any single- or multi-stage ``vehicle`` (ground range to 1 output step)."""
    earth = earth or EarthModel()
    pitch = np.radians(np.linspace(1.0, 89.0, n_pitch))
    plan = plan_powered(vehicle, lat_rad, lon_rad, 0.0, math.radians(90.0), pitch, earth=earth)
    tr = propagate(plan, earth, output_step_s=output_step_s, t_max_s=t_max_s + 1.0)
    lat, lon, alt = ecef_to_geodetic(tr.r_ecef_m.reshape(-1, 3), earth.ellipsoid)
    shape = tr.r_ecef_m.shape[:2]
    ground = surface_distance(np.full(lat.shape, lat_rad), np.full(lat.shape, lon_rad), lat, lon,
                              earth.ellipsoid).reshape(shape)
    alt = alt.reshape(shape)
    t = tr.t_s[None, :] - tr.t_launch_s[:, None]
    ok = (alt >= alt_m) & (t <= t_max_s) & np.isfinite(ground)
    best = np.where(ok, ground, -np.inf)
    i, j = np.unravel_index(np.argmax(best), best.shape)
    if not np.isfinite(best[i, j]):
        return Reach(0.0, float("nan"), float("nan"))
    return Reach(float(best[i, j]), float(pitch[i]), float(t[i, j]))
