"""Downloads in the site: notebooks, the archive, data files (walledoff_build.downloads)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, REPO, TEACHING_CHAPTERS, TOC, html_pages, soup
from walledoff_notebook.meta import metadata

META = metadata()
import zipfile

import nbformat

from walledoff_build.book import NOTEBOOK_DIR, archive_name, notebook_name


# --- Notebooks and the archive -------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_each_chapter_downloads_as_a_valid_notebook_with_the_pages_code(site, page):
    """The chapter's code cells, after one cell that checks what the notebook needs."""
    import jupytext

    path = site / NOTEBOOK_DIR / notebook_name(page)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4 and notebook.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    source = [c for c in jupytext.read(REPO / f"{page}.md").cells if c.cell_type == "code"]
    assert [c.source for c in code[1:]] == [c.source for c in source]
    assert "import walledoff_notebook" in code[0].source
    assert META.version in notebook.cells[0].source
    for cell in code:  # the build's outputs, minus what only the build reads
        for output in cell.outputs:
            assert "application/vnd.walledoff.chart+json" not in output.get("data", {})
            assert "scrapbook" not in output.get("metadata", {})


@pytest.mark.book
def test_archive_holds_every_notebook_with_data_and_code(site):
    archive = site / NOTEBOOK_DIR / archive_name()
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
    top = f"walled-off-{META.version}/"
    for page in NOTEBOOKS:
        assert f"{top}chapters/{notebook_name(page)}" in names
    for required in ("requirements-notebooks.txt", "book.yml", "walledoff_notebook/__init__.py",
                     "walledoff_notebook/meta.py", "data/datapackage.json", "data/references.bib",
                     "README.md", "LICENSE"):
        assert top + required in names, required
    for build_only in ("requirements.txt", "pyproject.toml", "Makefile"):
        assert top + build_only not in names, build_only
    for csv in (REPO / "data").glob("*.csv"):
        assert f"{top}data/{csv.name}" in names


@pytest.mark.book
def test_every_download_link_resolves_to_a_file_in_the_build(published):
    """Notebooks, the archive, the data files and the PDF, from every page of the published site."""
    site, checked = published, 0
    pdfs = 0
    for page in html_pages(site):
        for a in soup(site, str(page.relative_to(site))).select("a[download]"):
            pdfs += a["download"].endswith(".pdf")
            href = a["href"]
            if href.startswith("data:"):
                continue
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: {href} is not in the build"
            assert Path(a["download"]).suffix == target.suffix, (a["download"], href)
            checked += 1
    assert checked >= len(NOTEBOOKS) * 2
    assert pdfs >= len(TOC), "every page of the current book links the PDF"


@pytest.mark.book
def test_notebook_link_downloads_as_ipynb(browser, server, site):
    """Clicking the link gives a file named .ipynb (not .txt) that is a notebook."""
    page_name = NOTEBOOKS[0]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/{page_name}.html")
        with page.expect_download() as info:
            page.click(f'.book-cite a[download="{notebook_name(page_name)}"]')
        download = info.value
        assert download.suggested_filename == notebook_name(page_name)
        nbformat.validate(nbformat.read(download.path(), as_version=4))
    finally:
        context.close()


# --- Data under every chart, licences ---------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_every_chart_links_its_shipped_csv_with_licence_and_citation(site, page):
    doc = soup(site, f"{page}.html")
    figures = doc.select("figure.book-chart-figure")
    assert figures
    for figure in figures:
        block = figure.select_one(".book-chart-reuse")
        assert block is not None, f"{page}: chart {figure.get('id')} has no data block"
        link = block.select_one("a[download]")
        shipped = (site / page).parent / link["href"]
        original = REPO / "data" / Path(link["href"]).name
        assert shipped.resolve().read_bytes() == original.read_bytes()
        assert block.select_one("a[href*='creativecommons.org']")
        assert META.version in block.get_text() and "Cite the data" in block.get_text()


