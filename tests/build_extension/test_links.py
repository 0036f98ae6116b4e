"""Every internal link in the published site resolves, checked offline.

Parses every page of the site as ``make site`` assembles it (the current book,
forwarding pages, ``404.html`` and every frozen edition, with the PDF beside
them) and checks each
relative ``href``/``src`` points at a file in the build and, when it names an
``#anchor``, that the target page has that id. Links to other hosts, ``data:``
and ``mailto:`` addresses are not followed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

#: (tag, attribute) pairs that hold an address.
LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
              ("source", "src"), ("iframe", "src")}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in LINK_ATTRS and value is not None:
                self.links.append(value)


@lru_cache(maxsize=None)
def ids_in(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\b(?:id|name)="([^"]+)"', text))


def broken_links(site: Path, page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    broken = []
    for link in parser.links:
        parsed = urlparse(link)
        if parsed.scheme or parsed.netloc or link.startswith(("mailto:", "javascript:")):
            continue
        target = page if not parsed.path else (page.parent / unquote(parsed.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or site.resolve() not in target.resolve().parents:
            broken.append(f"{link} (no file)")
            continue
        anchor = unquote(parsed.fragment)
        if anchor and target.suffix == ".html" and anchor not in ids_in(target):
            broken.append(f"{link} (no #{anchor})")
    return broken


def all_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_checker_finds_broken_links(tmp_path):
    (tmp_path / "a.html").write_text('<p id="here"></p><a href="b.html#there">x</a><a href="#here">y</a>'
                                     '<a href="missing.html">z</a><a href="https://example.org/">w</a>')
    (tmp_path / "b.html").write_text('<p id="elsewhere"></p>')
    assert broken_links(tmp_path, tmp_path / "a.html") == ["b.html#there (no #there)", "missing.html (no file)"]


@pytest.mark.book
def test_every_internal_link_resolves(published):
    site = published
    pages = all_pages(site)
    assert len(pages) > 5 and any(p.relative_to(site).parts[0] == "editions" for p in pages)
    problems = {str(p.relative_to(site)): broken_links(site, p) for p in pages
                if p.name != "404.html"}  # its links start at the site's path (test_publishing checks them)
    problems = {k: v[:10] for k, v in problems.items() if v}
    assert not problems, problems
