"""Closed-form Kepler (two-body) free flight of a ballistic missile.

What it models
    The unpowered flight of a ballistic missile from burnout to impact as an arc of a Keplerian ellipse about
    a point-mass Earth: range angle, flight time, apogee, the burnout speed and flight-path angle needed for a
    given range, the minimum-energy trajectory and the maximum range at a given burnout speed.

Assumptions
    Spherical, non-rotating Earth of radius ``SPHERE_RADIUS_M`` (6371 km); point-mass gravity
    ``GM_EARTH_M3_S2`` (no J2); vacuum (no drag, no lift, no thrust after burnout). Speeds are inertial and
    ranges are measured on the non-rotating sphere, so Earth rotation (up to ~0.46 km/s of launch-site speed
    and the target moving under the missile) is ignored: this module is for validation, quick looks and
    initial guesses, not for targeting a real rotating Earth.

Validity
    Sub-orbital ellipses only: burnout speed below escape (``Q = v² r / GM < 2``) and a trajectory that
    comes back down to the impact radius on its descending branch. Outside that domain the functions return
    NaN. Near-circular trajectories (``Q ≈ 1`` with ``γ ≈ 0``) are ill-conditioned: their range is
    physically hypersensitive to speed and flight-path angle.

Conventions
    ``gamma_rad`` is the flight-path angle from the local horizontal (perpendicular to the radius vector) to
    the velocity, positive up, in [-π/2, π/2]. ``psi_rad`` is the central angle travelled from the burnout
    point to the impact point in the direction of motion, in [0, 2π); the ground range on the sphere is
    ``R * psi``. ``Q = v² r / GM`` is the dimensionless burnout parameter of [BMW71]_ eq. (6.2-1).

Derivations, equation numbers and uses are in ``docs/methods/kepler.md``.

References
----------
.. [BMW71] R. R. Bate, D. D. Mueller, J. E. White, *Fundamentals of Astrodynamics*, Dover (1971), ch. 6
   "Ballistic missile trajectories", sec. 6.2 (eqs. 6.2-1 to 6.2-22), and ch. 4, sec. 4.2 (Kepler's equation).
.. [Battin99] R. H. Battin, *An Introduction to the Mathematics and Methods of Astrodynamics*, rev. ed.,
   AIAA (1999), ch. 7, the two-body boundary-value (Lambert) problem: minimum-energy orbit between two
   points, ``a_min = s / 2 = (r1 + r2 + c) / 4``, and Lagrange's time-of-flight equation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.earth.constants import GM_EARTH_M3_S2, SPHERE_RADIUS_M

__all__ = [
    "KeplerTrajectory",
    "apogee_altitude",
    "flight_time",
    "gammas_for_range",
    "maximum_range_angle",
    "minimum_energy_gamma",
    "minimum_energy_speed",
    "minimum_energy_trajectory",
    "range_angle",
    "speed_for_range",
]

F64 = NDArray[np.float64]

_TWO_PI = 2.0 * np.pi
_DESCENT_RTOL = 1e-12
"""Relative tolerance on the sign of the radial speed at impact. A point reached exactly at apogee (radial
speed zero) may come out as +1e-17 after rounding; 1e-12 of the terms' size is far above rounding noise and
far below any physically distinct trajectory (about 1e-8 m/s of radial speed at 7 km/s)."""


# --------------------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------------------
def _f64(x: ArrayLike) -> F64:
    return np.asarray(x, dtype=np.float64)


def _require(func: str, name: str, x: F64, *, bad: NDArray[np.bool_], rule: str, unit: str,
             hint: str = "") -> None:
    """Raise ``ValueError`` naming the argument, the rule and the first offending value (NaN passes)."""
    if np.any(bad):
        xb, bb = np.broadcast_arrays(x, bad)
        first = float(xb[bb].flat[0])
        tail = f" {hint}" if hint else ""
        raise ValueError(f"{func}: {name} must be {rule} {unit}, got {first!r}.{tail}")


def _check_radius(func: str, name: str, r: F64) -> None:
    _require(func, name, r, bad=r <= 0.0, rule="> 0", unit="m",
             hint="Radii are measured from the Earth's centre, e.g. SPHERE_RADIUS_M + altitude_m.")


def _check_speed(func: str, name: str, v: F64) -> None:
    _require(func, name, v, bad=v < 0.0, rule=">= 0", unit="m/s", hint="Pass the inertial speed magnitude.")


def _check_gamma(func: str, gamma: F64) -> None:
    _require(func, "gamma_rad", gamma, bad=np.abs(gamma) > np.pi / 2, rule="in [-pi/2, pi/2]", unit="rad",
             hint="It is measured from the local horizontal; convert degrees with np.radians.")


def _check_psi(func: str, psi: F64) -> None:
    _require(func, "psi_rad", psi, bad=(psi < 0.0) | (psi >= _TWO_PI), rule="in [0, 2*pi)", unit="rad",
             hint="psi is a central angle; a ground range converts as psi_rad = range_m / r_surface_m.")


def _check_gm(func: str, gm: F64) -> None:
    _require(func, "gm", gm, bad=gm <= 0.0, rule="> 0", unit="m^3/s^2")


def _trig(gamma: F64) -> tuple[F64, F64]:
    """sin and cos of the flight-path angle; ``+ 0.0`` turns a -0.0 sine into +0.0 so that a horizontal
    burnout is treated as the ascending case in the atan2 branch choices below."""
    return np.sin(gamma) + 0.0, np.cos(gamma)


# --------------------------------------------------------------------------------------------------------
# Conic kernels (dimensionless)
# --------------------------------------------------------------------------------------------------------
def _radial_speed_sq_at_impact(q: F64, sg: F64, cg: F64, dk: F64) -> F64:
    """``W = r_bo * rdot_impact² / GM`` (dimensionless); negative when the conic never reaches ``r_impact``.

    From energy and angular momentum, ``W = 2 (k - 1) + Q (1 - k² cos²γ)`` with ``k = r_bo / r_impact``;
    written with ``dk = k - 1`` and ``1 - k² cos²γ = sin²γ - dk (2 + dk) cos²γ`` so that nothing cancels when
    the radii are equal (then ``W = Q sin²γ`` exactly).
    """
    return 2.0 * dk + q * (sg * sg - dk * (2.0 + dk) * cg * cg)


def _descending_range(q: F64, sg: F64, cg: F64, dk: F64, w: F64) -> F64:
    """Central angle from burnout to the descending crossing of ``r_impact``.

    With true anomaly ``nu``: ``e cos nu_bo = Q cos²γ - 1``, ``e sin nu_bo = Q sinγ cosγ`` (conic, 6.2-5);
    at impact ``e cos nu_0 = Q k cos²γ - 1`` and ``e sin nu_0 = cosγ sqrt(Q W) >= 0`` (the root of
    ``e² - (e cos nu_0)²``, expanded so it does not cancel), and the descending crossing is at ``2π - nu_0``.
    Hence ``psi = (π - nu_bo) + (π - nu_0)``, each term an atan2 that stays accurate for short ranges.
    """
    k = 1.0 + dk
    t_bo = np.arctan2(q * sg * cg, 1.0 - q * cg * cg)
    t_imp = np.arctan2(cg * np.sqrt(q * np.maximum(w, 0.0)), 1.0 - q * k * cg * cg)
    return t_bo + t_imp


def _free_flight(q: F64, sg: F64, cg: F64, dk: F64) -> tuple[F64, F64, NDArray[np.bool_]]:
    """Range angle, ``W`` and validity of the free flight from a burnout state (for the state functions).

    Valid: a sub-orbital ellipse (``Q < 2``) whose apogee reaches ``r_impact`` (``W >= 0``), not starting
    below ``r_impact`` on the way down, and not a closed orbit that only grazes ``r_impact`` at perigee
    after a full revolution (``psi = 2π``, burnout horizontal at perigee with equal radii).
    """
    w = _radial_speed_sq_at_impact(q, sg, cg, dk)
    psi = _descending_range(q, sg, cg, dk, w)
    ok = (q < 2.0) & (w >= 0.0) & ((sg >= 0.0) | (dk >= 0.0)) & (psi < _TWO_PI)
    return psi, w, ok


def _arrives_descending(q: F64, sg: F64, cg: F64, psi: F64, dk: F64) -> NDArray[np.bool_]:
    """Whether the point at ``psi`` on the conic through burnout is its first descending crossing.

    The point is known to lie on the conic at radius ``r_impact``; it is a descending crossing when the
    radial speed there, proportional to ``e sin(nu_bo + psi) = Q sinγ cosγ cos psi + (Q cos²γ - 1) sin psi``,
    is not positive. This sign is well conditioned even where the true anomalies themselves are not (nearly
    circular conics as psi -> π). A burnout below ``r_impact`` that is already descending never reaches it.
    """
    term1 = q * sg * cg * np.cos(psi)
    term2 = (q * cg * cg - 1.0) * np.sin(psi)
    descending = term1 + term2 <= _DESCENT_RTOL * (np.abs(term1) + np.abs(term2))
    return descending & (0.0 <= q) & (q < 2.0) & ((sg >= 0.0) | (dk >= 0.0)) & (cg >= 0.0)


# --------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------
def range_angle(r_bo_m: ArrayLike, v_bo_m_s: ArrayLike, gamma_bo_rad: ArrayLike,
                r_impact_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Free-flight range angle from burnout to impact on the descending branch.

    Parameters
    ----------
    r_bo_m : array_like
        Burnout radius from the Earth's centre [m].
    v_bo_m_s : array_like
        Inertial burnout speed [m/s].
    gamma_bo_rad : array_like
        Burnout flight-path angle above the local horizontal [rad], in [-π/2, π/2].
    r_impact_m : array_like, optional
        Radius at which the flight ends [m] (default the sphere radius, 6371 km).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    psi_rad : ndarray
        Central angle travelled to the first descending crossing of ``r_impact_m`` [rad], in [0, 2π);
        broadcast shape of the inputs. NaN where the conic is not a sub-orbital ellipse (``Q >= 2``, even if
        a hyperbola would strike the sphere first), where its apogee is below ``r_impact_m``, where burnout
        is below ``r_impact_m`` and already descending, and for an orbit that only grazes ``r_impact_m``.

    Notes
    -----
    ``psi = atan2(Q sinγ cosγ, 1 - Q cos²γ) + atan2(cosγ sqrt(Q W), 1 - Q k cos²γ)`` with
    ``k = r_bo / r_impact`` and ``W = 2(k - 1) + Q(1 - k² cos²γ)``, from the conic equation
    ([BMW71] eqs. 6.2-5 to 6.2-7). For ``r_bo == r_impact`` it reduces to the free-flight range equation
    ([BMW71] eq. 6.2-12), ``cos(psi/2) = (1 - Q cos²γ) / sqrt(1 + Q (Q - 2) cos²γ)``.

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eqs. 6.2-1, 6.2-5 to 6.2-7 and 6.2-12.

    Examples
    --------
    BMW (1971) p. 290, in canonical units (DU = Earth radius, GM = 1): r_bo = 1.2, v_bo = 2/3,
    cos γ = 0.625 gives a free-flight range of about 36.4 degrees.

    >>> import numpy as np
    >>> round(float(np.degrees(range_angle(1.2, 2 / 3, np.arccos(0.625), r_impact_m=1.2, gm=1.0))), 2)
    36.39
    """
    r1, v, gamma, r2, mu = (_f64(x) for x in (r_bo_m, v_bo_m_s, gamma_bo_rad, r_impact_m, gm))
    func = "range_angle"
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_impact_m", r2)
    _check_speed(func, "v_bo_m_s", v)
    _check_gamma(func, gamma)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = v * v * r1 / mu
        sg, cg = _trig(gamma)
        psi, _, ok = _free_flight(q, sg, cg, (r1 - r2) / r2)
        # Rounding can leave -1e-17 for a descending burnout at r_impact itself (psi = 0 exactly).
        return np.asarray(np.where(ok, np.maximum(psi, 0.0), np.nan), dtype=np.float64)


def speed_for_range(psi_rad: ArrayLike, gamma_rad: ArrayLike, r_bo_m: ArrayLike = SPHERE_RADIUS_M,
                    r_impact_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Burnout speed that reaches range angle ``psi_rad`` when fired at flight-path angle ``gamma_rad``.

    Parameters
    ----------
    psi_rad : array_like
        Free-flight range angle [rad], in [0, 2π).
    gamma_rad : array_like
        Burnout flight-path angle above the local horizontal [rad], in [-π/2, π/2].
    r_bo_m, r_impact_m : array_like, optional
        Burnout and impact radii from the Earth's centre [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    v_bo_m_s : ndarray
        Inertial burnout speed [m/s]; NaN where no sub-orbital ellipse leaving at ``gamma_rad`` reaches
        ``psi_rad`` on its descending branch (too shallow an angle for a long range, or an arrival that
        would be on the ascending branch).

    Notes
    -----
    Putting the impact point into the conic equation through burnout ([BMW71] eq. 6.2-5) gives
    ``1 - cos psi = Q cos²γ (r_bo / r_impact) - Q cosγ cos(γ + psi)``, solved here for Q as
    ``Q = 2 sin²(psi/2) / (cosγ [(k - 1) cosγ + 2 sin(γ + psi/2) sin(psi/2)])``. For equal radii this is
    ``Q = sin(psi/2) / (cosγ sin(γ + psi/2))``, the free-flight range equation ([BMW71] 6.2-12) solved for Q.

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eqs. 6.2-1, 6.2-5 and 6.2-12.
    """
    psi, gamma, r1, r2, mu = (_f64(x) for x in (psi_rad, gamma_rad, r_bo_m, r_impact_m, gm))
    func = "speed_for_range"
    _check_psi(func, psi)
    _check_gamma(func, gamma)
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_impact_m", r2)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        sg, cg = _trig(gamma)
        dk = (r1 - r2) / r2
        s_half = np.sin(0.5 * psi)
        den = cg * (dk * cg + 2.0 * np.sin(gamma + 0.5 * psi) * s_half)
        q = 2.0 * s_half * s_half / den
        ok = (den > 0.0) & _arrives_descending(q, sg, cg, psi, dk)
        return np.asarray(np.where(ok, np.sqrt(q * mu / r1), np.nan), dtype=np.float64)


def gammas_for_range(psi_rad: ArrayLike, v_bo_m_s: ArrayLike, r_bo_m: ArrayLike = SPHERE_RADIUS_M,
                     r_impact_m: ArrayLike = SPHERE_RADIUS_M,
                     gm: ArrayLike = GM_EARTH_M3_S2) -> tuple[F64, F64]:
    """The two burnout flight-path angles that reach range angle ``psi_rad`` at burnout speed ``v_bo_m_s``.

    Parameters
    ----------
    psi_rad : array_like
        Free-flight range angle [rad], in [0, 2π).
    v_bo_m_s : array_like
        Inertial burnout speed [m/s].
    r_bo_m, r_impact_m : array_like, optional
        Burnout and impact radii from the Earth's centre [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    gamma_low_rad, gamma_high_rad : ndarray
        Depressed (low) and lofted (high) flight-path angles [rad]. Both NaN where the speed is below the
        minimum-energy speed for this range; either one NaN where that solution is not a sub-orbital
        descending-branch arrival (for equal radii and ``Q > 1`` the low root is negative and is dropped,
        as in [BMW71] p. 291).

    Notes
    -----
    The range relation of :func:`speed_for_range` is linear in ``cos 2γ`` and ``sin 2γ``:
    ``(k - cos psi) cos 2γ + sin psi sin 2γ = 2 (1 - cos psi) / Q - k + cos psi``, i.e.
    ``A cos(2γ - δ) = C`` with ``A = c / r_impact`` (``c`` the chord between burnout and impact points) and
    ``δ = atan2(sin psi, k - cos psi)``. The roots are ``γ = (δ ∓ arccos(C / A)) / 2``, so
    ``γ_low + γ_high = δ``, which for equal radii is ``(π - psi) / 2``; this is [BMW71] eq. 6.2-16,
    ``sin(2γ + psi/2) = ((2 - Q) / Q) sin(psi/2)``.

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eq. 6.2-16 and the example on p. 291.
    """
    psi, v, r1, r2, mu = (_f64(x) for x in (psi_rad, v_bo_m_s, r_bo_m, r_impact_m, gm))
    func = "gammas_for_range"
    _check_psi(func, psi)
    _check_speed(func, "v_bo_m_s", v)
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_impact_m", r2)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = v * v * r1 / mu
        dk = (r1 - r2) / r2
        s_half = np.sin(0.5 * psi)
        k_minus_cos = dk + 2.0 * s_half * s_half  # k - cos(psi), without cancellation
        sin_psi = np.sin(psi)
        amp = np.hypot(k_minus_cos, sin_psi)  # chord / r_impact
        delta = np.arctan2(sin_psi, k_minus_cos)
        rhs = 4.0 * s_half * s_half / q - k_minus_cos
        ratio = rhs / amp
        alpha = np.arccos(np.clip(ratio, -1.0, 1.0))
        reachable = np.abs(ratio) <= 1.0
        out = []
        for gamma in (0.5 * (delta - alpha), 0.5 * (delta + alpha)):
            sg, cg = _trig(gamma)
            ok = reachable & (np.abs(gamma) <= np.pi / 2) & _arrives_descending(q, sg, cg, psi, dk)
            out.append(np.asarray(np.where(ok, gamma, np.nan), dtype=np.float64))
        return out[0], out[1]


def _minimum_energy_conic(psi: F64, r1: F64, r2: F64, mu: F64) -> tuple[F64, F64, NDArray[np.bool_]]:
    """Speed, flight-path angle and validity of the minimum-energy ellipse from burnout to impact."""
    s_half = np.sin(0.5 * psi)
    # Chord between the burnout and impact points, c² = r1² + r2² - 2 r1 r2 cos psi, written without
    # cancellation for short ranges.
    chord = np.sqrt((r1 - r2) ** 2 + 4.0 * r1 * r2 * s_half * s_half)
    # [Battin99] ch. 7: a_min = s / 2 = (r1 + r2 + c) / 4. Vis-viva (energy integral) then gives
    # Q = 2 - r1 / a_min = 2 (c - (r1 - r2)) / (r1 + r2 + c); c - (r1 - r2) is formed without cancellation
    # (for r1 > r2 via (c² - (r1 - r2)²) / (c + r1 - r2)), which matters for short drops from altitude.
    dr = r1 - r2
    excess = np.where(dr > 0.0, 4.0 * r1 * r2 * s_half * s_half / (chord + np.abs(dr)), chord - dr)
    v = np.sqrt(2.0 * mu * excess / (r1 * (r1 + r2 + chord)))
    # The vacant focus of the minimum-energy ellipse is the chord's midpoint, so (reflection property) the
    # burnout velocity bisects the angle between the local vertical and the chord to the impact point:
    # gamma = delta / 2 with delta = atan2(r2 sin psi, r1 - r2 cos psi) (equal radii: (π - psi) / 2).
    delta = np.arctan2(r2 * np.sin(psi), (r1 - r2) + 2.0 * r2 * s_half * s_half)
    gamma = 0.5 * delta
    sg, cg = _trig(gamma)
    ok = _arrives_descending(v * v * r1 / mu, sg, cg, psi, (r1 - r2) / r2)
    return v, gamma, ok


def _minimum_energy_flight_time(psi: F64, r1: F64, r2: F64, mu: F64) -> F64:
    """Time of flight on the minimum-energy ellipse from Lagrange's time equation with ``a = s / 2``.

    ``t = sqrt(a_min³ / GM) (π ∓ (β - sin β))`` (upper sign for psi <= π), ``sin(β/2) = sqrt((s - c) / s)``,
    ``s = (r1 + r2 + c) / 2`` ([Battin99] ch. 7). Unlike Kepler's equation applied to the burnout state,
    this stays well conditioned as psi -> π, where the minimum-energy ellipse becomes a circle (eccentric
    anomalies undefined) and the time tends to half the circular period.
    """
    s_half = np.sin(0.5 * psi)
    chord = np.sqrt((r1 - r2) ** 2 + 4.0 * r1 * r2 * s_half * s_half)
    semi_perimeter = 0.5 * (r1 + r2 + chord)
    a_min = 0.5 * semi_perimeter
    root_c, root_sc = np.sqrt(chord), np.sqrt(semi_perimeter - chord)
    pi_minus_beta = 2.0 * np.arctan2(root_c, root_sc)  # π - β, accurate for short ranges (β -> π)
    sin_beta = 2.0 * root_c * root_sc / semi_perimeter
    short_way = np.where(psi <= np.pi, pi_minus_beta + sin_beta, 2.0 * np.pi - pi_minus_beta - sin_beta)
    return np.sqrt(a_min**3 / mu) * short_way


def minimum_energy_gamma(psi_rad: ArrayLike, r_bo_m: ArrayLike = SPHERE_RADIUS_M,
                         r_impact_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Burnout flight-path angle of the minimum-energy (minimum burnout speed) trajectory.

    Parameters
    ----------
    psi_rad : array_like
        Free-flight range angle [rad], in [0, 2π).
    r_bo_m, r_impact_m : array_like, optional
        Burnout and impact radii from the Earth's centre [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²]; it does not change the angle but sets the validity check.

    Returns
    -------
    gamma_rad : ndarray
        Flight-path angle [rad]. For equal radii ``(π - psi) / 4`` ([BMW71] eq. 6.2-18). In general, half
        the angle ``δ = atan2(r_impact sin psi, r_bo - r_impact cos psi)``: the velocity bisects the angle
        between the local vertical and the chord to the impact point. NaN where the minimum-energy ellipse
        does not arrive on its descending branch (equal radii: ``psi > π``, where the minimum-energy
        conic would dip below the surface and no minimum exists; the infimum is the circular speed).

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eq. 6.2-18.
    .. [2] Battin (1999), ch. 7 (minimum-energy orbit; vacant focus on the chord).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(np.degrees(minimum_energy_gamma(np.pi / 2))), 6)  # (180 - 90) / 4
    22.5
    """
    psi, r1, r2, mu = (_f64(x) for x in (psi_rad, r_bo_m, r_impact_m, gm))
    _validate_range_inputs("minimum_energy_gamma", psi, r1, r2, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        _, gamma, ok = _minimum_energy_conic(psi, r1, r2, mu)
        return np.asarray(np.where(ok, gamma, np.nan), dtype=np.float64)


def minimum_energy_speed(psi_rad: ArrayLike, r_bo_m: ArrayLike = SPHERE_RADIUS_M,
                         r_impact_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Minimum burnout speed that reaches range angle ``psi_rad`` (the minimum-energy trajectory).

    Parameters
    ----------
    psi_rad : array_like
        Free-flight range angle [rad], in [0, 2π).
    r_bo_m, r_impact_m : array_like, optional
        Burnout and impact radii from the Earth's centre [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    v_bo_m_s : ndarray
        Inertial burnout speed [m/s]. For equal radii ``Q = 2 sin(psi/2) / (1 + sin(psi/2))``
        ([BMW71] eq. 6.2-20), which tends to the circular speed ``sqrt(GM / r)`` as psi -> π. In general the
        minimum-energy ellipse through the two points has ``a_min = (r_bo + r_impact + c) / 4`` with ``c``
        the chord ([Battin99] ch. 7), and ``v = sqrt(GM (2 / r_bo - 1 / a_min))`` (vis-viva). NaN where
        that ellipse does not arrive on its descending branch (see :func:`minimum_energy_gamma`).

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eq. 6.2-20.
    .. [2] Battin (1999), ch. 7.

    Examples
    --------
    A 10,000 km minimum-energy shot from the surface of the 6371-km sphere needs about 7.2 km/s:

    >>> round(float(minimum_energy_speed(10_000e3 / 6_371e3)) / 1e3, 2)
    7.2
    """
    psi, r1, r2, mu = (_f64(x) for x in (psi_rad, r_bo_m, r_impact_m, gm))
    _validate_range_inputs("minimum_energy_speed", psi, r1, r2, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        v, _, ok = _minimum_energy_conic(psi, r1, r2, mu)
        return np.asarray(np.where(ok, v, np.nan), dtype=np.float64)


def _validate_range_inputs(func: str, psi: F64, r1: F64, r2: F64, mu: F64) -> None:
    _check_psi(func, psi)
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_impact_m", r2)
    _check_gm(func, mu)


def maximum_range_angle(r_bo_m: ArrayLike, v_bo_m_s: ArrayLike, r_impact_m: ArrayLike = SPHERE_RADIUS_M,
                        gm: ArrayLike = GM_EARTH_M3_S2) -> tuple[F64, F64]:
    """Largest range angle reachable at a given burnout speed, and the flight-path angle that achieves it.

    Parameters
    ----------
    r_bo_m : array_like
        Burnout radius from the Earth's centre [m].
    v_bo_m_s : array_like
        Inertial burnout speed [m/s].
    r_impact_m : array_like, optional
        Impact radius [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    psi_max_rad : ndarray
        Maximum range angle [rad], in [0, π]. For equal radii ``sin(psi_max / 2) = Q / (2 - Q)``
        ([BMW71] eq. 6.2-19).
    gamma_opt_rad : ndarray
        Flight-path angle of the maximum-range trajectory [rad]; for equal radii ``(π - psi_max) / 4``
        ([BMW71] eq. 6.2-18).

    Both are NaN where the speed cannot reach ``r_impact_m`` at all, and where the burnout energy would
    allow a perigee at or above ``r_impact_m`` (``2a >= r_bo + r_impact``, i.e. ``Q >= 1`` for equal radii):
    there, trajectories approaching orbit travel arbitrarily far and no maximum exists.

    Notes
    -----
    At fixed energy (fixed semi-major axis ``a = r_bo / (2 - Q)``) the farthest point is the one for which
    ``a`` is the minimum-energy semi-major axis of the chord, ``c = 4a - r_bo - r_impact``; then
    ``sin²(psi_max / 2) = (c² - (r_bo - r_impact)²) / (4 r_bo r_impact)``.

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eqs. 6.2-18 and 6.2-19.
    .. [2] Battin (1999), ch. 7.
    """
    r1, v, r2, mu = (_f64(x) for x in (r_bo_m, v_bo_m_s, r_impact_m, gm))
    func = "maximum_range_angle"
    _check_radius(func, "r_bo_m", r1)
    _check_speed(func, "v_bo_m_s", v)
    _check_radius(func, "r_impact_m", r2)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = v * v * r1 / mu
        a = r1 / (2.0 - q)
        chord = 4.0 * a - r1 - r2
        dr = np.abs(r1 - r2)
        sin2_half = (chord - dr) * (chord + dr) / (4.0 * r1 * r2)
        ok = (q < 2.0) & (chord >= dr) & (chord < r1 + r2)
        psi = 2.0 * np.arcsin(np.sqrt(np.clip(sin2_half, 0.0, 1.0)))
        _, gamma, ok_conic = _minimum_energy_conic(psi, r1, r2, mu)
        ok &= ok_conic
        nan = np.nan
        return (np.asarray(np.where(ok, psi, nan), dtype=np.float64),
                np.asarray(np.where(ok, gamma, nan), dtype=np.float64))


def flight_time(r_bo_m: ArrayLike, v_bo_m_s: ArrayLike, gamma_bo_rad: ArrayLike,
                r_impact_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Free-flight time from burnout to the descending crossing of ``r_impact_m``, from Kepler's equation.

    Parameters
    ----------
    r_bo_m : array_like
        Burnout radius from the Earth's centre [m].
    v_bo_m_s : array_like
        Inertial burnout speed [m/s].
    gamma_bo_rad : array_like
        Burnout flight-path angle above the local horizontal [rad], in [-π/2, π/2].
    r_impact_m : array_like, optional
        Impact radius [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    tof_s : ndarray
        Time of free flight [s]; NaN wherever :func:`range_angle` is NaN.

    Notes
    -----
    ``t = sqrt(a³ / GM) [(E_imp - E_bo) - (e sin E_imp - e sin E_bo)]`` (Kepler's equation, [BMW71]
    sec. 4.2), with ``a = r_bo / (2 - Q)`` ([BMW71] eq. 6.2-3) and the eccentric anomalies taken from
    ``e cos E = 1 - r / a`` and ``e sin E = r rdot / sqrt(GM a)``:
    ``e sin E_bo = sqrt(Q (2 - Q)) sinγ`` and ``e sin E_imp = -sqrt((2 - Q) W) r_impact / r_bo`` (descending).
    Using the components rather than ``e`` and the true anomaly keeps the formula valid for near-vertical
    (almost rectilinear) and long (psi > π) flights; ``E_imp`` is unwrapped to lie after ``E_bo``. For
    equal radii this is [BMW71] eqs. 6.2-21 and 6.2-22.

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 4.2 and sec. 6.2, eqs. 6.2-3, 6.2-21 and 6.2-22.
    """
    r1, v, gamma, r2, mu = (_f64(x) for x in (r_bo_m, v_bo_m_s, gamma_bo_rad, r_impact_m, gm))
    func = "flight_time"
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_impact_m", r2)
    _check_speed(func, "v_bo_m_s", v)
    _check_gamma(func, gamma)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = v * v * r1 / mu
        sg, cg = _trig(gamma)
        dk = (r1 - r2) / r2
        k = 1.0 + dk
        _, w, ok = _free_flight(q, sg, cg, dk)
        two_minus_q = 2.0 - q
        esin_bo = np.sqrt(q * two_minus_q) * sg
        ecos_bo = q - 1.0
        esin_imp = -np.sqrt(two_minus_q * np.maximum(w, 0.0)) / k
        ecos_imp = (q - 1.0 + dk) / k  # 1 - r_impact / a
        e_bo = np.arctan2(esin_bo, ecos_bo)  # in (-π, π]; >= 0 while ascending
        e_imp = np.arctan2(esin_imp, ecos_imp)  # in (-π, 0]: a descending point
        # Ascending (or horizontal) burnout: the descending crossing comes after apogee, E in [π, 2π).
        e_imp = np.where(sg >= 0.0, np.where(e_imp < 0.0, e_imp + _TWO_PI, e_imp), e_imp)
        a = r1 / two_minus_q
        t = np.sqrt(a**3 / mu) * ((e_imp - e_bo) - (esin_imp - esin_bo))
        return np.asarray(np.where(ok, np.maximum(t, 0.0), np.nan), dtype=np.float64)


def apogee_altitude(r_bo_m: ArrayLike, v_bo_m_s: ArrayLike, gamma_bo_rad: ArrayLike,
                    r_surface_m: ArrayLike = SPHERE_RADIUS_M, gm: ArrayLike = GM_EARTH_M3_S2) -> F64:
    """Highest altitude of the free flight above the sphere of radius ``r_surface_m``.

    Parameters
    ----------
    r_bo_m : array_like
        Burnout radius from the Earth's centre [m].
    v_bo_m_s : array_like
        Inertial burnout speed [m/s].
    gamma_bo_rad : array_like
        Burnout flight-path angle above the local horizontal [rad], in [-π/2, π/2].
    r_surface_m : array_like, optional
        Radius the altitude is measured from [m] (default the sphere radius).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    apogee_alt_m : ndarray
        ``r_apogee - r_surface_m`` [m] with ``r_apogee = a (1 + e) = r_bo (1 + e) / (2 - Q)`` and
        ``e² = (1 - Q)² + Q (2 - Q) sin²γ`` (equal to ``1 + Q (Q - 2) cos²γ``, [BMW71] eq. 6.2-11, written
        as a sum of non-negative terms). For a descending burnout (``γ < 0``) the apogee has already been
        passed and the highest point of the free flight is burnout itself, so ``r_bo - r_surface_m`` is
        returned. NaN at or above escape speed (``Q >= 2``).

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eqs. 6.2-3 and 6.2-11.

    Examples
    --------
    BMW (1971) p. 290 (canonical units): r_bo = 1.2 DU, v = 2/3 DU/TU, cos γ = 0.625 has apogee 0.5 DU.

    >>> import numpy as np
    >>> round(float(apogee_altitude(1.2, 2 / 3, np.arccos(0.625), r_surface_m=1.0, gm=1.0)), 12)
    0.5
    """
    r1, v, gamma, rs, mu = (_f64(x) for x in (r_bo_m, v_bo_m_s, gamma_bo_rad, r_surface_m, gm))
    func = "apogee_altitude"
    _check_radius(func, "r_bo_m", r1)
    _check_radius(func, "r_surface_m", rs)
    _check_speed(func, "v_bo_m_s", v)
    _check_gamma(func, gamma)
    _check_gm(func, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = v * v * r1 / mu
        sg, _ = _trig(gamma)
        ecc = np.sqrt((1.0 - q) ** 2 + q * (2.0 - q) * sg * sg)
        r_apo = np.where(sg >= 0.0, r1 * (1.0 + ecc) / (2.0 - q), r1)
        return np.asarray(np.where(q < 2.0, r_apo - rs, np.nan), dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeplerTrajectory:
    """Summary of a Keplerian free flight; every field has the broadcast shape of the inputs.

    Attributes
    ----------
    psi_rad : ndarray
        Free-flight range angle [rad].
    gamma_rad : ndarray
        Burnout flight-path angle above the local horizontal [rad].
    speed_m_s : ndarray
        Inertial burnout speed [m/s].
    flight_time_s : ndarray
        Time from burnout to impact [s].
    apogee_altitude_m : ndarray
        Highest altitude above the surface sphere [m].
    ground_range_m : ndarray
        Great-circle ground range on the surface sphere from the burnout sub-point to impact [m].
    """

    psi_rad: F64
    gamma_rad: F64
    speed_m_s: F64
    flight_time_s: F64
    apogee_altitude_m: F64
    ground_range_m: F64


def minimum_energy_trajectory(ground_range_m: ArrayLike, r_surface_m: ArrayLike = SPHERE_RADIUS_M,
                              burnout_altitude_m: ArrayLike = 0.0,
                              gm: ArrayLike = GM_EARTH_M3_S2) -> KeplerTrajectory:
    """Minimum-energy free flight from a burnout at ``burnout_altitude_m`` to impact on the surface sphere.

    Parameters
    ----------
    ground_range_m : array_like
        Ground range on the surface sphere from the burnout sub-point to the impact point [m], in
        [0, 2π r_surface_m).
    r_surface_m : array_like, optional
        Radius of the surface sphere, which is also the impact radius [m] (default 6371 km).
    burnout_altitude_m : array_like, optional
        Burnout altitude above the surface sphere [m] (default 0, i.e. the textbook equal-radius case).
    gm : array_like, optional
        Gravitational parameter [m³/s²].

    Returns
    -------
    KeplerTrajectory
        ``psi_rad = ground_range_m / r_surface_m``; angle, speed, flight time and apogee of the
        minimum-energy ellipse (NaN beyond the antipode, see :func:`minimum_energy_gamma`).

    Notes
    -----
    The flight time comes from Lagrange's time equation for the minimum-energy ellipse
    (``a = s / 2``, [Battin99] ch. 7) rather than from :func:`flight_time`: the two agree (a test checks
    it) but Lagrange's form stays accurate as psi -> π, where it tends to half the circular period
    ``π sqrt(r³ / GM)`` (about 42.2 min on the 6371-km sphere).

    References
    ----------
    .. [1] Bate, Mueller & White (1971), sec. 6.2, eqs. 6.2-18, 6.2-20 to 6.2-22.
    .. [2] Battin (1999), ch. 7.

    Examples
    --------
    >>> traj = minimum_energy_trajectory(10_000e3)
    >>> round(float(traj.speed_m_s) / 1e3, 2), round(float(np.degrees(traj.gamma_rad)), 2)
    (7.2, 22.52)
    """
    rng, rs, h_bo, mu = (_f64(x) for x in (ground_range_m, r_surface_m, burnout_altitude_m, gm))
    func = "minimum_energy_trajectory"
    _check_radius(func, "r_surface_m", rs)
    _require(func, "ground_range_m", rng, bad=(rng < 0.0) | (rng >= _TWO_PI * rs),
             rule="in [0, 2*pi*r_surface_m)", unit="m")
    _require(func, "burnout_altitude_m", h_bo, bad=rs + h_bo <= 0.0, rule="> -r_surface_m", unit="m")
    rng, rs, h_bo, mu = np.broadcast_arrays(rng, rs, h_bo, mu)
    psi = rng / rs
    r_bo = rs + h_bo
    gamma = minimum_energy_gamma(psi, r_bo, rs, mu)
    speed = minimum_energy_speed(psi, r_bo, rs, mu)
    ok = np.isfinite(gamma) & np.isfinite(speed)
    with np.errstate(invalid="ignore", divide="ignore"):
        tof = np.where(ok, _minimum_energy_flight_time(psi, r_bo, rs, mu), np.nan)
    # Invalid entries are NaN already; feed harmless values so the input checks do not trip on them.
    apo = apogee_altitude(r_bo, np.where(ok, speed, 0.0), np.where(ok, gamma, 0.0), rs, mu)
    apo = np.where(ok, apo, np.nan)
    return KeplerTrajectory(psi_rad=np.asarray(psi, dtype=np.float64), gamma_rad=gamma, speed_m_s=speed,
                            flight_time_s=np.asarray(tof, dtype=np.float64),
                            apogee_altitude_m=np.asarray(apo, dtype=np.float64),
                            ground_range_m=np.array(rng, dtype=np.float64))
