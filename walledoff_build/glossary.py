"""The glossary page, and a link from the first use of each term to its definition.

``{book-glossary}`` renders ``teaching/glossary.yml`` (term, aliases, a neutral
definition, the sources that support it) as a Sphinx glossary with
citations. After each page is resolved, the first use of each term in the
page's prose is linked to its definition; headings, code, links, citations
and charts are skipped. Chapters need no markup, so a term added to the YAML
file is linked everywhere it is first used. Sphinx's ``{term}`` role needs
markup at every use and does not find first uses, hence this module.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from walledoff_build.book import GLOSSARY_FILE, load_yaml
from walledoff_notebook.sources import bibliography

logger = logging.getLogger(__name__)


def glossary_entries() -> list[dict]:
    """``teaching/glossary.yml``: each entry has ``term``, optional ``aliases``,
    ``definition`` and ``source`` (keys in data/references.bib)."""
    entries = load_yaml(GLOSSARY_FILE).get("terms", [])
    problems = []
    for index, entry in enumerate(entries):
        for field in ("term", "definition", "source"):
            if not entry.get(field):
                problems.append(f"entry {index + 1} ({entry.get('term', '?')}) has no {field!r}")
    if problems:
        raise ValueError(f"{GLOSSARY_FILE.name}: " + "; ".join(problems))
    return entries


def _keys(value) -> list[str]:
    return [k.strip() for k in (value if isinstance(value, list) else str(value).split(";")) if k.strip()]


class BookGlossary(Directive):
    """Render ``teaching/glossary.yml`` as a sorted Sphinx glossary with citations."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(GLOSSARY_FILE))
        known = bibliography()
        lines = ["```{glossary}", ":sorted:", ""]
        for entry in glossary_entries():
            keys = _keys(entry["source"])
            missing = [k for k in keys if k not in known]
            if missing:  # a chapter's term whose source arrives with the chapter
                logger.info("[walledoff] glossary term %r waits for source(s) %s", entry["term"], missing)
                continue
            lines.append(entry["term"])
            lines += [alias for alias in entry.get("aliases", [])]
            definition = " ".join(str(entry["definition"]).split())
            lines.append(f"  {definition} {{cite:p}}`{','.join(keys)}`")
            lines.append("")
        lines.append("```")
        container = nodes.container(classes=["book-glossary"])
        self.state.nested_parse(StringList(lines, source=str(GLOSSARY_FILE)), 0, container)
        return container.children


def _collect_glossary(app: Sphinx, doctree) -> None:
    """After reading the glossary page, remember its terms (forms, anchor, definition)."""
    found = []
    for item in doctree.findall(nodes.definition_list_item):
        terms = [t for t in item.findall(nodes.term)]
        if not terms or not any(t["ids"] for t in terms) or "glossary" not in item.parent["classes"]:
            continue
        definition = item.next_node(nodes.definition)
        text = ""
        if definition is not None:  # the definition's words, without its citations
            words = definition.deepcopy()
            for ref in list(words.findall(addnodes.pending_xref)):
                ref.parent.remove(ref)
            text = words.astext()
        found.append({"forms": [t.astext() for t in terms], "id": terms[0]["ids"][0],
                      "definition": re.sub(r"\s+", " ", text)})
    if found:
        app.env.book_glossary = {"docname": app.env.docname, "terms": found}


def _purge_glossary(app, env, docname) -> None:
    if getattr(env, "book_glossary", None) and env.book_glossary["docname"] == docname:
        env.book_glossary = None


def _merge_glossary(app, env, docnames, other) -> None:
    if getattr(other, "book_glossary", None):
        env.book_glossary = other.book_glossary


#: Nodes whose text is never linked to the glossary.
_SKIP = (nodes.title, nodes.reference, nodes.literal, nodes.literal_block, nodes.raw,
         nodes.caption, nodes.citation, nodes.citation_reference, nodes.term, nodes.rubric,
         nodes.FixedTextElement, addnodes.pending_xref, nodes.target, nodes.math,
         nodes.image, nodes.field_name, addnodes.toctree, nodes.comment)


def _skipped(node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIP) or "book-no-glossary" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def term_pattern(form: str) -> str:
    """A regex for one form of a term: exact case for acronyms, any case otherwise."""
    # a line break in the source is a space (re.escape writes a space as "\ ")
    body = r"\s+".join(re.escape(word) for word in form.split())
    if form.isupper() or not form[:1].isalpha():
        return rf"(?<![\w-]){body}(?![\w-])"
    return rf"(?<![\w-])(?i:{body})(?![\w-])"


def _merge_adjacent_text(doctree) -> None:
    """Join neighbouring text nodes (MyST keeps each line break apart), so a
    term broken over two source lines is found."""
    for element in doctree.findall(nodes.TextElement):
        children = element.children
        index = 0
        while index < len(children) - 1:
            if isinstance(children[index], nodes.Text) and isinstance(children[index + 1], nodes.Text):
                merged = nodes.Text(str(children[index]) + str(children[index + 1]))
                element.remove(children[index + 1])
                element.replace(children[index], merged)
            else:
                index += 1


def link_glossary_terms(app: Sphinx, doctree, docname: str) -> None:
    """Link the first use of each glossary term in the page's prose to its definition."""
    glossary = getattr(app.env, "book_glossary", None)
    if not glossary or docname == glossary["docname"]:
        return
    forms = {}
    for index, term in enumerate(glossary["terms"]):
        for form in term["forms"]:
            forms[form] = index
    ordered = sorted(forms, key=len, reverse=True)
    regex = re.compile("|".join(f"(?P<t{i}>{term_pattern(f)})" for i, f in enumerate(ordered)))
    uri = app.builder.get_relative_uri(docname, glossary["docname"])
    done: set[int] = set()
    _merge_adjacent_text(doctree)
    for text in list(doctree.findall(nodes.Text)):
        if _skipped(text) or not isinstance(text.parent, (nodes.paragraph, nodes.inline, nodes.emphasis,
                                                          nodes.strong, nodes.list_item, nodes.entry)):
            continue
        value = str(text)
        pieces, last = [], 0
        for match in regex.finditer(value):
            index = forms[ordered[int(match.lastgroup[1:])]]
            if index in done:
                continue
            done.add(index)
            term = glossary["terms"][index]
            pieces.append(nodes.Text(value[last:match.start()]))
            pieces.append(nodes.reference(
                "", match.group(0), internal=True, refuri=f"{uri}#{term['id']}",
                reftitle=term["definition"][:300], classes=["book-glossary-link"]))
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(value[last:]))
            text.parent.replace(text, [p for p in pieces if not isinstance(p, nodes.Text) or str(p)])


def setup(app: Sphinx) -> dict:
    app.add_directive("book-glossary", BookGlossary)
    app.connect("doctree-read", _collect_glossary)
    app.connect("env-purge-doc", _purge_glossary)
    app.connect("env-merge-info", _merge_glossary)
    app.connect("doctree-resolved", link_glossary_terms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
