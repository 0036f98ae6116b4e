"""Figures numbered per chapter ("Figure 3.2"), so a teacher can point at one.

Sphinx's numfig numbers figures through the whole book (Figure 1 to 32) unless
the table of contents numbers its chapters, which would also print a number
in front of every heading and in the navigation. This module keeps headings as
they are and renumbers each figure after Sphinx has assigned its numbers: the
chapter's position in the story part of ``_toc.yml`` (timeline is chapter 1),
then the figure's place in the chapter. Pages outside the story part number
their figures from 1. Captions, ``{numref}`fig-law-tracks``` references and the
cite box's list of addresses (:mod:`walledoff_build.citebox`) all read the
result from ``env.toc_fignumbers``, so they agree.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from walledoff_build.book import chapter_numbers


def renumber_figures(app: Sphinx, env) -> list[str]:
    """Rewrite Sphinx's book-wide figure numbers as chapter.figure (after Sphinx's own pass)."""
    numbers = chapter_numbers(app.confdir)
    changed = []
    previous = getattr(env, "book_fignumbers", {})
    for docname, kinds in env.toc_fignumbers.items():
        for figtype, ids in kinds.items():
            ordered = sorted(ids, key=lambda ident: ids[ident])
            prefix = (numbers[docname],) if docname in numbers else ()
            for place, ident in enumerate(ordered, 1):
                ids[ident] = (*prefix, place)
        if kinds != previous.get(docname):
            changed.append(docname)
    env.book_fignumbers = {doc: {t: dict(i) for t, i in k.items()} for doc, k in env.toc_fignumbers.items()}
    return changed


def figure_number(env, docname: str, ident: str) -> str:
    """``"3.2"`` for a figure's id on a page ("" when it has none)."""
    number = env.toc_fignumbers.get(docname, {}).get("figure", {}).get(ident)
    return ".".join(map(str, number)) if number else ""


def page_figures(env, docname: str, doctree) -> list[tuple[str, str, str]]:
    """Each numbered figure on a page: (number, id, title), in page order.

    The title is the chart's own title (a finding or a question), else the
    caption's first sentence."""
    found = []
    for figure in doctree.findall(nodes.figure):
        if not figure["ids"]:
            continue
        number = figure_number(env, docname, figure["ids"][0])
        if not number:
            continue
        title = ""
        for node in figure.findall(nodes.Element):
            if node.tagname == "book_chart" and node.get("title"):
                title = node["title"]
                break
        if not title:
            caption = figure.next_node(nodes.caption)
            title = caption.astext().split(". ")[0] if caption is not None else ""
        found.append((number, figure["ids"][0], title))
    return found


def setup(app: Sphinx) -> dict:
    # after the toctree collector (priority 500) has assigned Sphinx's own numbers
    app.connect("env-get-updated", renumber_figures, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
