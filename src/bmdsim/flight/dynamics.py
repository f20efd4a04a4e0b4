"""Equations of motion of a point-mass vehicle in the rotating Earth-fixed (ECEF) frame.

    dr/dt = v
    dv/dt = g_J2(r) + (T/m) u - (rho |v| Cd A / 2m) v - 2 ω×v - ω×(ω×r)

with ``r, v`` ECEF position and velocity, ``ω = (0, 0, Ω)`` (zero when rotation is off), ``u`` the unit
thrust direction, ``rho`` the US Standard Atmosphere 1976 density at the vehicle's height, and the air at
rest in the Earth-fixed frame (no wind), so that ``v`` is also the air-relative velocity.

Density is looked up at an approximate height, ``|r|`` minus the ellipsoid's radius along the geocentric
direction; it differs from the geodetic height by less than 1 m below 100 km (the radius and the normal
differ by at most 0.19°), which changes the density by under 1e-4 of itself. Impact and reported heights
use the exact geodetic conversion.

References
----------
.. [Vallado] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), sec. 3.7
   (rotating-frame kinematics).
.. [Regan] F. J. Regan and S. M. Anandakrishnan, *Dynamics of Atmospheric Re-Entry* (AIAA, 1993), ch. 2.
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

RAIL_SPEED_M_S = 30.0
"""Below this speed a rocket's thrust stays along its launcher axis: a typical rail-exit speed of
artillery rockets (tens of m/s), below which a weathercocking fin-stabilized rocket has no aerodynamic
restoring moment to speak of."""


@dataclass(frozen=True, slots=True)
class PhaseParams:
    """Per-row parameters constant over one integration step, each of shape (m,) or (m, 3).

    ``mass = m0_kg - mdot_kg_s * (tau - t0_s)`` during a burn; thrust along the steering law.
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
    omega = earth.omega_rad_s
    if omega != 0.0:
        # -2 ω×v - ω×(ω×r) with ω = (0, 0, Ω)
        acc = acc + np.stack([2.0 * omega * v[:, 1] + omega * omega * r[:, 0],
                              -2.0 * omega * v[:, 0] + omega * omega * r[:, 1],
                              np.zeros_like(r[:, 2])], axis=-1)
    return np.concatenate([v, acc], axis=1)
