"""Every page passes axe-core's WCAG 2.2 A and AA rules, on a phone and on a desktop.

axe-core comes from npm (pinned in package-lock.json, installed by ``make test``)
and is injected into the real page with Playwright. Each page is checked as
it loads, after every chart has been drawn (charts are drawn when they come
into view, so the test scrolls to each one, as a reader would), and with its
interactive parts opened: the chart's own menu, collapsed blocks, and the
theme's navigation drawer and search dialog.
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from test_browser import ALL_CHARTS_LIVE, SCROLL_TO_EVERY_CHART, _pages, open_page

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script; fails with the install command when it is missing."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make test` (it runs `npm ci`) or `npm ci`.")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, axe_source: str) -> list[str]:
    """Run axe on the page as it is now; return one readable line per failing node."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {json.dumps(node['target'])} "
                         f"- {node.get('failureSummary', '').splitlines()[-1].strip() if node.get('failureSummary') else ''}")
    return lines


def _open_everything(page) -> None:
    """Open what a reader can open: collapsed blocks and the charts' menus."""
    page.evaluate("""() => {
        document.querySelectorAll('details').forEach(d => { d.open = true; });
        document.querySelectorAll('.toggle-hidden, .toggle-details').forEach(b => b.click && b.click());
    }""")
    page.wait_for_timeout(300)


def _open_chart_menus(page) -> None:
    """Open every chart's own menu (Vega-Embed's "save as" actions)."""
    page.evaluate("() => document.querySelectorAll('.vega-embed details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(200)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("page_path", _pages())
def test_page_has_no_axe_violations(browser, server, axe_source, page_path, viewport):
    page, _ = open_page(browser, f"{server}/{page_path}", viewport=VIEWPORTS[viewport])
    try:
        found = [f"as loaded: {line}" for line in run_axe(page, axe_source)]
        if page.locator("div[data-book-chart]").count():
            _open_everything(page)
            page.evaluate(SCROLL_TO_EVERY_CHART)
            page.wait_for_function(ALL_CHARTS_LIVE, timeout=30_000)
            _open_chart_menus(page)
            found += [f"charts drawn, menus open: {line}" for line in run_axe(page, axe_source)]
        assert not found, f"{page_path} ({viewport}):\n" + "\n".join(found)
    finally:
        page.context.close()


@pytest.mark.parametrize("page_path", ["index.html", "chapters/texas.html"])
def test_theme_controls_have_no_axe_violations(browser, server, axe_source, page_path):
    """The theme's navigation drawer (phone) and search dialog, opened."""
    page, _ = open_page(browser, f"{server}/{page_path}", viewport=VIEWPORTS["phone"])
    try:
        found = []
        toggle = page.locator("button.primary-toggle").first
        if toggle.count() and toggle.is_visible():
            toggle.click()
            page.wait_for_timeout(400)
            found += [f"navigation open: {line}" for line in run_axe(page, axe_source)]
            page.keyboard.press("Escape")
            page.wait_for_timeout(200)
        page.evaluate("() => document.querySelector('.search-button__button, button.search-button') && "
                      "document.querySelector('.search-button__button, button.search-button').click()")
        page.wait_for_timeout(400)
        found += [f"search open: {line}" for line in run_axe(page, axe_source)]
        assert not found, f"{page_path}:\n" + "\n".join(found)
    finally:
        page.context.close()
