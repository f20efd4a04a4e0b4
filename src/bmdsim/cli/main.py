"""The ``bmdsim`` command: argument parsing and orchestration only.

Bad input never shows a traceback: it prints one line naming the argument (or file and field) and exits
with status 2.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
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
    from bmdsim.cli.lofted import lofted_tests
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
    cli.add_command(lofted_tests)


_register()


EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


class Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler so that click does not turn it into an abort."""


def _on_sigint(signum: int, frame: object) -> None:
    raise Interrupted


def _say(msg: str) -> None:
    from bmdsim.scenario.errors import one_line

    try:
        click.echo(f"bmdsim: {one_line(msg, 1000)}", err=True)
    except OSError:  # stderr closed
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status.

    Bad input: one line on stderr, status 2. Ctrl-C: one line, status 130 (the results folder is left as
    it was: results are swapped in whole or not at all). Broken pipe (``bmdsim ... | head``): status 1.
    """
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_sigint) if in_main_thread else None
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="bmdsim", standalone_mode=False)
    except (Interrupted, KeyboardInterrupt, click.exceptions.Abort):
        _say("interrupted")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:  # usage errors and BadInput
        lines = exc.format_message().splitlines()
        _say(f"error: {lines[0] if lines else type(exc).__name__}")
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except BrokenPipeError:
        # the reader went away (bmdsim ... | head): quiet, and no second error when Python flushes stdout
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except MemoryError:
        _say("error: out of memory; use fewer replications, threats or shooters")
        return 1
    finally:
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
