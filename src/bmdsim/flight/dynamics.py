"""Equations of motion of a point-mass vehicle in the rotating Earth-fixed (ECEF) frame.

    dr/dt = v
    dv/dt = g_J2(r) + (T/m) u - (rho |v| Cd A / 2m) v + a_L n_L - 2 ω×v - ω×(ω×r)

with ``r, v`` ECEF position and velocity, ``ω = (0, 0, Ω)`` (zero when rotation is off), ``u`` the unit
thrust direction, ``rho`` the US Standard Atmosphere 1976 density at the vehicle's height, and the air at
rest in the Earth-fixed frame (no wind), so that ``v`` is also the air-relative velocity.

Lift (the ``quasi-ballistic`` profile only; zero on every other row, whose arithmetic is unchanged) acts
after burnout on rows whose plan gives a lift-to-drag ratio ``L/D > 0``. It is perpendicular to the
air-relative (ECEF) velocity in the vertical plane, on the upward side: with ``r̂`` the geocentric unit
vector, ``v̂`` the velocity direction and ``sin γ = r̂·v̂``,

    n_L = (r̂ - sin γ v̂) / cos γ,

so it does no work (``n_L · v = 0``): it turns the flight path and never changes the energy, which drag
alone removes (tested: with drag switched off, the energy along a lifting arc stays that of the initial
state). Its magnitude comes from a flight-path-angle hold, the simplest guidance law that produces the
reported pull-up:

    a_cmd = (GM/|r|² - V²/|r|) cos γ + V (γ_glide - γ) / τ
    a_L   = clip(a_cmd, 0, (L/D) D/m) · clip((V - V_dive) / ΔV, 0, 1)

The first term cancels gravity less the centrifugal relief (point-mass, spherical: a guidance estimate,
not the dynamics, which keep J2 and rotation); the second turns the path toward ``γ_glide`` with the time
constant τ (:data:`GLIDE_TIME_CONSTANT_S`). Lift cannot exceed ``L/D`` times the drag ``D`` of the same
dynamic pressure, so high up (thin air) it barely acts and the arc is ballistic; descending into denser air
the vehicle pulls up and holds a shallow glide; once its speed falls to ``V_dive`` the lift fades out over
ΔV (:data:`DIVE_RAMP_MPS`) and the terminal dive is ballistic. Lift only pulls upward (``a_L >= 0``). The
drag area is the body's ``Cd A`` whatever the lift: the induced drag of flying at angle of attack is folded
into the stated ``L/D``, a maximum lift-to-drag ratio at the drag of the catalog ballistic coefficient.
``EarthModel.drag`` switches the drag force only: lift is computed from the same atmosphere either way,
which is what lets the energy test isolate it.

Density is looked up at an approximate height, ``|r|`` minus the ellipsoid's radius along the geocentric
direction; it differs from the geodetic height by less than 1 m below 100 km (the radius and the normal
differ by at most 0.19°), which changes the density by under 1e-4 of itself. Impact and reported heights
use the exact geodetic conversion.

References
----------
.. [Vallado] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), sec. 3.7
   (rotating-frame kinematics).
.. [Regan] F. J. Regan and S. M. Anandakrishnan, *Dynamics of Atmospheric Re-Entry* (AIAA, 1993), ch. 2
   (point-mass equations with lift and drag; lift normal to the air-relative velocity).
.. [Vinh] N. X. Vinh, A. Busemann and R. D. Culp, *Hypersonic and Planetary Entry Flight Mechanics*
   (Univ. of Michigan Press, 1980), ch. 2-3 (flight-path-angle equation ``V dγ/dt = L/m - (g - V²/r) cos γ``,
   equilibrium glide).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.atmosphere import density_fast_kg_m3
from bmdsim.earth.gravity import gravity_accel
from bmdsim.earth.model import EarthModel

F64 = NDArray[np.float64]

STEER_PITCH_PROGRAM = 0
"""Thrust elevation in the launch site's ENU frame follows a pitch program (ballistic missiles)."""
STEER_GRAVITY_TURN = 1
"""Thrust along the velocity once faster than :data:`RAIL_SPEED_M_S` (unguided rockets)."""

GLIDE_TIME_CONSTANT_S = 5.0
"""Time constant of the flight-path-angle hold of the quasi-ballistic profile [s] [estimate]: a few seconds,
slow beside a missile autopilot (under a second) so that the commanded turn, not the autopilot, sets the
arc, and fast beside the glide (minutes). The apogee and range are insensitive to it (targeting adjusts)."""
DIVE_RAMP_MPS = 100.0
"""Speed band over which lift fades out above the dive speed [m/s] [estimate]: it keeps the equations of
motion continuous (a step in the lift would cost the integrator step rejections and the targeting a
discontinuous miss)."""

RAIL_SPEED_M_S = 30.0
"""Below this speed a rocket's thrust stays along its launcher axis: a typical rail-exit speed of
artillery rockets (tens of m/s), below which a weathercocking fin-stabilized rocket has no aerodynamic
restoring moment to speak of."""


@dataclass(frozen=True, slots=True)
class PhaseParams:
    """Per-row parameters constant over one integration step, each of shape (m,) or (m, 3).

    ``mass = m0_kg - mdot_kg_s * (tau - t0_s)`` during a burn; thrust along the steering law. The lift
    parameters (see :class:`~bmdsim.flight.plan.FlightPlan`) default to zero, no lift.
    """

    thrust_n: F64
    mdot_kg_s: F64
    m0_kg: F64
    t0_s: F64
    cda_m2: F64
    mode: NDArray[np.int8]
    u_horiz_ecef: F64
    u_up_ecef: F64
    pitch_end_rad: F64
    t_vertical_s: F64
    t_pitch_end_s: F64
    lift_to_drag: F64 = None  # type: ignore[assignment]  # filled in by __post_init__
    glide_gamma_rad: F64 = None  # type: ignore[assignment]  # filled in by __post_init__
    dive_speed_mps: F64 = None  # type: ignore[assignment]  # filled in by __post_init__

    def __post_init__(self) -> None:
        for name in ("lift_to_drag", "glide_gamma_rad", "dive_speed_mps"):
            if getattr(self, name) is None:  # no lift (the quasi-ballistic profile's parameters are zero)
                object.__setattr__(self, name, np.zeros(np.shape(self.thrust_n)))


def steering_direction(tau_s: F64, v_ecef_mps: F64, p: PhaseParams) -> F64:
    """Unit thrust direction in ECEF, shape (m, 3), at row-local times ``tau_s`` (m,)."""
    span = np.maximum(p.t_pitch_end_s - p.t_vertical_s, 1e-9)
    frac = np.clip((tau_s - p.t_vertical_s) / span, 0.0, 1.0)
    theta = 0.5 * np.pi + (p.pitch_end_rad - 0.5 * np.pi) * frac
    u = np.cos(theta)[:, None] * p.u_horiz_ecef + np.sin(theta)[:, None] * p.u_up_ecef
    if np.any(p.mode == STEER_GRAVITY_TURN):
        speed = np.sqrt(np.einsum("ij,ij->i", v_ecef_mps, v_ecef_mps))
        turn = (p.mode == STEER_GRAVITY_TURN) & (speed > RAIL_SPEED_M_S)
        u = np.where(turn[:, None], v_ecef_mps / np.maximum(speed, 1e-12)[:, None], u)
    return u


def approximate_height_m(r_ecef_m: F64, earth: EarthModel) -> F64:
    """Height above the ellipsoid along the geocentric radius [m], shape (m,) (see module notes)."""
    r2 = np.einsum("ij,ij->i", r_ecef_m, r_ecef_m)
    rn = np.sqrt(r2)
    ell = earth.ellipsoid
    if ell.f == 0.0:
        return rn - ell.a_m
    cos2 = 1.0 - r_ecef_m[:, 2] ** 2 / r2
    return rn - ell.b_m / np.sqrt(1.0 - ell.e2 * cos2)


def lift_acceleration(r_ecef_m: F64, v_ecef_mps: F64, mass_kg: F64, p: PhaseParams, earth: EarthModel) -> F64:
    """Lift acceleration in ECEF [m/s^2], shape (m, 3), of the guidance law in the module notes.

    Zero on rows without lift (``p.lift_to_drag == 0``), while thrusting, and in vertical flight (where the
    vertical plane of the velocity is undefined). The drag it is capped by is computed whether or not
    ``earth.drag`` applies it.
    """
    rn = np.sqrt(np.einsum("ij,ij->i", r_ecef_m, r_ecef_m))
    speed = np.sqrt(np.einsum("ij,ij->i", v_ecef_mps, v_ecef_mps))
    safe_speed = np.maximum(speed, 1e-12)
    sin_g = np.einsum("ij,ij->i", r_ecef_m, v_ecef_mps) / (rn * safe_speed)
    sin_g = np.clip(sin_g, -1.0, 1.0)
    cos_g = np.sqrt(1.0 - sin_g * sin_g)
    rho = density_fast_kg_m3(approximate_height_m(r_ecef_m, earth))
    a_max = p.lift_to_drag * 0.5 * rho * speed * speed * p.cda_m2 / mass_kg
    a_cmd = ((earth.gm_m3_s2 / (rn * rn) - speed * speed / rn) * cos_g
             + speed * (p.glide_gamma_rad - np.arcsin(sin_g)) / GLIDE_TIME_CONSTANT_S)
    fade = np.clip((speed - p.dive_speed_mps) / DIVE_RAMP_MPS, 0.0, 1.0)
    a_lift = np.minimum(np.maximum(a_cmd, 0.0), a_max) * fade
    on = (p.lift_to_drag > 0.0) & (p.thrust_n <= 0.0) & (cos_g > 1e-6)
    a_lift = np.where(on, a_lift / np.where(on, cos_g, 1.0), 0.0)
    u_v = v_ecef_mps / safe_speed[:, None]
    return a_lift[:, None] * (r_ecef_m / rn[:, None] - sin_g[:, None] * u_v)


def derivative(tau_s: F64, y: F64, p: PhaseParams, earth: EarthModel) -> F64:
    """Time derivative of the ECEF state ``y = (r, v)``, shape (m, 6), at row-local times ``tau_s`` (m,)."""
    r = y[:, :3]
    v = y[:, 3:]
    acc = gravity_accel(r, earth.gm_m3_s2, earth.j2, earth.j2_radius_m)
    mass = p.m0_kg - p.mdot_kg_s * (tau_s - p.t0_s)
    burning = p.thrust_n > 0.0
    if np.any(burning):
        u = steering_direction(tau_s, v, p)
        acc = acc + (np.where(burning, p.thrust_n, 0.0) / mass)[:, None] * u
    if earth.drag:
        rho = density_fast_kg_m3(approximate_height_m(r, earth))
        speed = np.sqrt(np.einsum("ij,ij->i", v, v))
        acc = acc - (0.5 * rho * speed * p.cda_m2 / mass)[:, None] * v
    if np.any(p.lift_to_drag > 0.0):
        acc = acc + lift_acceleration(r, v, mass, p, earth)
    omega = earth.omega_rad_s
    if omega != 0.0:
        # -2 ω×v - ω×(ω×r) with ω = (0, 0, Ω)
        acc = acc + np.stack([2.0 * omega * v[:, 1] + omega * omega * r[:, 0],
                              -2.0 * omega * v[:, 0] + omega * omega * r[:, 1],
                              np.zeros_like(r[:, 2])], axis=-1)
    return np.concatenate([v, acc], axis=1)
