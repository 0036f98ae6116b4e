"""Reading times, computed from each page's prose, at the top of every chapter.

After a page is read, its prose is counted: the words of paragraphs, lists,
tables and boxes written in the page, not code cells, their outputs (charts,
the claims table), citations (the "(Reuters, 2024)" labels) or the page's
"Sources" section. Each section gets its own count (with its subsections), so
:mod:`walledoff_build.unitplans` can give the reading time of each section a
unit plan names. Chapters of the story part of ``_toc.yml``, and the
primary-source reader, open with a line giving their chapter number and
reading time: "Chapter 3 · Reading time: about 21 minutes (4,120 words of
prose at 200 words a minute; code, charts and tables from the data are not
counted)". A minute is :data:`WORDS_PER_MINUTE` words, a common planning
figure for reading an explanatory text with attention.
"""

from __future__ import annotations

import math
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from walledoff_build.book import chapter_numbers

#: Words read in a minute (stated on the pages that show a reading time).
WORDS_PER_MINUTE = 200
#: Pages that open with their reading time besides the story chapters.
ALSO_TIMED = ("chapters/reader",)

_WORD = re.compile(r"[\w][\w'’.-]*")


def _is_code(node) -> bool:
    parent = node
    while parent is not None:
        if isinstance(parent, (nodes.literal_block, nodes.raw, nodes.comment, addnodes.pending_xref,
                               nodes.citation_reference, nodes.title, nodes.math_block)):
            return True
        if isinstance(parent, nodes.Element):
            classes = parent.get("classes", [])
            if "cell" in classes or "cell_output" in classes or "book-reading-time" in classes:
                return True
            if parent.tagname in ("bibliography", "book_chart", "book_chart_notes"):
                return True
        parent = parent.parent
    return False


def prose_words(node) -> int:
    """Words of prose under a node (code, outputs, citations and titles left out)."""
    count = 0
    for text in node.findall(nodes.Text):
        if not _is_code(text.parent):
            count += len(_WORD.findall(str(text)))
    return count


def _own_words(section: nodes.section) -> int:
    """A section's words without its subsections."""
    return sum(prose_words(child) for child in section.children if not isinstance(child, nodes.section))


def minutes(words: int) -> int:
    """Whole minutes, at least 1, to read so many words."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def reading_line(words: int, number: int | None) -> str:
    chapter = f"Chapter {number} · " if number else ""
    return (f"{chapter}Reading time: about {minutes(words)} minutes ({words:,} words of prose at "
            f"{WORDS_PER_MINUTE} words a minute; code, charts and tables from the data are not counted).")


def _is_sources(section: nodes.section) -> bool:
    return any(ident.endswith("-sources") or ident == "sources" for ident in section["ids"])


def count_page(app: Sphinx, doctree) -> None:
    """Count each section's prose; put the reading-time line under a timed page's title."""
    env = app.env
    counts: dict[str, int] = {}

    def walk(section: nodes.section) -> int:
        if _is_sources(section):
            return 0
        total = _own_words(section) + sum(walk(s) for s in section.children if isinstance(s, nodes.section))
        for ident in section["ids"]:
            counts[ident] = total
        return total

    top = [s for s in doctree.children if isinstance(s, nodes.section)]
    page_total = sum(walk(s) for s in top)
    if not hasattr(env, "book_reading"):
        env.book_reading = {}
    env.book_reading[env.docname] = {"total": page_total, "sections": counts}
    numbers = chapter_numbers(app.confdir)
    if (env.docname in numbers or env.docname in ALSO_TIMED) and top:
        line = nodes.paragraph("", reading_line(page_total, numbers.get(env.docname)),
                               classes=["book-reading-time", "book-no-glossary"])
        title = top[0].next_node(nodes.title)
        top[0].insert(top[0].index(title) + 1 if title is not None else 0, line)


def section_words(env, label: str) -> int | None:
    """The prose words of the section with this id or label, on any page."""
    for page in getattr(env, "book_reading", {}).values():
        if label in page["sections"]:
            return page["sections"][label]
    return None


def _purge(app, env, docname) -> None:
    getattr(env, "book_reading", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    if not hasattr(env, "book_reading"):
        env.book_reading = {}
    for docname in docnames:
        if docname in getattr(other, "book_reading", {}):
            env.book_reading[docname] = other.book_reading[docname]


def reading_speed_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{book-reading-speed}`words a minute```: "200 words a minute", from :data:`WORDS_PER_MINUTE`."""
    return [nodes.Text(f"{WORDS_PER_MINUTE} {text}")], []


def setup(app: Sphinx) -> dict:
    app.add_role("book-reading-speed", reading_speed_role)
    app.connect("doctree-read", count_page)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
