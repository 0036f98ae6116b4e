"""Two-page handouts per story chapter (scripts/build_handouts.py, ``make handouts``)."""

from __future__ import annotations

import unicodedata

import pytest

from conftest import REPO, soup
from walledoff_build.book import chapter_numbers
from walledoff_build.guide import HANDOUT_DIR, handout_name

CHAPTERS = [page.rsplit("/", 1)[-1] for page in chapter_numbers(REPO)]


def pdf_pages(path) -> tuple[int, str]:
    """Pages and text of a PDF (pypdf when installed, else the /Type /Page count)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        import re

        data = path.read_bytes()
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", data)), ""
    reader = PdfReader(str(path))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFKC", text)  # the "ﬀ" ligature is "ff"


@pytest.mark.book
@pytest.mark.parametrize("name", CHAPTERS)
def test_each_handout_fits_two_pages_with_title_and_citation(site, handouts_build, name):
    path = handouts_build / handout_name(name)
    assert path.exists() and path.stat().st_size > 5000, f"no handout for {name}"
    pages, text = pdf_pages(path)
    assert 1 <= pages <= 2, f"{name}: {pages} pages"
    if not text:
        return
    page = soup(site, f"chapters/{name}.html")
    title = " ".join(page.select_one("h1").get_text().replace("#", "").split())
    flat = text.replace("- ", "")
    assert " ".join(title.split()[:6]) in flat, f"{name}: the title is not in the handout"
    for heading in ("Summary", "Key takeaways", "Discussion questions", "Cite this chapter"):
        assert heading in text, f"{name}: no {heading!r}"
    assert "Walled Off?" in text and "Version" in text, f"{name}: no citation"
    assert "Figure" in text, f"{name}: no numbered lead chart"


@pytest.mark.book
def test_teachers_guide_links_every_handout_and_the_landing_page_the_pdf(site):
    guide = soup(site, "chapters/teachers-guide.html")
    links = {a["href"] for a in guide.select("a.book-handout")}
    assert links == {f"../{HANDOUT_DIR}/{handout_name(name)}" for name in CHAPTERS}
    from walledoff_build.citebox import pdf_name
    from walledoff_notebook.meta import metadata

    home = soup(site, "index.html")
    assert home.select_one(f"#home-run a.book-pdf-link[href='{pdf_name(metadata())}']") is not None
