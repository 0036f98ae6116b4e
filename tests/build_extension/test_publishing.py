"""The published site (``make site``): served as a static host serves it, its addresses,
its frozen editions (walledoff_build.publish, .site, .editions, .changes).

The site is assembled once per session from the session's builds, under the
test address (conftest.TEST_BASE_URL, a path below the host as on GitHub
Pages), and served below that path by a server that answers unknown paths
with ``404.html``, as static hosts do.
"""

from __future__ import annotations

import re
import struct
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import TEST_BASE_URL, TOC, soup
from test_accessibility import axe_source, run_axe  # noqa: F401  (axe_source is a fixture)
from walledoff_build.editions import PLACEHOLDER, load_editions
from walledoff_build.site import content_pages
from walledoff_notebook.meta import metadata

META = metadata()
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def local(url: str, site_server: str) -> str:
    """A published address, on the test server."""
    assert url.startswith(TEST_BASE_URL), url
    return site_server + url.removeprefix(TEST_BASE_URL)


# --- Served as a static host serves it ------------------------------------------------

@pytest.mark.book
def test_sitemap_lists_every_page_and_each_answers_200(published, site_server):
    urls = [loc.text for loc in ET.parse(published / "sitemap.xml").getroot().findall("s:url/s:loc", SITEMAP_NS)]
    pages = content_pages(published)
    assert len(urls) == len(set(urls)) == len(pages)
    assert TEST_BASE_URL in urls and f"{TEST_BASE_URL}chapters/texas.html" in urls
    for edition in load_editions():
        assert f"{TEST_BASE_URL}{edition.site_dir}/" in urls
    bad = {url: status for url in urls if (status := fetch(local(url, site_server))[0]) != 200}
    assert not bad, bad


@pytest.mark.book
def test_robots_points_at_the_sitemap(published):
    assert f"Sitemap: {TEST_BASE_URL}sitemap.xml" in (published / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.book
@pytest.mark.parametrize("path", ["no-such-page.html", "chapters/missing/deeper/page.html",
                                  "editions/9.9.9/chapters/texas.html"])
def test_an_unknown_address_gets_the_helpful_404_page(site_server, path):
    status, body = fetch(site_server + path)
    assert status == 404
    page = BeautifulSoup(body, "html.parser")
    assert page.find(id="page-not-found").get_text().strip().startswith("Page not found")
    form = page.select_one("form.book-404-search")
    assert form["action"] == f"{META.site_path}search.html" and form.select_one("input[name=q]")
    contents = [a["href"] for a in page.select(".book-404-contents a")]
    assert len(contents) == len(TOC)
    # from any depth every address on the page works: they start at the site's path
    host = site_server.removesuffix(META.site_path)
    local_links = {a["href"].split("#")[0] for a in page.select("a[href]")
                   if not a["href"].startswith(("http", "#", "mailto:"))}
    local_links |= {tag.get("src") or tag.get("href") for tag in page.select("script[src], link[href]")
                    if not (tag.get("src") or tag.get("href")).startswith("http")}
    assert all(link.startswith(META.site_path) for link in local_links), local_links
    broken = [link for link in sorted(local_links) if fetch(host + link)[0] != 200]
    assert not broken, broken


# --- Addresses: canonical links, social cards --------------------------------------------

def _meta(doc, prop):
    tag = doc.find("meta", attrs={"property": prop}) or doc.find("meta", attrs={"name": prop})
    return tag["content"] if tag else None


@pytest.mark.book
@pytest.mark.parametrize("page", TOC)
def test_canonical_and_social_tags_carry_the_site_address(published, page):
    doc = soup(published, f"{page}.html")
    address = TEST_BASE_URL if page == TOC[0] else f"{TEST_BASE_URL}{page}.html"
    assert [link["href"] for link in doc.select('link[rel="canonical"]')] == [address]
    assert _meta(doc, "og:url") == address
    assert _meta(doc, "og:title") and _meta(doc, "og:description") and _meta(doc, "og:site_name") == META.title
    assert _meta(doc, "twitter:card") == "summary_large_image"
    assert len(doc.find_all("meta", attrs={"name": "description"})) == 1
    image = _meta(doc, "og:image")
    assert image.startswith(f"{TEST_BASE_URL}_social/") and image.endswith(".png")
    data = (published / image.removeprefix(TEST_BASE_URL)).read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and width >= 600 and height >= 300
    chart = doc.select_one(".book-chart-title")
    if chart is not None:  # a chapter with charts shows its lead chart
        assert page.replace("/", "-") in image and _meta(doc, "og:image:alt") == f"Chart: {chart.get_text()}"


@pytest.mark.book
def test_no_placeholder_address_is_left_anywhere(published):
    left = [str(p.relative_to(published)) for p in published.rglob("*")
            if p.is_file() and p.suffix in (".html", ".js", ".ipynb", ".txt", ".json", ".xml", ".yml")
            and PLACEHOLDER in p.read_text(encoding="utf-8", errors="replace")]
    assert not left, left


# --- Editions ----------------------------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("edition", load_editions(), ids=lambda e: e.version)
def test_an_old_edition_has_its_banner_and_cites_itself(published, site_server, edition):
    folder = published / edition.site_dir
    pages = content_pages(folder)
    assert "index.html" in pages and len(pages) >= 8
    own = f"{TEST_BASE_URL}{edition.site_dir}/"
    for page in pages:
        doc = soup(folder, page)
        banner = doc.select_one("aside.book-edition-banner")
        assert banner is not None, page
        assert (f"You are reading edition {edition.version} of {edition.date_released}"
                in " ".join(banner.get_text().split())), page
        assert doc.select_one('link[rel="canonical"]')["href"] == own + ("" if page == "index.html" else page)
        link = banner.select_one("a.book-edition-current")["href"]
        assert (folder / Path(page).parent / link).resolve().is_file(), (page, link)
        box = doc.select_one("div.book-cite")
        if box is not None:  # every stable address in the edition's cite box points into the edition
            stable = [c.get_text() for c in box.select("code.book-cite-url")
                      if "book-cite-current" not in c.get("class", [])]
            stable += re.findall(r"https?://\S+", box.select_one(".book-cite-apa").get_text())
            assert stable and all(u.startswith(own) for u in stable), (page, stable)
            current = [c.get_text() for c in box.select("code.book-cite-current")]
            assert all(u.startswith(TEST_BASE_URL) and "/editions/" not in u for u in current)
    status, body = fetch(site_server + f"{edition.site_dir}/chapters/texas.html")
    assert status == 200 and "book-edition-banner" in body


@pytest.mark.book
def test_the_banner_links_the_same_section_in_the_current_book(site_server, browser):
    edition = load_editions()[0]
    page = browser.new_page()
    try:
        page.goto(f"{site_server}{edition.site_dir}/chapters/texas.html#texas-oracle")
        link = page.locator("a.book-edition-current")
        assert page.evaluate("document.querySelector('a.book-edition-current').href").endswith(
            "/book/chapters/texas.html#texas-oracle")
        assert "section" in link.text_content()
        page.goto(f"{site_server}{edition.site_dir}/chapters/texas.html#no-such-section")
        assert page.evaluate("document.querySelector('a.book-edition-current').href").endswith(
            "/book/chapters/texas.html")  # a section the current page lacks: the page itself
        assert "page" in link.text_content()
    finally:
        page.close()


@pytest.mark.book
@pytest.mark.parametrize("path", ["no/such/page.html", "editions/0.2.0/chapters/texas.html"])
def test_404_page_and_an_edition_page_work_offline_and_pass_axe(browser, site_server, axe_source, path):
    """As the site is published (below its path): no off-host request, no error, no axe violation."""
    from test_accessibility import VIEWPORTS
    from test_browser import open_page

    for viewport in VIEWPORTS.values():
        page, problems = open_page(browser, site_server + path, viewport=viewport)
        try:
            page.wait_for_timeout(300)
            errors = [e for e in problems["http_errors"] if not e.endswith(path)]  # the 404 itself
            assert not problems["off_host"] and not errors and not problems["page_errors"], problems
            assert not problems["console"] or path.startswith("no/"), problems["console"]
            found = run_axe(page, axe_source)
            assert not found, f"{path} {viewport}:\n" + "\n".join(found)
        finally:
            page.context.close()


@pytest.mark.book
def test_what_changed_lists_each_edition(site):
    doc = soup(site, "chapters/changes.html")
    text = " ".join(doc.get_text().split())
    for edition in load_editions():
        label = f"changes-{edition.version.replace('.', '-')}"
        for part in ("", "-chapters", "-claims", "-data"):  # the banner links #changes-<version>
            assert doc.find(id=label + part) is not None, label + part
        assert f"Since edition {edition.version} ({edition.date_released})" in text
    tables = [[c.get_text() for c in t.select("td:first-child code")] for t in doc.select("table")]
    assert tables and "events" in tables[0] and "claims" not in tables[0]  # claims are listed apart
    assert doc.select('a[href="texas.html"]'), "changed chapters link their page"


def test_row_changes_finds_added_removed_and_changed_rows():
    from walledoff_build.changes import _claim_lines, row_changes

    old = [{"id": "a", "status": "reported", "as_of": "2024-01-01", "chapter": "texas"},
           {"id": "b", "status": "alleged", "as_of": "2024-01-01", "chapter": "texas"}]
    new = [{"id": "a", "status": "documented", "as_of": "2025-02-01", "chapter": "texas"},
           {"id": "c", "status": "reported", "as_of": "2025-02-01", "chapter": "shop"}]
    found = row_changes(old, new, ["id"])
    assert found["added"] == ["c"] and found["removed"] == ["b"] and found["changed"] == {"a": ["as_of", "status"]}
    lines = _claim_lines(found)
    assert "- Changed `a` (texas): as of 2024-01-01 → 2025-02-01; status reported → documented." in lines


def test_packing_is_reproducible_and_unpacking_writes_the_address(tmp_path):
    import io
    import zipfile

    from walledoff_build import editions

    built = tmp_path / "html"
    (built / "_static" / "scripts").mkdir(parents=True)
    (built / "index.html").write_text(f'<a href="{PLACEHOLDER}x.html">x</a>', encoding="utf-8")
    (built / "_static" / "scripts" / "theme.js.map").write_text("{}", encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("top/book.yml", f'base_url: "{PLACEHOLDER}"')
    (built / "notes.zip").write_bytes(buffer.getvalue())
    one, two = tmp_path / "1.tar.xz", tmp_path / "2.tar.xz"
    editions.pack(built, one), editions.pack(built, two)
    assert one.read_bytes() == two.read_bytes()
    # an archive outside editions/ (an absolute path wins over EDITIONS_DIR)
    edition = editions.Edition("9.0.0", "2030-01-01", "abc", str(one), editions.sha256(one))
    files = editions.members(edition)
    assert set(files) == {"index.html", "notes.zip"}  # the source map is pruned
    editions.unpack(edition, tmp_path / "site", "https://x.example/")
    page = (tmp_path / "site" / "editions" / "9.0.0" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://x.example/x.html"' in page
    with zipfile.ZipFile(tmp_path / "site" / "editions" / "9.0.0" / "notes.zip") as zipped:
        assert zipped.read("top/book.yml") == b'base_url: "https://x.example/"'
    tampered = editions.Edition("9.0.0", "2030-01-01", "abc", str(one), "0" * 64)
    with pytest.raises(ValueError, match="does not match its sha256"):
        editions.members(tampered)


def test_every_recorded_edition_is_intact():
    """Each archive matches its recorded hash and holds the pages, data and sources it needs."""
    from walledoff_build.editions import members

    assert load_editions(), "edition 0.2.0 is frozen"
    for edition in load_editions():
        files = members(edition)
        assert {"index.html", "data/claims.csv", "_sources/index.md"} <= set(files)
        assert not [n for n in files if n.endswith(".map")]
