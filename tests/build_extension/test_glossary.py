"""The glossary page and first-use links (walledoff_build.glossary)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, REPO, TEACHING_CHAPTERS, TOC, html_pages, soup
from walledoff_notebook.meta import metadata

META = metadata()
import yaml

from walledoff_build.glossary import _keys, glossary_entries
from walledoff_notebook.sources import bibliography

ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")


def glossary_forms(built: bool = True) -> set[str]:
    known = bibliography()
    forms = set()
    for entry in glossary_entries():
        if built and not all(k in known for k in _keys(entry["source"])):
            continue
        for form in [entry["term"], *entry.get("aliases", [])]:
            forms.add(form)
            forms |= set(ACRONYM.findall(form))
    return forms


def prose(page: str) -> str:
    """A page's prose: no front matter, code, directives' options, roles or inline code."""
    text = (REPO / f"{page}.md").read_text(encoding="utf-8")
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^(`{3,}).*?^\1\s*$", "", text, flags=re.S | re.M)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", "", text)
    return re.sub(r"`[^`]*`", "", text)


def test_glossary_entries_are_complete_and_sourced():
    entries = glossary_entries()
    known = bibliography()
    terms = [e["term"].lower() for e in entries]
    assert len(terms) == len(set(terms)), "a glossary term is listed twice"
    required = {"USDS", "CFIUS", "DSA", "GDPR", "PIPL", "DSL", "National security agreement"}
    assert required <= {f for e in entries for f in [e["term"], *e.get("aliases", [])]}
    for entry in entries:
        assert len(entry["definition"].split()) >= 8, entry["term"]
        keys = _keys(entry["source"])
        assert keys and all(re.fullmatch(r"[a-z0-9]+", k) for k in keys), entry["term"]
    # terms from the chapters being written may wait for their sources; ours may not
    waiting = [e["term"] for e in entries if not all(k in known for k in _keys(e["source"]))]
    used_waiting = [t for t in waiting if any(t in prose(p) for p in TOC)]
    assert not used_waiting, f"used in a chapter but its source is not in references.bib: {used_waiting}"


def test_no_form_is_listed_twice():
    """A term and its aliases are each one form, once in the whole glossary (any case)."""
    seen: dict[str, str] = {}
    for entry in glossary_entries():
        for form in [entry["term"], *entry.get("aliases", [])]:
            key = " ".join(str(form).lower().split())
            assert key not in seen, f"{form!r} ({entry['term']}) is already a form of {seen[key]!r}"
            seen[key] = entry["term"]


def test_the_legal_terms_readers_found_undefined_are_defined():
    """Issue 20: terms a first-year student would not know, each with a sourced entry."""
    known = bibliography()
    forms = {str(f).lower(): e for e in glossary_entries() for f in [e["term"], *e.get("aliases", [])]}
    for term in ("extraterritorial reach", "schrems ii", "e-evidence regulation", "first amendment",
                 "per curiam", "levels of judicial scrutiny", "rational basis", "strict scrutiny",
                 "intermediate scrutiny", "adequacy decision", "cfius mitigation agreement"):
        assert term in forms, f"no glossary entry for {term!r}"
        assert all(k in known for k in _keys(forms[term]["source"])), term


@pytest.mark.parametrize("page", TOC)
def test_every_acronym_used_is_defined_or_allowed(page):
    allowed = yaml.safe_load((REPO / "teaching" / "acronyms-allowed.yml").read_text(encoding="utf-8"))
    defined = glossary_forms() | set(allowed)
    used = set(ACRONYM.findall(prose(page)))
    missing = sorted(used - defined)
    assert not missing, (f"{page}: {missing} are neither in teaching/glossary.yml nor in "
                         "teaching/acronyms-allowed.yml")


@pytest.mark.book
def test_glossary_page_defines_every_term_with_a_citation(site):
    doc = soup(site, "chapters/glossary.html")
    terms = {dt.get_text().rstrip("¶#").strip() for dt in doc.select("dl.glossary dt")}
    for form in ("USDS", "CFIUS", "GDPR", "DSA", "PIPL", "DSL"):
        assert form in terms
    for dd in doc.select("dl.glossary dd"):
        assert dd.select("a[href*='#id'], a.reference"), dd.get_text()[:80]  # a citation link


@pytest.mark.book
@pytest.mark.parametrize("page", [p for p in TOC if p != "chapters/glossary"])
def test_first_use_of_each_term_links_to_the_glossary(site, page):
    doc = soup(site, f"{page}.html")
    glossary = soup(site, "chapters/glossary.html")
    ids = {t["id"] for t in glossary.select("dl.glossary dt[id]")}
    links = doc.select("a.book-glossary-link")
    targets = [a["href"].split("#", 1)[1] for a in links]
    assert len(targets) == len(set(targets)), f"{page}: a term is linked more than once"
    assert set(targets) <= ids
    for a in links:  # never inside a heading, code, a citation or a chart
        assert not a.find_parent(["h1", "h2", "h3", "h4", "code", "pre", "figure"])
    if page in TEACHING_CHAPTERS:
        assert links, f"{page}: no glossary term linked"


@pytest.mark.book
def test_texas_links_cfius_at_its_first_use(site):
    doc = soup(site, "chapters/texas.html")
    first = doc.select_one("a.book-glossary-link[href$='#term-CFIUS']")
    assert first is not None and "Committee on Foreign Investment" in first.get_text()


