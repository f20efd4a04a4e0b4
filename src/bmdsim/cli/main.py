"""The ``bmdsim`` command: argument parsing and orchestration only.

Bad input never shows a traceback: it prints one line naming the argument (or file and field) and exits
with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click
import numpy as np

from bmdsim import __version__

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bmdsim")
def cli() -> None:
    """bmdsim: open, physics-based assessment of networked missile-defense architectures."""


def _register() -> None:
    from bmdsim.cli.trajectory import trajectory

    cli.add_command(trajectory)


_register()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="bmdsim", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("bmdsim: aborted", err=True)
        return 1
    except click.ClickException as exc:  # usage errors and BadInput
        msg = exc.format_message().splitlines()[0] if exc.format_message() else type(exc).__name__
        click.echo(f"bmdsim: error: {msg}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    return 0


def print_json(obj: object) -> None:
    click.echo(json.dumps(obj, indent=2, sort_keys=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
