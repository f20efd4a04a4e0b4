"""CZML, KML and GeoJSON exports, read back with independent readers (json, ElementTree, jsonschema)."""

import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from bmdsim.report.exports import write_exports

POINT_FC = {  # the part of RFC 7946 these files use
    "type": "object", "required": ["type", "features"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {
        "type": "object", "required": ["type", "geometry", "properties"],
        "properties": {"type": {"const": "Feature"}, "properties": {"type": "object"}, "geometry": {
            "type": "object", "required": ["type", "coordinates"],
            "properties": {"type": {"const": "Point"}, "coordinates": {
                "type": "array", "minItems": 2, "maxItems": 3,
                "prefixItems": [{"type": "number", "minimum": -180, "maximum": 360},
                                {"type": "number", "minimum": -90, "maximum": 90}]}}}}}}}}


@pytest.fixture(scope="module")
def exported(defended_folder):
    paths = write_exports(defended_folder, czml=True, kml=True, geojson=True)
    return {p.name: p for p in paths}, defended_folder / "baseline"


def test_geojson_validates_and_holds_sites_and_impacts(exported):
    jsonschema = pytest.importorskip("jsonschema")
    paths, run = exported
    sites = json.loads(paths["sites.geojson"].read_text())
    impacts = json.loads(paths["impacts.geojson"].read_text())
    for doc in (sites, impacts):
        jsonschema.validate(doc, POINT_FC)
    roles = {f["properties"]["role"] for f in sites["features"]}
    assert {"radar", "shooter", "asset", "launch"} <= roles
    th = pd.read_csv(run / "threats.csv")
    kinds = [f["properties"]["kind"] for f in impacts["features"]]
    assert kinds.count("impact") == th["threat"].nunique()


def test_czml_packets(exported):
    paths, run = exported
    doc = json.loads(paths["raid.czml"].read_text())
    assert doc[0]["id"] == "document" and doc[0]["version"] == "1.0" and "/" in doc[0]["clock"]["interval"]
    ids = [p["id"] for p in doc]
    assert len(ids) == len(set(ids))
    threats = [p for p in doc if p["id"].startswith("threat-")]
    assert len(threats) == pd.read_csv(run / "threats.csv")["threat"].nunique()
    for p in threats:
        c = p["position"]["cartographicDegrees"]
        assert len(c) % 4 == 0 and len(c) >= 8
        t, lon, lat, h = c[0::4], c[1::4], c[2::4], c[3::4]
        assert t == sorted(t) and all(-180 <= x <= 180 for x in lon) and all(-90 <= y <= 90 for y in lat)
        assert max(h) > 10_000  # a Scud climbs well above 10 km
        assert p["path"]["material"]["solidColor"]["color"]["rgba"]
    assert any(p["id"].startswith("site-") for p in doc)
    flyouts = [p for p in doc if p["id"].startswith("flyout-")]
    assert flyouts and all(len(p["position"]["cartographicDegrees"]) == 8 for p in flyouts)


def test_kml_parses_with_placemarks(exported):
    paths, run = exported
    root = ET.parse(paths["raid.kml"]).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    lines = [m for m in marks if m.find("k:LineString", ns) is not None]
    assert len(lines) == pd.read_csv(run / "threats.csv")["threat"].nunique()
    coords = lines[0].find("k:LineString/k:coordinates", ns).text.split()
    lon, lat, alt = map(float, coords[len(coords) // 2].split(","))
    assert 124 < lon < 130 and 36 < lat < 40 and alt > 1000
    names = [m.findtext("k:name", namespaces=ns) for m in marks]
    assert any("<script>" in (n or "") for n in names)  # markup stays text: XML-escaped, read back as written
    # descriptions are rendered as HTML by Google Earth: scenario strings in them are HTML-escaped too
    descriptions = [m.findtext("k:description", namespaces=ns) or "" for m in marks]
    assert descriptions and not any("<" in d for d in descriptions)


def test_png_figures_offline(sensor_folder):
    pytest.importorskip("kaleido")
    import shutil

    if not shutil.which("chromium"):
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    paths = write_exports(sensor_folder, png=True)
    names = sorted(p.name for p in paths)
    assert names == ["figure-detections.png", "figure-theatre.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 20_000
