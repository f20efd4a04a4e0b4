"""report.html: one self-contained file, every scenario string escaped, rebuilt from the files alone."""

from html.parser import HTMLParser

from bmdsim.cli.main import main
from bmdsim.report.html import script_json


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(path):
    text = path.read_text(encoding="utf-8")
    p = Collect()
    p.feed(text)
    return text, p


def test_run_writes_a_self_contained_report(defended_folder):
    text, p = _parse(defended_folder / "report.html")
    names = [t for t, _ in p.tags]
    assert names.count("script") == 4  # outlines, plotly.js, figure data (JSON), loader
    for tag, attrs in p.tags:
        for key in ("src", "href"):
            assert not str(attrs.get(key, "")).startswith(("http:", "https:", "//")), (tag, attrs)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "world_50m" in p.scripts[0] and "coastlines" in p.scripts[0]
    for anchor in ("answer", "theatre", "timelines", "variants", "tables", "assumptions"):
        assert f'id="{anchor}"' in text


def test_markup_in_scenario_names_renders_as_text(defended_folder):
    text, p = _parse(defended_folder / "report.html")
    for raw in ("<script>window.PWNED", "<img src=x", "<svg onload", "<a href='javascript", "<b>bold</b>"):
        assert raw not in text, raw
    assert "&lt;script&gt;window.PWNED=1&lt;/script&gt;" in text  # shown, as text
    assert not any(t in ("img", "svg", "a", "b") for t, _ in p.tags if t != "a" or "javascript" in str(_))
    data = p.scripts[2]
    assert "<" not in data and ">" not in data
    assert "\\u0026lt;script\\u0026gt;window.PWNED" in data  # escaped for Plotly, then for the script element


def test_script_json_cannot_close_its_element():
    s = script_json({"a": "</script><!-- \u2028 & >"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s


def test_report_command_rebuilds_from_files(capsys, defended_folder, sensor_folder):
    (sensor_folder / "report.html").unlink()
    assert main(["report", str(sensor_folder), "--format", "csv"]) == 0
    capsys.readouterr()
    text = (sensor_folder / "report.html").read_text(encoding="utf-8")
    assert 'id="detections"' in text and "tpy2-kyogamisaki" in text
    assert main(["report", str(defended_folder / "nothing")]) == 2
    assert "no such results folder" in capsys.readouterr().err


def test_report_is_deterministic(defended_folder, tmp_path):
    # two identical runs differ only in measured stage times (results.json): their reports must not
    import json
    import shutil

    from bmdsim.report.html import write_report

    copy = tmp_path / "copy"
    shutil.copytree(defended_folder, copy)
    for sub in ("baseline", "more"):
        path = copy / sub / "results.json"
        data = json.loads(path.read_text())
        data["stage_seconds"] = {k: v + 1.0 for k, v in data.get("stage_seconds", {}).items()}
        path.write_text(json.dumps(data))
    assert write_report(copy).read_bytes() == write_report(defended_folder).read_bytes()
