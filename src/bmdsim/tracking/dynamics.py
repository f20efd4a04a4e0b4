"""Motion models of the tracking filter: ballistic flight in ECEF, or constant velocity.

What it models
--------------
``BallisticModel`` is the filter's copy of an unpowered vehicle's equations of motion in the rotating
Earth-fixed frame (the same physics as :mod:`bmdsim.flight.dynamics`, without thrust)::

    dr/dt = v
    dv/dt = g_J2(r) - 2 ω×v - ω×(ω×r) - (rho(h) |v| / 2β) v        (drag only below ``drag_ceiling_m``)

with ``ω = (0, 0, Ω)`` (zero on a non-rotating Earth model) and ``β = m / (Cd A)`` an *assumed* ballistic
coefficient [kg/m^2]: the filter does not know the true one. Its Jacobian ``F = ∂f/∂x`` is analytic:
the point-mass and J2 gravity gradients, the centrifugal term ``diag(Ω², Ω², 0)``, the Coriolis term
``-2[ω×]`` and the drag derivatives (density gradient by a central difference of ln rho over ±50 m).

``ConstantVelocityModel`` is ``dr/dt = v, dv/dt = 0``: the textbook model of Stone Soup's
``ConstantVelocity`` and of filterpy's examples, kept as a real mode so the filter can be compared with
them on equal terms, and for targets whose dynamics are unknown.

Both carry a white-noise acceleration of power spectral density ``q`` [m^2/s^3] per axis (the
continuous white-noise acceleration model, [BLK01] sec. 6.2.2): over a step ``h`` it adds

    Q(h) = q [[h^3/3 I, h^2/2 I], [h^2/2 I, h I]]

to the covariance. For the ballistic model ``q`` stands for what the model leaves out (higher gravity
harmonics, lift). In the air the assumed β is the largest error: a drag acceleration off by a fraction
ε (``beta_rel_sigma``) is an unmodelled acceleration of standard deviation ``ε |a_drag|``; taken as a
first-order Gauss-Markov process of correlation time τ, its low-frequency spectral density is
``2 τ (ε |a_drag|)^2`` (the white-noise limit of [Singer70]'s model), which is added to ``q``.
This follows the drag over four orders of magnitude, from 1e-2 m/s^2 at 80 km to hundreds near the
ground, where a single endo-atmospheric ``q`` is either far too small low down or too large high up
([Zar09] ch. 8 shows how a filter with a mismatched drag model diverges).

**Lift (manoeuvre noise).** A quasi-ballistic target (the KN-23 profile of :mod:`bmdsim.flight.dynamics`)
adds an aerodynamic lift normal to its velocity, up to ``L/D`` times its drag, which this model omits.
For a track told that its target may lift (a per-track bound ``(L/D)_max``, zero for a ballistic
target) the omitted acceleration is treated as [Singer70]'s manoeuvre: a zero-mean first-order
Gauss-Markov acceleration per axis of time constant τ_L (``lift_noise_corr_time_s``) and variance
``A^2 / 3`` (Singer's distribution with no probability mass at ±A or 0: ``σ^2 = A^2/3 (1 + 4 P_max - P_0)``
with ``P_max = P_0 = 0``), whose bound ``A = (L/D)_max |a_drag|`` is computed at the filter's own
estimated state from its own drag model (assumed β, USSA76 density). Its white-noise limit adds

    q_lift = 2 τ_L A^2 / 3

to ``q`` ([BLK01] sec. 8.2, the Singer model, and sec. 6.2.2 on sizing a white-noise acceleration to a
manoeuvre's velocity change over a sampling interval). Like the drag term it follows the dynamic
pressure, so it vanishes above the drag ceiling and in the thin air past a low apogee, where lift is
negligible too, and reaches tens of m/s^2 in the pull-up at 20-30 km. It is isotropic, not confined to
the lift's direction: a simple, conservative choice (the along-track error it adds is small beside
the cross-range error of a radar). [Zar09] ch. 9 and 14 show the same trade: a filter whose process
noise is too small for the target's manoeuvre diverges, one sized to it stays consistent at the cost
of larger errors.

Validity: unpowered flight. Thrust is not modelled; a boosting target is followed only as far as the
process noise allows (docs/methods/tracking.md).

References
----------
.. [BLK01] Y. Bar-Shalom, X. R. Li and T. Kirubarajan, *Estimation with Applications to Tracking and
   Navigation*, Wiley (2001), sec. 6.2.2 (continuous white-noise acceleration), 8.2 (the Singer
   manoeuvring-target model), 10.3 (EKF prediction).
.. [Zar09] P. Zarchan and H. Musoff, *Fundamentals of Kalman Filtering: A Practical Approach*, 3rd ed.,
   AIAA (2009), ch. 8 (drag and falling object), ch. 9 (cannon-launched projectile tracking) and
   ch. 14 (process noise and filter divergence).
.. [Singer70] R. A. Singer, "Estimating optimal tracking filter performance for manned maneuvering
   targets", IEEE Trans. Aerospace and Electronic Systems AES-6(4):473-483 (1970).
.. [Vallado] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-31
   (the J2 potential whose gradient's gradient is :func:`gravity_gradient`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from bmdsim.earth.atmosphere import density_fast_kg_m3
from bmdsim.earth.gravity import gravity_accel
from bmdsim.earth.model import EarthModel
from bmdsim.flight.dynamics import approximate_height_m

F64 = NDArray[np.float64]

_DRHO_DH_STEP_M = 50.0  # half-width of the density-gradient difference; ln rho is piecewise linear on 25 m'
_MIN_STEP_S = 0.05  # floor of the drag-limited substep
_DENSITY_SCALE_HEIGHT_M = 6000.0  # about the smallest scale height of USSA76 below 100 km (5.6-8.5 km)
_DRAG_ACCEL_FLOOR_M_S2 = 0.01  # below this drag does not shorten the substep


class MotionModel(Protocol):
    """What the filter needs of a motion model; each method works on a batch of ECEF states (m, 6)."""

    is_linear: bool
    """True if ``derivative`` is linear in the state with a constant Jacobian (one step is exact)."""

    def derivative(self, x_ecef: F64) -> F64:
        """dx/dt, shape (m, 6)."""
        ...

    def jacobian(self, x_ecef: F64) -> F64:
        """F = ∂(dx/dt)/∂x, shape (m, 6, 6)."""
        ...

    def max_step_s(self, x_ecef: F64) -> F64:
        """Longest integration substep allowed at each state [s], shape (m,)."""
        ...

    def noise_psd_m2_s3(self, x_ecef: F64, lift_to_drag: F64 | None = None) -> F64:
        """White-noise acceleration spectral density per axis [m^2/s^3], shape (m,); ``lift_to_drag``
        (m,) bounds each target's lift where the model can size it (None: no lift term)."""
        ...


def gravity_gradient(r_m: F64, gm: float, j2: float, re_m: float) -> F64:
    """Gravity gradient ``∂g/∂r`` of the point mass plus J2 field, shape (..., 3, 3) [1/s^2].

    With ``c = 3/2 J2 GM Re^2`` the J2 acceleration is ``c (x w_xy, y w_xy, z w_z)`` where
    ``w_xy = 5 z^2/r^7 - 1/r^5`` and ``w_z = 5 z^2/r^7 - 3/r^5`` ([Vallado] eq. 8-31 differentiated), so
    ``∂a_i/∂x_j = c (δ_ij w_i + x_i ∂w_i/∂x_j)`` with ``∂w/∂x_j = 10 z δ_jz / r^7 - 35 z^2 x_j / r^9
    + (5 or 15) x_j / r^7``. The point mass adds ``GM (3 r r^T / r^5 - I / r^3)``.
    Sanity anchor: at the surface the radial entry is ``2 GM / R^3 ≈ 3.1e-6 /s^2``.
    """
    r = np.asarray(r_m, dtype=float)
    r2 = np.einsum("...i,...i->...", r, r)
    rn = np.sqrt(r2)
    inv_r3 = 1.0 / (r2 * rn)
    inv_r5 = inv_r3 / r2
    eye = np.eye(3)
    grad = gm * (3.0 * inv_r5[..., None, None] * r[..., :, None] * r[..., None, :]
                 - inv_r3[..., None, None] * eye)
    if j2 == 0.0:
        return grad
    c = 1.5 * j2 * gm * re_m * re_m
    z = r[..., 2]
    inv_r7 = inv_r5 / r2
    inv_r9 = inv_r7 / r2
    w_common = 5.0 * z * z * inv_r7
    w = np.stack([w_common - inv_r5, w_common - inv_r5, w_common - 3.0 * inv_r5], axis=-1)
    # ∂w_i/∂x_j = 10 z δ_jz / r^7 - 35 z^2 x_j / r^9 + k_i x_j / r^7, k = (5, 5, 15)
    k = np.array([5.0, 5.0, 15.0])
    dw = ((-35.0 * z * z * inv_r9)[..., None, None] + k[:, None] * inv_r7[..., None, None]) * r[..., None, :]
    dw[..., :, 2] += (10.0 * z * inv_r7)[..., None]
    return grad + c * (w[..., :, None] * eye + r[..., :, None] * dw)


@dataclass(frozen=True, slots=True, kw_only=True)
class BallisticModel:
    """Unpowered flight in ECEF: J2 gravity, Coriolis and centrifugal terms, drag with an assumed β.

    Parameters
    ----------
    earth : EarthModel
        Gravity model, rotation and drag switch (``earth.drag`` turns the drag term on).
    q_m2_s3 : float
        White-noise acceleration spectral density [m^2/s^3].
    ballistic_coefficient_kg_m2 : float
        Assumed β = m / (Cd A) [kg/m^2].
    beta_rel_sigma : float
        Relative 1-sigma error ε of the drag acceleration that the assumed β implies (0.3: β within
        about ±30%).
    drag_noise_corr_time_s : float
        Correlation time τ of that drag error [s]; the added spectral density is 2 τ (ε |a_drag|)^2.
    drag_ceiling_m : float
        Height [m] above which drag is neglected (at 100 km it is below 3e-6 m/s^2 for β = 5000 kg/m^2).
    substep_s : float
        Longest integration substep [s].
    drag_step_fraction : float
        Where drag matters, substeps are also kept below this fraction of the time in which drag changes
        (see :meth:`max_step_s`).
    lift_noise_corr_time_s : float
        Time constant τ_L [s] of the Singer manoeuvre acceleration standing for a lifting target's lift
        (module notes); used only for rows given a lift-to-drag bound.
    """

    is_linear = False
    earth: EarthModel
    q_m2_s3: float
    ballistic_coefficient_kg_m2: float
    beta_rel_sigma: float = 0.3
    drag_noise_corr_time_s: float = 1.0
    drag_ceiling_m: float = 100e3
    substep_s: float = 5.0
    drag_step_fraction: float = 0.1
    lift_noise_corr_time_s: float = 2.0

    def _drag_factor(self, r: F64, v: F64) -> tuple[F64, F64, F64]:
        """rho |v| / 2β [1/s], density [kg/m^3] and height [m] per row; zero drag above the ceiling."""
        h = approximate_height_m(r, self.earth)
        rho = np.where(h < self.drag_ceiling_m, density_fast_kg_m3(np.minimum(h, self.drag_ceiling_m)), 0.0)
        speed = np.sqrt(np.einsum("ij,ij->i", v, v))
        return rho * speed / (2.0 * self.ballistic_coefficient_kg_m2), rho, h

    def derivative(self, x_ecef: F64) -> F64:
        """dx/dt = (v, a), shape (m, 6), for ECEF states ``x_ecef`` (m, 6) [m, m/s]."""
        r, v = x_ecef[:, :3], x_ecef[:, 3:]
        e = self.earth
        acc = gravity_accel(r, e.gm_m3_s2, e.j2, e.j2_radius_m)
        om = e.omega_rad_s
        if om != 0.0:
            acc[:, 0] += 2.0 * om * v[:, 1] + om * om * r[:, 0]
            acc[:, 1] += -2.0 * om * v[:, 0] + om * om * r[:, 1]
        if e.drag:
            acc -= self._drag_factor(r, v)[0][:, None] * v
        return np.concatenate([v, acc], axis=1)

    def jacobian(self, x_ecef: F64) -> F64:
        """F = ∂f/∂x, shape (m, 6, 6): ``[[0, I], [∂a/∂r, ∂a/∂v]]``."""
        r, v = x_ecef[:, :3], x_ecef[:, 3:]
        e = self.earth
        m = x_ecef.shape[0]
        jac = np.zeros((m, 6, 6))
        jac[:, 0, 3] = jac[:, 1, 4] = jac[:, 2, 5] = 1.0
        da_dr = gravity_gradient(r, e.gm_m3_s2, e.j2, e.j2_radius_m)
        om = e.omega_rad_s
        da_dr[:, 0, 0] += om * om
        da_dr[:, 1, 1] += om * om
        jac[:, 3, 4] = 2.0 * om
        jac[:, 4, 3] = -2.0 * om
        if e.drag:
            k, rho, h = self._drag_factor(r, v)
            speed = np.sqrt(np.einsum("ij,ij->i", v, v))
            inv_speed = np.where(speed > 0.0, 1.0 / np.maximum(speed, 1e-12), 0.0)
            # a_d = -k v with k = rho |v| / 2β:  ∂a_d/∂v = -k (I + v v^T / |v|^2)
            jac[:, 3:, 3:] -= k[:, None, None] * (np.eye(3) + (inv_speed * inv_speed)[:, None, None]
                                                  * v[:, :, None] * v[:, None, :])
            # ∂a_d/∂r = -(dk/dh) v r̂^T with dk/dh = k dln(rho)/dh (height along the geocentric radius)
            hi = np.minimum(h + _DRHO_DH_STEP_M, self.drag_ceiling_m)
            lo = np.minimum(h - _DRHO_DH_STEP_M, self.drag_ceiling_m)
            rho_hi, rho_lo = density_fast_kg_m3(hi), density_fast_kg_m3(lo)
            dlnrho_dh = np.where(rho > 0.0, np.log(rho_hi / rho_lo) / np.maximum(hi - lo, 1e-9), 0.0)
            r_hat = r / np.linalg.norm(r, axis=1, keepdims=True)
            da_dr -= (k * dlnrho_dh)[:, None, None] * v[:, :, None] * r_hat[:, None, :]
        jac[:, 3:, :3] = da_dr
        return jac

    def max_step_s(self, x_ecef: F64) -> F64:
        """Substep limit [s], shape (m,): ``substep_s``, shortened where drag matters.

        Where the drag acceleration exceeds 0.01 m/s^2 the substep is kept below ``drag_step_fraction``
        times the shorter of two time scales: ``|v| / |a_drag|`` (the speed changes) and
        ``H / |dh/dt|`` with H = 6 km, about the smallest density scale height below 100 km (the density,
        hence the drag, changes by a factor e). At 40 km falling at 1.2 km/s this gives 0.5 s; 5 s steps
        there err by 0.5 m over 20 s and misstate the covariance by 7% (tests/tracking/test_dynamics.py).
        """
        step = np.full(x_ecef.shape[0], self.substep_s)
        if self.earth.drag:
            r, v = x_ecef[:, :3], x_ecef[:, 3:]
            k = self._drag_factor(r, v)[0]  # |a_d| / |v|
            speed = np.sqrt(np.einsum("ij,ij->i", v, v))
            radial_speed = np.abs(np.einsum("ij,ij->i", r, v)) / np.linalg.norm(r, axis=1)
            tau = np.minimum(1.0 / np.maximum(k, 1e-30),
                             _DENSITY_SCALE_HEIGHT_M / np.maximum(radial_speed, 1e-9))
            significant = k * speed > _DRAG_ACCEL_FLOOR_M_S2
            step = np.where(significant, np.minimum(step, self.drag_step_fraction * tau), step)
            step = np.maximum(step, _MIN_STEP_S)
        return step

    def noise_psd_m2_s3(self, x_ecef: F64, lift_to_drag: F64 | None = None) -> F64:
        """``q + 2 τ (ε |a_drag|)^2 + 2 τ_L ((L/D) |a_drag|)^2 / 3`` [m^2/s^3], shape (m,).

        The drag term is zero in vacuum (``earth.drag`` off) and above the ceiling; the lift term (module
        notes) is added on rows whose ``lift_to_drag`` (m,) bound is positive, sized by the filter's drag
        model whether or not ``earth.drag`` applies it (as :func:`bmdsim.flight.dynamics.
        lift_acceleration` does). Rows with a zero bound, or ``lift_to_drag=None``, get exactly the
        ballistic value.
        """
        v = x_ecef[:, 3:]
        if not self.earth.drag:
            q = np.full(x_ecef.shape[0], self.q_m2_s3)
        else:
            a_drag = self._drag_factor(x_ecef[:, :3], v)[0] * np.sqrt(np.einsum("ij,ij->i", v, v))
            q = self.q_m2_s3 + 2.0 * self.drag_noise_corr_time_s * (self.beta_rel_sigma * a_drag) ** 2
        if lift_to_drag is not None:
            q = q + self.lift_noise_psd_m2_s3(x_ecef, lift_to_drag)
        return q

    def lift_noise_psd_m2_s3(self, x_ecef: F64, lift_to_drag: F64) -> F64:
        """Singer white-noise limit ``2 τ_L A^2 / 3`` with ``A = (L/D) |a_drag|`` [m^2/s^3], shape (m,).

        Parameters
        ----------
        x_ecef : ndarray, shape (m, 6)
            Estimated ECEF states [m, m/s].
        lift_to_drag : ndarray, shape (m,)
            Bound on each target's lift-to-drag ratio; zero (or negative) rows give exactly zero.

        Sanity anchor: at 25 km (rho = 0.040 kg/m^3) and 2 km/s with β = 5,000 kg/m^2 the drag is
        16 m/s^2; with L/D <= 4 the bound is 64 m/s^2 (6.5 g) and, with τ_L = 2 s, ``q_lift = 5.5e3``.
        """
        ld = np.asarray(lift_to_drag, dtype=float)
        v = x_ecef[:, 3:]
        a_drag = self._drag_factor(x_ecef[:, :3], v)[0] * np.sqrt(np.einsum("ij,ij->i", v, v))
        bound = np.maximum(ld, 0.0) * a_drag
        return np.where(ld > 0.0, 2.0 * self.lift_noise_corr_time_s * bound * bound / 3.0, 0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstantVelocityModel:
    """Straight-line motion with white-noise acceleration (no gravity): ``dr/dt = v, dv/dt = 0``.

    Parameters
    ----------
    q_m2_s3 : float
        White-noise acceleration spectral density per axis [m^2/s^3] (Stone Soup's ``noise_diff_coeff``).
    """

    is_linear = True
    q_m2_s3: float

    def derivative(self, x_ecef: F64) -> F64:
        """dx/dt = (v, 0), shape (m, 6)."""
        return np.concatenate([x_ecef[:, 3:], np.zeros_like(x_ecef[:, 3:])], axis=1)

    def jacobian(self, x_ecef: F64) -> F64:
        """F = [[0, I], [0, 0]], shape (m, 6, 6)."""
        jac = np.zeros((x_ecef.shape[0], 6, 6))
        jac[:, 0, 3] = jac[:, 1, 4] = jac[:, 2, 5] = 1.0
        return jac

    def max_step_s(self, x_ecef: F64) -> F64:
        """No limit: one step is exact for a linear model, shape (m,)."""
        return np.full(x_ecef.shape[0], np.inf)

    def noise_psd_m2_s3(self, x_ecef: F64, lift_to_drag: F64 | None = None) -> F64:
        """``q_m2_s3`` for every row, shape (m,). This model has no drag to size a lift bound by, so
        ``lift_to_drag`` is ignored: ``q_m2_s3`` must cover any manoeuvre."""
        return np.full(x_ecef.shape[0], self.q_m2_s3)


def step_rk4(x_ecef: F64, h_s: F64, model: MotionModel) -> F64:
    """One classical Runge-Kutta step of length ``h_s`` (m,) from states ``x_ecef`` (m, 6).

    RK4's local error on a 5 s step of ballistic flight is ~ (h/T)^5 r with T = 806 s the
    surface-orbit time scale sqrt(R^3/GM): below 0.1 mm, far below any track's uncertainty.
    """
    hh = h_s[:, None]
    k1 = model.derivative(x_ecef)
    k2 = model.derivative(x_ecef + 0.5 * hh * k1)
    k3 = model.derivative(x_ecef + 0.5 * hh * k2)
    k4 = model.derivative(x_ecef + hh * k3)
    return x_ecef + hh / 6.0 * (k1 + 2.0 * (k2 + k3) + k4)


def process_noise(h_s: F64, q_m2_s3: F64) -> F64:
    """Discretized continuous white-noise acceleration covariance, shape (m, 6, 6) ([BLK01] sec. 6.2.2).

    Parameters
    ----------
    h_s : ndarray, shape (m,)
        Step length [s].
    q_m2_s3 : ndarray, shape (m,)
        Spectral density per axis [m^2/s^3].
    """
    q = np.zeros((h_s.shape[0], 6, 6))
    pp = q_m2_s3 * h_s**3 / 3.0
    pv = q_m2_s3 * h_s**2 / 2.0
    vv = q_m2_s3 * h_s
    for i in range(3):
        q[:, i, i] = pp
        q[:, i, i + 3] = q[:, i + 3, i] = pv
        q[:, i + 3, i + 3] = vv
    return q
