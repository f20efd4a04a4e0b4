"""``bmdsim run`` and ``bmdsim presets`` (``bmdsim compare`` is in :mod:`bmdsim.cli.report`)."""

from __future__ import annotations

from pathlib import Path

import click

from bmdsim.cli._common import BadInput
from bmdsim.cli.progress import RunProgress
from bmdsim.cli.report import FORMAT_OPTION, finish_run


def load_config(scenario: str | None):
    """Parse a scenario file or preset name (default preset when None): (config, file, line index)."""
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.presets import DEFAULT_PRESET, preset_names, preset_text
    from bmdsim.scenario.schema import parse_scenario, read_scenario_text

    try:
        # a preset name wins over a folder of that name (e.g. the results of `--out northeast-asia-2014`),
        # which can never be a scenario; a file of that name is the user's own scenario and wins
        if scenario is None or (scenario in preset_names() and not Path(scenario).is_file()):
            name = scenario or DEFAULT_PRESET
            file, text = f"preset:{name}", preset_text(name)
        else:
            if not Path(scenario).exists():
                from bmdsim.report.catalog import suggest
                from bmdsim.report.escape import strip_control

                raise BadInput(f"{strip_control(scenario)}: no such scenario file, nor a preset"
                               f"{suggest(scenario, preset_names())} (presets: {', '.join(preset_names())})")
            file, text = scenario, read_scenario_text(scenario)
        config, lines = parse_scenario(text, file)
        return config, file, lines
    except InputError as exc:
        raise BadInput(str(exc)) from None


def load_cases(scenario: str | None, config_file_lines=None, seed: int | None = None
               ) -> list[tuple[str | None, object]]:
    """Resolved cases: the scenario itself, or one per variant when it defines variants.

    ``seed`` replaces the scenario's Monte Carlo seed before anything is drawn, so every stream (the
    launch scatter included) derives from it and the resolved scenario records it.
    """
    from bmdsim.assessment.build import resolve, with_seed
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import apply_variant

    config, file, lines = config_file_lines or load_config(scenario)
    config = with_seed(config, seed)
    try:
        if not config.variants:
            return [(None, resolve(config, file=file, lines=lines))]
        return [(v.name, resolve(apply_variant(config, v.name), file=file, lines=lines))
                for v in config.variants]
    except InputError as exc:
        raise BadInput(str(exc)) from None


def _architecture_names(architectures: str | None, config) -> list[str] | None:
    """The names ``--architectures`` asks for, each checked against the scenario's (before any setup)."""
    from bmdsim.report.escape import strip_control

    if architectures is None:
        return None
    known = [a if isinstance(a, str) else a.name for a in config.architectures]
    names = [a.strip() for a in architectures.split(",")]
    for a in names:
        if a not in known:
            what = f"unknown architecture {strip_control(a)!r}" if a else "an empty name"
            raise BadInput(f"--architectures: {what} (scenario has {', '.join(known)})")
    return list(dict.fromkeys(names))


def _check_size(config, file: str, replications: int | None, n_arch: int | None, n_cases: int) -> None:
    """Refuse a run too large for memory; say so when it will take long (both before any work)."""
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.validate import LONG_RUN_S, check_run_size

    try:
        est = check_run_size(config, file, replications=replications, architectures=n_arch, cases=n_cases)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    if est.seconds > LONG_RUN_S:
        click.echo(f"bmdsim: note: a large run ({est.drivers}); it may take about {est.seconds / 60:,.0f} min "
                   f"and {est.memory_bytes / 2**30:,.1f} GiB", err=True)


@click.command()
@click.argument("scenario", required=False)
@click.option("--out", "out_dir", default="bmdsim-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for results.json and the tables (replaced whole when the run succeeds).")
@click.option("--architectures", default=None, metavar="A,B,C", help="Run only these architectures.")
@click.option("--replications", type=click.IntRange(min=1, max=1_000_000), default=None,
              help="Monte Carlo replications.")
@click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), default=None, help="Root random seed.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.option("--force", is_flag=True,
              help="Use an --out folder that holds other files than bmdsim results (its contents are replaced).")
@FORMAT_OPTION
def run(scenario: str | None, out_dir: str, architectures: str | None, replications: int | None,
        seed: int | None, quiet: bool, force: bool, fmt: str) -> None:
    """Assess every architecture of SCENARIO (a file or a preset; default northeast-asia-2014).

    Architectures (--architectures) of the built-in presets: national (each nation uses only its own
    sensors), bilateral (US-Japan and US-ROK share), trilateral (all three share, through the US).
    Presets: bmdsim presets. Missiles, radars, interceptors and sites: bmdsim catalog.

    \b
    Examples:
      bmdsim run
      bmdsim run korea-short-range --out korea --replications 200
      bmdsim run my.yaml --architectures national,trilateral --format markdown
    """
    loaded = load_config(scenario)  # every check that needs no physics, before the heavy imports
    config, file, _ = loaded
    names = _architecture_names(architectures, config)
    n_cases = max(1, len(config.variants))
    _check_size(config, file, replications, len(names) if names else None, n_cases)

    from bmdsim.assessment.run import StageCache
    from bmdsim.assessment.run import run as run_assessment
    from bmdsim.report.escape import strip_control
    from bmdsim.report.files import OutputFolderError, ResultFolder
    from bmdsim.scenario.errors import InputError

    folder = ResultFolder(out_dir, force=force)
    try:
        folder.open()
    except OutputFolderError as exc:
        raise BadInput(f"--out: {exc}") from None
    except OSError as exc:
        raise BadInput(f"--out: cannot write results to {out_dir}: {exc.strerror or exc}") from None
    with folder:
        cases = load_cases(scenario, loaded, seed)
        results = []
        shared = StageCache()  # variants reuse the flights and radar tracks their changes do not touch
        show = RunProgress(len(cases), len(names or cases[0][1].architectures), quiet=quiet)
        try:
            with show:
                for i, (variant, sc) in enumerate(cases):
                    res = run_assessment(sc, architectures=names, replications=replications, cache=shared,
                                         progress=show.stage_callback(i, variant))
                    results.append((variant, sc, res))
                    show.case_finished()
        except InputError as exc:
            raise BadInput(str(exc)) from None
        n_written = _write_all(folder, results, config.name, show)
    finish_run(out_dir, fmt, write_html=False)  # after the commit: the answer, read from the files
    click.echo(f"wrote {n_written} files to {strip_control(out_dir)}/", err=fmt != "table")


def _stage_report(stage) -> int:
    """Write report.html into the staged result set; a failure warns and keeps the results (0 or 1 file)."""
    from bmdsim.report.escape import strip_control
    from bmdsim.report.html import write_report

    try:
        write_report(stage)
    except Exception as exc:  # the tables are written: a failed report must not cost them
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        click.echo(f"bmdsim: warning: report.html not written ({strip_control(first)}); rebuild it with "
                   "bmdsim report FOLDER", err=True)
        return 0
    return 1


def _write_all(folder, results: list, scenario_name: str, show: RunProgress) -> int:
    """Write every case into the staged folder (a subfolder per variant, plus variants.csv), then swap it in."""
    from bmdsim.assessment.footprints import footprint_tables
    from bmdsim.assessment.metrics import all_tables
    from bmdsim.report.escape import csv_safe_frame
    from bmdsim.report.files import write_result_set
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import to_yaml

    n_written = 0
    summaries = []
    try:
        stage = folder.stage()
        for variant, sc, res in results:
            tables = all_tables(res)
            if sc.config.footprints.aim_grids or sc.config.footprints.launch_grids:
                show.say(f"{variant + ': ' if variant else ''}footprints (each grid point through the whole "
                         "pipeline)")
            try:
                from bmdsim.assessment.run import Timer

                timer = Timer()
                tables.update(footprint_tables(sc, timer))
                res.stage_seconds.update({f"footprints: {k}": v for k, v in timer.seconds.items()})
            except InputError as exc:
                raise BadInput(str(exc)) from None
            n_written += len(write_result_set(stage / variant if variant else stage, tables,
                                              scenario_name=sc.config.name, resolved_yaml=to_yaml(sc.config),
                                              seed=res.seed, replications=res.replications,
                                              stage_seconds=res.stage_seconds, epoch_utc=sc.config.epoch_utc,
                                              peak_memory_mb=_peak_memory_mb()))
            summaries.append(tables["summary"].assign(variant=variant or ""))
        if len(results) > 1:
            import pandas as pd

            csv_safe_frame(pd.concat(summaries, ignore_index=True)).to_csv(stage / "variants.csv", index=False)
            n_written += 1
        n_written += _stage_report(stage)  # part of the result set: swapped in with it, never half-written
        from bmdsim import _interrupt

        _interrupt.check()  # a Ctrl-C dropped inside compiled code still stops the run before the swap
        folder.commit(scenario_name)
    except OSError as exc:
        raise BadInput(f"--out: cannot write results to {folder.path}: {exc.strerror or exc}") from None
    return n_written


def _peak_memory_mb() -> float:
    """Peak resident memory of this process so far [MiB] (Linux reports ru_maxrss in KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


@click.group(invoke_without_command=True)
@click.pass_context
def presets(ctx: click.Context) -> None:
    """List the built-in presets (``presets show NAME`` prints one)."""
    from bmdsim.scenario.presets import preset_names, preset_text

    if ctx.invoked_subcommand is None:
        import yaml

        from bmdsim.report.text import terminal_width, wrap_paragraph

        for name in preset_names():
            desc = yaml.safe_load(preset_text(name)).get("description", "")
            click.echo(name)
            click.echo(wrap_paragraph(" ".join(str(desc).split()), terminal_width(), indent="  "))


@presets.command("show")
@click.argument("name")
def presets_show(name: str) -> None:
    """Print preset NAME as YAML to copy and edit."""
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.presets import preset_text

    try:
        click.echo(preset_text(name), nl=False)
    except InputError as exc:
        raise BadInput(f"NAME: {exc}") from None
