"""``bmdsim lofted-tests``: published lofted tests flown again, with the standard range they imply."""

from __future__ import annotations

import click

from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.lofted import RANGE_CONVENTION_LAT_DEG, RANGE_CONVENTION_LON_DEG, replay_test
from bmdsim.scenario.flight_tests import load_flight_tests


def _km(x: float | None) -> str:
    return "-" if x is None else f"{x / 1e3:,.0f}"


@click.command("lofted-tests")
@click.argument("keys", nargs=-1)
def lofted_tests(keys: tuple[str, ...]) -> None:
    """Fly each published lofted test (or the KEYS given) on its apogee and range; compare flight times."""
    record = load_flight_tests().tests
    unknown = [k for k in keys if k not in record]
    if unknown:
        raise click.BadParameter(f"unknown test {unknown[0]!r} (tests: {', '.join(record)})", param_hint="KEYS")
    click.echo(f"{'test':24s} {'apogee':>7s} {'range':>6s} {'payload':>7s} {'time pub':>8s} {'model':>6s} "
               f"{'diff':>6s} {'burn':>5s} {'std range':>9s} {'published':>9s}")
    click.echo(f"{'':24s} {'km':>7s} {'km':>6s} {'kg':>7s} {'s':>8s} {'s':>6s} {'':>6s} {'used':>5s} "
               f"{'km (a)':>9s} {'km':>9s}")
    for key in keys or tuple(record):
        entry = record[key]
        row = replay_test(key, entry, threat_vehicle(entry.missile))
        f = row.flight
        t_pub = f"{row.published_flight_time_s:,.0f}" if row.published_flight_time_s else "-"
        t_mod = f"{f.flight_time_s:,.0f}" if f else "n/a"
        diff = f"{100 * row.flight_time_error:+.1f}%" if row.flight_time_error is not None else "-"
        burn = f"{100 * f.burn_fraction:.0f}%" if f else "-"
        mark = ("*" if row.calibrates else "") + ("!" if not row.consistent else "")
        click.echo(f"{key + mark:24s} {row.apogee_m / 1e3:7,.0f} {row.ground_range_m / 1e3:6,.0f} "
                   f"{row.payload_mass_kg:7,.0f} {t_pub:>8s} {t_mod:>6s} {diff:>6s} {burn:>5s} "
                   f"{_km(row.standard_range_m):>9s} {_km(row.published_standard_range_m):>9s}")
        if row.error:
            click.echo(f"    cannot fly this arc: {row.error}")
    click.echo(f"(a) maximum range: full burn, best pitch, rotating WGS 84 Earth with J2 and drag, fired due north "
               f"from {RANGE_CONVENTION_LAT_DEG:.0f} N {RANGE_CONVENTION_LON_DEG:.0f} E, with the test's payload.")
    click.echo("* the test the catalog vehicle is calibrated to (apogee at full burn); its flight time is still a "
               "check.  ! published figures inconsistent with ballistic flight (catalog/flight_tests.yaml note).")
