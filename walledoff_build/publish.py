"""What a published page tells the web: its address, its card when shared, and the 404 page.

Everything takes the site's address from :func:`walledoff_notebook.meta.metadata`
(``book.yml``'s ``base_url``, or ``$BOOK_BASE_URL`` for one build), here and
only here turned into configuration for maintained extensions:

* Sphinx's own ``html_baseurl``: a canonical link on every page;
* sphinxext-opengraph: OpenGraph tags (title, summary, address, image) and a
  Twitter card. Its matplotlib social cards are off; instead each page's image
  is its lead chart, the first chart on the page, rendered offline to PNG by
  vl-convert from the same Vega spec the page draws (:func:`chart_png`), and pages
  without a chart share one title card drawn the same way (:func:`title_card`);
* sphinx-notfound-page: ``404.html`` with absolute links from the site's path,
  so it works at any depth, with a search box and the book's contents.

The PNG images are the book's own code because no maintained extension
renders a notebook's chart to a social image without matplotlib.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from walledoff_notebook.meta import metadata

logger = logging.getLogger(__name__)

#: Where the social images go in the site.
SOCIAL_DIR = "_social"
#: The card for pages without a chart.
TITLE_CARD = f"{SOCIAL_DIR}/book.png"
#: PNG scale for a chart (the static SVGs are about 640 px wide; cards want 1200).
PNG_SCALE = 2


def _configure(app: Sphinx, config) -> None:
    """Addresses and tags from ``book.yml`` (and ``$BOOK_BASE_URL``), before anything is built."""
    meta = metadata()
    config.html_baseurl = meta.base_url
    config.ogp_site_url = config.ogp_canonical_url = meta.base_url
    config.ogp_site_name = meta.title
    config.ogp_social_cards = {"enable": False}  # would need matplotlib; the chart is the picture
    config.ogp_enable_meta_description = False  # the page head has one (walledoff_build.offline)
    config.ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image" />']
    config.notfound_urls_prefix = meta.site_path
    config.notfound_context = {"title": "Page not found", "body": ""}  # the body: _not_found_body
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs["book_run_online"] = run_online_text(meta)
    config.myst_substitutions = subs


def run_online_text(meta) -> str:
    """For the landing page's "Run it yourself": where to run the chapters online, if anywhere."""
    if meta.repository:
        name = meta.repository.removeprefix("https://github.com/")
        return ("the box under each chapter's summary has **Open in Colab** (needs a Google account) "
                "and **Launch Binder** links: a free service starts the chapter as a notebook for "
                f"you. The code and data are in the book's repository, [{name}]({meta.repository}).")
    return ("not yet: the book's repository is not public. Use the notebooks below; links to "
            "run each chapter online will appear here when it is.")


# --- Social images -----------------------------------------------------------------

def chart_png(vega: str) -> bytes:
    """A chart (its compiled Vega spec, as the page carries it) as a PNG for link previews.

    Drawn offline by vl-convert, on the chart's own white background."""
    import json

    import vl_convert

    return vl_convert.vega_to_png(json.loads(vega), scale=PNG_SCALE)


def title_card() -> bytes:
    """The picture for a page without a chart: the book's title, drawn offline (1200 x 630)."""
    import vl_convert

    from walledoff_notebook.style import PALETTE

    meta = metadata()
    lines = [(meta.title, 54, "bold", 250), (meta.subtitle, 32, "normal", 330),
             (f"Version {meta.version}", 26, "normal", 420)]
    marks = [{"type": "text", "encode": {"enter": {
        "x": {"value": 80}, "y": {"value": y}, "text": {"value": text}, "fontSize": {"value": size},
        "fontWeight": {"value": weight}, "fill": {"value": "white"}, "font": {"value": "sans-serif"}}}}
        for text, size, weight, y in lines if text]
    spec = {"$schema": "https://vega.github.io/schema/vega/v6.json", "width": 1200, "height": 630,
            "padding": 0, "background": PALETTE["blue"], "marks": marks}
    return vl_convert.vega_to_png(spec, scale=1)


def _write_once(outdir: Path, name: str, make) -> str:
    """Write an image named after its content into the site (once); return its site path."""
    data = make()
    path = f"{SOCIAL_DIR}/{name}-{hashlib.sha256(data).hexdigest()[:10]}.png"
    target = outdir / path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def _lead_chart(doctree):
    from walledoff_build.charts import book_chart

    return next(iter(doctree.findall(book_chart)), None) if doctree is not None else None


def _social_tags(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Per page: the picture, summary and kind that sphinxext-opengraph writes as tags.

    Runs before sphinxext-opengraph (priority 400 < 500) and hands it per-page
    fields, as a page's own ``:og:...:`` field list would."""
    if doctree is None or app.builder.name != "html":
        return
    from walledoff_build.offline import page_description

    fields = dict(context.get("meta") or {})
    chart = _lead_chart(doctree)
    outdir = Path(app.outdir)
    if chart is not None:
        name = pagename.replace("/", "-")
        fields["og:image"] = _write_once(outdir, name, lambda: chart_png(chart["vega"]))
        fields["og:image:alt"] = f"Chart: {chart['title']}"
    else:
        fields["og:image"] = _write_once(outdir, "book", title_card)
        fields["og:image:alt"] = metadata().title
    description = page_description(doctree)
    if description:
        fields["og:description"] = description
    fields["og:type"] = "website" if pagename == app.config.root_doc else "article"
    if pagename == app.config.root_doc:  # the book's address is its top, not /index.html
        context["pageurl"] = fields["og:url"] = metadata().base_url
    context["meta"] = fields


# --- The 404 page ------------------------------------------------------------------

def _not_found_body(app: Sphinx) -> str:
    """A search box and the book's contents, with links from the site's path (any depth)."""
    from walledoff_build.book import toc_pages

    meta = metadata()
    prefix = meta.site_path
    env = app.env
    items = "".join(
        f'<li><a href="{html.escape(prefix)}{"" if page == app.config.root_doc else html.escape(page) + ".html"}">'
        f"{html.escape(env.titles[page].astext())}</a></li>"
        for page in toc_pages(app.confdir) if page in env.titles)
    return (
        '<h1 id="page-not-found">Page not found</h1>'
        "<p>There is no page at this address. It may have been mistyped, or it may belong to "
        f'an edition that is not published here. Search the book, start from <a href="{html.escape(prefix)}">'
        f"the first page</a>, or pick a chapter below. Earlier editions are listed on "
        f'<a href="{html.escape(prefix)}chapters/changes.html">What changed</a>.</p>'
        f'<form class="book-404-search" role="search" action="{html.escape(prefix)}search.html" method="get">'
        '<label for="book-404-q">Search the book</label> '
        '<input type="search" id="book-404-q" name="q" autocomplete="off"> '
        '<button type="submit">Search</button></form>'
        f'<h2 id="page-not-found-contents">Contents</h2><ul class="book-404-contents">{items}</ul>')


def _fill_not_found(app: Sphinx):
    """Before sphinx-notfound-page writes 404.html (priority 400 < its 500): its body."""
    if app.builder.name == "html":
        app.config.notfound_context = {"title": "Page not found", "body": _not_found_body(app)}
    return []


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("notfound.extension")
    app.connect("config-inited", _configure, priority=400)
    app.connect("html-page-context", _social_tags, priority=400)
    app.connect("html-collect-pages", _fill_not_found, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
