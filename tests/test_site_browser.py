"""The seed's scorecard site in a real browser (headless Chromium driven by Playwright): a
reader goes from the index to Neil Flynn's page to one of his calls by clicking links, at a
desktop width and a phone width, and sees the headline, the call's outcome and its evidence;
no request leaves the page's folder, nothing is wider than the screen, and no two labels of a
chart overlap.

The browser is Debian's ``chromium`` (or ``LEDGER_TEST_BROWSER``); without one the test is
skipped, except where ``LEDGER_REQUIRE_BROWSER`` is set (CI), where it fails.
Set ``LEDGER_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import Ledger

WIDTHS = [1280, 390]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser_path() -> str | None:
    for name in (os.environ.get("LEDGER_TEST_BROWSER"), "chromium", "chromium-browser",
                 "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


@pytest.fixture(scope="module")
def chromium():
    exe = browser_path()
    if exe is None:
        if os.environ.get("LEDGER_REQUIRE_BROWSER"):
            pytest.fail("LEDGER_REQUIRE_BROWSER is set but no chromium was found")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    lg = Ledger(str(root / "seed.db"))
    lg.ok("db", "init")
    lg.ok("seed")
    out = root / "site"
    lg.ok("report", "--format", "site", "--out", str(out), "--as-of", "2026-11-24")
    return out


OVERLAPS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent,
                                                             t.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [ta, a] = boxes[i], [tb, b] = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push([ta, tb]);
    }
  }
  return out;
}"""


def look(page, shots: Path, name: str) -> None:
    """What holds on every page: nothing wider than the window, no chart labels on top of
    each other, and the page's provenance shown."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (name, width)
    assert page.evaluate(OVERLAPS) == [], name
    assert "As of 2026-11-24" in page.inner_text("footer")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_clicks_from_the_index_to_a_call(chromium, seed_site, width, tmp_path):
    shots = Path(os.environ.get("LEDGER_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": width, "height": 900})
    requests: list[str] = []

    def guard(route) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith(seed_site.as_uri()):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    try:
        page.goto((seed_site / "index.html").as_uri())
        assert page.get_by_role("heading", level=1).inner_text() == "Forecasting scorecard"
        headline = page.locator(".headline").inner_text()
        assert headline.startswith("1 analyst; 4 scored calls; Brier 0.510")
        look(page, shots, f"index-{width}")

        page.get_by_role("link", name="Neil Flynn").first.click()
        page.wait_for_url("**/analysts/neil-flynn.html")
        assert page.get_by_role("heading", level=1).inner_text() == "Neil Flynn"
        headline = page.locator(".headline").inner_text()
        assert ("4 scored calls; Brier 0.510 (range 0.284–0.606 under contested readings), "
                "worse than always saying 50%") in headline
        assert page.locator(".headline").is_visible()
        look(page, shots, f"analyst-{width}")

        page.get_by_role("link", name="Xiaomi develops (announces or sells) a smartphone "
                         "designed specifically for the US market.").click()
        page.wait_for_url("**/claims/xiaomi-us-specific-phone.html")
        outcome = page.locator(".headline")
        assert outcome.is_visible() and "did not come true" in outcome.inner_text()
        evidence = page.get_by_role("link", name="CNBC")
        assert evidence.is_visible()
        assert evidence.get_attribute("href", timeout=5000) == (
            "https://www.cnbc.com/2015/10/21/xiaomis-bin-lin-says-chinese-smartphone-maker-may-"
            "enter-the-us.html")
        look(page, shots, f"claim-{width}")
    finally:
        context.close()
    assert requests and all(u.startswith(seed_site.as_uri()) for u in requests), requests


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_never_overlap_however_many_points(chromium, tmp_path, width):
    """Charts at their crowded extremes: 120 monthly periods, three-year-long labels, and
    every calibration bin full with counts in the hundred thousands."""
    from ledger.scorecard import charts
    from ledger.scorecard.pages import figure, page

    months = [charts.Point(f"{2010 + i // 12}-{i % 12 + 1:02d}", 0.1 + (i % 7) / 20,
                           (0.0, 0.6)) for i in range(120)]
    spans = [charts.Point(f"{y}-01-01..{y + 2}-12-31", 0.2) for y in range(2000, 2030, 3)]
    bins = [charts.Bin(i / 10, (i + 1) / 10, 123_456.7 + i, i / 10 + 0.05, 1 - i / 10,
                       (0.0, 1.0)) for i in range(10)]
    body = "".join(figure(svg, "t") for svg in (
        charts.trend(months, "months"), charts.trend(spans, "spans"),
        charts.trend([charts.Point("2015", 0.3)], "one"),
        charts.calibration(bins, "full bins")))
    html = tmp_path / "charts.html"
    html.write_text(page("charts", body, footer="As of 2026-11-24"))
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        p = context.new_page()
        p.goto(html.as_uri())
        assert p.evaluate(OVERLAPS) == []
        shown = p.evaluate("() => [...document.querySelectorAll('svg.chart')].map("
                           "s => s.querySelectorAll('text').length)")
        assert shown[0] > 8 + 6  # some month labels are shown, not all 120
        assert p.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
