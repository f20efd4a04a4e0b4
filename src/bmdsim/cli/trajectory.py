"""``bmdsim trajectory``: one threat trajectory on the chosen Earth model."""

from __future__ import annotations

import click
import numpy as np

from bmdsim.cli._common import BadInput, parse_lat_lon, print_json

DEFAULT_FROM = "40.85,129.67"
"""Default launch point: the Tonghae (Musudan-ri) launch site, DPRK (public satellite imagery)."""
DEFAULT_TO = "35.68,139.77"
"""Default aim point: central Tokyo."""
DEFAULT_MISSILE = "nodong"
MAX_APOGEE_KM = 40_000.0
MIN_RANGE_M = 1.0
"""Shortest launch-to-aim distance [m]: closer, the aim point is the launch point."""

IMPULSIVE_BETA_KG_M2 = 5000.0
"""Ballistic coefficient of the generic re-entry vehicle of ``--impulsive`` runs with drag [kg/m^2]
(about 49 kPa, mid-range for the RVs of medium-range missiles; see docs/methods/flight.md)."""


@click.command()
@click.option("--from", "from_", default=DEFAULT_FROM, show_default=True, metavar="LAT,LON",
              help="Launch point, degrees.")
@click.option("--to", "to", default=DEFAULT_TO, show_default=True, metavar="LAT,LON",
              help="Aim point, degrees.")
@click.option("--missile", default=None,
              help=f"Catalog threat (default {DEFAULT_MISSILE}); bmdsim catalog threats lists them.")
@click.option("--impulsive", is_flag=True, help="A burnout state at the launch point, no boost phase.")
@click.option("--profile", type=click.Choice(["minimum-energy", "lofted", "depressed", "quasi-ballistic"]),
              default="minimum-energy", show_default=True,
              help="Trajectory shape: minimum-energy (longest range for the energy), lofted (steeper, higher "
                   "apogee, shorter flight to the same point), depressed (flatter, lower apogee, less "
                   "warning time) or quasi-ballistic (KN-23 and KN-24: a 30-60 km apogee, then a pull-up and glide; "
                   "missiles with a quasi_ballistic catalog block).")
@click.option("--burnout-angle", type=float, default=None, metavar="DEG",
              help="Burnout flight-path angle (inertial, from the local horizontal).")
@click.option("--apogee", type=float, default=None, metavar="KM", help="Fly the trajectory with this apogee.")
@click.option("--burnout-altitude", type=float, default=0.0, show_default=True, metavar="KM",
              help="Height of the burnout point for --impulsive.")
@click.option("--beta", type=float, default=IMPULSIVE_BETA_KG_M2, show_default=True, metavar="KG_M2",
              help="Ballistic coefficient of the --impulsive re-entry vehicle.")
@click.option("--earth", "earth_shape", type=click.Choice(["wgs84", "sphere"]), default="wgs84",
              show_default=True, help="Earth model: wgs84 (WGS 84 ellipsoid with J2 gravity) or sphere "
                                      "(point-mass gravity, for checks against textbook closed forms).")
@click.option("--no-rotation", is_flag=True, help="Non-rotating Earth.")
@click.option("--no-drag", is_flag=True, help="Vacuum.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def trajectory(from_: str, to: str, missile: str | None, impulsive: bool, profile: str,
               burnout_angle: float | None, apogee: float | None, burnout_altitude: float, beta: float,
               earth_shape: str, no_rotation: bool, no_drag: bool, as_json: bool) -> None:
    """Fly one threat from a launch point to an aim point and report its trajectory.

    \b
    Examples:
      bmdsim trajectory --missile scud-b --from 39.0,125.7 --to 37.0,127.0 --json
      bmdsim trajectory --missile nodong --profile lofted
      bmdsim trajectory --from 0,0 --to 0,45 --impulsive --earth sphere --no-drag
    """
    from bmdsim.earth.model import EarthModel
    from bmdsim.flight.catalog import threat_vehicle
    from bmdsim.flight.targeting import UnreachableTargetError, describe_miss, target_impulsive, target_missile

    lat0, lon0 = parse_lat_lon(from_, "--from")
    lat1, lon1 = parse_lat_lon(to, "--to")
    if impulsive and missile is not None:
        raise BadInput("--missile and --impulsive exclude each other")
    if burnout_angle is not None and not 0.0 < burnout_angle < 90.0:
        raise BadInput(f"--burnout-angle: {burnout_angle} is outside (0, 90) deg")
    if apogee is not None and not 0.0 < apogee <= MAX_APOGEE_KM:
        raise BadInput(f"--apogee: {apogee} is outside (0, {MAX_APOGEE_KM:,.0f}] km")
    if not 0.0 <= burnout_altitude <= 2000.0:
        raise BadInput(f"--burnout-altitude: {burnout_altitude} is outside [0, 2000] km")
    if not 0.0 < beta <= 1e6:
        raise BadInput(f"--beta: {beta} is outside (0, 1e6] kg/m^2")
    earth = EarthModel(shape=earth_shape, rotation=not no_rotation, drag=not no_drag)  # type: ignore[arg-type]
    _check_geometry(lat0, lon0, lat1, lon1, earth)
    rad = np.radians
    name = "impulsive" if impulsive else (missile or DEFAULT_MISSILE)
    try:
        if impulsive:
            if profile == "quasi-ballistic":
                raise BadInput("--profile quasi-ballistic needs a missile (its boost and lift), not --impulsive")
            if apogee is not None:
                raise BadInput("--apogee is not available with --impulsive; give --burnout-angle")
            if profile != "minimum-energy" and burnout_angle is None:
                raise BadInput(f"--burnout-angle is required with --impulsive --profile {profile}")
            mass = 1000.0
            sol = target_impulsive(rad(lat0), rad(lon0), rad(lat1), rad(lon1), profile=profile,  # type: ignore[arg-type]
                                   burnout_angle_rad=None if burnout_angle is None else rad(burnout_angle),
                                   burnout_alt_m=burnout_altitude * 1e3, earth=earth, mass_kg=mass,
                                   cda_m2=mass / beta)
        else:
            try:
                vehicle = threat_vehicle(name)
            except KeyError as exc:
                raise BadInput(f"--missile: {exc.args[0]}") from None
            sol = target_missile(vehicle, rad(lat0), rad(lon0), rad(lat1), rad(lon1), profile=profile,  # type: ignore[arg-type]
                                 burnout_angle_rad=None if burnout_angle is None else rad(burnout_angle),
                                 apogee_m=None if apogee is None else apogee * 1e3, earth=earth)
    except UnreachableTargetError as exc:
        raise BadInput(f"--to: {exc}") from None
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if not sol.is_reachable[0]:
        raise BadInput(f"--to: aim point out of reach (best miss {describe_miss(float(sol.miss_m[0]))})")
    out = _summary(sol, earth, name, profile, impulsive)
    if as_json:
        print_json(out)
    else:
        _print_table(out)


def _check_geometry(lat0: float, lon0: float, lat1: float, lon1: float, earth) -> None:
    """Refuse an aim point on the launch point, or exactly antipodal to it (no direction of fire)."""
    from bmdsim.earth.geodesy import surface_inverse

    rad = np.radians
    dist, _, _ = surface_inverse(rad(lat0), rad(lon0), rad(lat1), rad(lon1), earth.ellipsoid)
    if not float(dist) >= MIN_RANGE_M:
        raise BadInput(f"--to: the aim point is the launch point ({float(dist):.1f} m apart; at least "
                       f"{MIN_RANGE_M:g} m needed)")
    # antipodal points: every azimuth is a shortest path, so there is no direction of fire
    def unit(lat: float, lon: float) -> np.ndarray:
        return np.array([np.cos(rad(lat)) * np.cos(rad(lon)), np.cos(rad(lat)) * np.sin(rad(lon)), np.sin(rad(lat))])

    if float(np.linalg.norm(unit(lat0, lon0) + unit(lat1, lon1))) < 1e-6:
        raise BadInput("--to: the aim point is antipodal to the launch point: no direction of fire")


def _summary(sol, earth, name: str, profile: str, impulsive: bool) -> dict[str, object]:
    from bmdsim.earth.frames import ecef_to_geodetic

    tr = sol.trajectories
    lat, lon, _ = ecef_to_geodetic(tr.r_impact_ecef_m[0], earth.ellipsoid)
    lon_deg = (float(np.degrees(lon)) + 180.0) % 360.0 - 180.0
    return {
        "missile": name,
        "profile": profile,
        "earth": earth.shape,
        "rotation": earth.rotation,
        "drag": earth.drag,
        "ground_range_km": float(sol.ground_range_m[0] / 1e3),
        "flight_time_s": float(tr.flight_time_s[0]),
        "flight_time_from": "burnout" if impulsive else "launch",
        "apogee_km": float(tr.apogee_alt_m[0] / 1e3),
        "apogee_time_s": float(tr.t_apogee_s[0] - tr.t_launch_s[0]),
        "burnout_time_s": float(tr.t_burnout_s[0] - tr.t_launch_s[0]),
        "burnout_speed_km_s": float(sol.burnout_speed_mps[0] / 1e3),
        "burnout_angle_deg": float(np.degrees(sol.burnout_gamma_rad[0])),
        "launch_azimuth_deg": float(np.degrees(sol.azimuth_rad[0]) % 360.0),
        "thrust_cutoff_s": (None if (impulsive or not np.isfinite(sol.cutoff_s[0]))
                            else float(sol.cutoff_s[0])),
        "impact_lat_deg": float(np.degrees(lat)),
        "impact_lon_deg": lon_deg,
        "impact_speed_km_s": float(np.linalg.norm(tr.v_impact_ecef_mps[0]) / 1e3),
        "miss_km": float(sol.miss_m[0] / 1e3),
    }


def _print_table(out: dict[str, object]) -> None:
    from rich.console import Console
    from rich.table import Table

    switches = f"rotation {'on' if out['rotation'] else 'off'}, drag {'on' if out['drag'] else 'off'}"
    table = Table(title=f"bmdsim trajectory: {out['missile']} ({out['profile']}, {out['earth']}, {switches})")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("ground range", f"{out['ground_range_km']:,.1f} km"),
        (f"flight time (from {out['flight_time_from']})", f"{out['flight_time_s']:,.1f} s"),
        ("apogee", f"{out['apogee_km']:,.1f} km"),
        ("burnout speed (inertial)", f"{out['burnout_speed_km_s']:.3f} km/s"),
        ("burnout flight-path angle", f"{out['burnout_angle_deg']:.2f} deg"),
        ("burnout time", f"{out['burnout_time_s']:.1f} s"),
        ("launch azimuth", f"{out['launch_azimuth_deg']:.2f} deg"),
        ("impact", f"{out['impact_lat_deg']:.4f}, {out['impact_lon_deg']:.4f} deg"),
        ("impact speed", f"{out['impact_speed_km_s']:.3f} km/s"),
        ("miss", f"{out['miss_km'] * 1e3:,.1f} m"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    Console().print(table)
