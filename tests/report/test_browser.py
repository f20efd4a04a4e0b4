"""Open report.html in headless Chromium with the network off: no console errors, land outlines and
traces drawn, tables rendered, screenshot not blank, no injected script ran."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian chromium not installed (.ci/run installs it)")


def _open(path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    pw = sync_api.sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:",
                                                                                   "blob:")) else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("document.body.getAttribute('data-figures') !== null", timeout=60_000)
    page.wait_for_timeout(500)
    return pw, browser, page, problems, requests


def _distinct_colours(page, png: bytes) -> int:
    """Distinct colours of a PNG, counted by the browser itself (no image library needed)."""
    import base64

    return page.evaluate("""async (b64) => {
        const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size; }""", base64.b64encode(png).decode())


def _check(path: Path, tmp_path: Path, min_figures: int):
    pw, browser, page, problems, requests = _open(path)
    try:
        assert problems == []
        assert requests == []
        assert int(page.evaluate("document.body.getAttribute('data-figures')")) >= min_figures
        outline = page.evaluate("Object.fromEntries(['land', 'coastlines'].map(k => [k, Math.max(0, ...Array.from("
                                "document.querySelectorAll('#fig0 .layer.' + k + ' path')).map(e => "
                                "(e.getAttribute('d') || '').length))]))")
        assert outline["land"] > 1000 and outline["coastlines"] > 1000  # drawn from the shipped topojson
        assert page.evaluate("document.querySelectorAll('#fig0 .scattergeo .js-line').length") >= 1
        assert page.evaluate("document.querySelectorAll('table tbody tr').length") >= 3
        assert page.evaluate("window.PWNED") is None
        shot = page.locator("#fig0").screenshot(path=str(tmp_path / "map.png"))
        assert _distinct_colours(page, shot) > 20  # not blank
    finally:
        browser.close()
        pw.stop()


def test_defended_report_in_browser(defended_folder, tmp_path):
    _check(defended_folder / "report.html", tmp_path, 3)


def test_sensor_report_in_browser(sensor_folder, tmp_path):
    _check(sensor_folder / "report.html", tmp_path, 2)
