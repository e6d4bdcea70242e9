"""The HTML report as a browser shows it (headless Chromium, Debian's ``chromium``).

The page renders; the headline and the chart are on the first screen; no two pieces of
text in the map overlap and none is drawn smaller than 9 px at the default size; a
screenshot is not blank. Skipped, with the reason, where Chromium or Graphviz is not
installed (``scripts/system-deps.sh`` installs both where the machine allows).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from tests.conftest import SAMPLES, shared_log

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium; "
                       "scripts/system-deps.sh does it where the machine allows)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
WINDOW = "--window-size=1100,1400"
#: Measures the page in the browser and writes the result into the page as JSON.
PROBE = """<script>
(function () {
  function box(el) { var r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  var out = {};
  var head = document.getElementById('headline');
  var chart = document.querySelector('#chart svg');
  out.headline = head ? box(head) : null;
  out.headline_text = head ? head.innerText : '';
  out.chart = chart ? box(chart) : null;
  out.viewport = [window.innerWidth, window.innerHeight];
  var svg = document.querySelector('.map svg');
  out.texts = [];
  if (svg) {
    var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    svg.querySelectorAll('text').forEach(function (t) {
      if (!t.textContent.trim()) return;
      var size = parseFloat(t.getAttribute('font-size') || '14');
      out.texts.push({text: t.textContent, box: box(t), px: size * scale});
    });
  }
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _chromium(*args: str, cwd: Path) -> str:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={cwd / 'profile'}", WINDOW, *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd, check=False)
    return done.stdout


def _probe(page: Path) -> dict:
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _chromium("--dump-dom", "--virtual-time-budget=5000", probed.as_uri(), cwd=page.parent)
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "the page did not render (no probe output from Chromium)"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">"))


def _overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of map texts whose boxes overlap by more than a pixel each way."""
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 1:
                out.append((a["text"], b["text"]))
    return out


def _report(log: Path, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["rank", str(log), "--lang", "fi", "--format", "html", "--out", str(out),
                                       "--key", "k", *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("which", ["demo", "receipt"])
def test_report_renders_readably(which, tmp_path):
    log = SAMPLES / "ostolaskut.csv.gz" if which == "demo" else shared_log("receipt/receipt.xes.gz")
    page = _report(log, tmp_path)
    seen = _probe(page)
    width, height = seen["viewport"]
    assert seen["headline"] and seen["headline"][1] < height / 2, "the headline is not near the top"
    assert "työtuntia vuodessa" in seen["headline_text"] or "ei suositella" in seen["headline_text"]
    assert seen["chart"] and seen["chart"][1] < height, "the chart is not on the first screen"
    assert seen["chart"][2] <= width and seen["chart"][2] - seen["chart"][0] > 300
    assert seen["texts"], "the map has no text"
    small = [t["text"] for t in seen["texts"] if t["px"] < 9]
    assert not small, f"map text drawn smaller than 9 px: {small[:5]}"
    assert not _overlaps(seen["texts"]), f"map texts overlap: {_overlaps(seen['texts'])[:5]}"


def test_screenshot_is_not_blank(tmp_path):
    from PIL import Image

    page = _report(SAMPLES / "ostolaskut.csv.gz", tmp_path)
    _chromium(f"--screenshot={tmp_path / 'shot.png'}", page.as_uri(), cwd=tmp_path)
    image = Image.open(tmp_path / "shot.png").convert("L")
    top = image.crop((0, 0, image.width, 400))
    dark = sum(1 for value in top.getdata() if value < 128)
    assert dark > 2000, "the top of the page is blank"
