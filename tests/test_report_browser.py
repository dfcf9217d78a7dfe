"""The report in a real browser (headless Chromium): it loads without console errors,
every chart has a size on screen, and the screenshot is a picture, not a blank page.
Skipped only where Chromium is not installed (CI installs it: .ci/run)."""

import pytest
from PIL import Image

import browser
from clirun import ROOT, suanli

SPEC = ROOT / "specs" / "east-west.spec"
CHARTS = {"graph", "cost", "nodes", "power", "statements"}

pytestmark = pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "report.html"
    done = suanli("report", SPEC, "-o", path)
    assert done.returncode == 0, done.stderr
    return path


def test_the_probe_sees_console_errors(tmp_path):
    """The check below could fail: a page with a broken script is caught both ways."""
    bad = "<!DOCTYPE html><html><head></head><body><p>x</p><script>notDefined();</script></body></html>"
    record, console = browser.probe(bad, tmp_path)
    assert any("notDefined" in e for e in record["errors"])
    assert any("Uncaught ReferenceError" in line for line in console)


def test_report_loads_cleanly_and_every_chart_has_a_size(report, tmp_path):
    record, console = browser.probe(report.read_text(encoding="utf-8"), tmp_path)
    assert console == [] and record["errors"] == []
    sizes = {c["id"]: (c["width"], c["height"]) for c in record["charts"]}
    assert set(sizes) == CHARTS
    for chart, (width, height) in sizes.items():
        assert width > 100 and height > 50, (chart, width, height)
    assert record["width"] <= 1280  # nothing overflows the window sideways


def test_screenshot_is_not_blank(report, tmp_path):
    png = tmp_path / "shot.png"
    assert browser.screenshot(report, png) == []
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 1500)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # text, the carbon colour scale, bars: far more than a blank page
    white = max(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.95 * image.size[0] * image.size[1]
