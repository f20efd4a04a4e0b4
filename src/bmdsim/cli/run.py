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
        if scenario is None or (scenario in preset_names() and not Path(scenario).exists()):
            name = scenario or DEFAULT_PRESET
            file, text = f"preset:{name}", preset_text(name)
        else:
            if not Path(scenario).exists():
                from bmdsim.report.catalog import suggest

                raise BadInput(f"{scenario}: no such scenario file, nor a preset{suggest(scenario, preset_names())} "
                               f"(presets: {', '.join(preset_names())})")
            file, text = scenario, read_scenario_text(scenario)
        config, lines = parse_scenario(text, file)
        return config, file, lines
    except InputError as exc:
        raise BadInput(str(exc)) from None


def load_cases(scenario: str | None, seed: int | None = None) -> list[tuple[str | None, object]]:
    """Resolved cases: the scenario itself, or one per variant when it defines variants.

    ``seed`` replaces the scenario's Monte Carlo seed before anything is drawn, so every stream (the
    launch scatter included) derives from it and the resolved scenario records it.
    """
    from bmdsim.assessment.build import resolve, with_seed
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import apply_variant

    config, file, lines = load_config(scenario)
    config = with_seed(config, seed)
    try:
        if not config.variants:
            return [(None, resolve(config, file=file, lines=lines))]
        return [(v.name, resolve(apply_variant(config, v.name), file=file, lines=lines))
                for v in config.variants]
    except InputError as exc:
        raise BadInput(str(exc)) from None


@click.command()
@click.argument("scenario", required=False)
@click.option("--out", "out_dir", default="bmdsim-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for results.json and the tables.")
@click.option("--architectures", default=None, metavar="A,B,C", help="Run only these architectures.")
@click.option("--replications", type=click.IntRange(min=1), default=None, help="Monte Carlo replications.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Root random seed.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@FORMAT_OPTION
def run(scenario: str | None, out_dir: str, architectures: str | None, replications: int | None,
        seed: int | None, quiet: bool, fmt: str) -> None:
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
    from bmdsim.assessment.footprints import footprint_tables
    from bmdsim.assessment.metrics import all_tables
    from bmdsim.assessment.run import run as run_assessment
    from bmdsim.report.files import write_results
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import to_yaml

    cases = load_cases(scenario, seed)
    _check_writable(Path(out_dir))
    names = [a.strip() for a in architectures.split(",")] if architectures else None
    known = cases[0][1].architectures
    if names is not None and (not all(names) or any(a not in known for a in names)):
        raise BadInput(f"--architectures: expected names among {', '.join(known)}, got {architectures!r}")
    results = []
    from bmdsim.assessment.run import StageCache

    shared = StageCache()  # variants reuse the flights and radar tracks their changes do not touch
    show = RunProgress(len(cases), len(names or known), quiet=quiet)
    try:
        with show:
            for i, (variant, sc) in enumerate(cases):
                res = run_assessment(sc, architectures=names, replications=replications, cache=shared,
                                     progress=show.stage_callback(i, variant))
                results.append((variant, sc, res))
                show.case_finished()
    except InputError as exc:
        raise BadInput(str(exc)) from None
    n_written = 0
    summaries = []
    for variant, sc, res in results:
        tables = all_tables(res)
        if sc.config.footprints.aim_grids or sc.config.footprints.launch_grids:
            show.say(f"{variant + ': ' if variant else ''}footprints (each grid point through the whole pipeline)")
        try:
            from bmdsim.assessment.run import Timer

            timer = Timer()
            tables.update(footprint_tables(sc, timer))
            res.stage_seconds.update({f"footprints: {k}": v for k, v in timer.seconds.items()})
        except InputError as exc:
            raise BadInput(str(exc)) from None
        folder = Path(out_dir) / variant if variant else Path(out_dir)
        try:
            n_written += len(write_results(folder, tables, scenario_name=sc.config.name,
                                           resolved_yaml=to_yaml(sc.config), seed=res.seed,
                                           replications=res.replications, stage_seconds=res.stage_seconds))
        except OSError as exc:
            raise BadInput(f"--out: cannot write results to {folder}: {exc.strerror or exc}") from None
        summaries.append(tables["summary"].assign(variant=variant or ""))
    if len(results) > 1:
        import pandas as pd

        combined = pd.concat(summaries, ignore_index=True)
        combined.to_csv(Path(out_dir) / "variants.csv", index=False)
        n_written += 1
    finish_run(out_dir, fmt)
    click.echo(f"wrote {n_written} files to {out_dir}/", err=fmt != "table")


def _check_writable(out_dir: Path) -> None:
    """Fail before the long run, not after it, if the output folder cannot be written."""
    import tempfile

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise BadInput(f"--out: cannot write results to {out_dir}: {exc.strerror or exc}") from None


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
