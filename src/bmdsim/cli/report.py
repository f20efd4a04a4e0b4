"""``bmdsim report``, ``bmdsim compare`` and the answer printed at the end of ``bmdsim run``."""

from __future__ import annotations

from pathlib import Path

import click

from bmdsim.cli._common import BadInput

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json"]),
                             default="table", show_default=True,
                             help="How to print the answer: an aligned table that fits the terminal, or "
                                  "markdown, csv or json for scripts.")


def _load(folder: str, arg: str):
    from bmdsim.report.load import ResultsError, load_folder

    try:
        return load_folder(folder)
    except ResultsError as exc:
        raise BadInput(f"{arg}: {exc}") from None


def finish_run(folder: str | Path, fmt: str = "table", *, write_html: bool = True) -> None:
    """What ``bmdsim run`` does after writing its results: print the answer (and write report.html unless
    the run already wrote it into its result set)."""
    from bmdsim.report.html import write_report

    print_answers(folder, fmt)
    if not write_html:
        if (Path(folder) / "report.html").exists():
            click.echo(f"report: {Path(folder) / 'report.html'}", err=fmt != "table")
        return
    try:
        path = write_report(folder)
    except Exception as exc:  # the results are written: a failed report must not hide them
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        click.echo(f"bmdsim: warning: report.html not written ({first}); the results are in {folder}; "
                   f"retry with: bmdsim report {folder}", err=True)
        return
    click.echo(f"report: {path}", err=fmt != "table")


def print_answers(folder: str | Path, fmt: str = "table") -> None:
    """Print the answer to the question of the run in ``folder`` (what ``bmdsim run`` ends with)."""
    from bmdsim.report.answers import render_answers
    from bmdsim.report.load import ResultsError

    try:
        click.echo(render_answers(_load(str(folder), "--out"), fmt))
    except ResultsError as exc:
        raise BadInput(f"--out: {exc}") from None


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@FORMAT_OPTION
@click.option("--html/--no-html", default=True, show_default=True, help="Write FOLDER/report.html.")
@click.option("--czml", is_flag=True, help="Also write FOLDER/raid.czml (Cesium: a time-dynamic 3-D view).")
@click.option("--kml", is_flag=True, help="Also write FOLDER/raid.kml (Google Earth).")
@click.option("--geojson", is_flag=True, help="Also write FOLDER/sites.geojson and impacts.geojson (any GIS).")
@click.option("--png", is_flag=True, help="Also write the report's figures as PNG images (needs kaleido).")
def report(folder: str, fmt: str, html: bool, czml: bool, kml: bool, geojson: bool, png: bool) -> None:
    """Rebuild the answer and the HTML report of a results FOLDER from its files alone.

    \b
    Examples:
      bmdsim report bmdsim-out
      bmdsim report bmdsim-out --format markdown --no-html
      bmdsim report bmdsim-out --czml --kml --geojson
    """
    from bmdsim.report.answers import render_answers
    from bmdsim.report.load import ResultsError

    runs = _load(folder, "FOLDER")
    try:
        click.echo(render_answers(runs, fmt))
        written = []
        if html:
            from bmdsim.report.html import write_report

            written.append(write_report(folder))
        if czml or kml or geojson or png:
            from bmdsim.report.exports import write_exports

            written += write_exports(folder, czml=czml, kml=kml, geojson=geojson, png=png)
    except ResultsError as exc:
        raise BadInput(f"FOLDER: {exc}") from None
    for p in written:
        click.echo(f"wrote {p}", err=True)


@click.command()
@click.argument("a", type=click.Path())
@click.argument("b", type=click.Path())
@FORMAT_OPTION
def compare(a: str, b: str, fmt: str) -> None:
    """Show results folders A and B side by side: each metric and B - A with its standard error.

    A and B are folders written by ``bmdsim run`` (one run, or a run with variants: variants are paired
    by name).

    \b
    Example:
      bmdsim run --out before && bmdsim run my-scenario.yaml --out after
      bmdsim compare before after
    """
    from bmdsim.report.compare import compare_runs

    click.echo(compare_runs(_load(a, "A"), _load(b, "B"), a, b).render(fmt))
