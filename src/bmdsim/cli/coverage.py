"""``bmdsim coverage``: how far a catalog radar sees a target at a given altitude, azimuth by azimuth."""

from __future__ import annotations

import math

import click
import numpy as np

from bmdsim.cli._common import BadInput, parse_lat_lon, print_json

REFRACTION_K = {"none": 1.0, "4/3": 4.0 / 3.0}


def parse_position(text: str, option: str) -> tuple[float, float, float]:
    """Parse ``LAT,LON[,HEIGHT_M]`` (degrees, degrees, metres); a BadInput names the option."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3):
        raise BadInput(f"{option}: expected LAT,LON[,HEIGHT_M], got {text!r}")
    lat, lon = parse_lat_lon(",".join(parts[:2]), option)
    height = 0.0
    if len(parts) == 3:
        try:
            height = float(parts[2])
        except ValueError:
            raise BadInput(f"{option}: height {parts[2]!r} is not a number of metres") from None
        if not (math.isfinite(height) and -500.0 < height <= 100_000.0):
            raise BadInput(f"{option}: height {parts[2]} m is outside (-500, 100000] m")
    return lat, lon, height


@click.command()
@click.option("--radar", "radar_key", required=True, metavar="NAME",
              help="Catalog radar (e.g. tpy2-fbm); bmdsim catalog radars lists them.")
@click.option("--at", "at", required=True, metavar="LAT,LON[,HEIGHT_M]",
              help="Radar position, degrees and metres.")
@click.option("--boresight-az", type=float, default=0.0, show_default=True, metavar="DEG",
              help="Centre of the azimuth sector, clockwise from north (sectored radars).")
@click.option("--target-altitude", type=float, required=True, metavar="KM",
              help="Target height above the Earth.")
@click.option("--rcs", type=float, default=None, metavar="M2",
              help="Target radar cross section (default: the radar's reference RCS, 1 m^2).")
@click.option("--earth", "earth_shape", type=click.Choice(["wgs84", "sphere"]), default="wgs84",
              show_default=True, help="Earth model for line of sight: wgs84 ellipsoid or a sphere.")
@click.option("--refraction", type=click.Choice(["none", "4/3"]), default="none", show_default=True,
              help="Effective-Earth refraction model for line of sight.")
@click.option("--min-elevation", type=float, default=None, metavar="DEG",
              help="Minimum elevation (overrides the radar's own limit).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def coverage(radar_key: str, at: str, boresight_az: float, target_altitude: float, rcs: float | None,
             earth_shape: str, refraction: str, min_elevation: float | None, as_json: bool) -> None:
    """Farthest ground and slant range at which a radar detects a target, per azimuth of its sector.

    \b
    Example:
      bmdsim coverage --radar tpy2-fbm --at 40.97,140.33 --boresight-az 270
      bmdsim coverage --radar spy1d --at 39.5,134.0 --target-altitude 300
    """
    from bmdsim.earth.model import EarthModel
    from bmdsim.scenario.catalog import CatalogError
    from bmdsim.sensors.coverage import coverage as compute_coverage
    from bmdsim.sensors.radar import RadarSite, radar_from_catalog

    lat, lon, height = parse_position(at, "--at")
    try:
        radar = radar_from_catalog(radar_key)
    except KeyError as exc:
        raise BadInput(f"--radar: {exc.args[0]}") from None
    except CatalogError as exc:
        raise BadInput(str(exc)) from None
    if not (math.isfinite(boresight_az) and -360.0 <= boresight_az <= 720.0):
        raise BadInput(f"--boresight-az: {boresight_az} is outside [-360, 720] deg")
    if not (math.isfinite(target_altitude) and 0.0 <= target_altitude <= 40_000.0):
        raise BadInput(f"--target-altitude: {target_altitude} is outside [0, 40000] km")
    rcs_m2 = radar.reference_rcs_m2 if rcs is None else rcs
    if not (math.isfinite(rcs_m2) and rcs_m2 > 0.0):
        raise BadInput(f"--rcs: {rcs} must be > 0 m^2")
    if min_elevation is not None and not (
            math.isfinite(min_elevation) and -90.0 <= min_elevation < math.degrees(radar.max_elevation_rad)):
        raise BadInput(f"--min-elevation: {min_elevation} is outside [-90, "
                       f"{math.degrees(radar.max_elevation_rad):g}) deg")
    site = RadarSite(name=radar_key, radar=radar, lat_rad=math.radians(lat), lon_rad=math.radians(lon),
                     alt_m=height, boresight_az_rad=math.radians(boresight_az),
                     ellipsoid=EarthModel(shape=earth_shape).ellipsoid)  # type: ignore[arg-type]
    cov = compute_coverage(site, target_alt_m=target_altitude * 1e3, rcs_m2=rcs_m2,
                           refraction_k=REFRACTION_K[refraction],
                           min_elevation_rad=None if min_elevation is None else math.radians(min_elevation))
    out = {
        "radar": radar_key,
        "at": {"lat_deg": lat, "lon_deg": lon, "height_m": height},
        "earth": earth_shape,
        "refraction": refraction,
        "target_altitude_km": target_altitude,
        "rcs_m2": rcs_m2,
        "min_elevation_deg": math.degrees(cov.min_elevation_rad),
        "detection_range_km": cov.detection_range_m / 1e3,
        "max_range_km": radar.max_range_m / 1e3,
        "azimuth_deg": [round(float(a), 6) for a in np.degrees(cov.azimuth_rad)],
        "ground_range_km": [float(x) / 1e3 for x in cov.ground_range_m],
        "slant_range_km": [float(x) / 1e3 for x in cov.slant_range_m],
        "limited_by": list(cov.limited_by),
    }
    if as_json:
        print_json(out)
    else:
        _print_table(out)


def _print_table(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    az, ground, slant, lim = (out["azimuth_deg"], out["ground_range_km"], out["slant_range_km"],
                              out["limited_by"])
    title = (f"bmdsim coverage: {out['radar']} at {out['at']['lat_deg']:.4f}, {out['at']['lon_deg']:.4f} "
             f"({out['at']['height_m']:g} m); target {out['target_altitude_km']:g} km, "
             f"RCS {out['rcs_m2']:g} m^2, {out['earth']}, refraction {out['refraction']}")
    table = Table(title=title)
    for name, justify in (("azimuth deg", "right"), ("ground range km", "right"), ("slant range km", "right"),
                          ("limited by", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    step = max(1, len(az) // 12)
    for i in range(0, len(az), step):
        table.add_row(f"{az[i]:.0f}", f"{ground[i]:,.1f}", f"{slant[i]:,.1f}", lim[i])
    console = Console()
    console.print(table)
    g = np.asarray(ground)
    i_min, i_max = int(np.argmin(g)), int(np.argmax(g))
    console.print(f"min ground range {g[i_min]:,.1f} km at azimuth {az[i_min]:.0f} deg ({lim[i_min]}); "
                  f"max {g[i_max]:,.1f} km at azimuth {az[i_max]:.0f} deg ({lim[i_max]}); "
                  f"search detection range {out['detection_range_km']:,.1f} km, "
                  f"max instrumented range {out['max_range_km']:,.1f} km, "
                  f"minimum elevation {out['min_elevation_deg']:g} deg")
