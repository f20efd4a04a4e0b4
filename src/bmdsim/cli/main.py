"""The ``bmdsim`` command: argument parsing and orchestration only.

Bad input never shows a traceback: it prints one line naming the argument (or file and field) and exits
with status 2.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from collections.abc import Sequence

import click

from bmdsim import __version__

EXIT_BAD_INPUT = 2  # as bmdsim.cli._common.EXIT_BAD_INPUT (not imported here: it pulls in numpy)

# name: (module, attribute, one-line help). Commands are imported only when run or asked for their own
# help, so ``bmdsim --help`` loads neither numpy nor any stage (start-up well under 0.5 s).
_COMMANDS = {
    "catalog": ("bmdsim.cli.catalog", "catalog",
                "List the catalog entries of KIND (threats, radars, interceptors, sites) with sources."),
    "compare": ("bmdsim.cli.report", "compare",
                "Show results folders A and B side by side: B - A with its standard error."),
    "lofted-tests": ("bmdsim.cli.lofted", "lofted_tests",
                     "Fly each published lofted test (or the KEYS given) on its apogee and range; compare flight "
                     "times."),
    "coverage": ("bmdsim.cli.coverage", "coverage",
                 "Farthest ground and slant range at which a radar detects a target, per azimuth."),
    "presets": ("bmdsim.cli.run", "presets", "List the built-in presets (``presets show NAME`` prints one)."),
    "report": ("bmdsim.cli.report", "report",
               "Rebuild the answer and the HTML report of a results folder; CZML, KML, GeoJSON, PNG."),
    "run": ("bmdsim.cli.run", "run", "Assess every architecture of SCENARIO (a file or a preset)."),
    "sensitivity": ("bmdsim.cli.sweep", "sensitivity",
                    "One-at-a-time sensitivity of SCENARIO over every stated range: tornado and break-even."),
    "sweep": ("bmdsim.cli.sweep", "sweep", "Run SCENARIO over the Cartesian product of --vary values, on Dask."),
    "trajectory": ("bmdsim.cli.trajectory", "trajectory",
                   "Fly one threat from a launch point to an aim point and print its events."),
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, attr, _ = _COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, _COMMANDS[name][2]) for name in self.list_commands(ctx)])


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bmdsim")
def cli() -> None:
    """bmdsim: open, physics-based assessment of networked missile-defense architectures."""


EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


class Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler so that click does not turn it into an abort."""


def _on_sigint(signum: int, frame: object) -> None:
    from bmdsim import _interrupt

    _interrupt.request()  # checked between stages too, in case this raise lands where it is dropped
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
    from bmdsim import _interrupt

    _interrupt.requested = False  # a fresh command (tests call main() many times in one process)
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
    except Exception:
        if _interrupt.requested:  # Ctrl-C raised inside compiled code comes back wrapped (a SystemError)
            _say("interrupted")
            return EXIT_INTERRUPTED
        raise
    finally:
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
