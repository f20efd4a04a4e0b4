"""The scenario's RCS model choice: validated, threaded to the radars' looks, in the cache key and the results."""

import pytest

from bmdsim.assessment.build import resolve
from bmdsim.assessment.run import StageCache, run
from bmdsim.report.files import models_of
from bmdsim.scenario.errors import InputError
from bmdsim.scenario.schema import parse_scenario, to_yaml


def _config(small_text: str, model: str | None):
    text = small_text if model is None else small_text + f"rcs: {{model: {model}}}\n"
    return parse_scenario(text, "small.yaml")


def test_default_is_nominal_and_a_bad_value_is_one_line(small_text):
    cfg, _ = _config(small_text, None)
    assert cfg.rcs.model == "nominal"
    with pytest.raises(InputError) as err:
        _config(small_text, "aspekt")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("small.yaml:") and "rcs.model" in msg and "'aspekt'" in msg


def test_model_reaches_the_looks_the_cache_key_and_the_result_files(small_text):
    cache = StageCache()
    runs = {}
    for model in ("nominal", "aspect"):
        cfg, lines = _config(small_text, model)
        sc = resolve(cfg, file="small.yaml", lines=lines)
        runs[model] = run(sc, architectures=["national"], replications=20, cache=cache)
        assert runs[model].pipeline.rcs.model == model
        assert models_of(to_yaml(cfg)) == {"rcs": model}
    # the aspect run did not reuse the nominal looks: one cache entry per radar and model
    n_radars = len(runs["nominal"].scenario.radars)
    assert len(cache.sensors) == 2 * n_radars
    det = {m: r.architectures["national"].detection.n_detections for m, r in runs.items()}
    assert (det["nominal"] != det["aspect"]).any()


def test_report_names_the_model_and_its_figures():
    from bmdsim.report.html import rcs_model_html

    nominal = rcs_model_html({"name": "x"})  # no rcs block: the default
    assert "Radar cross section model: nominal" in nominal and "5 figures" in nominal
    assert "reentry_vehicle_m2" in nominal
    aspect = rcs_model_html({"rcs": {"model": "aspect"}})
    assert "Radar cross section model: aspect" in aspect and "rv_nose_radius_fraction" in aspect
    assert "tag-estimate" in aspect
