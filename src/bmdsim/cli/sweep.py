"""``bmdsim sweep`` and ``bmdsim sensitivity``: argument parsing and orchestration only."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bmdsim.cli._common import BadInput
from bmdsim.cli.report import FORMAT_OPTION


def _say(text: str) -> None:
    """Progress on stderr: one updated line on a terminal, plain lines otherwise (logs, CI)."""
    if sys.stderr.isatty():
        click.echo(f"\r{text}\x1b[K", err=True, nl=False)
    else:
        click.echo(text, err=True)


def _names(text: str | None, option: str) -> list[str] | None:
    if text is None:
        return None
    names = [a.strip() for a in text.split(",")]
    if not all(names):
        raise BadInput(f"{option}: expected comma-separated names, got {text!r}")
    return names


@click.command()
@click.argument("scenario")
@click.option("--vary", "varies", multiple=True, required=True, metavar="PATH=VALUES",
              help="A field and its values: a,b,c or start:stop:step (stop included). Repeat for a grid.")
@click.option("--replications", type=click.IntRange(min=1), default=None, help="Monte Carlo replications per case.")
@click.option("--out", "out_dir", default="bmdsim-sweep", show_default=True, type=click.Path(file_okay=False),
              help="Folder of the Parquet dataset (sweep.parquet/) and its manifest.")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="A running Dask scheduler, tcp://host:port.")
@click.option("--workers", type=click.IntRange(min=0), default=2, show_default=True,
              help="Local worker processes (0: run in this process, without Dask).")
@click.option("--resume", is_flag=True, help="Finish a sweep in --out: run only the cases not yet written.")
@click.option("--chunk", "chunk_size", type=click.IntRange(min=1), default=None, help="Cases per part.")
@click.option("--common-random-numbers", "crn", is_flag=True,
              help="Every case on the scenario seed (default: a seed from the scenario seed and the case key).")
@click.option("--architectures", default=None, metavar="A,B", help="Run only these architectures.")
def sweep(scenario: str, varies: tuple[str, ...], replications: int | None, out_dir: str, scheduler: str | None,
          workers: int, resume: bool, chunk_size: int | None, crn: bool, architectures: str | None) -> None:
    """Run SCENARIO over the Cartesian product of --vary values, on Dask, into a Parquet dataset."""
    from bmdsim.assessment.sweep import parse_vary, read_sweep
    from bmdsim.assessment.sweep import sweep as run_sweep
    from bmdsim.cli.run import load_config
    from bmdsim.scenario.errors import InputError

    config, file, lines = load_config(scenario)
    try:
        axes = [parse_vary(v) for v in varies]
        res = run_sweep(config, axes, Path(out_dir), file=file, lines=lines, replications=replications,
                        scheduler=scheduler, workers=workers, resume=resume, chunk_size=chunk_size,
                        common_random_numbers=crn, architectures=_names(architectures, "--architectures"),
                        say=_say)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    df = read_sweep(res.out)
    df.to_csv(res.out / "sweep.csv", index=False)
    from bmdsim.report.sweep_html import write_sweep_report

    write_sweep_report(res.out)
    click.echo(f"sweep: {res.planned} cases ({res.skipped} already done, {res.ran} run in {res.seconds:.1f} s); "
               f"wrote {res.out}/sweep.parquet, sweep.csv and report.html")


@click.command()
@click.argument("scenario")
@click.option("--metric", default="expected_leakers", show_default=True,
              help="Summary metric (expected_leakers, p_zero_leakers, expected_interceptors, expected_cost_usd).")
@click.option("--compare", "compare", default=None, metavar="ARCH_A,ARCH_B",
              help="The two architectures whose ranking on the metric may flip (default: first and last).")
@click.option("--replications", type=click.IntRange(min=1), default=None, help="Monte Carlo replications per case.")
@click.option("--out", "out_dir", default="bmdsim-sensitivity", show_default=True,
              type=click.Path(file_okay=False), help="Folder for sensitivity.parquet, .csv (and .png).")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="A running Dask scheduler, tcp://host:port.")
@click.option("--workers", type=click.IntRange(min=0), default=2, show_default=True,
              help="Local worker processes (0: in this process).")
@click.option("--bisect", "bisections", type=click.IntRange(min=0, max=12), default=4, show_default=True,
              help="Bisection steps refining each break-even value.")
@click.option("--only", "only", multiple=True, metavar="TEXT",
              help="Vary only the inputs whose name or path contains TEXT (repeatable).")
@FORMAT_OPTION
def sensitivity(scenario: str, metric: str, compare: str | None, replications: int | None, out_dir: str,
                scheduler: str | None, workers: int, bisections: int, only: tuple[str, ...], fmt: str) -> None:
    """One-at-a-time sensitivity of SCENARIO over every stated range: tornado table and break-even values."""
    from bmdsim.assessment.sensitivity import run_sensitivity, write_outputs
    from bmdsim.cli.run import load_config
    from bmdsim.report.answers import tornado_answer
    from bmdsim.scenario.errors import InputError

    config, file, lines = load_config(scenario)
    pair = _names(compare, "--compare")
    if pair is not None and len(pair) != 2:
        raise BadInput(f"--compare: expected ARCH_A,ARCH_B, got {compare!r}")
    try:
        result = run_sensitivity(config, file=file, lines=lines, metric=metric, compare=pair,
                                 replications=replications, scheduler=scheduler, workers=workers,
                                 bisections=bisections, only=list(only) or None, say=_say)
        files = write_outputs(result, Path(out_dir))
    except InputError as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:
        raise BadInput(f"--out: cannot write to {out_dir}: {exc.strerror or exc}") from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(tornado_answer(result).render(fmt))
    click.echo(f"wrote {', '.join(str(f) for f in files)}", err=fmt != "table")
