"""The printable edition: ``make pdf`` builds it, and it holds the whole book.

The PDF is built once per test session by ``scripts/build_pdf.py`` (the
command ``make pdf`` runs): about a minute, most of it the single-page HTML
build, which reuses the notebook execution cache. It checks that the PDF
exists, opens with a title page naming the version and date, has every page
of the table of contents in order, and that every chart on screen is drawn in
print (its axis and legend labels are on the page under its title, so the
chart is not a blank box).
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from conftest import REPO
from walledoff_build.book import toc_pages
from walledoff_notebook.meta import metadata

SINGLE = REPO / "_build" / "singlehtml" / "index.html"


def _norm(text: str) -> str:
    """Undo print ligatures and line breaks so text can be compared."""
    for lig, plain in (("ﬀ", "ff"), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬄ", "ffl")):
        text = text.replace(lig, plain)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def pdf_pages(pdf_build):
    from pypdf import PdfReader

    return [_norm(page.extract_text()) for page in PdfReader(pdf_build).pages]


@pytest.mark.book
def test_pdf_opens_with_a_title_page_naming_version_and_date(pdf_pages):
    meta = metadata()
    first = " ".join(pdf_pages[:2])
    assert _norm(meta.title) in first
    assert f"Version {meta.version}, released {meta.date_released}" in first
    assert "Creative Commons Attribution 4.0" in first
    assert meta.base_url in first  # the site's address, from BOOK_BASE_URL in the tests


@pytest.mark.book
def test_pdf_has_every_chapter_in_order(pdf_pages):
    """Each page of the table of contents is in the PDF, after the contents page, in order."""
    soup = BeautifulSoup(SINGLE.read_text(encoding="utf-8"), "html.parser")
    pages = toc_pages(REPO)
    contents = " ".join(pdf_pages[:4])
    starts = []
    for doc in pages[1:]:
        anchor = soup.find(id=f"document-{doc}")
        assert anchor is not None, f"{doc} is not in the single-page book"
        title = _norm(anchor.find_next(["h1", "h2"]).get_text().rstrip("#"))[:60]
        assert title in contents, f"{title!r} is not on the contents page"
        hits = [i for i, text in enumerate(pdf_pages) if i >= 2 and title in text]
        assert hits, f"chapter {title!r} is not in the PDF"
        starts.append(hits[0] if not starts else next((h for h in hits if h >= starts[-1]), hits[0]))
    assert len(starts) == len(pages) - 1
    assert starts == sorted(starts), starts


@pytest.mark.book
def test_every_chart_is_drawn_in_print(pdf_pages):
    soup = BeautifulSoup(SINGLE.read_text(encoding="utf-8"), "html.parser")
    figures = [f for f in soup.select("div.book-chart")
               if not f.find_parent(class_=re.compile(r"tag_hide-(cell|output)|tag_remove"))]
    assert len(figures) >= 8
    blank = []
    for figure in figures:
        title = _norm(figure.select_one(".book-chart-title").get_text())
        # the static chart is an SVG image (a data: URL); its text labels must reach the PDF
        image = figure.select_one(".book-chart-static img")
        svg = urllib.parse.unquote(image["src"].split(",", 1)[1])
        labels = {_norm(t.get_text()) for t in BeautifulSoup(svg, "html.parser").find_all("text")}
        labels = {l for l in labels if len(l) >= 3}
        pages = [i for i, text in enumerate(pdf_pages) if title[:50] in text]
        assert pages, f"chart {title!r} is not in the PDF"
        drawn = max(sum(1 for l in labels if l in " ".join(pdf_pages[i:i + 2])) for i in pages)
        if drawn < max(3, len(labels) // 4):
            blank.append((title, drawn, len(labels)))
    assert not blank, f"charts printed without their labels (blank?): {blank}"


@pytest.mark.book
def test_chinese_text_of_the_reader_is_printed(pdf_pages):
    """The printed reader shows Chinese law in Chinese (a missing font prints nothing but boxes)."""
    from walledoff_notebook import load

    chinese = load("passages").query("language == 'zh'")
    printed = " ".join(pdf_pages).replace(" ", "")
    missing = [row.id for row in chinese.itertuples()
               if str(row.original_text).splitlines()[0].replace(" ", "")[:12] not in printed]
    assert not missing, (f"Chinese passages not printed: {missing}; install a Chinese font "
                         "(scripts/ensure-chromium.sh: sudo apt-get install -y fonts-wqy-microhei)")
