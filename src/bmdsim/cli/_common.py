"""Helpers shared by the commands: one-line bad-input errors, argument parsing, JSON output."""

from __future__ import annotations

import json

import click
import numpy as np

EXIT_BAD_INPUT = 2


class BadInput(click.ClickException):
    """A user error: one line, exit status 2."""

    exit_code = EXIT_BAD_INPUT


def parse_lat_lon(text: str, option: str) -> tuple[float, float]:
    """Parse ``LAT,LON`` in degrees; a BadInput names the option."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise BadInput(f"{option}: expected LAT,LON in degrees, got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise BadInput(f"{option}: expected LAT,LON in degrees, got {text!r}") from None
    if not (np.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise BadInput(f"{option}: latitude {parts[0]} is outside [-90, 90] deg")
    if not (np.isfinite(lon) and -180.0 <= lon <= 360.0):
        raise BadInput(f"{option}: longitude {parts[1]} is outside [-180, 360] deg")
    return lat, lon



def print_json(obj: object) -> None:
    click.echo(json.dumps(obj, indent=2, sort_keys=False))
