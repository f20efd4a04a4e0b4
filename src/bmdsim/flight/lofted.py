"""Published lofted flight tests flown again on the full model, and the standard range they imply.

A lofted test is published as three numbers: apogee height, ground range and flight time (KCNA, the
Japanese Ministry of Defense and the ROK Joint Chiefs of Staff give them for every North Korean ICBM test
since 2017). :func:`fly_lofted_test` flies a catalog vehicle on the arc that matches the first two: the
targeting solver (:func:`bmdsim.flight.targeting.target_missile` with ``apogee_m``) chooses azimuth, pitch
and thrust cut-off so that the trajectory lands at the published ground range with the published apogee.
The third number, the flight time, is then a prediction of the model and a regression check on the
vehicle, the equations of motion and the Earth model together. For fixed apogee and range the coast is
nearly Keplerian and fixes most of the time, so the check is tight on the geometry and loose on the
powered flight: a 60 s error in burn time shows as about 30-60 s of flight time.

"Maximum range" convention (one, applied everywhere in bmdsim): the longest ground range along the surface
of a full burn with the best pitch-program end angle, on the full model (rotating WGS 84 Earth, J2, US
Standard Atmosphere 1976 drag), fired due north from 40 N 127 E. Northward fire keeps the Earth-rotation
gain small (eastward fire from the same point adds several per cent at ICBM ranges); it is the same
convention that ``scripts/tune_catalog.py`` tunes the catalog to and that the published ranges are checked
against. Published "standard trajectory" estimates (e.g. D. Wright's) ignore rotation, so agree with it to
within a few per cent.

References
----------
.. [Wright2017] D. Wright, "North Korea's Longer-Range Missiles" and test-by-test notes, Union of Concerned
   Scientists, All Things Nuclear blog (2017): the method of inferring standard range from a lofted
   test's apogee and range (the energy at burnout), as quoted in refs.wright2017h12 of the threat catalog.
.. [BMW] R. R. Bate, D. D. Mueller and J. E. White, *Fundamentals of Astrodynamics* (Dover, 1971), ch. 6.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bmdsim.earth.geodesy import surface_forward
from bmdsim.earth.model import EarthModel
from bmdsim.flight.targeting import UnreachableTargetError, maximum_range, target_missile
from bmdsim.flight.vehicles import Vehicle

RANGE_CONVENTION_LAT_DEG = 40.0
RANGE_CONVENTION_LON_DEG = 127.0
RANGE_CONVENTION_AZIMUTH_DEG = 0.0
"""The maximum-range convention: full burn, best pitch, due north from 40 N 127 E, full model."""

APOGEE_TOLERANCE = 0.005
"""A full-burn arc stands for a published apogee within 0.5%: the published apogees are radar estimates
(KCNA's 6,040.9 km was reported as about 6,100 km by the ROK JCS and 6,000 km by Japan, a 1% spread)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LoftedFlight:
    """A vehicle flown on a published lofted arc.

    Attributes
    ----------
    flight_time_s : float
        Launch to impact on the model [s].
    apogee_m, ground_range_m : float
        Apogee height above the ellipsoid and ground range along the surface of the model flight [m].
    cutoff_s, burn_time_s : float
        Thrust cut-off of the solution and the vehicle's full burn [s]; ``cutoff_s < burn_time_s`` means the
        test arc did not need the full burn (the vehicle could have been lighter or have flown higher).
    burnout_speed_mps : float
        Inertial speed at cut-off [m/s].
    """

    flight_time_s: float
    apogee_m: float
    ground_range_m: float
    cutoff_s: float
    burn_time_s: float
    burnout_speed_mps: float

    @property
    def burn_fraction(self) -> float:
        """Share of the full burn the arc needed (1 = the whole burn)."""
        return min(self.cutoff_s, self.burn_time_s) / self.burn_time_s


def with_payload(vehicle: Vehicle, payload_mass_kg: float) -> Vehicle:
    """The vehicle carrying a different separating payload (re-entry mass and beta scaled alike).

    The re-entry drag area is kept, so the ballistic coefficient scales with the mass: a lighter test RV
    of the same shape.
    """
    if payload_mass_kg == vehicle.payload_mass_kg:
        return vehicle
    reentry = vehicle.reentry_mass_kg - vehicle.payload_mass_kg + payload_mass_kg
    return replace(vehicle, payload_mass_kg=payload_mass_kg, reentry_mass_kg=reentry)


def fly_lofted_test(vehicle: Vehicle, lat_rad: float, lon_rad: float, azimuth_rad: float, ground_range_m: float,
                    apogee_m: float, *, full_burn: bool = False, earth: EarthModel | None = None) -> LoftedFlight:
    """Fly ``vehicle`` from a launch point on the arc with the given ground range and apogee height.

    With ``full_burn`` (a test the vehicle is calibrated to) the full-burn lofted arc to that range is
    flown directly and must reach the apogee within :data:`APOGEE_TOLERANCE`; otherwise thrust cut-off is
    solved for, falling back to the full burn at the edge of the envelope.

    Raises
    ------
    bmdsim.flight.targeting.UnreachableTargetError
        If the vehicle cannot reach that apogee at that range (too little energy even on a full burn).
    """
    earth = earth or EarthModel()
    alat, alon = surface_forward(np.atleast_1d(lat_rad), np.atleast_1d(lon_rad), np.atleast_1d(azimuth_rad),
                                 np.atleast_1d(ground_range_m), earth.ellipsoid)
    try:
        if full_burn:
            raise UnreachableTargetError("full burn requested")
        sol = target_missile(vehicle, lat_rad, lon_rad, alat, alon, profile="lofted", apogee_m=apogee_m,
                             earth=earth)
    except UnreachableTargetError:
        # At the edge of the envelope (a test the vehicle was calibrated to) the apogee constraint sits on
        # the full burn, where cut-off cannot move further; the full-burn lofted arc to the same range is the
        # solution if its apogee agrees within APOGEE_TOLERANCE.
        sol = target_missile(vehicle, lat_rad, lon_rad, alat, alon, profile="lofted", earth=earth)
        got = float(sol.trajectories.apogee_alt_m[0])
        if abs(got - apogee_m) > APOGEE_TOLERANCE * apogee_m:
            raise UnreachableTargetError(
                f"{vehicle.name} cannot fly a {apogee_m / 1e3:,.0f} km apogee at {ground_range_m / 1e3:,.0f} km: "
                f"a full burn reaches {got / 1e3:,.0f} km") from None
    tr = sol.trajectories
    return LoftedFlight(flight_time_s=float(tr.t_impact_s[0] - tr.t_launch_s[0]),
                        apogee_m=float(tr.apogee_alt_m[0]), ground_range_m=float(sol.ground_range_m[0]),
                        cutoff_s=float(min(sol.cutoff_s[0], vehicle.burn_time_s)),
                        burn_time_s=vehicle.burn_time_s, burnout_speed_mps=float(sol.burnout_speed_mps[0]))


def standard_range_m(vehicle: Vehicle, *, earth: EarthModel | None = None) -> float:
    """Maximum ground range of the vehicle under the bmdsim convention (module notes) [m]."""
    r, _ = maximum_range(vehicle, np.radians(RANGE_CONVENTION_LAT_DEG), np.radians(RANGE_CONVENTION_LON_DEG),
                         np.radians(RANGE_CONVENTION_AZIMUTH_DEG), earth=earth)
    return float(r[0])


@dataclass(frozen=True, slots=True, kw_only=True)
class TestReplay:
    """One published test flown again (a row of the ``lofted-tests`` table).

    ``flight`` is None when the vehicle cannot fly the arc (``error`` says why). ``standard_range_m`` is the
    vehicle's maximum range (module convention) with the payload the test flew.
    """

    key: str
    missile: str
    date: str
    calibrates: bool
    consistent: bool
    apogee_m: float
    ground_range_m: float
    published_flight_time_s: float | None
    payload_mass_kg: float
    flight: LoftedFlight | None
    standard_range_m: float
    published_standard_range_m: float | None
    error: str | None = None

    @property
    def flight_time_error(self) -> float | None:
        """(model - published) / published flight time, or None."""
        if self.flight is None or self.published_flight_time_s is None:
            return None
        return self.flight.flight_time_s / self.published_flight_time_s - 1.0


def replay_test(key: str, entry, vehicle: Vehicle, *, with_standard_range: bool = True,
                earth: EarthModel | None = None) -> TestReplay:
    """Fly one flight-test record entry (:class:`bmdsim.scenario.flight_tests.FlightTestEntry`).

    ``with_standard_range=False`` skips the maximum-range scan (``standard_range_m`` is then NaN).
    """
    if entry.payload_mass_kg is not None:
        vehicle = with_payload(vehicle, entry.payload_mass_kg.value)
    apogee_m, range_m = entry.apogee_km.value * 1e3, entry.ground_range_km.value * 1e3
    flight, error = None, None
    try:
        flight = fly_lofted_test(vehicle, np.radians(entry.launch_lat_deg.value),
                                 np.radians(entry.launch_lon_deg.value), np.radians(entry.azimuth_deg.value),
                                 range_m, apogee_m, earth=earth,
                                 # a calibrating test, or a test payload chosen for it, is a full burn
                                 full_burn=entry.calibrates or entry.payload_mass_kg is not None)
    except UnreachableTargetError as exc:
        error = str(exc)
    pub_range = entry.published_standard_range_km
    return TestReplay(key=key, missile=entry.missile, date=entry.date, calibrates=entry.calibrates,
                      consistent=entry.consistent, apogee_m=apogee_m, ground_range_m=range_m,
                      published_flight_time_s=entry.flight_time_s.value if entry.flight_time_s else None,
                      payload_mass_kg=vehicle.payload_mass_kg, flight=flight,
                      standard_range_m=standard_range_m(vehicle, earth=earth) if with_standard_range else float("nan"),
                      published_standard_range_m=pub_range.value * 1e3 if pub_range else None, error=error)
