"""No file of the published site loads anything from another host.

Scans every HTML, JavaScript and CSS file of the site as ``make site``
assembles it: the current book, ``404.html`` and every frozen edition. Loading means: a script,
stylesheet, image, frame, media, font or preload address in HTML; a
``url(...)`` or ``@import`` in CSS; a script, style or font address (or a
known CDN host) in JavaScript. Plain ``<a href>`` links to sources are fine.
The browser test checks the same thing at run time.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest


REMOTE = re.compile(r"^(?:https?:)?//", re.I)
#: (tag, attribute) pairs through which a page loads a resource.
LOADING_ATTRS = {
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("embed", "src"),
    ("video", "src"), ("video", "poster"), ("audio", "src"), ("source", "src"),
    ("source", "srcset"), ("track", "src"), ("object", "data"), ("input", "src"),
}
#: <link rel=...> values that make the browser fetch the address.
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                "apple-touch-icon", "manifest", "dns-prefetch", "preconnect"}
CDN_HOSTS = re.compile(
    r"(?:cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|"
    r"fonts\.gstatic\.com|ajax\.googleapis\.com|code\.jquery\.com|cdn\.plot\.ly|"
    r"cdn\.mathjax\.org|use\.fontawesome\.com|kit\.fontawesome\.com|stackpath\.bootstrapcdn\.com|"
    r"thebe\.|binder\.org|hypothes\.is|utteranc\.es|googletagmanager\.com|google-analytics\.com)",
    re.I,
)
JS_RESOURCE_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+\.(?:js|mjs|css|woff2?|ttf|otf)(?:\?[^"'`\s]*)?)["'`]""", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"')\s]+)""", re.I)


class _ResourceFinder(HTMLParser):
    """Collect every remote address a page would load."""

    def __init__(self):
        super().__init__()
        self.remote: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for (t, attr) in LOADING_ATTRS:
            if tag == t and values.get(attr):
                urls = [u.strip().split(" ")[0] for u in values[attr].split(",")]
                self.remote += [u for u in urls if REMOTE.match(u)]
        if tag == "link":
            rels = set((values.get("rel") or "").lower().split())
            if rels & LOADING_RELS and REMOTE.match(values.get("href") or ""):
                self.remote.append(values["href"])
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            target = (values.get("content", "").split("url=", 1) + [""])[1].strip()
            if REMOTE.match(target):  # a page that forwards to another host
                self.remote.append(target)
        style = values.get("style") or ""
        self.remote += CSS_URL.findall(style)
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.remote += CSS_URL.findall(data) + JS_RESOURCE_URL.findall(data)
            self.remote += [m.group(0) for m in CDN_HOSTS.finditer(data)]


def remote_loads(path: Path) -> list[str]:
    """Remote addresses that the file at ``path`` would load."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        finder = _ResourceFinder()
        finder.feed(text)
        return finder.remote
    if path.suffix == ".css":
        return CSS_URL.findall(text)
    return JS_RESOURCE_URL.findall(text) + [m.group(0) for m in CDN_HOSTS.finditer(text)]


def built_files(site: Path) -> list[Path]:
    return sorted(p for ext in ("*.html", "*.js", "*.css") for p in site.rglob(ext))


def test_scanner_catches_remote_loads(tmp_path):
    """The scanner itself must see each kind of remote load (a scan that cannot fail is useless)."""
    page = tmp_path / "p.html"
    page.write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=X">'
        '<script src="//cdn.jsdelivr.net/npm/vega@5"></script>'
        '<img src="https://example.org/a.png"><a href="https://example.org/ok">fine</a>'
        '<script>const THEBE = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>',
        encoding="utf-8")
    found = remote_loads(page)
    assert any("googleapis" in u for u in found) and any("jsdelivr" in u for u in found)
    assert any("example.org/a.png" in u for u in found) and any("unpkg" in u for u in found)
    assert not any(u.endswith("/ok") for u in found)
    style = tmp_path / "s.css"
    style.write_text("@font-face{src:url(https://fonts.gstatic.com/x.woff2)}", encoding="utf-8")
    assert remote_loads(style)
    moved = tmp_path / "m.html"
    moved.write_text('<meta http-equiv="refresh" content="0; url=https://example.org/x">'
                     '<meta http-equiv="refresh" content="0; url=method.html">', encoding="utf-8")
    assert remote_loads(moved) == ["https://example.org/x"]  # a page forwarding off-site, not a local one


@pytest.mark.book
def test_no_built_file_loads_from_another_host(published):
    site = published
    files = built_files(site)
    assert any(p.suffix == ".html" for p in files) and (site / "404.html") in files
    assert any(p.relative_to(site).parts[0] == "editions" for p in files), "the editions are scanned"
    offenders = {str(p.relative_to(site)): remote_loads(p) for p in files}
    offenders = {k: sorted(set(v))[:5] for k, v in offenders.items() if v}
    assert not offenders, f"remote loads found: {offenders}"


@pytest.mark.book
def test_chart_pages_load_the_book_vega_bundle_once(site):
    """Chart pages name the served Vega bundle once (fetched on demand); text pages not at all."""
    page = (site / "chapters" / "timeline.html").read_text(encoding="utf-8")
    assert page.count('data-vega="vendor/vega-bundle.js') == 1
    assert page.count("book-charts.js") == 1
    assert (site / "_static" / "vendor" / "vega-bundle.js").stat().st_size > 500_000
    text_page = (site / "index.html").read_text(encoding="utf-8")
    assert "vega-bundle.js" not in text_page and "book-charts.js" not in text_page


def test_pages_do_not_load_font_awesome_or_the_search_index(site):
    """The theme's 1.5 MB icon script and the search index stay off reading pages."""
    for name in ("index.html", "chapters/texas.html"):
        page = (site / name).read_text(encoding="utf-8")
        assert "fontawesome.js" not in page, name
        assert "searchindex.js" not in page, name
        assert '<meta name="description" content="' in page, name
    assert "searchindex.js" in (site / "search.html").read_text(encoding="utf-8")
