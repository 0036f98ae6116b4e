"""Shared fixtures: the built book, the PDF, the published site, local web servers, a browser.

The book is built once per test session with the same command as
``make book`` (warnings are errors), under a test address
(:data:`TEST_BASE_URL`, through ``BOOK_BASE_URL``), so every test sees that
the site's address reaches every page from that one setting. The PDF is built
once (``scripts/build_pdf.py``) and the published site is assembled once from
both, with every frozen edition, as ``make site`` does. Browser tests drive
Debian's Chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD_HTML = REPO / "_build" / "html"
PDF = REPO / "_build" / "pdf" / "book.pdf"
#: The chapters' two-page handouts (``make handouts``).
HANDOUTS = REPO / "_build" / "handouts"
#: The published site as the tests assemble it (``make site`` writes ``_build/site``).
PUBLISHED = REPO / "_build" / "test-site"
#: The site's address in the tests: a path below the host, as on GitHub Pages.
TEST_BASE_URL = "https://walled-off.test/book/"
os.environ["BOOK_BASE_URL"] = TEST_BASE_URL  # before anything reads book.yml
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def build_book(path_output: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the book's build command (as ``make book`` does) and return the result."""
    command = [str(BIN / "jupyter-book"), "build", str(REPO), "-W", "-n", "--keep-going"]
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=1200)


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    """Build the book once for the whole session."""
    return build_book()


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    """The built HTML folder; fails (never skips) when the build failed."""
    assert book_build.returncode == 0, (
        "the book did not build:\n" + book_build.stdout[-4000:] + book_build.stderr[-4000:]
    )
    return BUILD_HTML


def html_pages(site: Path) -> list[Path]:
    """Every page of the built book, search and index pages included.

    The small pages that forward a moved address (teaching/redirects.yml) are not pages."""
    return sorted(p for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts
                  and '<meta name="book-redirect"' not in p.read_text(encoding="utf-8")[:400])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


class StaticHostHandler(_QuietHandler):
    """Serves a site below a path (``/book/``) as static hosts do: ``404.html`` for unknown paths."""

    prefix = "/book/"

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path + "/" == self.prefix:
            path = self.path = self.prefix
        if not path.startswith(self.prefix) or not Path(self.translate_path(path)).exists():
            return self._not_found()
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + path.split("?", 1)[0].removeprefix(self.prefix))

    def _not_found(self):
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)


def serve(folder: Path, handler_class=_QuietHandler, **attributes):
    """Serve ``folder`` on 127.0.0.1 at a free port; return (server, base URL)."""
    handler = type("Handler", (handler_class,), attributes)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="session")
def server(site):
    """Serve the built book on 127.0.0.1 at a free port; yield its base URL."""
    httpd, url = serve(site)
    yield url
    httpd.shutdown()


def _run_script(name: str) -> None:
    """Run ``scripts/<name>`` as its make target does; fail with the end of its output."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / name)], cwd=REPO,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


@pytest.fixture(scope="session")
def pdf_build(site) -> Path:
    """The PDF, built once per session as ``make pdf`` builds it (about a minute)."""
    _run_script("build_pdf.py")
    return PDF


@pytest.fixture(scope="session")
def handouts_build(site) -> Path:
    """The chapters' handouts, printed once per session as ``make handouts`` prints them."""
    _run_script("build_handouts.py")
    return HANDOUTS


@pytest.fixture(scope="session")
def published(site, pdf_build, handouts_build) -> Path:
    """The whole site, assembled as ``make site`` does from this session's builds."""
    from walledoff_build.citebox import pdf_name
    from walledoff_build.site import assemble
    from walledoff_notebook.meta import metadata

    assemble(PUBLISHED, site, pdf_build, pdf_name(metadata()), handouts=handouts_build)
    return PUBLISHED


@pytest.fixture(scope="session")
def site_server(published):
    """The published site served below ``/book/``, with ``404.html`` for unknown paths; its address."""
    from urllib.parse import urlsplit

    httpd, url = serve(published, StaticHostHandler, prefix=urlsplit(TEST_BASE_URL).path)
    yield url + urlsplit(TEST_BASE_URL).path
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Fails with instructions if missing."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None and not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `sudo apt-get install -y chromium` "
            "(Debian) or set CHROMIUM_PATH. `make test` installs it when run as root."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# --- What the build tests iterate over (from _toc.yml, so a new chapter is covered) ----

def _toc():
    from walledoff_build.book import is_notebook, toc_pages

    pages = toc_pages(REPO)
    notebooks = [d for d in pages if is_notebook(REPO / f"{d}.md")]
    return pages, notebooks


TOC, NOTEBOOKS = _toc()


def _has_teaching_sections(page: str) -> bool:
    """A chapter with the labelled sections the teacher's guide copies."""
    import re

    name = page.rsplit("/", 1)[-1]
    labels = set(re.findall(r"^\(([\w-]+)\)=\s*$", (REPO / f"{page}.md").read_text(encoding="utf-8"), re.M))
    return all(f"{name}-{kind}" in labels for kind in ("learn", "discussion", "exercise"))


TEACHING_CHAPTERS = [d for d in NOTEBOOKS if _has_teaching_sections(d)]


def soup(site: Path, page: str):
    """A built page, parsed."""
    from bs4 import BeautifulSoup

    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
