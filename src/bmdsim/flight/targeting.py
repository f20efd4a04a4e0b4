"""Targeting: the steering that lands each trajectory on its aim point, on the full model.

Profiles
--------
``minimum-energy``
    Ballistic missiles: the burnout flight-path angle is the Kepler minimum-energy angle for the range angle
    from the burnout point to the aim point (:func:`bmdsim.flight.kepler.minimum_energy_gamma`), and thrust
    is cut off once the speed suffices. Near the optimum the required speed is flat in the angle (first
    derivative zero), so the few-tenths-of-a-degree shift of the true optimum that drag, J2 and rotation
    cause changes the burnout speed by a negligible amount. Rockets and shells: the low-angle (direct fire)
    solution.
``lofted`` / ``depressed``
    With ``burnout_angle_rad`` given: that burnout flight-path angle, thrust cut off to reach the aim
    point. Without it: the full burn, on the high (lofted) or low (depressed) branch of range versus
    pitch. Rockets and shells: the high or low launcher-elevation solution.
``quasi-ballistic``
    Ballistic missiles with quasi-ballistic parameters (:class:`~bmdsim.flight.vehicles.GlideParams`, from
    the catalog's ``quasi_ballistic`` block; KN-23 class): a depressed boost (fast pitch-over, then a held
    low elevation) shaped to the profile's apogee (``apogee_m`` overrides it), thrust cut off to reach the
    aim point, and lift after burnout (the pull-up and glide of :mod:`bmdsim.flight.dynamics`). The
    controls are azimuth, thrust elevation and cut-off; the residuals the miss and the apogee error. Its
    reach is the full burn at that apogee: a flight that needs more is out of reach.
``apogee_m`` (any profile)
    The trajectory with that apogee height, thrust cut off to reach the aim point.

Method
------
Newton's method on the miss (along and across the launch-to-aim geodesic, plus the profile's constraint)
with a finite-difference Jacobian. Every Newton iteration propagates all rows and their perturbations in
one batched call, so the cost grows little with the number of threats. The initial guess comes from a scan
of the control on the full model. Rows that cannot reach their aim point are flagged, never silently
left short.

All flight-path angles are inertial and measured from the plane perpendicular to the geocentric radius
(the Kepler convention); burnout speed is inertial.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim import _cache
from bmdsim.earth.frames import ecef_to_geodetic, geodetic_to_ecef
from bmdsim.earth.geodesy import surface_distance, surface_inverse
from bmdsim.earth.model import EarthModel
from bmdsim.flight import kepler
from bmdsim.flight.plan import FlightPlan, plan_impulsive, plan_powered
from bmdsim.flight.propagator import Tolerances, Trajectories, propagate
from bmdsim.flight.vehicles import Vehicle

F64 = NDArray[np.float64]
Profile = Literal["minimum-energy", "lofted", "depressed", "quasi-ballistic"]
PROFILES: tuple[str, ...] = ("minimum-energy", "lofted", "depressed", "quasi-ballistic")

MISS_GOAL_M = 1000.0
"""Largest acceptable miss up to 3,000 km ground range [m]."""
MISS_GOAL_FRACTION = 5e-4
"""Largest acceptable miss beyond 3,000 km, as a fraction of ground range (0.05%)."""


class UnreachableTargetError(ValueError):
    """An aim point the vehicle cannot reach with the requested profile."""


def describe_miss(miss_m: float) -> str:
    """A miss distance for messages: metres below 10 km, km above, "no impact" when it never came down."""
    if not np.isfinite(miss_m):
        return "no impact (the flight never came down)"
    return f"{miss_m:,.0f} m" if miss_m < 10e3 else f"{miss_m / 1e3:,.1f} km"


def miss_tolerance_m(ground_range_m: ArrayLike) -> F64:
    """The acceptance limit of a targeting solution: 1 km to 3,000 km range, 0.05% of range beyond."""
    return np.maximum(MISS_GOAL_M, MISS_GOAL_FRACTION * np.asarray(ground_range_m, dtype=float))


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetingSolution:
    """Steering found for ``n`` trajectories and the resulting flights (events only).

    Attributes
    ----------
    plan : FlightPlan
        The plan that flies the solution; re-propagate it with an output grid for time histories.
    trajectories : Trajectories
        Its propagation, events only.
    azimuth_rad, control, cutoff_s : ndarray, shape (n,)
        Launch azimuth; pitch-program end angle (ballistic), launcher elevation (rocket, shell) or burnout
        speed in m/s (impulsive); thrust cut-off time [s] (inf for a full burn).
    miss_m, ground_range_m : ndarray, shape (n,)
        Distance from impact to aim point, and from launch (or burnout) point to impact, along the surface.
    burnout_speed_mps, burnout_gamma_rad : ndarray, shape (n,)
        Inertial speed and flight-path angle at burnout.
    is_reachable : ndarray of bool, shape (n,)
        Miss within :func:`miss_tolerance_m`.
    """

    plan: FlightPlan
    trajectories: Trajectories
    azimuth_rad: F64
    control: F64
    cutoff_s: F64
    miss_m: F64
    ground_range_m: F64
    burnout_speed_mps: F64
    burnout_gamma_rad: F64
    is_reachable: NDArray[np.bool_]


def burnout_kepler_state(tr: Trajectories, earth: EarthModel) -> tuple[F64, F64, F64]:
    """Inertial speed [m/s], flight-path angle [rad] and geocentric radius [m] at burnout, shape (n,)."""
    r = tr.r_burnout_ecef_m
    omega = np.array([0.0, 0.0, earth.omega_rad_s])
    v_inertial = tr.v_burnout_ecef_mps + np.cross(omega, r)
    rn = np.linalg.norm(r, axis=1)
    speed = np.linalg.norm(v_inertial, axis=1)
    gamma = np.arcsin(np.clip(np.einsum("ij,ij->i", r, v_inertial) / (rn * speed), -1.0, 1.0))
    return speed, gamma, rn


@dataclass(frozen=True, slots=True)
class _Geometry:
    lat: F64
    lon: F64
    alt: F64
    aim_lat: F64
    aim_lon: F64
    range_m: F64
    az_m: F64
    earth: EarthModel

    def miss_components(self, tr: Trajectories) -> tuple[F64, F64]:
        """Along-track (range error) and cross-track miss [m] of impacts relative to the aim point."""
        lat_i, lon_i, _ = ecef_to_geodetic(tr.r_impact_ecef_m, self.earth.ellipsoid)
        rng, az, _ = surface_inverse(self.lat, self.lon, lat_i, lon_i, self.earth.ellipsoid)
        d_az = (az - self.az_m + np.pi) % (2 * np.pi) - np.pi
        along = np.where(tr.is_impacted, rng * np.cos(d_az) - self.range_m, -self.range_m)
        cross = np.where(tr.is_impacted, rng * np.sin(d_az), 0.0)
        return along, cross


def _geometry(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike, aim_lat_rad: ArrayLike,
              aim_lon_rad: ArrayLike, earth: EarthModel) -> _Geometry:
    lat, lon, alt, alat, alon = (np.atleast_1d(np.asarray(x, dtype=float)) for x in np.broadcast_arrays(
        lat_rad, lon_rad, alt_m, aim_lat_rad, aim_lon_rad))
    rng, az, _ = surface_inverse(lat, lon, alat, alon, earth.ellipsoid)
    return _Geometry(lat, lon, alt, alat, alon, rng, az, earth)


def _newton(residual: Callable[[F64, NDArray[np.intp]], F64], x0: F64, dx: F64, lo: F64, hi: F64,
            tol: F64, max_step: F64, max_iter: int = 12) -> tuple[F64, F64]:
    """Per-row damped Newton with a forward-difference Jacobian.

    ``residual(x, rows)`` evaluates residuals (m, k) for controls ``x`` (m, k) of the given rows, in one
    batch. Returns the controls and their residuals (n, k).
    """
    n, k = x0.shape
    x = x0.copy()
    res = np.full((n, k), np.inf)
    active = np.arange(n)
    for _ in range(max_iter + 1):
        xs = np.concatenate([x[active]] + [x[active] + dx[j] * np.eye(k)[j] for j in range(k)])
        rows = np.tile(active, k + 1)
        rall = residual(xs, rows).reshape(k + 1, active.size, k)
        r0 = rall[0]
        res[active] = r0
        done = np.all(np.abs(r0) <= tol, axis=1)
        active, r0, rall = active[~done], r0[~done], rall[:, ~done]
        if active.size == 0:
            break
        jac = np.stack([(rall[j + 1] - r0) / dx[j] for j in range(k)], axis=-1)  # (m, k_res, k_x)
        try:
            step = -np.linalg.solve(jac, r0[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = -np.linalg.lstsq(jac.reshape(-1, k), r0.reshape(-1), rcond=None)[0].reshape(-1, k)
        step = np.where(np.isfinite(step), step, 0.0)
        shrink = np.max(np.abs(step) / max_step, axis=1, initial=1.0)
        x[active] = np.clip(x[active] + step / shrink[:, None], lo[active], hi[active])
    return x, res


def _impact_metrics(geo: _Geometry, tr: Trajectories, r0_ecef_m: F64) -> tuple[F64, F64]:
    """Miss [m] and ground range from the start point [m] of the impacts."""
    ell = geo.earth.ellipsoid
    lat_i, lon_i, _ = ecef_to_geodetic(tr.r_impact_ecef_m, ell)
    lat0, lon0, _ = ecef_to_geodetic(r0_ecef_m, ell)
    miss = np.where(tr.is_impacted, surface_distance(lat_i, lon_i, geo.aim_lat, geo.aim_lon, ell), np.inf)
    ground = np.where(tr.is_impacted, surface_distance(lat0, lon0, lat_i, lon_i, ell), np.nan)
    return miss, ground


def _solution(geo: _Geometry, plan: FlightPlan, az: F64, control: F64, cutoff: F64,
              tol: Tolerances | None) -> TargetingSolution:
    tr = propagate(plan, geo.earth, output_step_s=None, tolerances=tol)
    miss, ground = _impact_metrics(geo, tr, plan.r0_ecef_m)
    speed, gamma, _ = burnout_kepler_state(tr, geo.earth)
    return TargetingSolution(plan=plan, trajectories=tr, azimuth_rad=az, control=control, cutoff_s=cutoff,
                             miss_m=miss, ground_range_m=ground, burnout_speed_mps=speed,
                             burnout_gamma_rad=gamma, is_reachable=miss <= miss_tolerance_m(geo.range_m))


def target_impulsive(lat_rad: ArrayLike, lon_rad: ArrayLike, aim_lat_rad: ArrayLike, aim_lon_rad: ArrayLike,
                     *, profile: Profile = "minimum-energy", burnout_angle_rad: float | None = None,
                     burnout_alt_m: float = 0.0, earth: EarthModel | None = None, mass_kg: float = 1000.0,
                     cda_m2: float = 0.0, tolerances: Tolerances | None = None) -> TargetingSolution:
    """Burnout velocity at the launch point (at ``burnout_alt_m``) that lands on the aim point.

    The flight-path angle is the Kepler minimum-energy angle for ``minimum-energy`` (for the range angle on
    the 6371-km-equivalent local radii), or ``burnout_angle_rad`` (required for lofted and depressed);
    Newton then finds the inertial speed and azimuth.
    """
    earth = earth or EarthModel()
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    if profile == "quasi-ballistic":
        raise ValueError("the quasi-ballistic profile needs a missile (its boost and lift), not an impulsive burnout")
    if profile != "minimum-energy" and burnout_angle_rad is None:
        raise ValueError(f"burnout_angle_rad is required for an impulsive {profile} trajectory")
    geo = _geometry(lat_rad, lon_rad, burnout_alt_m, aim_lat_rad, aim_lon_rad, earth)
    n = geo.lat.size
    r_bo = np.linalg.norm(geodetic_to_ecef(geo.lat, geo.lon, geo.alt, earth.ellipsoid), axis=1)
    r_aim = np.linalg.norm(geodetic_to_ecef(geo.aim_lat, geo.aim_lon, 0.0, earth.ellipsoid), axis=1)
    psi = geo.range_m / (0.5 * (r_bo - geo.alt + r_aim))
    if burnout_angle_rad is None:
        gamma = kepler.minimum_energy_gamma(psi, r_bo, r_aim)
    else:
        gamma = np.full(n, float(burnout_angle_rad))
    v_guess = kepler.speed_for_range(psi, gamma, r_bo, r_aim)
    if np.any(~np.isfinite(v_guess)):
        what = "at that burnout angle" if burnout_angle_rad is not None else f"on a {profile} trajectory"
        raise UnreachableTargetError(f"aim point out of reach {what} (an antipodal aim point has no launch "
                                     "direction)")

    def residual(x: F64, rows: NDArray[np.intp]) -> F64:
        plan = plan_impulsive(geo.lat[rows], geo.lon[rows], geo.alt[rows], x[:, 0], gamma[rows], x[:, 1],
                              mass_kg=mass_kg, cda_m2=cda_m2, earth=earth)
        tr = propagate(plan, earth, output_step_s=None, tolerances=tolerances)
        sub = _Geometry(geo.lat[rows], geo.lon[rows], geo.alt[rows], geo.aim_lat[rows], geo.aim_lon[rows],
                        geo.range_m[rows], geo.az_m[rows], earth)
        along, cross = sub.miss_components(tr)
        return np.stack([along, cross], axis=1)

    x0 = np.stack([geo.az_m, v_guess], axis=1)
    x, _ = _newton(residual, x0, dx=np.array([1e-6, 0.01]), lo=np.tile([-np.inf, 1.0], (n, 1)),
                   hi=np.tile([np.inf, 11_000.0], (n, 1)), tol=np.array([0.1, 0.1]),
                   max_step=np.array([0.05, 500.0]))
    plan = plan_impulsive(geo.lat, geo.lon, geo.alt, x[:, 0], gamma, x[:, 1], mass_kg=mass_kg, cda_m2=cda_m2,
                          earth=earth)
    return _solution(geo, plan, x[:, 0], x[:, 1], np.zeros(n), tolerances)


def _control_bounds(vehicle: Vehicle) -> tuple[float, float]:
    """Range of the range-control angle: pitch-program end angle, or launcher elevation [rad]."""
    if vehicle.kind == "ballistic":
        return np.radians(1.0), np.radians(89.0)
    return np.radians(1.0), np.radians(vehicle.max_elevation_deg)


def _full_burn_ranges(vehicle: Vehicle, geo: _Geometry, control: F64, rows: NDArray[np.intp],
                      az: F64 | None = None, tol: Tolerances | None = None) -> tuple[F64, Trajectories]:
    """Range along the launch-to-aim direction of full-burn flights with the given controls (m,)."""
    az = geo.az_m[rows] if az is None else az
    plan = plan_powered(vehicle, geo.lat[rows], geo.lon[rows], geo.alt[rows], az, control,
                        earth=geo.earth)
    tr = propagate(plan, geo.earth, output_step_s=None, tolerances=tol)
    sub = _subset(geo, rows)
    along, _ = sub.miss_components(tr)
    return along + sub.range_m, tr


def _subset(geo: _Geometry, rows: NDArray[np.intp]) -> _Geometry:
    return _Geometry(geo.lat[rows], geo.lon[rows], geo.alt[rows], geo.aim_lat[rows], geo.aim_lon[rows],
                     geo.range_m[rows], geo.az_m[rows], geo.earth)


def _scan_maximum(vehicle: Vehicle, geo: _Geometry, n_scan: int = 24, n_refine: int = 9,
                  tol: Tolerances | None = None) -> tuple[F64, F64, F64, F64]:
    """Full-burn range versus control angle for each row: a scan, then a finer scan and a parabola.

    Range is smooth and has a single maximum in the control angle, so a parabola through the three
    best points of a fine scan (spacing 0.4 deg) locates the peak range to well under a metre.
    Returns the scanned controls (n_scan,), ranges (n, n_scan), and per row the best control and range.
    """
    n = geo.lat.size
    lo, hi = _control_bounds(vehicle)
    grid = np.linspace(lo, hi, n_scan)
    rows = np.repeat(np.arange(n), n_scan)
    ranges, _ = _full_burn_ranges(vehicle, geo, np.tile(grid, n), rows, tol=tol)
    ranges = ranges.reshape(n, n_scan)
    best = np.argmax(np.where(np.isfinite(ranges), ranges, -np.inf), axis=1)
    a = grid[np.maximum(best - 1, 0)]
    b = grid[np.minimum(best + 1, n_scan - 1)]
    fine = a[:, None] + (b - a)[:, None] * np.linspace(0.0, 1.0, n_refine)[None, :]
    f, _ = _full_burn_ranges(vehicle, geo, fine.ravel(), np.repeat(np.arange(n), n_refine), tol=tol)
    f = np.where(np.isfinite(f), f, -np.inf).reshape(n, n_refine)
    k = np.clip(np.argmax(f, axis=1), 1, n_refine - 2)
    rr = np.arange(n)
    x0, x1 = fine[rr, k - 1], fine[rr, k]
    y0, y1, y2 = f[rr, k - 1], f[rr, k], f[rr, k + 1]
    denom = y0 - 2.0 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(denom < 0, 0.5 * (y0 - y2) / denom, 0.0)
    x_best = x1 + np.clip(shift, -1.0, 1.0) * (x1 - x0)
    x_best = np.clip(x_best, lo, hi)
    r_best, _ = _full_burn_ranges(vehicle, geo, x_best, rr, tol=tol)
    better = f[rr, k] > r_best  # the parabola can only help; keep the best sampled point otherwise
    x_best = np.where(better, x1, x_best)
    r_best = np.where(better, f[rr, k], r_best)
    return grid, ranges, x_best, r_best


def maximum_range(vehicle: Vehicle, lat_rad: ArrayLike, lon_rad: ArrayLike, azimuth_rad: ArrayLike,
                  *, alt_m: ArrayLike = 0.0, earth: EarthModel | None = None,
                  tolerances: Tolerances | None = None, use_cache: bool = True) -> tuple[F64, F64]:
    """Longest ground range of a full burn fired on the given azimuth, over the range-control angle.

    Returns ``(range_m, control_rad)``: the range along the surface from the launch point, and the
    pitch-program end angle (ballistic) or launcher elevation (rocket, shell) that gives it.
    """
    earth = earth or EarthModel()
    lat, lon, az, alt = (np.atleast_1d(np.asarray(x, dtype=float)) for x in np.broadcast_arrays(
        lat_rad, lon_rad, azimuth_rad, alt_m))
    if use_cache:
        out = _cache.cached((vehicle, lat, lon, az, alt, earth, tolerances), lambda: dict(zip(
            ("range_m", "control_rad"), maximum_range(vehicle, lat, lon, az, alt_m=alt, earth=earth,
                                                      tolerances=tolerances, use_cache=False), strict=True)),
            "maximum_range")
        return out["range_m"], out["control_rad"]
    # a far aim point on the azimuth defines the direction of the along-track range
    from bmdsim.earth.geodesy import surface_forward
    alat, alon = surface_forward(lat, lon, az, 1000.0, earth.ellipsoid)
    geo = _geometry(lat, lon, alt, alat, alon, earth)
    _, _, x_best, r_best = _scan_maximum(vehicle, geo, tol=tolerances)
    return r_best, x_best


def target_missile(vehicle: Vehicle, lat_rad: ArrayLike, lon_rad: ArrayLike, aim_lat_rad: ArrayLike,
                   aim_lon_rad: ArrayLike, *, profile: Profile = "minimum-energy",
                   burnout_angle_rad: float | None = None, apogee_m: float | None = None,
                   alt_m: ArrayLike = 0.0, earth: EarthModel | None = None,
                   tolerances: Tolerances | None = None, use_cache: bool = True) -> TargetingSolution:
    """Steering of a vehicle from launch points to aim points on the full model (see module notes).

    Solutions are kept in the on-disk cache of :mod:`bmdsim._cache` (keyed by every input and the
    code version; ``use_cache=False`` or ``BMDSIM_NO_CACHE=1`` bypasses it). A cached solution is the one
    this function computed, array for array.

    Raises
    ------
    UnreachableTargetError
        If any aim point lies beyond the vehicle's reach with the requested profile.
    ValueError
        For an unknown profile or a profile the vehicle cannot fly.
    """
    earth = earth or EarthModel()
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    if profile == "quasi-ballistic" and (vehicle.kind != "ballistic" or vehicle.glide is None):
        raise ValueError(f"{vehicle.name} cannot fly the quasi-ballistic profile: it needs a ballistic missile "
                         "with a quasi_ballistic block in the threat catalog (as kn-23 has)")
    if profile == "quasi-ballistic" and burnout_angle_rad is not None:
        raise ValueError("the quasi-ballistic profile is shaped by its apogee; a burnout angle cannot be chosen")
    if vehicle.kind != "ballistic" and (burnout_angle_rad is not None or apogee_m is not None):
        raise ValueError(f"{vehicle.name} is an unguided {vehicle.kind}: it flies a full burn, so a burnout "
                         "angle or apogee cannot be chosen; use --profile lofted or depressed")
    if use_cache:
        args = [np.atleast_1d(np.asarray(x, dtype=float)) for x in np.broadcast_arrays(
            lat_rad, lon_rad, aim_lat_rad, aim_lon_rad, alt_m)]
        arrays = _cache.cached(
            (vehicle, *args, profile, burnout_angle_rad, apogee_m, earth, tolerances),
            lambda: _flatten(target_missile(vehicle, *args[:4], profile=profile, burnout_angle_rad=burnout_angle_rad,
                                            apogee_m=apogee_m, alt_m=args[4], earth=earth, tolerances=tolerances,
                                            use_cache=False)), "target_missile")
        return _unflatten(arrays)
    geo = _geometry(lat_rad, lon_rad, alt_m, aim_lat_rad, aim_lon_rad, earth)
    if profile == "quasi-ballistic":
        return _target_quasi_ballistic(vehicle, geo, apogee_m, tolerances)
    grid, ranges, x_best, r_best = _scan_maximum(vehicle, geo, tol=tolerances)
    short = geo.range_m > r_best
    if short.any():
        i = int(np.argmax(short))
        raise UnreachableTargetError(
            f"aim point out of reach: {geo.range_m[i] / 1e3:,.0f} km from the launch point, beyond the "
            f"{vehicle.name} maximum of {r_best[i] / 1e3:,.0f} km on this azimuth")
    full_burn = vehicle.kind != "ballistic" or (
        profile != "minimum-energy" and burnout_angle_rad is None and apogee_m is None)
    if full_burn:
        return _target_full_burn(vehicle, geo, profile, grid, ranges, x_best, tolerances)
    return _target_cutoff(vehicle, geo, profile, burnout_angle_rad, apogee_m, x_best, tolerances)


def _target_full_burn(vehicle: Vehicle, geo: _Geometry, profile: Profile, grid: F64, ranges: F64,
                      x_best: F64, tol: Tolerances | None) -> TargetingSolution:
    n = geo.lat.size
    lo, hi = _control_bounds(vehicle)
    high = profile == "lofted"
    x0 = np.empty(n)
    for i in range(n):
        side = grid > x_best[i] if high else grid < x_best[i]
        g, r = grid[side], ranges[i, side]
        ok = np.isfinite(r)
        g, r = g[ok], r[ok]
        order = np.argsort(r)
        if g.size == 0 or geo.range_m[i] < r.min():
            what = "pitch-program end angle" if vehicle.kind == "ballistic" else "launcher elevation"
            raise UnreachableTargetError(
                f"no {profile} full-burn trajectory of {vehicle.name} falls as short as "
                f"{geo.range_m[i] / 1e3:,.0f} km (the shortest, at the extreme {what}, reaches "
                f"{(r.min() if g.size else np.nan) / 1e3:,.0f} km); choose a burnout angle or apogee instead")
        x0[i] = np.interp(geo.range_m[i], r[order], g[order])
    bound_lo = np.where(high, x_best, lo)
    bound_hi = np.where(high, hi, x_best)

    def residual(x: F64, rows: NDArray[np.intp]) -> F64:
        plan = plan_powered(vehicle, geo.lat[rows], geo.lon[rows], geo.alt[rows], x[:, 0], x[:, 1],
                            earth=geo.earth)
        tr = propagate(plan, geo.earth, output_step_s=None, tolerances=tol)
        along, cross = _subset(geo, rows).miss_components(tr)
        return np.stack([along, cross], axis=1)

    x, _ = _newton(residual, np.stack([geo.az_m, x0], axis=1), dx=np.array([1e-6, 1e-5]),
                   lo=np.stack([np.full(n, -np.inf), bound_lo], axis=1),
                   hi=np.stack([np.full(n, np.inf), bound_hi], axis=1), tol=np.array([0.5, 0.5]),
                   max_step=np.array([0.05, 0.05]), max_iter=15)
    plan = plan_powered(vehicle, geo.lat, geo.lon, geo.alt, x[:, 0], x[:, 1], earth=geo.earth)
    sol = _solution(geo, plan, x[:, 0], x[:, 1], np.full(n, np.inf), tol)
    if not sol.is_reachable.all():
        bad = int(np.argmax(~sol.is_reachable))
        raise UnreachableTargetError(
            f"targeting of {vehicle.name} ({profile}, full burn) did not converge: best miss "
            f"{describe_miss(sol.miss_m[bad])} at {geo.range_m[bad] / 1e3:,.0f} km")
    return sol


def _target_cutoff(vehicle: Vehicle, geo: _Geometry, profile: Profile, burnout_angle_rad: float | None,
                   apogee_m: float | None, x_best: F64, tol: Tolerances | None) -> TargetingSolution:
    n = geo.lat.size
    earth = geo.earth
    t_burn = vehicle.burn_time_s
    t_min = vehicle.vertical_rise_s + 1.0
    r_aim = np.linalg.norm(geodetic_to_ecef(geo.aim_lat, geo.aim_lon, 0.0, earth.ellipsoid), axis=1)
    r_aim_ecef = geodetic_to_ecef(geo.aim_lat, geo.aim_lon, 0.0, earth.ellipsoid)

    def constraint(tr: Trajectories, rows: NDArray[np.intp]) -> F64:
        if apogee_m is not None:
            return (tr.apogee_alt_m - apogee_m) / 1e3  # km, so that tolerances read alike
        _, gamma, r_bo = burnout_kepler_state(tr, earth)
        if burnout_angle_rad is not None:
            target = np.full(rows.size, burnout_angle_rad)
        else:
            cosang = np.einsum("ij,ij->i", tr.r_burnout_ecef_m, r_aim_ecef[rows]) / (
                r_bo * r_aim[rows])
            psi = np.arccos(np.clip(cosang, -1.0, 1.0))
            target = kepler.minimum_energy_gamma(psi, r_bo, r_aim[rows])
        return np.degrees(gamma - target)

    def residual(x: F64, rows: NDArray[np.intp]) -> F64:
        plan = plan_powered(vehicle, geo.lat[rows], geo.lon[rows], geo.alt[rows], x[:, 0], x[:, 1],
                            cutoff_s=x[:, 2], earth=earth)
        tr = propagate(plan, earth, output_step_s=None, tolerances=tol)
        along, cross = _subset(geo, rows).miss_components(tr)
        return np.stack([along, cross, constraint(tr, rows)], axis=1)

    # Initial guess: pitch end near the wanted burnout angle, cut-off from a scan along the burn.
    psi0 = geo.range_m / r_aim
    gamma0 = (np.full(n, burnout_angle_rad) if burnout_angle_rad is not None
              else kepler.minimum_energy_gamma(psi0, r_aim, r_aim))
    pitch0 = np.clip(gamma0, *_control_bounds(vehicle))
    cut_grid = np.linspace(t_min + 0.3 * (t_burn - t_min), t_burn, 10)
    rows = np.repeat(np.arange(n), cut_grid.size)
    plan = plan_powered(vehicle, geo.lat[rows], geo.lon[rows], geo.alt[rows], geo.az_m[rows], pitch0[rows],
                        cutoff_s=np.tile(cut_grid, n), earth=earth)
    along, _ = _subset(geo, rows).miss_components(propagate(plan, earth, output_step_s=None, tolerances=tol))
    along = along.reshape(n, cut_grid.size)
    cut0 = np.array([np.interp(0.0, np.maximum.accumulate(along[i]), cut_grid) for i in range(n)])
    lo_b = np.tile([-np.inf, np.radians(1.0), t_min], (n, 1))
    hi_b = np.tile([np.inf, np.radians(89.0), t_burn], (n, 1))
    x, res = _newton(residual, np.stack([geo.az_m, pitch0, cut0], axis=1), dx=np.array([1e-6, 1e-5, 1e-3]),
                     lo=lo_b, hi=hi_b, tol=np.array([0.5, 0.5, 1e-3]), max_step=np.array([0.05, 0.1, 20.0]),
                     max_iter=20)
    plan = plan_powered(vehicle, geo.lat, geo.lon, geo.alt, x[:, 0], x[:, 1], cutoff_s=x[:, 2], earth=earth)
    sol = _solution(geo, plan, x[:, 0], x[:, 1], x[:, 2], tol)
    failed = ~sol.is_reachable | (np.abs(res[:, 2]) > 0.05)
    if failed.any() and burnout_angle_rad is None and apogee_m is None:
        # Near the maximum range the Kepler minimum-energy angle needs more than the full burn: the
        # least-energy trajectory that still arrives is then the full burn itself, on the branch of the
        # pitch angle Newton was heading for.
        rows = np.flatnonzero(failed)
        sub = _subset(geo, rows)
        grid, ranges, xb, _ = _scan_maximum(vehicle, sub, tol=tol)
        parts = []
        for branch in ("lofted", "depressed"):
            pick = (x[rows, 1] > xb) == (branch == "lofted")
            if pick.any():
                try:
                    part = _target_full_burn(vehicle, _subset(sub, np.flatnonzero(pick)), branch, grid,
                                             ranges[pick], xb[pick], tol)
                except UnreachableTargetError:  # name the profile asked for, not the fallback's branch
                    short = geo.range_m[rows[pick]].min()
                    raise UnreachableTargetError(
                        f"no minimum-energy trajectory of {vehicle.name} reaches {describe_miss(short)}: the "
                        "range is too short or too long for its burn; choose a burnout angle or apogee "
                        "instead") from None
                parts.append((rows[pick], part))
        for r, part in parts:
            sol = _merge(sol, part, r)
        return sol
    if failed.any():
        bad = int(np.argmax(failed))
        what = "apogee" if apogee_m is not None else "burnout angle"
        raise UnreachableTargetError(
            f"aim point out of reach for {vehicle.name} with that {what}: best miss "
            f"{describe_miss(sol.miss_m[bad])} at {geo.range_m[bad] / 1e3:,.0f} km")
    return sol


def _target_quasi_ballistic(vehicle: Vehicle, geo: _Geometry, apogee_m: float | None,
                            tol: Tolerances | None) -> TargetingSolution:
    """The quasi-ballistic profile (module notes): Newton on azimuth, elevation and cut-off."""
    n = geo.lat.size
    earth = geo.earth
    apogee = float(apogee_m if apogee_m is not None else vehicle.glide.apogee_m)  # type: ignore[union-attr]
    t_burn = vehicle.burn_time_s
    t_min = vehicle.vertical_rise_s + 1.0
    lo, hi = _control_bounds(vehicle)

    def fly(rows: NDArray[np.intp], az: F64, pitch: F64, cutoff: ArrayLike) -> Trajectories:
        plan = plan_powered(vehicle, geo.lat[rows], geo.lon[rows], geo.alt[rows], az, pitch, cutoff_s=cutoff,
                            earth=earth, glide=True)
        return propagate(plan, earth, output_step_s=None, tolerances=tol)

    # Full burns over the elevation: apogee rises with it, so the elevation of the profile's apogee and the
    # range there (the reach) follow by interpolation.
    grid = np.linspace(lo, np.radians(45.0), 12)
    rows = np.repeat(np.arange(n), grid.size)
    tr = fly(rows, geo.az_m[rows], np.tile(grid, n), np.inf)
    apo = tr.apogee_alt_m.reshape(n, grid.size)
    along, _ = _subset(geo, rows).miss_components(tr)
    reach = (along + geo.range_m[rows]).reshape(n, grid.size)
    pitch_full = np.array([np.interp(apogee, np.maximum.accumulate(apo[i]), grid) for i in range(n)])
    reach_full = np.array([np.interp(pitch_full[i], grid, reach[i]) for i in range(n)])
    if np.any(apo[:, 0] > apogee) or np.any(apo[:, -1] < apogee):
        raise UnreachableTargetError(f"{vehicle.name} cannot fly a quasi-ballistic arc with a {apogee / 1e3:,.0f} km "
                                     "apogee on a full burn: choose an apogee within its reach")
    far = geo.range_m > 1.01 * reach_full
    if far.any():
        i = int(np.argmax(far))
        raise UnreachableTargetError(
            f"aim point out of reach: {geo.range_m[i] / 1e3:,.0f} km from the launch point, beyond the "
            f"{vehicle.name} quasi-ballistic reach of about {reach_full[i] / 1e3:,.0f} km at a "
            f"{apogee / 1e3:,.0f} km apogee")
    # Cut-off guess along the burn at that elevation, then Newton on (azimuth, elevation, cut-off).
    cut_grid = np.linspace(t_min + 0.3 * (t_burn - t_min), t_burn, 10)
    rows = np.repeat(np.arange(n), cut_grid.size)
    tr = fly(rows, geo.az_m[rows], pitch_full[rows], np.tile(cut_grid, n))
    along, _ = _subset(geo, rows).miss_components(tr)
    along = along.reshape(n, cut_grid.size)
    cut0 = np.array([np.interp(0.0, np.maximum.accumulate(along[i]), cut_grid) for i in range(n)])

    def residual(x: F64, rows: NDArray[np.intp]) -> F64:
        tr = fly(rows, x[:, 0], x[:, 1], x[:, 2])
        along, cross = _subset(geo, rows).miss_components(tr)
        return np.stack([along, cross, (tr.apogee_alt_m - apogee) / 1e3], axis=1)

    x, res = _newton(residual, np.stack([geo.az_m, pitch_full, cut0], axis=1), dx=np.array([1e-6, 1e-5, 1e-3]),
                     lo=np.tile([-np.inf, lo, t_min], (n, 1)), hi=np.tile([np.inf, hi, t_burn], (n, 1)),
                     tol=np.array([0.5, 0.5, 1e-3]), max_step=np.array([0.05, 0.1, 5.0]), max_iter=20)
    plan = plan_powered(vehicle, geo.lat, geo.lon, geo.alt, x[:, 0], x[:, 1], cutoff_s=x[:, 2], earth=earth,
                        glide=True)
    sol = _solution(geo, plan, x[:, 0], x[:, 1], x[:, 2], tol)
    failed = ~sol.is_reachable | (np.abs(res[:, 2]) > 0.05)
    if failed.any():
        bad = int(np.argmax(failed))
        raise UnreachableTargetError(
            f"quasi-ballistic targeting of {vehicle.name} did not converge: best miss "
            f"{describe_miss(sol.miss_m[bad])}, apogee {sol.trajectories.apogee_alt_m[bad] / 1e3:,.1f} km at "
            f"{geo.range_m[bad] / 1e3:,.0f} km")
    return sol


def _merge(sol: TargetingSolution, part: TargetingSolution, rows: NDArray[np.intp]) -> TargetingSolution:
    """``sol`` with the given rows replaced by the rows of ``part`` (all per-row arrays, recursively)."""

    def put(a, b):
        if isinstance(a, np.ndarray) and a.ndim >= 1 and a.shape[0] == sol.azimuth_rad.size:
            out = a.copy()
            if b.ndim >= 2 and a.ndim >= 2 and b.shape[1] != a.shape[1]:  # phase tables of other width
                return out
            out[rows] = b
            return out
        return a

    def merged(obj_a, obj_b):
        return type(obj_a)(**{f: put(getattr(obj_a, f), getattr(obj_b, f))
                              for f in obj_a.__dataclass_fields__})

    fields = {f: put(getattr(sol, f), getattr(part, f)) for f in sol.__dataclass_fields__}
    fields["plan"] = merged(sol.plan, part.plan)
    fields["trajectories"] = merged(sol.trajectories, part.trajectories)
    return TargetingSolution(**fields)


def _flatten(sol: TargetingSolution) -> dict[str, np.ndarray]:
    """Every array of a solution under a flat name (``plan.<field>``, ``trajectories.<field>``, ``<field>``)."""
    out = {}
    for f in sol.__dataclass_fields__:
        v = getattr(sol, f)
        if f in ("plan", "trajectories"):
            out.update({f"{f}.{g}": getattr(v, g) for g in v.__dataclass_fields__})
        else:
            out[f] = v
    return out


def _unflatten(arrays: dict[str, np.ndarray]) -> TargetingSolution:
    """The inverse of :func:`_flatten`."""
    plan = FlightPlan(**{g: arrays[f"plan.{g}"] for g in FlightPlan.__dataclass_fields__})
    tr = Trajectories(**{g: arrays[f"trajectories.{g}"] for g in Trajectories.__dataclass_fields__})
    return TargetingSolution(plan=plan, trajectories=tr, **{f: arrays[f] for f in TargetingSolution.__dataclass_fields__
                                                           if f not in ("plan", "trajectories")})
