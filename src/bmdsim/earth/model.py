"""The Earth model switches: shape, rotation, gravity and drag.

bmdsim integrates trajectories in the Earth-fixed (ECEF) frame. When ``rotation`` is on, the equations of
motion carry the Coriolis and centrifugal terms; when it is off, the ECEF frame is taken as inertial (a
non-rotating Earth, the textbook case). The atmosphere co-rotates with the Earth, so the air-relative
velocity is the ECEF velocity in both cases.

``shape="sphere"`` is a sphere of radius 6371.0 km (:data:`~bmdsim.earth.constants.SPHERE_RADIUS_M`) with
point-mass gravity; ``shape="wgs84"`` is the WGS 84 ellipsoid with J2 gravity by default. Both use
GM = 3.986004418e14 m^3/s^2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bmdsim.earth import constants as c

Shape = Literal["wgs84", "sphere"]
Gravity = Literal["j2", "point_mass"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ellipsoid:
    """A reference ellipsoid of revolution.

    Parameters
    ----------
    a_m : float
        Semi-major axis [m].
    f : float
        Flattening [-]; 0 for a sphere.
    """

    a_m: float
    f: float

    def __post_init__(self) -> None:
        if not self.a_m > 0:
            raise ValueError(f"Ellipsoid.a_m must be > 0 m, got {self.a_m}")
        if not 0 <= self.f < 1:
            raise ValueError(f"Ellipsoid.f must be in [0, 1), got {self.f}")

    @property
    def b_m(self) -> float:
        """Semi-minor axis [m]."""
        return self.a_m * (1.0 - self.f)

    @property
    def e2(self) -> float:
        """First eccentricity squared [-]."""
        return self.f * (2.0 - self.f)


WGS84 = Ellipsoid(a_m=c.WGS84_A_M, f=c.WGS84_F)
SPHERE = Ellipsoid(a_m=c.SPHERE_RADIUS_M, f=0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class EarthModel:
    """Which Earth a computation runs on.

    Parameters
    ----------
    shape : {"wgs84", "sphere"}
        Figure of the Earth for altitude, geodetic coordinates and impact.
    rotation : bool
        Include Earth rotation (Coriolis and centrifugal terms in the ECEF equations of motion).
    drag : bool
        Include atmospheric drag (US Standard Atmosphere 1976 density).
    gravity : {"j2", "point_mass"} or None
        Gravity model; ``None`` picks J2 for WGS 84 and point mass for the sphere.
    """

    shape: Shape = "wgs84"
    rotation: bool = True
    drag: bool = True
    gravity: Gravity | None = None

    def __post_init__(self) -> None:
        if self.shape not in ("wgs84", "sphere"):
            raise ValueError(f"EarthModel.shape must be 'wgs84' or 'sphere', got {self.shape!r}")
        if self.gravity not in (None, "j2", "point_mass"):
            raise ValueError(f"EarthModel.gravity must be 'j2' or 'point_mass', got {self.gravity!r}")

    @property
    def ellipsoid(self) -> Ellipsoid:
        return WGS84 if self.shape == "wgs84" else SPHERE

    @property
    def gravity_model(self) -> Gravity:
        if self.gravity is not None:
            return self.gravity
        return "j2" if self.shape == "wgs84" else "point_mass"

    @property
    def omega_rad_s(self) -> float:
        """Earth rotation rate used in the equations of motion [rad/s] (0 when rotation is off)."""
        return c.OMEGA_EARTH_RAD_S if self.rotation else 0.0

    @property
    def gm_m3_s2(self) -> float:
        return c.GM_EARTH_M3_S2

    @property
    def j2(self) -> float:
        """J2 used by the gravity model (0 for point mass)."""
        return c.WGS84_J2 if self.gravity_model == "j2" else 0.0

    @property
    def j2_radius_m(self) -> float:
        """Reference radius of the J2 coefficient [m] (the WGS 84 semi-major axis)."""
        return c.WGS84_A_M


FULL = EarthModel()
"""The full model: rotating WGS 84 Earth, J2 gravity, drag."""

TEXTBOOK = EarthModel(shape="sphere", rotation=False, drag=False)
"""Non-rotating spherical Earth in vacuum, point-mass gravity: the closed-form (Kepler) case."""
