"""Citing the book: one place for the metadata, cite boxes, licences and the footer
(walledoff_notebook.meta, walledoff_build.citebox and walledoff_build.pages)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import NOTEBOOKS, REPO, TEACHING_CHAPTERS, TEST_BASE_URL, TOC, html_pages, soup
from walledoff_notebook.meta import metadata

META = metadata()
from walledoff_build.book import notebook_name
from walledoff_notebook.meta import apa, bibtex


def _plain_dates(value):
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


def citation_cff() -> dict:
    return _plain_dates(yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8")))


# --- One place for the metadata --------------------------------------------------

def test_citation_cff_is_valid_cff_1_2():
    """CITATION.cff validates against the Citation File Format 1.2.0 schema (offline copy)."""
    import jsonschema

    schema = json.loads((REPO / "tests" / "data" / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(citation_cff())]
    assert not errors, errors


def test_citation_cff_agrees_with_book_metadata():
    cff = citation_cff()
    assert cff["title"] == META.title
    assert [a["name"] for a in cff["authors"]] == list(META.authors)
    assert str(cff["version"]) == META.version
    assert cff["date-released"] == META.date_released
    assert cff["license"] == META.licences["text"]["id"]
    preferred = cff.get("preferred-citation", {})
    assert str(preferred.get("version", META.version)) == META.version
    # the permanent address is one value: if CITATION.cff names it, it must be book.yml's own
    # (the tests build under BOOK_BASE_URL, which only replaces it for one build)
    own = metadata(environment=False)
    for key in ("url",):
        if key in cff:
            assert cff[key] == own.base_url
        if key in preferred:
            assert preferred[key] == own.base_url
    if own.doi:  # once book.yml has a DOI, the citation file carries it too
        assert own.doi in (cff.get("doi"), preferred.get("doi"))
    if own.repository:
        assert cff.get("repository-code") == own.repository


def test_version_is_a_minor_release_named_in_the_changelog():
    assert re.fullmatch(r"0\.\d+\.\d+", META.version)
    changelog = (REPO / "chapters" / "changelog.md").read_text(encoding="utf-8")
    assert f"## Version {META.version} ({META.date_released})" in changelog
    assert "changelog" in " ".join(TOC)


def test_citations_are_generated_from_the_metadata():
    """A citation names the version and points at the page in that version's frozen edition."""
    stable = META.edition_url("chapters/texas")
    assert stable == f"{META.base_url}editions/{META.version}/chapters/texas.html"
    text = apa(META, "Project Texas", "chapters/texas")
    assert META.version in text and stable in text and META.title in text
    entry = bibtex(META, "Project Texas", "chapters/texas")
    assert entry.startswith(f"@incollection{{{META.bibtex_key}{META.year}texas,")
    assert f"version = {{{META.version}}}" in entry and f"url = {{{stable}}}" in entry


# --- Cite box ----------------------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", TOC)
def test_cite_box_on_every_page_with_the_right_address_and_version(site, page):
    doc = soup(site, f"{page}.html")
    boxes = doc.select("div.book-cite")
    assert len(boxes) == 1, f"{page}: {len(boxes)} cite boxes"
    box = boxes[0]
    root = page == TOC[0]
    stable, current = META.edition_url("" if root else page), META.url("" if root else page)
    assert box["data-book-version"] == META.version
    assert box.select_one("code.book-cite-edition").get_text() == stable
    assert box.select_one("code.book-cite-current").get_text() == current
    assert stable.startswith(TEST_BASE_URL) and current.startswith(TEST_BASE_URL)
    apa_text = box.select_one(".book-cite-apa").get_text()
    assert stable in apa_text and f"Version {META.version}" in apa_text
    entry = box.select_one("pre.book-cite-bibtex").get_text()
    assert f"url = {{{stable}}}" in entry and f"version = {{{META.version}}}" in entry
    if not root:
        title = doc.select_one("h1").get_text().rstrip("#").strip()
        assert title in apa_text and title in entry
    buttons = box.select("button.book-cite-copy")
    assert len(buttons) == 2 and all(b.get_text().strip() and b.get("type") == "button" for b in buttons)
    # every section link in the box points at a section of the page, with its permanent address
    ids = {s["id"] for s in doc.select("section[id]")}
    for item in box.select(".book-cite-sections li"):
        anchor = item.a["href"].lstrip("#")
        assert anchor in ids
        assert item.code.get_text() == META.edition_url("" if root else page, anchor)
    if page in NOTEBOOKS:
        assert box.select_one(f'a[download="{notebook_name(page)}"]')


def test_every_table_has_a_licence_and_terms():
    from walledoff_notebook.package import table_licence, table_names

    for name in table_names():
        licences, terms = table_licence(name)
        assert licences and all(l.get("name") and l.get("path") for l in licences), name
        assert terms, f"{name}: no third-party terms note (resource or package 'rights')"


@pytest.mark.book
def test_every_page_footer_states_the_licences_and_version(site):
    for page in html_pages(site):
        footer = soup(site, str(page.relative_to(site))).select_one(".book-footer-licence")
        assert footer is not None, page
        text = footer.get_text()
        assert META.version in text and "CC BY 4.0" in text and "MIT" in text
        hrefs = [a["href"] for a in footer.select("a")]
        assert META.licences["text"]["url"] in hrefs and META.licences["code"]["url"] in hrefs


def test_repository_states_the_licences():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "MIT License" in text


