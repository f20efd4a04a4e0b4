"""Flight plans: per-trajectory arrays that the propagator integrates.

A plan fixes, for each of ``n`` trajectories, the initial ECEF state, the launch time, a sequence of
phases (one per burning stage, then an unpowered phase that lasts until impact) and the steering law.
Phases are piecewise constant in thrust, mass flow and drag area, so the integrator steps exactly onto
each phase boundary and never smooths over staging or thrust cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.frames import enu_from_ecef_matrix, geodetic_to_ecef
from bmdsim.earth.model import EarthModel
from bmdsim.flight.dynamics import STEER_GRAVITY_TURN, STEER_PITCH_PROGRAM, PhaseParams
from bmdsim.flight.vehicles import Vehicle

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlightPlan:
    """Everything the propagator needs, as arrays over ``n`` trajectories and ``s`` phases.

    Attributes
    ----------
    r0_ecef_m, v0_ecef_mps : ndarray, shape (n, 3)
        State at launch (or at burnout for an impulsive plan), ECEF [m, m/s].
    t_launch_s : ndarray, shape (n,)
        Scenario time of that state [s].
    phase_t_end_s : ndarray, shape (n, s)
        End of each phase in time since launch [s]; the last phase ends at +inf.
    phase_thrust_n, phase_mdot_kg_s, phase_m0_kg, phase_cda_m2 : ndarray, shape (n, s)
        Thrust [N], mass flow [kg/s], mass at phase start [kg], drag area Cd*A [m^2].
    t_burnout_s : ndarray, shape (n,)
        End of powered flight, time since launch [s] (0 for shells and impulsive plans).
    mode : ndarray of int8, shape (n,)
        Steering law (see :mod:`bmdsim.flight.dynamics`).
    u_horiz_ecef, u_up_ecef : ndarray, shape (n, 3)
        Launch-site unit vectors: horizontal along the launch azimuth, and up (ellipsoid normal).
    pitch_end_rad, t_vertical_s, t_pitch_end_s : ndarray, shape (n,)
        Pitch program: vertical until ``t_vertical_s``, then thrust elevation falls linearly to
        ``pitch_end_rad`` at ``t_pitch_end_s`` (cut-off, or the end of the first stage of a multi-stage
        missile) and holds there.
    lift_to_drag, glide_gamma_rad, dive_speed_mps : ndarray, shape (n,)
        Lift of the ``quasi-ballistic`` profile after burnout (:mod:`bmdsim.flight.dynamics`): maximum
        lift-to-drag ratio (0: no lift, the default), flight-path angle the glide holds [rad] and speed
        below which the lift fades out for the terminal dive [m/s].
    """

    r0_ecef_m: F64
    v0_ecef_mps: F64
    t_launch_s: F64
    phase_t_end_s: F64
    phase_thrust_n: F64
    phase_mdot_kg_s: F64
    phase_m0_kg: F64
    phase_cda_m2: F64
    t_burnout_s: F64
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
            if getattr(self, name) is None:  # a plan without lift
                object.__setattr__(self, name, np.zeros(self.r0_ecef_m.shape[0]))

    @property
    def n(self) -> int:
        return int(self.r0_ecef_m.shape[0])

    def phase_start_s(self) -> F64:
        """Start of each phase, time since launch [s], shape (n, s)."""
        start = np.zeros_like(self.phase_t_end_s)
        start[:, 1:] = self.phase_t_end_s[:, :-1]
        return start

    def params(self, rows: NDArray[np.intp], phase: NDArray[np.intp]) -> PhaseParams:
        """Per-row parameters of the given phase, for the integrator."""
        start = np.zeros(rows.shape)
        has_prev = phase > 0
        start[has_prev] = self.phase_t_end_s[rows[has_prev], phase[has_prev] - 1]
        return PhaseParams(
            thrust_n=self.phase_thrust_n[rows, phase], mdot_kg_s=self.phase_mdot_kg_s[rows, phase],
            m0_kg=self.phase_m0_kg[rows, phase], t0_s=start, cda_m2=self.phase_cda_m2[rows, phase],
            mode=self.mode[rows], u_horiz_ecef=self.u_horiz_ecef[rows], u_up_ecef=self.u_up_ecef[rows],
            pitch_end_rad=self.pitch_end_rad[rows], t_vertical_s=self.t_vertical_s[rows],
            t_pitch_end_s=self.t_pitch_end_s[rows], lift_to_drag=self.lift_to_drag[rows],
            glide_gamma_rad=self.glide_gamma_rad[rows], dive_speed_mps=self.dive_speed_mps[rows])


def _launch_frame(lat_rad: F64, lon_rad: F64, az_rad: F64) -> tuple[F64, F64]:
    R_enu_from_ecef = enu_from_ecef_matrix(lat_rad, lon_rad)
    east, north, up = R_enu_from_ecef[:, 0], R_enu_from_ecef[:, 1], R_enu_from_ecef[:, 2]
    u_horiz = np.sin(az_rad)[:, None] * east + np.cos(az_rad)[:, None] * north
    return u_horiz, up


def _as_rows(n: int, *values: ArrayLike) -> list[F64]:
    return [np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy() for v in values]


def plan_powered(vehicles: Vehicle | Sequence[Vehicle], lat_rad: ArrayLike, lon_rad: ArrayLike,
                 alt_m: ArrayLike, azimuth_rad: ArrayLike, pitch_end_rad: ArrayLike,
                 cutoff_s: ArrayLike = np.inf, t_launch_s: ArrayLike = 0.0,
                 earth: EarthModel | None = None, glide: bool = False) -> FlightPlan:
    """Plan launches of vehicles from the ground.

    Parameters
    ----------
    vehicles : Vehicle or sequence of Vehicle
        One vehicle for every row, or one per row.
    lat_rad, lon_rad, alt_m : array_like, shape (n,) or scalar
        Launch point, geodetic.
    azimuth_rad : array_like
        Launch azimuth, clockwise from north.
    pitch_end_rad : array_like
        Ballistic missiles: thrust elevation at the end of the pitch program. Rockets and shells: launcher
        elevation (quadrant elevation).
    cutoff_s : array_like
        Thrust cut-off, time since launch [s]; ``inf`` burns every stage to the end. The pitch program ends
        at cut-off, so a shorter burn pitches over faster.
    t_launch_s : array_like
        Launch time in scenario time [s].
    earth : EarthModel, optional
        Figure of the Earth for the launch point (default WGS 84).
    glide : bool
        Fly the ``quasi-ballistic`` profile: after burnout, the lift of each vehicle's
        :class:`~bmdsim.flight.vehicles.GlideParams` (every vehicle must have them).
    """
    earth = earth or EarthModel()
    sizes = [np.size(x) for x in (lat_rad, lon_rad, alt_m, azimuth_rad, pitch_end_rad, cutoff_s, t_launch_s)]
    n = max([*sizes, 1 if isinstance(vehicles, Vehicle) else len(vehicles)])
    vlist = [vehicles] * n if isinstance(vehicles, Vehicle) else list(vehicles)
    if len(vlist) != n:
        raise ValueError(f"plan_powered: {len(vlist)} vehicles for {n} trajectories")
    lat, lon, alt, az, pitch_end, cutoff, t_launch = _as_rows(
        n, lat_rad, lon_rad, alt_m, azimuth_rad, pitch_end_rad, cutoff_s, t_launch_s)
    n_phase = max(len(v.stages) for v in vlist) + 1
    t_end = np.full((n, n_phase), np.inf)
    thrust = np.zeros((n, n_phase))
    mdot = np.zeros((n, n_phase))
    m0 = np.zeros((n, n_phase))
    cda = np.zeros((n, n_phase))
    t_burnout = np.zeros(n)
    mode = np.zeros(n, dtype=np.int8)
    t_vertical = np.zeros(n)
    for veh in {id(v): v for v in vlist}.values():
        rows = np.array([i for i, v in enumerate(vlist) if v is veh])
        mass = veh.launch_mass_kg
        t_prev = np.zeros(rows.size)
        nominal_end = 0.0
        for j, st in enumerate(veh.stages):
            nominal_end += st.burn_time_s
            end = np.maximum(np.minimum(nominal_end, cutoff[rows]), t_prev)
            burns = end > t_prev
            t_end[rows, j] = end
            thrust[rows, j] = np.where(burns, st.thrust_n, 0.0)
            mdot[rows, j] = np.where(burns, st.mass_flow_kg_s, 0.0)
            m0[rows, j] = mass
            cda[rows, j] = st.drag_area_m2
            mass -= st.propellant_mass_kg + st.dry_mass_kg
            t_prev = end
        n_st = len(veh.stages)
        t_end[rows, n_st:-1] = t_prev[:, None]  # unused phases of shorter vehicles have zero length
        m0[rows, n_st:] = veh.reentry_mass_kg
        cda[rows, n_st:] = veh.reentry_drag_area_m2
        t_burnout[rows] = t_prev
        mode[rows] = STEER_PITCH_PROGRAM if veh.kind == "ballistic" else STEER_GRAVITY_TURN
        t_vertical[rows] = veh.vertical_rise_s if veh.kind == "ballistic" else 0.0
    lift = np.zeros((3, n))
    if glide:
        for i, v in enumerate(vlist):
            if v.glide is None:
                raise ValueError(f"{v.name} has no quasi-ballistic (glide) parameters: it cannot fly the "
                                 "quasi-ballistic profile")
            lift[:, i] = (v.glide.lift_to_drag, v.glide.glide_gamma_rad, v.glide.dive_speed_mps)
    u_horiz, u_up = _launch_frame(lat, lon, az)
    r0 = geodetic_to_ecef(lat, lon, alt, earth.ellipsoid)
    v0 = np.zeros((n, 3))
    is_shell = np.array([v.kind == "shell" for v in vlist])
    is_rocket = np.array([v.kind == "rocket" for v in vlist])
    u_launcher = np.cos(pitch_end)[:, None] * u_horiz + np.sin(pitch_end)[:, None] * u_up
    if is_shell.any():
        muzzle = np.array([v.muzzle_speed_m_s for v in vlist])
        v0[is_shell] = muzzle[is_shell, None] * u_launcher[is_shell]
    # Rockets leave the rail along the launcher axis: the pitch program degenerates to a constant
    # elevation (vertical phase of zero length, program ending at t=0).
    # Multi-stage missiles finish pitching over with the first stage and hold that attitude (in the
    # launch-site frame) through the upper stages, as their guidance flattens the trajectory early to
    # reduce gravity losses; a single stage pitches over its whole burn.
    first_stage_end = np.array([v.stages[0].burn_time_s if len(v.stages) > 1 else np.inf for v in vlist])
    t_pitch_end = np.where(is_rocket | is_shell, 0.0,
                           np.maximum(np.minimum(t_burnout, first_stage_end), t_vertical + 1e-3))
    if glide:  # the quasi-ballistic boost pitches over quickly and holds a low elevation (GlideParams)
        pitch_over = np.array([v.glide.pitch_over_s for v in vlist])  # type: ignore[union-attr]
        t_pitch_end = np.maximum(np.minimum(t_pitch_end, t_vertical + pitch_over), t_vertical + 1e-3)
    return FlightPlan(r0_ecef_m=r0, v0_ecef_mps=v0, t_launch_s=t_launch, phase_t_end_s=t_end,
                      phase_thrust_n=thrust, phase_mdot_kg_s=mdot, phase_m0_kg=m0, phase_cda_m2=cda,
                      t_burnout_s=t_burnout, mode=mode, u_horiz_ecef=u_horiz, u_up_ecef=u_up,
                      pitch_end_rad=pitch_end, t_vertical_s=t_vertical, t_pitch_end_s=t_pitch_end,
                      lift_to_drag=lift[0], glide_gamma_rad=lift[1], dive_speed_mps=lift[2])


def plan_impulsive(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike, azimuth_rad: ArrayLike,
                   gamma_rad: ArrayLike, speed_mps: ArrayLike, *, mass_kg: float = 1000.0,
                   cda_m2: float = 0.0, t_launch_s: ArrayLike = 0.0,
                   earth: EarthModel | None = None, lift_to_drag: float = 0.0, glide_gamma_rad: float = 0.0,
                   dive_speed_mps: float = 0.0) -> FlightPlan:
    """Plan free flights from a burnout state given in the inertial frame at the burnout point.

    The burnout velocity has inertial speed ``speed_mps`` at flight-path angle ``gamma_rad`` above the
    local horizontal (perpendicular to the geocentric radius, as in Kepler theory) and heading
    ``azimuth_rad``; the Earth-fixed velocity is that minus ``ω × r``. ``lift_to_drag > 0`` gives the
    flight the lift of the quasi-ballistic profile (see :class:`FlightPlan`).
    """
    earth = earth or EarthModel()
    n = max(np.size(x) for x in (lat_rad, lon_rad, alt_m, azimuth_rad, gamma_rad, speed_mps, t_launch_s))
    lat, lon, alt, az, gamma, speed, t_launch = _as_rows(
        n, lat_rad, lon_rad, alt_m, azimuth_rad, gamma_rad, speed_mps, t_launch_s)
    r0 = geodetic_to_ecef(lat, lon, alt, earth.ellipsoid)
    u_radial = r0 / np.linalg.norm(r0, axis=1, keepdims=True)
    u_az, _ = _launch_frame(lat, lon, az)
    # horizontal w.r.t. the geocentric radius, in the plane of the azimuth
    u_h = u_az - np.einsum("ij,ij->i", u_az, u_radial)[:, None] * u_radial
    u_h /= np.linalg.norm(u_h, axis=1, keepdims=True)
    v_inertial = speed[:, None] * (np.cos(gamma)[:, None] * u_h + np.sin(gamma)[:, None] * u_radial)
    omega = np.array([0.0, 0.0, earth.omega_rad_s])
    v0 = v_inertial - np.cross(omega, r0)
    ones = np.ones((n, 1))
    _, u_up = _launch_frame(lat, lon, az)
    return FlightPlan(r0_ecef_m=r0, v0_ecef_mps=v0, t_launch_s=t_launch,
                      phase_t_end_s=np.full((n, 1), np.inf),
                      phase_thrust_n=0.0 * ones, phase_mdot_kg_s=0.0 * ones, phase_m0_kg=mass_kg * ones,
                      phase_cda_m2=cda_m2 * ones, t_burnout_s=np.zeros(n), mode=np.zeros(n, dtype=np.int8),
                      u_horiz_ecef=u_h, u_up_ecef=u_up, pitch_end_rad=gamma, t_vertical_s=np.zeros(n),
                      t_pitch_end_s=np.zeros(n), lift_to_drag=np.full(n, float(lift_to_drag)),
                      glide_gamma_rad=np.full(n, float(glide_gamma_rad)),
                      dive_speed_mps=np.full(n, float(dive_speed_mps)))


def concat_plans(plans: Sequence[FlightPlan]) -> FlightPlan:
    """One plan holding the rows of several, in order.

    Plans with fewer phases are padded with zero-length, unpowered phases just before their final
    (unpowered, open-ended) phase, so every row keeps its own phase sequence.
    """
    if not plans:
        raise ValueError("concat_plans: no plans")
    width = max(p.phase_t_end_s.shape[1] for p in plans)

    def pad(p: FlightPlan, name: str) -> F64:
        a = getattr(p, name)
        extra = width - a.shape[1]
        if extra == 0:
            return a
        if name == "phase_t_end_s":  # zero-length phases at the end of powered flight
            burnout = a[:, -2:-1] if a.shape[1] > 1 else np.zeros((a.shape[0], 1))
            fill = np.repeat(burnout, extra, axis=1)
        elif name in ("phase_m0_kg", "phase_cda_m2"):
            fill = np.repeat(a[:, -1:], extra, axis=1)
        else:
            fill = np.zeros((a.shape[0], extra))
        return np.concatenate([a[:, :-1], fill, a[:, -1:]], axis=1)

    fields = {}
    for name in FlightPlan.__dataclass_fields__:
        if name.startswith("phase_"):
            fields[name] = np.concatenate([pad(p, name) for p in plans])
        else:
            fields[name] = np.concatenate([getattr(p, name) for p in plans])
    return FlightPlan(**fields)
