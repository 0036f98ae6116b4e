"""Measure the book: build times, pages, charts, page weight and chart render time.

Run with ``make bench``. Writes a table to the terminal and the numbers to
``_build/benchmark.json``. A benchmark, not a test: it never fails on a
number, it records them so changes can be compared.

* clean build: a fresh output folder, so every notebook executes;
* cached rebuild: the same folder again, nothing changed;
* page weight: bytes the browser fetches to show each page (all local);
* chart render time: from navigation start until every chart is drawn.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
ALL_CHARTS_LIVE = """() => [...document.querySelectorAll('figure[data-book-chart]')].every(
    f => f.closest('details:not([open])') || f.classList.contains('is-live'))"""


def timed_build(output: Path) -> float:
    """Build the book into ``output``; return the wall-clock seconds."""
    start = time.perf_counter()
    subprocess.run([str(BIN / "jupyter-book"), "build", str(REPO), "-W", "-n", "--keep-going",
                    "--path-output", str(output)], check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - start


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure_pages(site: Path) -> list[dict]:
    """Open each page in Chromium; record bytes fetched, charts and render time."""
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for path in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            fetched = []
            page.on("response", lambda r: fetched.append(r))
            start = time.perf_counter()
            page.goto(f"{base}/{path.relative_to(site)}", wait_until="load")
            page.wait_for_function(ALL_CHARTS_LIVE, timeout=60_000)
            drawn = time.perf_counter() - start
            page.wait_for_timeout(200)
            size = 0
            for response in fetched:
                try:
                    size += len(response.body())
                except Exception:  # redirects and aborted requests have no body
                    pass
            results.append({
                "page": str(path.relative_to(site)),
                "charts": page.locator("figure[data-book-chart]").count(),
                "requests": len(fetched),
                "kilobytes": round(size / 1024),
                "charts_drawn_seconds": round(drawn, 2),
            })
            context.close()
        browser.close()
    httpd.shutdown()
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        clean = timed_build(output)
        cached = timed_build(output)
        pages = measure_pages(output / "_build" / "html")
    report = {
        "clean_build_seconds": round(clean, 1),
        "cached_rebuild_seconds": round(cached, 1),
        "pages": len(pages),
        "charts": sum(p["charts"] for p in pages),
        "per_page": pages,
    }
    (REPO / "_build").mkdir(exist_ok=True)
    (REPO / "_build" / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"clean build      {report['clean_build_seconds']:>6} s")
    print(f"cached rebuild   {report['cached_rebuild_seconds']:>6} s")
    print(f"pages {report['pages']}, charts {report['charts']}")
    print(f"{'page':<28}{'charts':>7}{'requests':>10}{'KiB':>8}{'drawn (s)':>11}")
    for p in pages:
        print(f"{p['page']:<28}{p['charts']:>7}{p['requests']:>10}{p['kilobytes']:>8}{p['charts_drawn_seconds']:>11}")


if __name__ == "__main__":
    main()
