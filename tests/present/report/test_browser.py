"""The HTML report in a real browser (headless Chromium): screenshots at desktop and phone widths,
no sideways scrolling on a phone, and a PDF print.

Set ``KAIZEN_SCREENSHOTS=DIR`` to keep the PNG and PDF files for a person to look at (docs/
dashboard-and-report.md). Chromium is required: the test fails, with the reason, where it is missing.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from kaizen.present import report
from kaizen.record.history import history_path
from tests.present.tui.conftest import RECORDED

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"no headless Chromium ({', '.join(BROWSERS)}) on PATH; install one (apt-get install chromium) to test the report")


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the recorded real night, written the way the loop writes it."""
    kaizen_dir = tmp_path_factory.mktemp("browser") / ".kaizen"
    kaizen_dir.mkdir()
    shutil.copyfile(RECORDED, history_path(kaizen_dir))
    db = sqlite3.connect(history_path(kaizen_dir))
    run_id = str(db.execute("SELECT id FROM runs").fetchone()[0])
    db.close()
    return report.write_reports(kaizen_dir, run_id)[1]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("KAIZEN_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("shots")


def chromium(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_screenshot(browser: str, report_html: Path, shots: Path, name: str, width: int) -> None:
    png = shots / f"report-{name}.png"
    chromium(browser, f"--screenshot={png}", f"--window-size={width},2400", report_html.as_uri())
    image = Image.open(png).convert("L")
    assert image.size == (width, 2400)
    stats = ImageStat.Stat(image)
    assert stats.stddev[0] > 20  # text, tables and plots were drawn, not a blank or error page
    # the top of the page is the title on white, the plots further down add dark ink
    assert image.crop((0, 0, width, 200)).getextrema()[0] < 100


def rendered_width(browser: str, page: str, tmp: Path, width: int = 390) -> int:
    """How wide ``page`` lays out in a ``width``-pixel viewport (an iframe: headless windows cannot
    be narrower than 500 px). Wider than the viewport means the reader must scroll sideways."""
    probe = page.replace("</body>", "<script>parent.document.body.setAttribute('data-width', "
                                    "String(document.documentElement.scrollWidth));</script></body>")
    outer = tmp / "probe.html"
    outer.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;width:{width}px;height:800px" '
                     f'srcdoc="{html.escape(probe, quote=True)}"></iframe></body></html>', encoding="utf-8")
    dom = chromium(browser, "--dump-dom", outer.as_uri()).stdout
    found = re.search(r'data-width="(\d+)"', dom)
    assert found, dom[-500:]
    return int(found.group(1))


def test_no_sideways_scrolling_on_a_phone(browser: str, report_html: Path, tmp_path: Path) -> None:
    assert rendered_width(browser, report_html.read_text(encoding="utf-8"), tmp_path) <= 390
    # the probe itself can tell: a page with something wider than the phone is caught
    wide = "<!DOCTYPE html><html><body><div style='width:900px'>wide</div></body></html>"
    assert rendered_width(browser, wide, tmp_path) > 390


def test_prints_to_pdf(browser: str, report_html: Path, shots: Path) -> None:
    pdf = shots / "report.pdf"
    chromium(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report_html.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2
