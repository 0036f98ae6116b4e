"""What every page says about the book: the licence footer, and the print title page.

The footer (version, release date, licences, how to cite) goes on every page;
the title page and a contents list open the one-page (print) edition. Both
come from ``book.yml``.
"""

from __future__ import annotations

import html

from sphinx.application import Sphinx

from walledoff_notebook.meta import apa, metadata


def footer_html(pathto) -> str:
    meta = metadata()
    lic = meta.licences
    link = lambda kind: f'<a href="{html.escape(lic[kind]["url"])}">{html.escape(lic[kind]["id"].replace("-", " "))}</a>'  # noqa: E731
    return (f'<p class="book-footer-licence">Version {html.escape(meta.version)}, released '
            f'{html.escape(meta.date_released)} (<a href="{pathto("chapters/changelog")}">changelog</a>). '
            f'Text and charts: {link("text")}. Data: {link("data")}, with third-party terms noted per table. '
            f'Code: {link("code")}. <a href="{pathto("chapters/reuse")}">How to cite and reuse</a>.</p>')


def title_page_html(contents: list[tuple[str, str]] = ()) -> str:
    """The print edition's title page, then its contents (shown only in print)."""
    meta = metadata()
    lic = meta.licences
    items = "".join(f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a></li>'
                    for title, anchor in contents)
    listing = (f'<div class="book-print-contents"><p class="book-print-contents-title">Contents</p>'
               f'<ol>{items}</ol></div>' if items else "")
    return (f'<div class="book-title-page"><p class="book-title-page-title">{html.escape(meta.title)}</p>'
            f'<p class="book-title-page-subtitle">{html.escape(meta.subtitle)}</p>'
            f'<p class="book-title-page-authors">{html.escape(meta.author_text)}</p>'
            f'<p class="book-title-page-version">Version {html.escape(meta.version)}, '
            f'released {html.escape(meta.date_released)}</p>'
            f'<p class="book-title-page-url">{html.escape(meta.base_url)}</p>'
            f'<p class="book-title-page-licence">Text and charts: {html.escape(lic["text"]["name"])}. '
            f'Data: {html.escape(lic["data"]["name"])}. Code: {html.escape(lic["code"]["name"])}.</p>'
            f'<p class="book-title-page-cite">Cite as: {html.escape(apa(meta))}</p></div>' + listing)


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    pathto = context.get("pathto")
    if pathto is not None:
        context["theme_extra_footer"] = footer_html(pathto)
    if app.builder.name == "singlehtml" and context.get("body"):
        contents = [(app.env.titles[doc].astext(), f"document-{doc}")
                    for doc in app.env.book_toc_pages[1:] if doc in app.env.titles]
        context["body"] = title_page_html(contents) + context["body"]


def _config_inited(app: Sphinx, config) -> None:
    """The version Sphinx prints, and substitutions for pages, from ``book.yml``."""
    meta = metadata()
    config.version = config.release = meta.version
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.update({"book_version": meta.version, "book_date": meta.date_released,
                 "book_title": meta.title})
    from walledoff_build.citebox import pdf_name

    pdf = pdf_name(meta)  # at the top of the site (``make site``), beside the landing page
    subs["book_pdf_link"] = (f'<a class="book-pdf-link" href="{pdf}" download="{pdf}" '
                             f'type="application/pdf">the whole book as a PDF ({pdf})</a>')
    config.myst_substitutions = subs


def setup(app: Sphinx) -> dict:
    app.setup_extension("walledoff_build.citebox")  # book_toc_pages
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
