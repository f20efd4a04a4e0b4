"""``bmdsim catalog``: the public data bmdsim uses, with key figures and sources."""

from __future__ import annotations

import click

from bmdsim.cli._common import BadInput
from bmdsim.cli.report import FORMAT_OPTION


@click.command()
@click.argument("kind", required=False)
@click.argument("key", required=False)
@FORMAT_OPTION
def catalog(kind: str | None, key: str | None, fmt: str) -> None:
    """List the catalog entries of KIND (threats, radars, interceptors, batteries or sites), or every figure of KEY.

    Every figure has a source ending in [seen], [unverified] or [estimate]. Without KIND, all five
    catalogs are listed. The keys are the names a scenario file uses (missile:, type:, interceptor:, battery:,
    site:).

    \b
    Examples:
      bmdsim catalog radars
      bmdsim catalog threats nodong
      bmdsim catalog batteries aegis-bmd-ship
      bmdsim catalog sites --format csv > sites.csv
    """
    from bmdsim.report.catalog import KINDS, catalog_table, entries, entry_table, suggest

    if kind is None:
        click.echo("\n\n".join(catalog_table(k).render(fmt) for k in KINDS))
        return
    if kind not in KINDS:
        raise BadInput(f"KIND: unknown catalog {kind!r}; expected one of {', '.join(KINDS)}{suggest(kind, KINDS)}")
    if key is None:
        click.echo(catalog_table(kind).render(fmt))
        return
    known = list(entries(kind))
    if key not in known:
        raise BadInput(f"KEY: no {kind} entry {key!r}{suggest(key, known)} (bmdsim catalog {kind} lists them)")
    click.echo(entry_table(kind, key).render(fmt))
