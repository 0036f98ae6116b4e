"""The published site: one folder ready for any static host (``make site``).

:func:`assemble` puts together, in ``_build/site``:

* the current book (the HTML build, with its notebooks, archive, data and
  ``404.html``, without the files no page loads, as an edition leaves them
  out) and the PDF, as ``walled-off-<version>.pdf`` at the top;
* every frozen edition under ``editions/<version>/`` (:mod:`walledoff_build.editions`),
  with the site's address written in, a canonical link to the page's own
  address, and a banner (:func:`edition_banner`) naming the edition and its
  date and linking the same page, and the same section when it still exists,
  in the current book (computed here, against the current build's pages and
  anchors and the moves in ``teaching/redirects.yml``);
* ``sitemap.xml`` (every page, editions included) and ``robots.txt``.

The site is assembled from several builds (the current book and frozen
editions), which no Sphinx extension sees together, hence this module.
"""

from __future__ import annotations

import datetime
import html
import json
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from walledoff_build.book import REDIRECTS_FILE, load_yaml
from walledoff_build.editions import (PLACEHOLDER, PRUNED, SITE_EDITIONS, Edition, edition_status,
                                     load_editions, unpack)
from walledoff_notebook.meta import BookMeta, metadata

#: Pages that are not content (left out of the sitemap).
NOT_CONTENT = {"search.html", "genindex.html", "404.html"}
#: The marker of the small pages that forward a moved address (``_templates/redirect.html``).
FORWARDING = '<meta name="book-redirect"'
SECTION_ID = re.compile(r'<section id="([^"]+)"')
CANONICAL = re.compile(r'<link rel="canonical" href="[^"]*"\s*/?>')
OG_URL = re.compile(r'<meta property="og:url" content="[^"]*"\s*/?>')
#: The banner's links: the text colour, underlined (the theme's link blue is too light on its
#: warning background for WCAG AA contrast).
LINK_STYLE = 'style="color:inherit;text-decoration:underline;font-weight:600"'
#: Follows an #anchor to the same section of the current page when it is there (no other script).
BANNER_SCRIPT = """<script>(function () {
  var link = document.querySelector(".book-edition-current");
  if (!link) return;
  var ids = JSON.parse(link.dataset.bookSections || "{}");
  function follow() {
    var old = decodeURIComponent(location.hash.slice(1)), now = ids[old];
    link.hash = now ? "#" + now : "";
    link.textContent = now ? link.dataset.sectionText : link.dataset.pageText;
  }
  follow();
  window.addEventListener("hashchange", follow);
})();</script>"""


@dataclass
class Current:
    """What the banner needs to know about the current book."""

    meta: BookMeta
    status: str
    sections: dict[str, set[str]]  # page path -> section ids
    moved_pages: dict[str, str]  # old page path -> new page path
    moved_anchors: dict[str, dict[str, str]]  # page path -> old anchor -> new anchor


def is_page(path: Path) -> bool:
    return path.suffix == ".html" and FORWARDING not in path.read_text(encoding="utf-8", errors="replace")[:600]


def content_pages(site: Path) -> list[str]:
    """Every page of the site (paths from its top), without search, index, 404 and forwarding pages."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts
                  and p.name not in NOT_CONTENT and is_page(p))


def current_book(site: Path, meta: BookMeta) -> Current:
    sections = {}
    for page in content_pages(site):
        if not page.startswith("editions/"):
            sections[page] = set(SECTION_ID.findall((site / page).read_text(encoding="utf-8")))
    redirects = load_yaml(REDIRECTS_FILE)
    pages = {f"{old}.html": f"{new}.html" for old, new in (redirects.get("pages") or {}).items()}
    anchors = {f"{page}.html": dict(moves) for page, moves in (redirects.get("anchors") or {}).items()}
    return Current(meta, edition_status(meta.version)[0], sections, pages, anchors)


def _same_page(current: Current, page: str) -> tuple[str | None, dict[str, str]]:
    """The current page for an edition's page, and its section map (edition anchor -> current id)."""
    target = page if page in current.sections else current.moved_pages.get(page)
    if target not in current.sections:
        return None, {}
    ids = current.sections[target]
    mapping = {i: i for i in ids}
    for old, new in current.moved_anchors.get(target, {}).items():
        if new in ids:
            mapping[old] = new
    return target, mapping


def edition_banner(edition: Edition, page: str, current: Current) -> str:
    """The notice at the top of an edition's page: which edition, and where the current one is."""
    meta = current.meta
    here = posixpath.dirname(f"{edition.site_dir}/{page}")
    target, sections = _same_page(current, page)
    rel = lambda path: posixpath.relpath(path, here)  # noqa: E731
    if edition.version == meta.version and current.status == "frozen":
        now = "this is the current edition, also published at the book's current address"
    elif edition.version == meta.version:
        now = "the current book has changed since it was released"
    else:
        now = (f"the current edition is <strong>{html.escape(meta.version)}</strong> of "
               f"{html.escape(meta.date_released)}")
    if target:
        link = (f'<a class="book-edition-current" {LINK_STYLE} href="{html.escape(rel(target))}" '
                f'data-page-text="Read this page in the current book" '
                f'data-section-text="Read this section in the current book" '
                f"data-book-sections='{html.escape(json.dumps(sections, sort_keys=True))}'>"
                "Read this page in the current book</a>")
    else:
        link = (f'<a class="book-edition-current" {LINK_STYLE} href="{html.escape(rel("index.html"))}">'
                "This page is not in the current book: start from its first page</a>")
    changes = rel("chapters/changes.html") + f"#changes-{edition.version.replace('.', '-')}"
    return (f'<aside class="book-edition-banner" aria-label="Edition notice" data-book-edition='
            f'"{html.escape(edition.version)}" style="padding:.6rem 1rem;text-align:center;'
            'background:var(--pst-color-warning-bg);color:var(--pst-color-text-base);'
            'border-bottom:2px solid var(--pst-color-warning)">'
            f"<p style=\"margin:0\">You are reading <strong>edition {html.escape(edition.version)}</strong> "
            f"of {html.escape(edition.date_released)}, kept as it was released; {now}. {link} "
            f'&middot; <a {LINK_STYLE} href="{html.escape(changes)}">What changed since</a></p></aside>')


def mark_edition_page(path: Path, edition: Edition, page: str, current: Current) -> None:
    """Banner, canonical link (the page's own edition address) and og:url on one edition page."""
    text = path.read_text(encoding="utf-8")
    own = edition.address(current.meta.base_url) + ("" if page == "index.html" else page)
    canonical = f'<link rel="canonical" href="{html.escape(own)}" />'
    text, found = CANONICAL.subn(canonical, text, count=1)
    if not found:
        text = text.replace("</head>", f"{canonical}\n</head>", 1)
    text = OG_URL.sub(f'<meta property="og:url" content="{html.escape(own)}" />', text, count=1)
    banner = edition_banner(edition, page, current) + BANNER_SCRIPT
    if '<header id="pst-header"' in text:
        text = text.replace('<header id="pst-header"', banner + '<header id="pst-header"', 1)
    else:
        text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, text, count=1)
    path.write_text(text, encoding="utf-8")


HREF = re.compile(r'href="([^"#?:]+)')


def point_at_site_files(path: Path, edition: Edition, page: str, site: Path, prints: list[str]) -> None:
    """Point an edition page's links at files that live in the site, not in the edition.

    Two kinds: the other editions (the "What changed" page links them as ``../editions/<v>/``,
    which from inside an edition means its own folder), and ``prints``, the site paths of the PDF
    and the handouts, which an edition does not keep (they are large) and which only the current
    version's edition may share with the current book."""
    here = posixpath.dirname(f"{edition.site_dir}/{page}")
    inside = f"{edition.site_dir}/"

    def fix(match: re.Match) -> str:
        href = match.group(1)
        resolved = posixpath.normpath(posixpath.join(here, href))
        rest = resolved[len(inside):] if resolved.startswith(inside) else None
        if rest is None or (site / resolved).exists() or not (site / rest).exists():
            return match.group(0)
        if rest.startswith(f"{SITE_EDITIONS}/") or rest in prints:
            return f'href="{posixpath.relpath(rest, here)}'
        return match.group(0)

    text = path.read_text(encoding="utf-8")
    fixed = HREF.sub(fix, text)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")


def sitemap_xml(meta: BookMeta, pages: list[str], editions: list[Edition]) -> str:
    dates = {e.site_dir: e.date_released for e in editions}
    today = datetime.date.today().isoformat()
    urls = []
    for page in pages:
        address = meta.base_url + ("" if page == "index.html" else page)
        folder = "/".join(page.split("/")[:2])
        if page.endswith("/index.html") and folder in dates:
            address = address.removesuffix("index.html")
        urls.append(f"<url><loc>{html.escape(address)}</loc><lastmod>{dates.get(folder, today)}"
                    "</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(urls) + "\n</urlset>\n")


def _unserved(html_dir: Path):
    """For copytree: what the site leaves out (what editions leave out, and build records)."""
    def ignore(folder, names):
        relative = Path(folder).relative_to(html_dir).as_posix()
        paths = {name: (name if relative == "." else f"{relative}/{name}") for name in names}
        return {name for name, path in paths.items()
                if PRUNED.search(path) or PRUNED.search(path + "/") or name == "_rediraffe_redirected.json"}
    return ignore


def assemble(target: Path, html_dir: Path, pdf: Path | None, pdf_name: str,
             handouts: Path | None = None) -> dict:
    """Put the whole site into ``target``; return what went in (for the build summary).

    ``handouts`` is the folder of the chapters' two-page PDFs (``make handouts``),
    served as ``handouts/``, where the teacher's guide links them."""
    meta = metadata()
    target, html_dir = Path(target), Path(html_dir)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(html_dir, target, ignore=_unserved(html_dir))
    if pdf is not None:
        shutil.copy2(pdf, target / pdf_name)
    if handouts is not None:
        shutil.copytree(handouts, target / "handouts")
    current = current_book(target, meta)
    editions = load_editions()
    # An edition keeps no printed files (the PDF and handouts are large); the current
    # version's edition links the site's own copies of them.
    prints = [pdf_name] if pdf is not None else []
    if handouts is not None:
        prints += [f"handouts/{p.name}" for p in sorted((target / "handouts").glob("*.pdf"))]
    for edition in editions:
        for page in unpack(edition, target, meta.base_url):
            path = target / edition.site_dir / page
            if is_page(path):
                mark_edition_page(path, edition, page, current)
                point_at_site_files(path, edition, page, target,
                                    prints if edition.version == meta.version else [])
    left = [p.relative_to(target).as_posix() for p in target.rglob("*")
            if p.suffix in (".html", ".ipynb", ".txt", ".js") and PLACEHOLDER.encode() in p.read_bytes()]
    if left:
        raise ValueError(f"the placeholder address is still in: {', '.join(left[:5])}")
    pages = content_pages(target)
    (target / "sitemap.xml").write_text(sitemap_xml(meta, pages, editions), encoding="utf-8")
    (target / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {meta.base_url}sitemap.xml\n",
                                       encoding="utf-8")
    (target / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve _static/ as it is
    return {"pages": len(pages), "editions": [e.version for e in editions], "status": current.status}
