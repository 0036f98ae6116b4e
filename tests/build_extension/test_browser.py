"""Every page in a real headless browser: charts drawn, no errors, nothing off-host.

Every request to a host other than 127.0.0.1 is aborted and recorded, so a
CDN dependency shows up as a failure here, as it would for a reader offline.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from walledoff_notebook import load

#: Pages that must carry at least this many charts (guards against a chart
#: silently disappearing from a chapter).
MIN_CHARTS = {"chapters/timeline.html": 3, "chapters/texas.html": 5, "chapters/clover.html": 3,
              "chapters/law.html": 4, "chapters/shop.html": 4, "chapters/bans.html": 5}

ALL_CHARTS_LIVE = """() => [...document.querySelectorAll('div[data-book-chart]')].every(
    f => f.classList.contains('is-live') && f.querySelector('.book-chart-live svg.marks, .book-chart-live canvas.marks'))"""


def _pages():
    """Every page the book builds: the table of contents, plus search and the index."""
    import yaml

    from conftest import REPO

    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [f"{name}.html" for name in files] + ["search.html", "genindex.html"]


#: Charts are drawn when they come near the screen: scroll to each in turn, as a reader would.
SCROLL_TO_EVERY_CHART = """async () => {
    const started = f => f.getAttribute('data-chart-state');
    for (const figure of document.querySelectorAll('div[data-book-chart]')) {
        if (figure.closest('details:not([open])')) continue;
        figure.scrollIntoView({block: 'center'});
        for (let waited = 0; !started(figure) && waited < 10000; waited += 25) {
            await new Promise(resolve => setTimeout(resolve, 25));
        }
    }
    window.scrollTo(0, 0);
}"""


def open_page(browser, url, viewport=None):
    """Open ``url`` with off-host requests aborted; return the page and what went wrong."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    problems = {"off_host": [], "console": [], "page_errors": [], "http_errors": []}

    def guard(route):
        target = urlparse(route.request.url)
        if target.scheme in ("data", "blob") or target.hostname == "127.0.0.1":
            route.continue_()
        else:
            problems["off_host"].append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    def on_console(msg):
        # errors, and Vega's own warnings (it logs "WARN ..." when a spec is wrong)
        if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("WARN")):
            problems["console"].append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda err: problems["page_errors"].append(str(err)))
    page.on("response", lambda r: r.status >= 400 and problems["http_errors"].append(f"{r.status} {r.url}"))
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.book
@pytest.mark.parametrize("page_path", _pages())
def test_page_renders_offline(browser, server, site, page_path):
    page, problems = open_page(browser, f"{server}/{page_path}")
    try:
        # open collapsed answers: their charts are drawn when opened
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        expected = page.locator("div[data-book-chart]").count()
        assert expected >= MIN_CHARTS.get(page_path, 0), f"{page_path}: only {expected} chart(s)"
        if expected:
            page.evaluate(SCROLL_TO_EVERY_CHART)
            page.wait_for_function(ALL_CHARTS_LIVE, timeout=30_000)
            widths = page.eval_on_selector_all(
                ".book-chart-live svg.marks", "els => els.map(e => e.getBoundingClientRect().width)")
            assert len(widths) == expected and min(widths) > 200, widths  # not squeezed to nothing
            marks = page.eval_on_selector_all(
                ".book-chart-live svg.marks",
                """els => els.map(e => [...e.querySelectorAll('.mark-symbol path, .mark-rect path')]
                    .filter(p => { const r = p.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
                    .length)""")
            assert min(marks) > 0, f"a chart drew no visible marks: {marks}"
        page.wait_for_timeout(300)
        assert problems["off_host"] == [], f"off-host requests: {problems['off_host']}"
        assert problems["http_errors"] == [], problems["http_errors"]
        assert problems["page_errors"] == [], problems["page_errors"]
        assert problems["console"] == [], problems["console"]
    finally:
        page.context.close()


#: Every drawn chart's box, and every axis and legend text in it, measured against the
#: chart and the screen: a label that runs past either edge is cut off for the reader.
CLIPPED_TEXT = """() => {
    const screen = document.documentElement.clientWidth, problems = [];
    document.querySelectorAll('div[data-book-chart].is-live .book-chart-live svg.marks').forEach(svg => {
        const box = svg.getBoundingClientRect(), id = svg.closest('div[data-book-chart]').id;
        if (box.left < -0.5 || box.right > screen + 0.5) problems.push(`${id}: chart ${box.left}-${box.right} of ${screen}`);
        svg.querySelectorAll('.role-axis-label text, .role-axis-title text, .role-legend-label text, .role-legend-title text')
           .forEach(t => {
            const r = t.getBoundingClientRect();
            if (r.width === 0 || t.closest('[opacity="0"]') || getComputedStyle(t).opacity === '0') return;
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > screen + 0.5)
                problems.push(`${id}: "${t.textContent}" at ${Math.round(r.left)}-${Math.round(r.right)}, chart ${Math.round(box.left)}-${Math.round(box.right)}`);
        });
    });
    return problems;
}"""

#: A phone in portrait (an iPhone 12-15's CSS width).
PHONE = {"width": 390, "height": 844}


@pytest.mark.book
@pytest.mark.parametrize("page_path", [p for p in _pages() if p.startswith("chapters/")] + ["index.html"])
def test_every_chart_reads_whole_on_a_phone(browser, server, site, page_path):
    """At 390 px every chart fits the screen and no axis or legend label is cut off."""
    page, problems = open_page(browser, f"{server}/{page_path}", viewport=PHONE)
    try:
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if not page.locator("div[data-book-chart]").count():
            return
        page.evaluate(SCROLL_TO_EVERY_CHART)
        page.wait_for_function(ALL_CHARTS_LIVE, timeout=30_000)
        page.wait_for_timeout(300)
        clipped = page.evaluate(CLIPPED_TEXT)
        assert clipped == [], f"{page_path} at 390 px: " + "; ".join(clipped)
    finally:
        page.context.close()


@pytest.mark.book
def test_timeline_filter_keeps_only_chosen_thread(browser, server, site):
    """Choosing a thread in the drop-down leaves exactly that thread's events."""
    events = load("events")
    expected = int((events["theme"] == "texas").sum())
    page, problems = open_page(browser, f"{server}/chapters/timeline.html")
    try:
        page.locator("#chart-timeline-all-events").scroll_into_view_if_needed()
        page.wait_for_function(
            "() => document.querySelector('#chart-timeline-all-events.is-live svg.marks')",
            timeout=30_000)
        figure = page.locator("#chart-timeline-all-events")
        dots = figure.locator(".book-chart-live svg.marks .mark-symbol path")
        assert dots.count() == len(events)
        figure.locator("select").first.select_option("texas")
        page.wait_for_function(
            f"() => document.querySelectorAll('#chart-timeline-all-events .book-chart-live svg.marks .mark-symbol path').length === {expected}",
            timeout=10_000)
        assert problems["console"] == [] and problems["page_errors"] == []
    finally:
        page.context.close()


@pytest.mark.book
def test_charts_have_a_static_fallback_without_javascript(browser, server, site):
    """With JavaScript off (or blocked), each chart still shows as a static SVG image of the right size."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server}/chapters/timeline.html", wait_until="load")
        boxes = page.eval_on_selector_all(
            "div[data-book-chart] > .book-chart-canvas > .book-chart-static > img",
            "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
        visible = [b for b in boxes if b[0] > 0]
        assert len(visible) >= 2, boxes
        assert all(w <= 390 and h > 50 for w, h in visible), boxes  # fits a phone screen
    finally:
        context.close()
