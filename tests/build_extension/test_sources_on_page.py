"""The sources as readers see them, checked on the built HTML (issue 13).

* every key behind a chart (its source line, its data table's ``source``
  column) and behind a table (the claims ledger, any table whose source column
  became citations) is listed in the same page's bibliography;
* no listed source shows a working note, and none has a copy, proxy or
  aggregator as its main link (the first link of an entry that is not a
  "Read in ..." copy);
* primary records make up at least 35% of the works the book cites.

Each listed source's anchor is ``cite-<list>-<key>`` (``bibtex_cite_id`` in
``_config.yml``), so a key can be found on a page without parsing labels.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from conftest import NOTEBOOKS, TOC, soup
from walledoff_notebook import load
from walledoff_notebook.sources import (WORKING_NOTE_PHRASES, bibliography, main_link_problem,
                                        split_keys)

CITE_ID = re.compile(r"^cite-\d+-([a-z0-9]+)$")
#: The page that lists every source in references.bib (not a citing page).
ALL_SOURCES_PAGE = "chapters/method"
#: The share of primary records among the works the book cites (issue 13).
PRIMARY_SHARE_TARGET = 0.35

PAGES = TOC


@lru_cache(maxsize=None)
def _page(site, page: str):
    return soup(site, f"{page}.html")


def listed_keys(site, page: str) -> set[str]:
    """The keys of the sources listed in a page's bibliographies."""
    return {m.group(1) for node in _page(site, page).select("div.citation[id]")
            if (m := CITE_ID.match(node["id"]))}


def _table_source_keys(table) -> set[str]:
    """Keys in a data table's ``source`` column (the chart's own data)."""
    headers = [th.get_text(strip=True).lower() for th in table.select("thead th")]
    if "source" not in headers:
        return set()
    column = headers.index("source")
    keys = set()
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        if column < len(cells):
            keys.update(split_keys(cells[column].get_text(" ", strip=True)))
    return keys


def chart_keys(site, page: str) -> dict[str, set[str]]:
    """Each chart's source keys: its source line's keys and its data table's source column."""
    charts = {}
    for number, notes in enumerate(_page(site, page).select("div.book-chart-notes")):
        keys = set(notes.get("data-book-sources", "").split())
        for table in notes.select("table.book-chart-table"):
            keys |= _table_source_keys(table)
        charts[f"chart {number + 1}"] = keys
    return charts


def table_citations(site, page: str) -> list[tuple[str, str]]:
    """Every citation link inside a table of the page's text: (link text, href)."""
    links = []
    for table in _page(site, page).select("article table"):
        if "book-chart-table" in (table.get("class") or []):
            continue
        for link in table.select("a[href*='#cite-']"):
            links.append((link.get_text(strip=True), link["href"]))
    return links


@pytest.mark.book
def test_the_built_pages_carry_key_anchors(site):
    """The checks below can only work if entries carry their keys (a guard against a silent pass)."""
    assert len(listed_keys(site, ALL_SOURCES_PAGE)) == len(bibliography())
    assert any(chart_keys(site, page) for page in NOTEBOOKS)


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES)
def test_every_chart_key_is_listed_on_its_page(site, page):
    listed = listed_keys(site, page)
    missing = {chart: sorted(keys - listed) for chart, keys in chart_keys(site, page).items()
               if keys - listed}
    assert not missing, f"{page}: chart sources not in the page's bibliography: {missing}"


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES)
def test_every_table_citation_points_at_this_page(site, page):
    """A table's source column is citations that land in the same page's list."""
    listed = listed_keys(site, page)
    wrong = [(text, href) for text, href in table_citations(site, page)
             if not href.startswith("#") or CITE_ID.match(href[1:]) is None
             or CITE_ID.match(href[1:]).group(1) not in listed]
    assert not wrong, f"{page}: table citations that leave the page: {wrong[:10]}"


@pytest.mark.book
@pytest.mark.parametrize("chapter", sorted(set(load("claims")["chapter"].astype(str))))
def test_every_claims_ledger_key_is_listed_on_its_chapter(site, chapter):
    """Independently of the HTML tables: the ledger rows of a chapter name only keys it lists."""
    page = "index" if chapter == "index" else f"chapters/{chapter}"
    claims = load("claims")
    keys = {k for cell in claims[claims["chapter"] == chapter]["source"] for k in split_keys(cell)}
    missing = sorted(keys - listed_keys(site, page))
    assert not missing, f"{page}: claims-ledger sources not listed on the page: {missing}"


def _maintnote_only(src) -> list[str]:
    """Sentences of an entry's working note that no reader-facing field also says."""
    shown = " ".join([src.title, src.note, src.copylabel, src.translation,
                      f"Summarises {src.summarises}"])
    return [s for s in re.split(r"(?<=[.;])\s+", src.maintnote)
            if len(s) >= 25 and s.rstrip(".;") not in shown]


def _entries(site):
    for page in TOC:
        for node in _page(site, page).select("div.citation[id]"):
            if CITE_ID.match(node["id"]):
                yield page, CITE_ID.match(node["id"]).group(1), node


@pytest.mark.book
def test_no_listed_source_shows_a_working_note(site):
    sources = bibliography()
    leaks = []
    for page, key, node in _entries(site):
        text = " ".join(node.get_text(" ").split())
        leaks += [(page, key, phrase) for phrase in WORKING_NOTE_PHRASES if phrase in text.lower()]
        leaks += [(page, key, f"maintnote: {sentence[:40]}...") for sentence in _maintnote_only(sources[key])
                  if sentence in text]
    assert not leaks, f"working notes shown to readers: {leaks[:10]}"


def main_link(node) -> str:
    """An entry's main link: its first external link, unless that link is the "Read in" copy."""
    first = node.select_one("a.reference.external")
    if first is None:
        return ""
    before = "".join(str(s) for s in first.previous_siblings)
    return "" if re.search(r"Read in [^<]*$", before) else first["href"]


@pytest.mark.book
def test_no_main_link_is_a_copy(site):
    sources = bibliography()
    bad = []
    for page, key, node in _entries(site):
        url = main_link(node)
        if url and (why := main_link_problem(url, sources[key].publisher)):
            bad.append((page, key, why))
        if not url:  # no original address: the copy must say what it is
            assert "Read in " in node.get_text(" "), (page, key, "copy link without 'Read in'")
    assert not bad, f"copies shown as main links: {bad[:10]}"


def cited_works(site) -> set[str]:
    """The works the book cites: every key listed on a citing page (the all-sources page lists everything)."""
    return {key for page in TOC if page != ALL_SOURCES_PAGE for key in listed_keys(site, page)}


@pytest.mark.book
def test_primary_records_are_at_least_35_percent_of_cited_works(site):
    sources = bibliography()
    cited = cited_works(site)
    primary = sum(sources[key].primary for key in cited)
    share = primary / len(cited)
    assert share >= PRIMARY_SHARE_TARGET, (
        f"primary records are {primary} of {len(cited)} cited works ({share:.1%}); "
        f"the target is {PRIMARY_SHARE_TARGET:.0%}")
