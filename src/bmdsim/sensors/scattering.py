"""Closed-form radar cross sections of simple bodies, by aspect and wavelength (mean values for detection).

What it models
--------------
Monostatic RCS of the perfectly conducting shapes bmdsim uses for threat objects, from the physical-optics
(PO) and geometric-optics (GO) closed forms of the RCS literature:

* **Sphere** of radius ``a``: the optical-region value ``pi a^2`` ([Skolnik01] sec. 2.7), bridged to the
  Rayleigh law ``9 pi a^2 (ka)^4`` below ``ka ~ 1`` by ``pi a^2 * 9 x^4 / (1 + 9 x^4)``, ``x = ka``. The
  bridge has both limits exactly and is monotone; it omits the Mie resonance ripple (up to 3.6 ``pi a^2``
  at ``ka = 1``).
* **Finite cylinder** of radius ``a`` and length ``L`` seen at ``theta`` from its axis (PO, [Knott04]
  ch. 5; [Ruck70] ch. 4): ``sigma = k a L^2 sin(theta) [sin(x)/x]^2``, ``x = k L cos(theta)``, whose
  broadside peak is ``2 pi a L^2 / lambda`` ([Mahafza04] eq. 11.48).
* **Cone flank** (frustum from radius ``r1`` to ``r2``, half-angle ``alpha``): the specular peak when the
  line of sight is normal to the generator, ``theta = 90 deg - alpha`` from the nose,
  ``sigma = 8 pi (z2^1.5 - z1^1.5)^2 sin(alpha) / (9 lambda cos^4(alpha))`` with ``z = r / tan(alpha)`` the
  distances from the virtual apex ([Mahafza04] eq. 11.42), falling off away from it like the PO pattern
  of a line specular of the flank's slant length ``l``, ``x = k l sin(theta - theta_spec)``.
* **Sharp cone tip**, nose-on: ``lambda^2 tan^4(alpha) / (16 pi)`` ([Mahafza04] sec. 11.5; [Knott04]).

**Mean over the lobes.** A PO pattern ``[sin(x)/x]^2`` has nulls a fraction of a milliradian apart for a
body metres long at X band; the aspect of a real object is not known to that precision, and the
scan-to-scan fluctuation about the mean is the Swerling model's job (:mod:`.detection`). The functions
therefore return the *lobe-averaged* pattern ``1 / (1 + 2 x^2)``: exactly 1 at the specular peak and
``1 / (2 x^2)``, the mean of ``[sin(x)/x]^2`` over a lobe, far from it. It is never zero, so the SNR stays
finite at every aspect.

Composite bodies (sums of the contributions of their scattering centres, non-coherently: the mean of a sum
of returns with random relative phase is the sum of their means, [Knott04] ch. 6):

* :func:`capsule_rcs_m2`: a cylinder with hemispherical ends (booster, spent stage, unseparated body): the
  cylinder plus one end cap, ``pi a^2`` (the one whose hemisphere faces the radar).
* :func:`cone_sphere_rcs_m2`: a re-entry vehicle as a sphere-blunted cone with a spherical base tangent to
  the flank (the classical low-RCS "cone-sphere", [Knott04] ch. 6): the nose cap (``pi r_n^2``) while the
  radar is within ``90 deg - alpha`` of the nose, the flank, and the base sphere (radius
  ``a / cos(alpha)``) beyond.

Validity and limits: PO/GO are high-frequency approximations (body dimensions of several wavelengths; a
0.5-m RV has ``ka`` of 14 at L band and 100 at X band); edge and tip diffraction, creeping waves (which
raise a cone-sphere's nose-on RCS at low ``ka``), the join discontinuity, polarization, surface materials
(absorbers), seams and antenna windows are left out. The nose-on RCS is then set by the nose radius, as
for the optical sphere. All functions broadcast over their arguments; angles in radians, lengths in metres.

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (McGraw-Hill, 2001), sec. 2.7,
   Fig. 2.9 (sphere: Rayleigh, resonance and optical regions).
.. [Knott04] E. F. Knott, J. F. Shaeffer and M. T. Tuley, *Radar Cross Section*, 2nd ed. (SciTech, 2004),
   ch. 5 (physical optics: flat plate, cylinder) and ch. 6 (scattering centres, cone-sphere).
.. [Ruck70] G. T. Ruck, D. E. Barrick, W. D. Stuart and C. K. Krichbaum, *Radar Cross Section Handbook*
   (Plenum, 1970), chs. 3-4 (sphere, cylinders) and ch. 10 (cones).
.. [Mahafza04] B. R. Mahafza and A. Z. Elsherbeni, *MATLAB Simulations for Radar Systems Design*
   (Chapman & Hall/CRC, 2004), sec. 11.5: eqs. 11.41-11.45 (frustum), 11.48-11.49 (cylinder).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]


def _f(x: ArrayLike) -> F64:
    return np.asarray(x, dtype=float)


def lobe_mean(x: ArrayLike) -> F64:
    """Lobe-averaged PO pattern ``1 / (1 + 2 x^2)``: 1 at the peak, the mean ``1 / (2 x^2)`` of
    ``[sin(x)/x]^2`` far from it (module notes)."""
    x = _f(x)
    return 1.0 / (1.0 + 2.0 * x * x)


def sphere_rcs_m2(radius_m: ArrayLike, wavelength_m: ArrayLike) -> F64:
    """Sphere RCS [m^2]: ``pi a^2`` (optical) bridged to ``9 pi a^2 (ka)^4`` (Rayleigh), any aspect."""
    a = _f(radius_m)
    x = 2.0 * np.pi * a / _f(wavelength_m)
    x4 = 9.0 * x**4
    return np.pi * a * a * x4 / (1.0 + x4)


def cylinder_rcs_m2(radius_m: ArrayLike, length_m: ArrayLike, aspect_rad: ArrayLike,
                    wavelength_m: ArrayLike) -> F64:
    """Lobe-averaged PO RCS [m^2] of a cylinder's curved surface at ``aspect_rad`` from its axis.

    ``k a L^2 |sin(theta)| / (1 + 2 (k L cos(theta))^2)``: ``2 pi a L^2 / lambda`` broadside, the mean
    ``a lambda |sin(theta)| / (4 pi cos^2(theta))`` off it (twice the edge-diffraction form of
    [Mahafza04] eq. 11.49; the two bracket the sidelobe level).
    """
    a, length, th, lam = _f(radius_m), _f(length_m), _f(aspect_rad), _f(wavelength_m)
    k = 2.0 * np.pi / lam
    return k * a * length**2 * np.abs(np.sin(th)) * lobe_mean(k * length * np.cos(th))


def capsule_rcs_m2(radius_m: ArrayLike, length_m: ArrayLike, aspect_rad: ArrayLike,
                   wavelength_m: ArrayLike) -> F64:
    """RCS [m^2] of a cylinder of length ``length_m`` with hemispherical ends: cylinder + one end cap."""
    return (cylinder_rcs_m2(radius_m, length_m, aspect_rad, wavelength_m)
            + sphere_rcs_m2(radius_m, wavelength_m))


def cone_tip_rcs_m2(half_angle_rad: ArrayLike, wavelength_m: ArrayLike) -> F64:
    """Nose-on RCS [m^2] of a sharp cone tip, ``lambda^2 tan^4(alpha) / (16 pi)`` ([Mahafza04] sec. 11.5)."""
    lam = _f(wavelength_m)
    return lam * lam * np.tan(_f(half_angle_rad)) ** 4 / (16.0 * np.pi)


def frustum_specular_rcs_m2(r1_m: ArrayLike, r2_m: ArrayLike, half_angle_rad: ArrayLike,
                            wavelength_m: ArrayLike) -> F64:
    """Peak RCS [m^2] of a frustum (radii ``r1 < r2``) normal to its generator ([Mahafza04] eq. 11.42)."""
    alpha = _f(half_angle_rad)
    z1, z2 = _f(r1_m) / np.tan(alpha), _f(r2_m) / np.tan(alpha)
    return (8.0 * np.pi * (z2**1.5 - z1**1.5) ** 2 * np.sin(alpha)
            / (9.0 * _f(wavelength_m) * np.cos(alpha) ** 4))


def cone_sphere_rcs_m2(base_radius_m: ArrayLike, half_angle_rad: ArrayLike, nose_radius_m: ArrayLike,
                       aspect_rad: ArrayLike, wavelength_m: ArrayLike) -> F64:
    """Mean RCS [m^2] of a sphere-blunted cone with a spherical base (a re-entry vehicle).

    Parameters
    ----------
    base_radius_m : array_like
        Radius ``a`` of the body where flank and base sphere meet [m].
    half_angle_rad : array_like
        Cone half-angle ``alpha`` [rad], in (0, pi/2).
    nose_radius_m : array_like
        Nose-cap radius ``r_n`` [m], ``0 <= r_n < a``; 0 is a sharp tip (:func:`cone_tip_rcs_m2`).
    aspect_rad : array_like
        Angle between the body axis (nose direction) and the direction to the radar [rad]: 0 nose-on,
        pi tail-on.
    wavelength_m : array_like
        Radar wavelength [m].

    Returns
    -------
    ndarray
        Nose cap (or sharp tip) while ``theta < 90 deg - alpha``, plus the flank (:func:`lobe_mean` about
        its specular aspect), plus the base sphere of radius ``a / cos(alpha)`` for
        ``theta > 90 deg - alpha`` (module notes).
    """
    a, alpha, rn, th, lam = (_f(base_radius_m), _f(half_angle_rad), _f(nose_radius_m), _f(aspect_rad),
                             _f(wavelength_m))
    theta_spec = 0.5 * np.pi - alpha
    front = th < theta_spec
    nose = np.where(rn > 0.0, sphere_rcs_m2(rn, lam), cone_tip_rcs_m2(alpha, lam))
    r1 = rn * np.cos(alpha)  # where the flank leaves the nose cap
    slant_m = (a - r1) / np.sin(alpha)
    k = 2.0 * np.pi / lam
    flank = frustum_specular_rcs_m2(r1, a, alpha, lam) * lobe_mean(k * slant_m * np.sin(th - theta_spec))
    base = sphere_rcs_m2(a / np.cos(alpha), lam)
    return np.where(front, nose, base) + flank
