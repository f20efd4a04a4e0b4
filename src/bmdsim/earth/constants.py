"""Physical constants, SI units, each with its source.

References
----------
.. [TR8350] NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed., amendment 1 (2000),
   Table 3.1 (defining parameters) and Table 3.3 / 3.4 (derived constants).
.. [USSA76] *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562, Table 2 (sea-level values, g0).
"""

from __future__ import annotations

# --- WGS 84 defining parameters [TR8350] Table 3.1 ---
WGS84_A_M: float = 6_378_137.0
"""Semi-major axis (equatorial radius) [m]. Sanity anchor: 6378 km at the equator."""

WGS84_INV_F: float = 298.257223563
"""Inverse flattening [-]."""

WGS84_F: float = 1.0 / WGS84_INV_F
"""Flattening [-]."""

WGS84_B_M: float = WGS84_A_M * (1.0 - WGS84_F)
"""Semi-minor (polar) axis [m], about 6356.752 km."""

WGS84_E2: float = WGS84_F * (2.0 - WGS84_F)
"""First eccentricity squared [-], 6.69437999014e-3."""

GM_EARTH_M3_S2: float = 3.986004418e14
"""Earth's gravitational parameter, including the atmosphere [m^3/s^2] ([TR8350] Table 3.1).
Every Earth model in bmdsim (WGS84 and sphere) uses this value."""

OMEGA_EARTH_RAD_S: float = 7.292115e-5
"""Nominal mean angular velocity of the Earth [rad/s] ([TR8350] Table 3.1)."""

# --- WGS 84 derived: second-degree zonal harmonic [TR8350] Table 3.3 ---
# C(2,0) normalized = -0.484166774985e-3;  J2 = -sqrt(5) * C20_bar.
WGS84_J2: float = 1.082629821313e-3
"""Unnormalized second zonal harmonic J2 [-] = -sqrt(5) * C̄(2,0), C̄(2,0) = -4.84166774985e-4."""

# --- Teaching / validation sphere ---
SPHERE_RADIUS_M: float = 6_371_000.0
"""Radius of the spherical Earth option [m] (the mean radius, 6371.0 km, fixed by the project brief)."""

# --- Standard gravity [USSA76] ---
G0_M_S2: float = 9.80665
"""Standard acceleration of gravity [m/s^2], used to convert specific impulse in seconds to exhaust
velocity (v_e = Isp * g0). Defined value (CGPM 1901), also [USSA76] Table 2."""
