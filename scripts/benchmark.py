"""Measure the book against its targets and against Jupyter Book's own template.

Run with ``make bench``. A benchmark, not a test: it never fails on a number;
it records them in ``BENCHMARKS.md`` (and ``_build/benchmark.json``) so that
changes can be compared. In one run it

1. builds this book clean (a fresh output folder, so every notebook
   executes) and again with nothing changed;
2. creates the reference book (``jupyter-book create``, the template every
   Jupyter Book 1.x user starts from) and builds it the same two ways with
   the same pinned packages;
3. serves each built site on 127.0.0.1 as a static host would (gzip for
   text files, a short cache lifetime), and for every page measures, on a
   phone-sized headless Chromium: the bytes transferred once a reader has
   scrolled to every chart (raw and gzip-compressed), the time from
   navigation until every chart is drawn, and Lighthouse's four scores
   (mobile settings, Lighthouse from npm driving Debian's Chromium).

Requests to any other host are blocked, as they would fail offline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 412, "height": 823}  # Lighthouse's mobile screen
#: File types a static host compresses.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map", ".ipynb", ".csv", ".md"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

TARGETS = {
    "accessibility": 100, "best-practices": 100, "seo": 95, "performance": 90,
    "chart_page_kb_gzip": 600, "text_page_kb_gzip": 200, "charts_drawn_s": 1.5,
    "clean_build_s": 120, "rebuild_s": 15,
}

# Scroll to every chart the way a reader would, as fast as frames allow, and
# report (page clock, ms since navigation) when the last one is drawn.
DRAW_EVERY_CHART = """async () => {
    const figures = [...document.querySelectorAll('figure[data-book-chart]')]
        .filter(f => !f.closest('details:not([open])'));
    for (const figure of figures) {
        figure.scrollIntoView({block: 'center'});
        await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }
    while (!figures.every(f => f.classList.contains('is-live')
                          || f.getAttribute('data-chart-state') === 'static')) {
        await new Promise(resolve => setTimeout(resolve, 10));
    }
    return {charts: figures.length, drawn_ms: performance.now()};
}"""


# --------------------------------------------------------------------------- builds

def build(source: Path, output: Path, strict: bool) -> float:
    """Build the book at ``source`` into ``output``; return the wall-clock seconds."""
    command = [str(BIN / "jupyter-book"), "build", str(source), "--path-output", str(output)]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=source)
    return time.perf_counter() - start


def reference_book(folder: Path) -> Path:
    """Create Jupyter Book's template book (what ``jupyter-book create`` gives a new user)."""
    target = folder / "reference-book"
    subprocess.run([str(BIN / "jupyter-book"), "create", str(target)], check=True, capture_output=True)
    return target


def time_builds(source: Path, output: Path, strict: bool) -> dict:
    """A clean build, then a rebuild with nothing changed."""
    return {"clean_build_s": round(build(source, output, strict), 1),
            "rebuild_s": round(build(source, output, strict), 1)}


# --------------------------------------------------------------------------- serving

class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host does: gzip for text types, ten-minute cache lifetime."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``site`` on a free port of 127.0.0.1; return the server and its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a built site (not the copied sources or static files)."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


# --------------------------------------------------------------------------- measuring

def _compressed_size(url: str, body: bytes) -> int:
    """What a static host sends for this body: gzip for text types, else as is."""
    suffix = Path(urlparse(url).path).suffix
    return len(gzip.compress(body, compresslevel=6, mtime=0)) if suffix in COMPRESSIBLE else len(body)


def measure_in_browser(browser, base: str, page_path: str) -> dict:
    """Bytes for a full read of the page and the time until its charts are drawn."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.route("**/*", lambda route: route.continue_()
                  if urlparse(route.request.url).hostname in ("127.0.0.1", None) else route.abort())
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    url = f"{base}/{page_path}"
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)
    redirect = page.url.split("#")[0] != url  # a forwarding page (an old or root address)
    if redirect:
        page.wait_for_load_state("load")
    drawn = page.evaluate(DRAW_EVERY_CHART)
    page.wait_for_timeout(300)
    raw = compressed = 0
    for response in responses:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests carry no body
            continue
        raw += len(body)
        compressed += _compressed_size(response.url, body)
    context.close()
    return {"redirect": redirect, "charts": drawn["charts"], "requests": len(responses), "kb_raw": round(raw / 1024),
            "kb_gzip": round(compressed / 1024),
            "charts_drawn_s": round(drawn["drawn_ms"] / 1000, 2) if drawn["charts"] else None}


def lighthouse(url: str, folder: Path) -> dict:
    """Lighthouse's four category scores (0-100) for ``url``, mobile settings."""
    report = folder / "lighthouse.json"
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=" + " ".join(CHROMIUM_FLAGS)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not report.exists():
        return {c: None for c in CATEGORIES} | {"lighthouse_error": result.stderr[-300:]}
    data = json.loads(report.read_text())
    scores = {c: round(100 * data["categories"][c]["score"]) if data["categories"][c]["score"] is not None
              else None for c in CATEGORIES}
    failing = sorted(k for k, a in data["audits"].items()
                     if a.get("score") is not None and a["score"] < 0.9
                     and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))
    scores["lcp_s"] = round(data["audits"]["largest-contentful-paint"]["numericValue"] / 1000, 1)
    scores["tbt_ms"] = round(data["audits"]["total-blocking-time"]["numericValue"])
    scores["cls"] = round(data["audits"]["cumulative-layout-shift"]["numericValue"], 3)
    scores["failing_audits"] = failing
    return scores


def measure_site(site: Path, work: Path, with_lighthouse: bool) -> list[dict]:
    """Every page of ``site``: browser measures and Lighthouse scores."""
    from playwright.sync_api import sync_playwright

    httpd, base = serve(site)
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for page_path in pages_of(site):
                row = {"page": page_path} | measure_in_browser(browser, base, page_path)
                results.append(row)
            browser.close()
        if with_lighthouse:
            for row in results:
                if row["redirect"]:
                    continue  # Lighthouse would score the page it forwards to
                row.update(lighthouse(f"{base}/{row['page']}", work))
                print(f"  lighthouse {row['page']}: {[row.get(c) for c in CATEGORIES]}", flush=True)
    finally:
        httpd.shutdown()
    return results


# --------------------------------------------------------------------------- report

def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    lh = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU cores ({cpu}){memory}; "
            f"Python {platform.python_version()}; {chromium}; Lighthouse {lh}")


def _mark(value, target, higher_is_better: bool) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return f"{value}" if ok else f"**{value}** ✗"


def page_table(rows: list[dict], with_targets: bool) -> list[str]:
    """A markdown table, one row per page; values that miss a target are bold with ✗."""
    lines = ["| page | charts | requests | KB raw | KB gzip | charts drawn (s) | perf | a11y | best pr. | SEO | LCP (s) | TBT (ms) | CLS |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r.get("redirect"):
            lines.append(f"| {r['page']} (forwards to another page) | | | | | | | | | | | | |")
            continue
        limit = TARGETS["chart_page_kb_gzip"] if r["charts"] else TARGETS["text_page_kb_gzip"]
        if with_targets:
            cells = [_mark(r["kb_gzip"], limit, False),
                     _mark(r["charts_drawn_s"], TARGETS["charts_drawn_s"], False),
                     _mark(r.get("performance"), TARGETS["performance"], True),
                     _mark(r.get("accessibility"), TARGETS["accessibility"], True),
                     _mark(r.get("best-practices"), TARGETS["best-practices"], True),
                     _mark(r.get("seo"), TARGETS["seo"], True)]
        else:
            cells = [str(r["kb_gzip"]), str(r["charts_drawn_s"] if r["charts_drawn_s"] is not None else "n/a")] + [
                str(r.get(c, "n/a")) for c in CATEGORIES]
        lines.append(f"| {r['page']} | {r['charts']} | {r['requests']} | {r['kb_raw']} | {cells[0]} | {cells[1]} | "
                     f"{' | '.join(cells[2:])} | {r.get('lcp_s', 'n/a')} | {r.get('tbt_ms', 'n/a')} | {r.get('cls', 'n/a')} |")
    return lines


def _worst(rows, key, higher_is_better):
    values = [(r[key], r["page"]) for r in rows if r.get(key) is not None]
    if not values:
        return None, None
    return (min if higher_is_better else max)(values)


def summary_table(book: dict, ref: dict) -> list[str]:
    """Worst page per target, for both books, with the ratio book / reference (forwarding pages left out)."""
    book = dict(book, pages=[r for r in book["pages"] if not r.get("redirect")])
    ref = dict(ref, pages=[r for r in ref["pages"] if not r.get("redirect")])
    lines = ["| target | limit | this book: worst page | reference book: worst page | book / reference | met |",
             "|---|---:|---|---|---:|:---:|"]

    def row(label, limit, b, r, higher_is_better):
        (bv, bp), (rv, rp) = b, r
        ratio = f"{bv / rv:.2f}" if bv is not None and rv not in (None, 0) else "n/a"
        met = "yes" if bv is not None and (bv >= limit if higher_is_better else bv <= limit) else "**no**"
        lines.append(f"| {label} | {('≥ ' if higher_is_better else '≤ ')}{limit} | {bv} ({bp}) | "
                     f"{rv if rv is not None else 'n/a'}{f' ({rp})' if rp else ''} | {ratio} | {met} |")

    for category in CATEGORIES:
        label = {"best-practices": "Lighthouse best practices"}.get(category, f"Lighthouse {category}")
        row(label, TARGETS[category], _worst(book["pages"], category, True), _worst(ref["pages"], category, True), True)
    charts = [r for r in book["pages"] if r["charts"]]
    text = [r for r in book["pages"] if not r["charts"]]
    row("KB gzip, chart page", TARGETS["chart_page_kb_gzip"], _worst(charts, "kb_gzip", False),
        _worst(ref["pages"], "kb_gzip", False), False)
    row("KB gzip, text page", TARGETS["text_page_kb_gzip"], _worst(text, "kb_gzip", False),
        _worst(ref["pages"], "kb_gzip", False), False)
    row("charts drawn (s)", TARGETS["charts_drawn_s"], _worst(charts, "charts_drawn_s", False), (None, None), False)
    for key, label in (("clean_build_s", "clean build (s)"), ("rebuild_s", "rebuild, nothing changed (s)")):
        row(label, TARGETS[key], (book["builds"][key], "whole book"), (ref["builds"][key], "whole book"), False)
    return lines


def write_report(book: dict, ref: dict, path: Path) -> None:
    """BENCHMARKS.md: the date, the machine, both books, every page against the targets."""
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {today} by `make bench` (`scripts/benchmark.py`) on: {machine()}.",
        "",
        "Both books were built with the same pinned packages in the same run. The reference book is the",
        "template `jupyter-book create` makes (what a new Jupyter Book 1.x user gets by default, built with",
        "its own settings). Pages were served from 127.0.0.1 the way a static host serves them (gzip for",
        "text files); requests to other hosts were blocked. Bytes are for a full read: the page, everything",
        "it loads, and the chart code fetched when the reader scrolls to the charts. Lighthouse used its",
        "default mobile settings (simulated mid-range phone on a slow 4G network). Bold ✗ marks a missed target.",
        "",
        "## Against the targets",
        "",
        *summary_table(book, ref),
        "",
        "## This book, page by page",
        "",
        f"Clean build {book['builds']['clean_build_s']} s; rebuild with nothing changed {book['builds']['rebuild_s']} s; "
        f"{len(book['pages'])} pages, {sum(r['charts'] for r in book['pages'])} charts.",
        "",
        *page_table(book["pages"], with_targets=True),
        "",
        "## Reference book (`jupyter-book create`), page by page",
        "",
        f"Clean build {ref['builds']['clean_build_s']} s; rebuild with nothing changed {ref['builds']['rebuild_s']} s "
        "(its template re-executes its notebooks on every build).",
        "",
        *page_table(ref["pages"], with_targets=False),
        "",
        "## Lighthouse audits below 90 on at least one page of this book",
        "",
    ]
    failing = sorted({a for r in book["pages"] for a in r.get("failing_audits", [])})
    lines += [f"- `{a}`: " + ", ".join(r["page"] for r in book["pages"] if a in r.get("failing_audits", []))
              for a in failing] or ["- none"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse (faster)")
    args = parser.parse_args()
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make bench` (it runs `npm ci`).")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print("building this book (clean, then again)...", flush=True)
        book = {"builds": time_builds(REPO, work / "book", strict=True)}
        print("building the reference book (clean, then again)...", flush=True)
        ref_source = reference_book(work)
        ref = {"builds": time_builds(ref_source, work / "ref", strict=False)}
        print("measuring this book's pages...", flush=True)
        book["pages"] = measure_site(work / "book" / "_build" / "html", work, not args.no_lighthouse)
        print("measuring the reference book's pages...", flush=True)
        ref["pages"] = measure_site(work / "ref" / "_build" / "html", work, not args.no_lighthouse)
    (REPO / "_build").mkdir(exist_ok=True)
    (REPO / "_build" / "benchmark.json").write_text(json.dumps({"book": book, "reference": ref}, indent=2) + "\n")
    write_report(book, ref, REPO / "BENCHMARKS.md")
    print((REPO / "BENCHMARKS.md").read_text())


if __name__ == "__main__":
    main()
