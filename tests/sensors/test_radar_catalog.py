"""The radar catalog: every number sourced, nominal inside its range, errors that name file and field."""

import copy
import functools
import re
from importlib import resources

import pytest
import yaml

from bmdsim.scenario.catalog import CatalogError, Figure
from bmdsim.scenario.radar_catalog import load_radar_catalog, parse_radar_catalog, radar_kwargs
from bmdsim.sensors.radar import radar_from_catalog

TAG = re.compile(r"\[(seen|unverified|estimate)[^\]]*\]")
REQUIRED = {"tpy2-fbm", "tpy2-tm", "spy1d", "green-pine", "fps5", "mpq65"}


def raw_text() -> str:
    return (resources.files("bmdsim.scenario") / "catalog" / "radars.yaml").read_text(encoding="utf-8")


def figures(model):
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Figure):
            yield name, value


def test_required_entries_and_every_figure_sourced():
    cat = load_radar_catalog()
    assert REQUIRED <= set(cat.radars)
    groups = [(f"radars.{k}", e) for k, e in cat.radars.items()] + [("rcs", cat.rcs)] + [
        (f"infrared.{k}", e) for k, e in cat.infrared.items()]
    n = 0
    for where, model in groups:
        for name, fig in figures(model):
            n += 1
            assert TAG.search(fig.source), f"{where}.{name}: source lacks a status tag: {fig.source!r}"
            if fig.low is not None:
                assert fig.low <= fig.value, f"{where}.{name}"
            if fig.high is not None:
                assert fig.value <= fig.high, f"{where}.{name}"
    assert n > 100
    for ref in cat.refs.values():
        assert TAG.search(ref)


@functools.lru_cache(maxsize=1)
def raw_data() -> dict:
    return yaml.safe_load(raw_text())


def mutate(path: list, value) -> str:
    data = copy.deepcopy(raw_data())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return yaml.safe_dump(data)


@pytest.mark.parametrize("path, value, expected", [
    (["radars", "tpy2-fbm", "max_range_km", "value"], -5.0,
     "radars.tpy2-fbm: Value error, max_range_km must be > 0"),
    (["radars", "mpq65", "sector_half_width_deg", "value"], 200.0,
     "sector_half_width_deg must be in (0, 180]"),
    (["radars", "spy1d", "min_elevation_deg", "value"], 95.0, "min_elevation_deg (95.0) must be below"),
    (["radars", "fps5", "search_revisit_s", "value"], 0.0, "search_revisit_s must be > 0"),
    (["radars", "fps5", "bogus"], 1, "radars.fps5.bogus: Extra inputs are not permitted"),
    (["radars", "green-pine", "beamwidth_deg", "source"], "", "radars.green-pine.beamwidth_deg.source"),
    (["rcs", "reentry_vehicle_m2", "value"], 0.0, "rcs: Value error, reentry_vehicle_m2 must be > 0"),
    (["infrared", "sbirs", "latency_s", "value"], -1.0,
     "infrared.sbirs: Value error, latency_s must be >= 0"),
])
def test_errors_name_file_and_field(path, value, expected):
    with pytest.raises(CatalogError) as err:
        parse_radar_catalog(mutate(path, value), "catalog/radars.yaml")
    msg = str(err.value)
    assert msg.startswith("catalog/radars.yaml: ")
    assert expected in msg
    assert "\n" not in msg


def test_bad_yaml_names_the_line():
    with pytest.raises(CatalogError, match=r"my.yaml: line \d+ not valid YAML"):
        parse_radar_catalog("radars: [\n  1,\n", "my.yaml")


def test_physics_rejection_names_file_and_entry():
    # A value the file schema lets through but the radar model refuses (a non-finite threshold SNR).
    text = mutate(["radars", "tpy2-tm", "reference_snr_db", "value"], float("inf"))
    cat = parse_radar_catalog(text, "x.yaml")
    expected = r"x\.yaml: radars\.tpy2-tm: RadarConfig\.reference_snr_db must be finite"
    with pytest.raises(CatalogError, match=expected):
        radar_from_catalog("tpy2-tm", cat)


def test_unknown_radar():
    with pytest.raises(KeyError, match="no radar 'thaad' in the catalog"):
        radar_kwargs("thaad")


def test_units_converted_once_to_si():
    kw = radar_kwargs("tpy2-fbm")
    assert kw["search_reference_range_m"] == 2_000e3
    assert kw["max_range_m"] == 4_000e3
    assert kw["angle_sigma_floor_rad"] == pytest.approx(1e-4)
    assert kw["search_solid_angle_sr"] == pytest.approx(480 * (3.141592653589793 / 180) ** 2)
