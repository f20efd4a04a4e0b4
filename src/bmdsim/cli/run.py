"""``bmdsim run``, ``bmdsim presets`` and ``bmdsim compare``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bmdsim.cli._common import BadInput


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
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--force", is_flag=True,
              help="Use an --out folder that holds other files than bmdsim results (its contents are replaced).")
def run(scenario: str | None, out_dir: str, architectures: str | None, replications: int | None,
        seed: int | None, quiet: bool, force: bool) -> None:
    """Assess every architecture of SCENARIO (a file or a preset; default northeast-asia-2014)."""
    loaded = load_config(scenario)  # every check that needs no physics, before the heavy imports
    config, file, _ = loaded
    names = _architecture_names(architectures, config)
    n_cases = max(1, len(config.variants))
    _check_size(config, file, replications, len(names) if names else None, n_cases)

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
        console = Console(stderr=True)
        results = []
        shared = StageCache()  # variants reuse the flights and radar tracks their changes do not touch
        try:
            for variant, sc in cases:
                label = f"{variant}: " if variant else ""
                if quiet:
                    res = run_assessment(sc, architectures=names, replications=replications, cache=shared)
                else:
                    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                  console=console, transient=True) as bar:
                        task = bar.add_task("starting", total=None)
                        res = run_assessment(sc, architectures=names, replications=replications, cache=shared,
                                             progress=lambda stage, t=task, b=bar, lb=label: b.update(
                                                 t, description=lb + stage))
                results.append((variant, sc, res))
        except InputError as exc:
            raise BadInput(str(exc)) from None
        n_written = _write_all(folder, results, config.name, quiet, console)
    click.echo(f"wrote {n_written} files to {strip_control(out_dir)}/")


def _write_all(folder, results: list, scenario_name: str, quiet: bool, console) -> int:
    """Write every case into the staged folder (a subfolder per variant, plus variants.csv), then swap it in."""
    from bmdsim.assessment.footprints import footprint_tables
    from bmdsim.assessment.metrics import all_tables
    from bmdsim.report.escape import csv_safe_frame, terminal_text
    from bmdsim.report.files import write_result_set
    from bmdsim.scenario.errors import InputError
    from bmdsim.scenario.schema import to_yaml

    n_written = 0
    summaries, to_print = [], []
    try:
        stage = folder.stage()
        for variant, sc, res in results:
            tables = all_tables(res)
            if not quiet and (sc.config.footprints.aim_grids or sc.config.footprints.launch_grids):
                console.print("footprints ...")
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
            shown = tables["summary"].assign(architecture=tables["summary"]["architecture"].map(terminal_text))
            to_print.append((shown, terminal_text(sc.config.name), res))
            summaries.append(tables["summary"].assign(variant=variant or ""))
        if len(results) > 1:
            import pandas as pd

            csv_safe_frame(pd.concat(summaries, ignore_index=True)).to_csv(stage / "variants.csv", index=False)
            n_written += 1
        folder.commit(scenario_name)
    except OSError as exc:
        raise BadInput(f"--out: cannot write results to {folder.path}: {exc.strerror or exc}") from None
    for shown, name, res in to_print:  # after the commit: printing cannot cost the results
        _print_summary(shown, name, res)
    return n_written


def _peak_memory_mb() -> float:
    """Peak resident memory of this process so far [MiB] (Linux reports ru_maxrss in KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _print_summary(df, name: str, res) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"bmdsim run: {name} ({res.trajectories.n} threats, {res.replications} replications, "
                        f"seed {res.seed})")
    cols = [("architecture", "architecture", "{}"), ("expected leakers", "expected_leakers", "{:.2f}"),
            ("P(zero leakers)", "p_zero_leakers", "{:.3f}"), ("engageable", "threats_engageable", "{}"),
            ("interceptors", "expected_interceptors", "{:.1f}"), ("cost $M", "expected_cost_usd", "{:.1f}"),
            ("leakers vs national", "expected_leakers_vs_national", "{:+.2f}")]
    cols = [c for c in cols if c[1] in df.columns]
    for title, _, _ in cols:
        table.add_column(title, justify="right")
    for _, row in df.iterrows():
        table.add_row(*[fmt.format(row[key] / 1e6 if key == "expected_cost_usd" else row[key])
                        for _, key, fmt in cols])
    Console().print(table)


@click.group(invoke_without_command=True)
@click.pass_context
def presets(ctx: click.Context) -> None:
    """List the built-in presets (``presets show NAME`` prints one)."""
    from bmdsim.scenario.presets import preset_names, preset_text

    if ctx.invoked_subcommand is None:
        import yaml

        for name in preset_names():
            desc = yaml.safe_load(preset_text(name)).get("description", "")
            click.echo(f"{name}: {' '.join(str(desc).split())[:150]}")


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


@click.command()
@click.argument("a", type=click.Path())
@click.argument("b", type=click.Path())
def compare(a: str, b: str) -> None:
    """Show two results folders side by side."""
    from rich.console import Console
    from rich.table import Table

    def load(folder: str, arg: str) -> dict:
        path = Path(folder) / "results.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BadInput(f"{arg}: no results.json in {folder}") from None
        except json.JSONDecodeError as exc:
            raise BadInput(f"{arg}: {path}: not valid JSON (line {exc.lineno})") from None

    ra, rb = load(a, "A"), load(b, "B")
    table = Table(title=f"A: {a} ({ra.get('scenario')}), B: {b} ({rb.get('scenario')})")
    for col in ("architecture", "metric", "A", "B", "B - A"):
        table.add_column(col, justify="right")
    metrics = ("expected_leakers", "p_zero_leakers", "threats_engageable", "expected_interceptors",
               "expected_cost_usd")
    for arch in sorted(set(ra.get("architectures", {})) | set(rb.get("architectures", {}))):
        xa, xb = ra.get("architectures", {}).get(arch, {}), rb.get("architectures", {}).get(arch, {})
        for m in metrics:
            va, vb = xa.get(m), xb.get(m)
            diff = f"{vb - va:+.3f}" if isinstance(va, int | float) and isinstance(vb, int | float) else "-"
            table.add_row(arch, m, "-" if va is None else f"{va:.3f}", "-" if vb is None else f"{vb:.3f}",
                          diff)
    Console().print(table)
