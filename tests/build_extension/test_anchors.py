"""Stable section addresses and moved pages and anchors (walledoff_build.anchors, .redirects)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, REPO, TEACHING_CHAPTERS, TOC, html_pages, soup
from walledoff_notebook.meta import metadata

META = metadata()
from walledoff_build.anchors import moved_anchors
from walledoff_build.redirects import moved_pages


def load_redirects() -> dict:
    return {"pages": moved_pages(), "anchors": moved_anchors()}


def _source_labels() -> set[str]:
    labels = set()
    for page in TOC:
        labels |= set(re.findall(r"^\(([\w-]+)\)=\s*$", (REPO / f"{page}.md").read_text(encoding="utf-8"), re.M))
    return labels


@pytest.mark.book
@pytest.mark.parametrize("page", TOC)
def test_every_section_has_a_stable_unique_anchor(site, page):
    """Each section's main id is a label from the source, or derived from one; ids are unique."""
    labels = _source_labels()
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    sections = re.findall(r'<section id="([^"]+)"', html)
    assert sections, page
    for anchor in sections:
        assert not re.fullmatch(r"id\d+", anchor), f"{page}: unstable anchor {anchor}"
        assert anchor in labels or any(anchor.startswith(l + "-") for l in labels), (
            f"{page}: section #{anchor} has no label; add (label)= above its heading")
    # the heading's own link points to the stable anchor
    for anchor, link in re.findall(r'<section id="([^"]+)">.*?<a class="headerlink" href="#([^"]+)"', html, re.S):
        assert anchor == link


def test_labels_are_unique_across_the_book():
    seen: dict[str, str] = {}
    for page in TOC:
        for label in re.findall(r"^\(([\w-]+)\)=\s*$", (REPO / f"{page}.md").read_text(encoding="utf-8"), re.M):
            assert label not in seen, f"label {label!r} in {page} and {seen[label]}"
            seen[label] = page


@pytest.mark.book
def test_moved_pages_forward_to_built_pages(site):
    redirects = load_redirects()
    assert redirects["pages"], "teaching/redirects.yml maps no page"
    for old, new in redirects["pages"].items():
        stub = (site / f"{old}.html").read_text(encoding="utf-8")
        target = re.search(r'<meta name="book-redirect" content="([^"]+)"', stub).group(1)
        assert ((site / old).parent / target).resolve() == (site / f"{new}.html").resolve()


def _resolves(site: Path, address: str, redirects: dict) -> bool:
    page, _, anchor = address.partition("#")
    name = page[:-len(".html")]
    name = redirects["pages"].get(name, name)
    path = site / f"{name}.html"
    if not path.exists():
        return False
    ids = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
    moved = redirects["anchors"].get(name, {}).get(anchor)
    return anchor in ids or (moved is not None and moved in ids)


@pytest.mark.book
def test_every_published_section_address_still_resolves(site):
    """Each address in teaching/anchors.txt works, directly or through the redirect map."""
    redirects = load_redirects()
    lines = [l.strip() for l in (REPO / "teaching" / "anchors.txt").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    assert len(lines) > 50
    broken = [l for l in lines if not _resolves(site, l, redirects)]
    assert not broken, f"cited addresses that no longer resolve (map them in teaching/redirects.yml): {broken}"


@pytest.mark.book
def test_redirects_work_in_the_browser(browser, server, site):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server}/chapters/sources.html#sources-primary")
        page.wait_for_url("**/chapters/method.html#sources-primary", timeout=10_000)
        page.goto(f"{server}/chapters/method.html#all-sources")
        page.wait_for_function("() => location.hash === '#method'", timeout=10_000)
    finally:
        context.close()


