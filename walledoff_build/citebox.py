"""A "Cite this" box on every page of the table of contents.

Built from ``book.yml`` (through :mod:`walledoff_notebook.meta`): the page's
two addresses (its stable address in this version's frozen edition, whose
text never changes, and its current address, which always shows the newest
edition), the DOI once ``book.yml`` has one, an APA reference and a BibTeX
entry citing the stable address, the stable address of each section and of each numbered figure
(:mod:`walledoff_build.figures`), links to
download the page as a notebook, everything as one archive and the whole book
as a PDF, and, when ``book.yml`` names the public repository, links to run the
chapter online (:mod:`walledoff_build.online`). When the text has changed
since this version's edition was frozen, the box says so
(:func:`walledoff_build.editions.edition_status`). It sits after the page's
Summary section, or at the end. No maintained extension writes citations of a
book's own sections, hence this module.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from walledoff_build.book import NOTEBOOK_DIR, archive_name, is_notebook, notebook_name, slug, toc_pages
from walledoff_build.figures import page_figures
from walledoff_build.online import online_links_html
from walledoff_build.urls import site_relative
from walledoff_notebook.meta import BookMeta, apa_html, bibtex, metadata

#: What the box says when the text is not (yet) the frozen edition of its version.
STATUS_NOTES = {
    "changed": "This page may have changed since edition {version} was frozen (see "
               "<a href=\"{changes}\">what changed</a>). The stable address shows edition "
               "{version} as released; to cite the text as you read it here, cite the current "
               "address with the date you read it.",
    "new": "Edition {version} is being prepared: its stable address works once it is released.",
}


def _section_links(doctree) -> list[tuple[int, str, str]]:
    links = []
    for section in doctree.findall(nodes.section):
        depth, parent = 0, section.parent
        while parent is not None:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        title = section.next_node(nodes.title)
        if title is not None and section["ids"] and depth <= 2:
            links.append((depth, section["ids"][0], title.astext()))
    return links


def _addresses_html(meta: BookMeta, page: str, what: str, status: str, changes: str) -> list[str]:
    """The heading: the stable (edition) address, the current address, the DOI, the status note."""
    doi = (f' DOI: <a class="book-cite-doi" href="{html.escape(meta.doi_url)}">{html.escape(meta.doi)}</a>.'
           if meta.doi else "")
    parts = [
        f'<p class="book-cite-heading"><strong>Cite {what}</strong> '
        f'(edition {html.escape(meta.version)}, released {html.escape(meta.date_released)}). '
        f'Stable address (edition {html.escape(meta.version)}, this text does not change): '
        f'<code class="book-cite-url book-cite-edition">{html.escape(meta.edition_url(page))}</code>. '
        f'Current address (always the newest edition): '
        f'<code class="book-cite-url book-cite-current">{html.escape(meta.url(page))}</code>.{doi}</p>']
    if status in STATUS_NOTES:
        note = STATUS_NOTES[status].format(version=html.escape(meta.version), changes=html.escape(changes))
        parts.append(f'<p class="book-cite-status-note">{note}</p>')
    return parts


def cite_box_html(app: Sphinx, docname: str, doctree) -> str:
    meta = metadata()
    env = app.env
    root = docname == env.config.root_doc
    page = "" if root else docname
    title = None if root else env.titles[docname].astext()
    what = "this book" if root else "this chapter"
    ident = "book-cite-" + slug(docname)
    status = env.config.book_edition_status
    sections = _section_links(doctree)
    section_items = "".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a>: '
        f'<code class="book-cite-url">{html.escape(meta.edition_url(page, anchor))}</code></li>'
        for depth, anchor, text in sections if depth >= 1)
    parts = [
        f'<div class="book-cite" id="{ident}" data-book-version="{html.escape(meta.version)}" '
        f'data-book-edition-status="{html.escape(status)}">',
        *_addresses_html(meta, page, what, status, site_relative(docname, "chapters/changes.html")),
        f'<p class="book-cite-label">APA</p>',
        f'<p class="book-cite-apa" id="{ident}-apa">{apa_html(meta, title, "" if root else docname)}</p>',
        f'<p class="book-cite-label">BibTeX</p>',
        f'<pre class="book-cite-bibtex" id="{ident}-bibtex" tabindex="0">'
        f'{html.escape(bibtex(meta, title, "" if root else docname))}</pre>',
        f'<p class="book-cite-actions" hidden>'
        f'<button type="button" class="book-cite-copy" data-copy="{ident}-apa">Copy APA citation</button> '
        f'<button type="button" class="book-cite-copy" data-copy="{ident}-bibtex">Copy BibTeX</button> '
        f'<span class="book-cite-status" role="status" aria-live="polite"></span></p>',
    ]
    if section_items:
        parts.append(f'<details class="book-cite-sections"><summary>Stable address of each section '
                     f'({section_items.count("<li>")})</summary><ul>{section_items}</ul></details>')
    figures = page_figures(env, docname, doctree)
    if figures:
        figure_items = "".join(
            f'<li><a href="#{html.escape(ident)}">Figure {html.escape(number)}</a> '
            f'({html.escape(title)}): '
            f'<code class="book-cite-url">{html.escape(meta.edition_url(page, ident))}</code></li>'
            for number, ident, title in figures)
        parts.append(f'<details class="book-cite-figures"><summary>Stable address of each figure '
                     f'({len(figures)})</summary><ul>{figure_items}</ul></details>')
    pdf = pdf_name(meta)
    parts.append(f'<p class="book-downloads book-pdf"><strong>Print or read offline:</strong> '
                 f'<a href="{site_relative(docname, pdf)}" download="{pdf}" type="application/pdf">'
                 f'the whole book as a PDF ({pdf})</a>.</p>')
    if not root and is_notebook(Path(env.srcdir) / f"{docname}.md"):
        nb = site_relative(docname, f"{NOTEBOOK_DIR}/{notebook_name(docname)}")
        zipped = site_relative(docname, f"{NOTEBOOK_DIR}/{archive_name()}")
        parts.append(
            f'<p class="book-downloads"><strong>Run it yourself:</strong> '
            f'<a href="{nb}" download="{notebook_name(docname)}" type="application/x-ipynb+json">'
            f'download this chapter as a notebook ({notebook_name(docname)})</a>, or '
            f'<a href="{zipped}" download="{archive_name()}">all notebooks with the data and code '
            f'(.zip)</a>. The notebook needs the archive\'s <code>data/</code> and '
            f'<code>walledoff_notebook/</code> folders next to it; see '
            f'<a href="{site_relative(docname, "chapters/reuse.html")}#reuse-notebooks">how to run the notebooks</a>.</p>')
        parts.append(online_links_html(meta, docname))
    parts.append("</div>")
    return "".join(parts)


def insert_cite_box(app: Sphinx, doctree, docname: str) -> None:
    """Put the cite box after the page's Summary section, or at the end of the page."""
    if docname not in app.env.book_toc_pages or app.builder.name != "html":
        return
    box = nodes.raw("", cite_box_html(app, docname, doctree), format="html")
    sections = [s for s in doctree.findall(nodes.section) if s["ids"]]
    summary = next((s for s in sections if s["ids"][0].endswith("-cite")), None) or next(
        (s for s in sections if s["ids"][0].endswith("summary")), None)
    if summary is not None:
        summary.append(box)
        return
    top = doctree.next_node(nodes.section)
    (top if top is not None else doctree).append(box)


def pdf_name(meta: BookMeta) -> str:
    """The PDF's name at the top of the published site (``make site`` puts it there)."""
    return f"walled-off-{meta.version}.pdf"


def _remember_toc(app: Sphinx) -> None:
    app.env.book_toc_pages = toc_pages(app.confdir)


def _edition_status(app: Sphinx, config) -> None:
    """Whether the text is this version's frozen edition; a config value, so a change rewrites every page.

    A build under the placeholder address is ``make edition`` freezing this very text."""
    from walledoff_build.editions import PLACEHOLDER, edition_status

    meta = metadata()
    config.book_edition_status = ("frozen" if meta.base_url == PLACEHOLDER
                                  else edition_status(meta.version)[0])


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_edition_status", "new", "html")
    app.add_css_file("book-teaching.css")
    app.connect("config-inited", _edition_status)
    app.connect("builder-inited", _remember_toc)
    app.connect("doctree-resolved", insert_cite_box)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
