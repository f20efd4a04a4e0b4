"""``bmdsim lofted-tests``: published lofted tests flown again, with the standard range they imply."""

from __future__ import annotations

import click

from bmdsim.cli.report import FORMAT_OPTION
from bmdsim.flight.catalog import threat_vehicle
from bmdsim.flight.lofted import RANGE_CONVENTION_LAT_DEG, RANGE_CONVENTION_LON_DEG, replay_test
from bmdsim.scenario.flight_tests import load_flight_tests


def _km(x: float | None) -> str:
    return "-" if x is None else f"{x / 1e3:,.0f}"


@click.command("lofted-tests")
@click.argument("keys", nargs=-1)
@FORMAT_OPTION
def lofted_tests(keys: tuple[str, ...], fmt: str) -> None:
    """Fly each published lofted test (or the KEYS given) on its apogee and range; compare flight times.

    \b
    Examples:
      bmdsim lofted-tests
      bmdsim lofted-tests hwasong-15-2017-11-29 --format csv
    """
    from bmdsim.report.answers import Answer
    from bmdsim.report.text import Column

    record = load_flight_tests().tests
    unknown = [k for k in keys if k not in record]
    if unknown:
        raise click.BadParameter(f"unknown test {unknown[0]!r} (tests: {', '.join(record)})", param_hint="KEYS")
    columns = [Column("test", "test", "<"), Column("apogee_km", "apogee km"), Column("range_km", "range km"),
               Column("payload_kg", "payload kg"), Column("published_time_s", "time pub s"),
               Column("model_time_s", "time model s"), Column("difference", "diff"),
               Column("burn_used", "burn used"), Column("standard_range_km", "std range km (a)"),
               Column("published_range_km", "pub range km")]
    rows, raw, notes = [], [], []
    for key in keys or tuple(record):
        entry = record[key]
        row = replay_test(key, entry, threat_vehicle(entry.missile))
        f = row.flight
        mark = ("*" if row.calibrates else "") + ("!" if not row.consistent else "")
        rows.append([key + mark, f"{row.apogee_m / 1e3:,.0f}", f"{row.ground_range_m / 1e3:,.0f}",
                     f"{row.payload_mass_kg:,.0f}",
                     f"{row.published_flight_time_s:,.0f}" if row.published_flight_time_s else "-",
                     f"{f.flight_time_s:,.0f}" if f else "n/a",
                     f"{100 * row.flight_time_error:+.1f}%" if row.flight_time_error is not None else "-",
                     f"{100 * f.burn_fraction:.0f}%" if f else "-",
                     _km(row.standard_range_m), _km(row.published_standard_range_m)])
        raw.append([key, row.apogee_m / 1e3, row.ground_range_m / 1e3, row.payload_mass_kg,
                    row.published_flight_time_s, f.flight_time_s if f else None, row.flight_time_error,
                    f.burn_fraction if f else None,
                    None if row.standard_range_m is None else row.standard_range_m / 1e3,
                    None if row.published_standard_range_m is None else row.published_standard_range_m / 1e3])
        if row.error:
            notes.append(f"{key}: cannot fly this arc: {row.error}")
    notes += [f"(a) maximum range: full burn, best pitch, rotating WGS 84 Earth with J2 and drag, fired due north "
              f"from {RANGE_CONVENTION_LAT_DEG:.0f} N {RANGE_CONVENTION_LON_DEG:.0f} E, with the test's payload.",
              "* the test the catalog vehicle is calibrated to (apogee at full burn); its flight time is still a "
              "check. ! published figures inconsistent with ballistic flight (catalog/flight_tests.yaml note)."]
    click.echo(Answer("Published lofted tests flown again", columns, rows, raw, tuple(notes)).render(fmt))
