"""Teaching and citing: metadata, anchors, cite boxes, glossary, teacher's guide,
notebooks, data blocks, licences and redirects, checked on the built book.

Every check iterates over the pages in ``_toc.yml``, so a chapter added there
is covered without editing this file.
"""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import REPO, html_pages
from evidence import teaching
from evidence.reuse import apa, bibtex, metadata
from evidence.sources import bibliography

META = metadata()
TOC = teaching.toc_pages(REPO)
#: Pages that are chapters with a notebook (a kernel) and a teaching section.
NOTEBOOKS = [d for d in TOC if teaching.is_notebook(REPO / f"{d}.md")]
TEACHING_CHAPTERS = [d for d in TOC if all(k in teaching.chapter_parts(REPO / f"{d}.md")
                                           for k in teaching.GUIDE_PARTS)]
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


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
    # the permanent address is one value: if CITATION.cff names it, it must be book.yml's
    for key in ("url",):
        if key in cff:
            assert cff[key] == META.base_url
        if key in preferred:
            assert preferred[key] == META.base_url


def test_version_is_a_minor_release_named_in_the_changelog():
    assert re.fullmatch(r"0\.\d+\.\d+", META.version)
    changelog = (REPO / "chapters" / "changelog.md").read_text(encoding="utf-8")
    assert f"## Version {META.version} ({META.date_released})" in changelog
    assert "changelog" in " ".join(TOC)


def test_citations_are_generated_from_the_metadata():
    text = apa(META, "Project Texas", "chapters/texas")
    assert META.version in text and META.url("chapters/texas") in text and META.title in text
    entry = bibtex(META, "Project Texas", "chapters/texas")
    assert entry.startswith(f"@incollection{{{META.bibtex_key}{META.year}texas,")
    assert f"version = {{{META.version}}}" in entry and f"url = {{{META.url('chapters/texas')}}}" in entry


# --- Anchors ---------------------------------------------------------------------

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


# --- Cite box ----------------------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", TOC)
def test_cite_box_on_every_page_with_the_right_address_and_version(site, page):
    doc = soup(site, f"{page}.html")
    boxes = doc.select("div.book-cite")
    assert len(boxes) == 1, f"{page}: {len(boxes)} cite boxes"
    box = boxes[0]
    root = page == TOC[0]
    url = META.url("" if root else page)
    assert box["data-book-version"] == META.version
    assert url in box.select_one(".book-cite-heading").get_text()
    apa_text = box.select_one(".book-cite-apa").get_text()
    assert url in apa_text and f"Version {META.version}" in apa_text
    entry = box.select_one("pre.book-cite-bibtex").get_text()
    assert f"url = {{{url}}}" in entry and f"version = {{{META.version}}}" in entry
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
        assert item.code.get_text() == META.url("" if root else page, anchor)
    if page in NOTEBOOKS:
        assert box.select_one(f'a[download="{teaching.notebook_name(page)}"]')


# --- Glossary --------------------------------------------------------------------

def glossary_forms(built: bool = True) -> set[str]:
    known = bibliography()
    forms = set()
    for entry in teaching.glossary_entries():
        if built and not all(k in known for k in teaching._keys(entry["source"])):
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
    entries = teaching.glossary_entries()
    known = bibliography()
    terms = [e["term"].lower() for e in entries]
    assert len(terms) == len(set(terms)), "a glossary term is listed twice"
    required = {"USDS", "CFIUS", "DSA", "GDPR", "PIPL", "DSL", "National security agreement"}
    assert required <= {f for e in entries for f in [e["term"], *e.get("aliases", [])]}
    for entry in entries:
        assert len(entry["definition"].split()) >= 8, entry["term"]
        keys = teaching._keys(entry["source"])
        assert keys and all(re.fullmatch(r"[a-z0-9]+", k) for k in keys), entry["term"]
    # terms from the chapters being written may wait for their sources; ours may not
    waiting = [e["term"] for e in entries if not all(k in known for k in teaching._keys(e["source"]))]
    used_waiting = [t for t in waiting if any(t in prose(p) for p in TOC)]
    assert not used_waiting, f"used in a chapter but its source is not in references.bib: {used_waiting}"


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


# --- Teacher's guide ----------------------------------------------------------------

def test_every_teaching_chapter_has_a_class_plan():
    plans = teaching.load_classes()
    assert TEACHING_CHAPTERS, "no chapter has learning objectives, questions and an exercise"
    for page in TEACHING_CHAPTERS:
        name = page.rsplit("/", 1)[-1]
        assert name in plans, f"teaching/classes.yml has no plan for {name}"
        assert plans[name].get("assignments"), name
        for item in plans[name]["assignments"]:
            for path in item["data"]:
                assert (REPO / path).exists(), f"{name}: {path} does not exist"


@pytest.mark.book
@pytest.mark.parametrize("page", TEACHING_CHAPTERS)
def test_teachers_guide_covers_the_chapter(site, page):
    name = page.rsplit("/", 1)[-1]
    guide = soup(site, "chapters/teachers-guide.html")
    section = guide.select_one(f"section#{name}-guide")
    assert section is not None, f"no guide section for {page}"
    straight = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})  # the page uses typographic quotes
    text = " ".join(section.get_text().split()).translate(straight)
    parts = teaching.chapter_parts(REPO / f"{page}.md")
    first_objective = next(l for l in parts["learn"]["lines"] if l.startswith("- "))[2:]
    assert " ".join(first_objective.split())[:40].translate(straight) in text
    assert f"about {teaching.load_classes()[name]['minutes']} minutes" in text
    questions = section.select("ol li")
    assert len(questions) >= 3
    answer = section.select_one("details.book-worked-answer")
    assert answer is not None and not answer.has_attr("open"), "the worked answer must be collapsed"
    assert "Suggested assignments" in text


@pytest.mark.book
def test_worked_answers_are_collapsed_in_the_chapters(site):
    """Students see a worked answer only by opening it."""
    for page in TEACHING_CHAPTERS:
        doc = soup(site, f"{page}.html")
        hidden = doc.select(".cell.tag_hide-cell")
        assert hidden, f"{page}: no collapsed worked answer"


# --- Notebooks and the archive -------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_each_chapter_downloads_as_a_valid_clean_notebook(site, page):
    import jupytext

    path = site / teaching.NOTEBOOK_DIR / teaching.notebook_name(page)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4 and notebook.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs for c in code), "the notebook should be clean (no outputs)"
    source = [c for c in jupytext.read(REPO / f"{page}.md").cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in source]
    assert META.version in notebook.cells[0].source


@pytest.mark.book
def test_archive_holds_every_notebook_with_data_and_code(site):
    archive = site / teaching.NOTEBOOK_DIR / teaching.archive_name()
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
    top = f"walled-off-{META.version}/"
    for page in NOTEBOOKS:
        assert f"{top}chapters/{teaching.notebook_name(page)}" in names
    for required in ("requirements.txt", "pyproject.toml", "book.yml", "evidence/__init__.py",
                     "evidence/reuse.py", "data/datapackage.json", "data/references.bib",
                     "RUN-THE-NOTEBOOKS.txt", "LICENSE"):
        assert top + required in names, required
    for csv in (REPO / "data").glob("*.csv"):
        assert f"{top}data/{csv.name}" in names


@pytest.mark.book
def test_every_download_link_resolves_to_a_file_in_the_build(site):
    checked = 0
    for page in html_pages(site):
        for a in soup(site, str(page.relative_to(site))).select("a[download]"):
            href = a["href"]
            if href.startswith("data:"):
                continue
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: {href} is not in the build"
            assert Path(a["download"]).suffix == target.suffix, (a["download"], href)
            checked += 1
    assert checked >= len(NOTEBOOKS) * 2


@pytest.mark.book
def test_notebook_link_downloads_as_ipynb(browser, server, site):
    """Clicking the link gives a file named .ipynb (not .txt) that is a notebook."""
    page_name = NOTEBOOKS[0]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/{page_name}.html")
        with page.expect_download() as info:
            page.click(f'.book-cite a[download="{teaching.notebook_name(page_name)}"]')
        download = info.value
        assert download.suggested_filename == teaching.notebook_name(page_name)
        nbformat.validate(nbformat.read(download.path(), as_version=4))
    finally:
        context.close()


# --- Data under every chart, licences ---------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_every_chart_links_its_shipped_csv_with_licence_and_citation(site, page):
    doc = soup(site, f"{page}.html")
    figures = doc.select("figure.book-chart")
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


def test_every_table_has_a_licence_and_terms():
    from evidence.reuse import table_licence
    from evidence.data import table_names

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


# --- Redirects --------------------------------------------------------------------------

@pytest.mark.book
def test_moved_pages_forward_to_built_pages(site):
    redirects = teaching.load_redirects()
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
    redirects = teaching.load_redirects()
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


def test_a_metadata_or_glossary_change_rereads_every_page(tmp_path, monkeypatch):
    """Cite boxes and glossary links are made per page: a change to book.yml or
    teaching/ must reach unchanged chapters too."""
    from types import SimpleNamespace

    confdir = tmp_path
    (confdir / "book.yml").write_text("version: 1\n", encoding="utf-8")
    (confdir / "_toc.yml").write_text("root: index\n", encoding="utf-8")
    app = SimpleNamespace(confdir=str(confdir))
    env = SimpleNamespace(found_docs={"index", "chapters/a"})
    assert teaching._outdated_pages(app, env, set(), set(), set()) == []  # first build
    assert teaching._outdated_pages(app, env, set(), set(), set()) == []  # nothing changed
    (confdir / "book.yml").write_text("version: 2\n", encoding="utf-8")
    assert teaching._outdated_pages(app, env, set(), set(), set()) == ["chapters/a", "index"]
