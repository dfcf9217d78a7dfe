"""Headless Chromium for the report tests, and the README screenshot.

    python tests/browser.py specs/east-west.spec docs/report.png

renders the spec's report and saves a 1280-pixel-wide screenshot (the README's picture).
`probe(html)` loads a page with a small script added that records errors and every
chart's on-screen size into the DOM, and returns what it found plus Chromium's
console lines (Chromium logs each console message as `INFO:CONSOLE`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]

# First in <head>: catch uncaught errors, failed resources and console.error calls.
PROBE_HEAD = """<script>window.__errors=[];
addEventListener('error',function(e){__errors.push(e.message||('failed to load '+(e.target.src||e.target.href)));},true);
(function(c){console.error=function(){__errors.push([].join.call(arguments,' '));c.apply(console,arguments);};})(console.error);
</script>"""
# Last in <body>: write what the page looks like into a <pre> that --dump-dom prints.
PROBE_TAIL = """<script>(function(){var charts=[].map.call(document.querySelectorAll('svg.chart'),function(s){
var r=s.getBoundingClientRect();return {id:s.getAttribute('data-chart'),width:r.width,height:r.height};});
var p=document.createElement('pre');p.id='suanli-probe';
p.textContent=JSON.stringify({charts:charts,errors:window.__errors,width:document.body.scrollWidth});
document.body.appendChild(p);})();</script>"""


def chromium() -> str | None:
    for name in (os.environ.get("SUANLI_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _run(page: Path, extra: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="suanli-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                              capture_output=True, text=True, timeout=timeout, cwd=profile)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def probe(html: str, workdir: Path) -> tuple[dict, list[str]]:
    """Load `html` (with the probe scripts added) at 1280x900; the probe's record and
    Chromium's console lines."""
    page = workdir / "probe.html"
    page.write_text(html.replace("<head>", "<head>" + PROBE_HEAD, 1).replace("</body>", PROBE_TAIL + "</body>", 1),
                    encoding="utf-8")
    done = _run(page, ["--window-size=1280,900", "--dump-dom"])
    found = re.search(r'<pre id="suanli-probe">(.*?)</pre>', done.stdout, re.S)
    record = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")) if found else {}
    return record, console_lines(done.stderr)


def screenshot(html_path: Path, png_path: Path, width: int = 1280, height: int = 1500) -> list[str]:
    """Save a screenshot of the page; Chromium's console lines."""
    done = _run(html_path.resolve(), [f"--window-size={width},{height}",
                                      f"--screenshot={png_path.resolve()}"])
    if not png_path.exists():
        raise RuntimeError(f"chromium wrote no screenshot: {done.stderr[-2000:]}")
    return console_lines(done.stderr)


def main(argv: list[str]) -> int:
    spec, png = Path(argv[0]), Path(argv[1])
    if chromium() is None:
        print("browser.py: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "suanli", "report", str(spec), "-o", str(html)], check=True)
        errors = screenshot(html, png)
    for line in errors:
        print(line, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
