"""A "Cite this" box on every page of the table of contents.

Built from ``book.yml`` (through :mod:`walledoff_notebook.meta`): an APA
reference, a BibTeX entry, the permanent address of the page and of each of
its sections, and links to download the page as a notebook and everything as
one archive. It sits after the page's Summary section, or at the end. No
maintained extension writes citations of a book's own sections, hence this
module.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from walledoff_build.book import NOTEBOOK_DIR, archive_name, is_notebook, notebook_name, slug, toc_pages
from walledoff_build.urls import site_relative
from walledoff_notebook.meta import apa_html, bibtex, metadata


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


def cite_box_html(app: Sphinx, docname: str, doctree) -> str:
    meta = metadata()
    env = app.env
    root = docname == env.config.root_doc
    title = None if root else env.titles[docname].astext()
    what = "this book" if root else "this chapter"
    ident = "book-cite-" + slug(docname)
    url = meta.url("" if root else docname)
    sections = _section_links(doctree)
    section_items = "".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a>: '
        f'<code class="book-cite-url">{html.escape(meta.url("" if root else docname, anchor))}</code></li>'
        for depth, anchor, text in sections if depth >= 1)
    parts = [
        f'<div class="book-cite" id="{ident}" data-book-version="{html.escape(meta.version)}">',
        f'<p class="book-cite-heading"><strong>Cite {what}</strong> '
        f'(version {html.escape(meta.version)}, released {html.escape(meta.date_released)}). '
        f'Permanent address: <code class="book-cite-url">{html.escape(url)}</code></p>',
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
        parts.append(f'<details class="book-cite-sections"><summary>Permanent address of each section '
                     f'({section_items.count("<li>")})</summary><ul>{section_items}</ul></details>')
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


def _remember_toc(app: Sphinx) -> None:
    app.env.book_toc_pages = toc_pages(app.confdir)


def setup(app: Sphinx) -> dict:
    app.add_css_file("book-teaching.css")
    app.connect("builder-inited", _remember_toc)
    app.connect("doctree-resolved", insert_cite_box)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
