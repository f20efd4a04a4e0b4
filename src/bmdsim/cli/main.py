"""The ``bmdsim`` command: argument parsing and orchestration only.

Bad input never shows a traceback: it prints one line naming the argument (or file and field) and exits
with status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from bmdsim import __version__
from bmdsim.cli._common import EXIT_BAD_INPUT


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bmdsim")
def cli() -> None:
    """bmdsim: open, physics-based assessment of networked missile-defense architectures."""


def _register() -> None:
    from bmdsim.cli.catalog import catalog
    from bmdsim.cli.coverage import coverage
    from bmdsim.cli.report import compare, report
    from bmdsim.cli.run import presets, run
    from bmdsim.cli.trajectory import trajectory

    cli.add_command(run)
    cli.add_command(presets)
    cli.add_command(compare)
    cli.add_command(trajectory)
    cli.add_command(coverage)
    cli.add_command(report)
    cli.add_command(catalog)


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
