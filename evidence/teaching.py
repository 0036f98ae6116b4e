"""Sphinx extension: teaching and citing.

Everything here works from ``_toc.yml`` and ``book.yml``, so a chapter added
to the table of contents gets all of it without typing anything per page:

* **Stable anchors.** A section's explicit label (``(texas-usds)=``) becomes
  its main id, so the heading's link and the page's contents point to it; a
  section without a label gets ``<parent label>-<title slug>``.
* **Cite box.** Every page in the table of contents gets a "Cite this" box
  (APA, BibTeX, the permanent address of each section) built from
  ``book.yml``, after its Summary section (or at the end), with links to
  download the page as a notebook and everything as one archive.
* **Glossary.** ``{book-glossary}`` renders ``teaching/glossary.yml`` as a
  Sphinx glossary; the first use of each term in each page's prose is linked
  to its definition (headings, code, links, citations and charts are skipped).
* **Teacher's guide.** ``{teaching-guide}`` pulls each chapter's learning
  objectives, discussion questions and exercise (with its worked answer,
  collapsed) from the chapter itself, plus class time and assignments from
  ``teaching/classes.yml``.
* **Downloads.** Each notebook chapter is written as ``notebooks/<name>.ipynb``
  (clean: no outputs) into the site, all of them with ``data/``, the
  ``evidence`` package and the lock in one zip; ``data/`` is shipped as-is.
* **Licences and version** in every page footer; a title page for print.
* **Redirects.** ``teaching/redirects.yml`` maps moved pages (a small page
  that forwards, keeping the ``#anchor``) and moved anchors (a tiny script).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from evidence.paths import REPO_ROOT
from evidence.reuse import SITE_DATA_DIR, apa, apa_html, bibtex, data_block, metadata

logger = logging.getLogger(__name__)

TEACHING_DIR = REPO_ROOT / "teaching"
GLOSSARY_FILE = TEACHING_DIR / "glossary.yml"
CLASSES_FILE = TEACHING_DIR / "classes.yml"
REDIRECTS_FILE = TEACHING_DIR / "redirects.yml"
#: Where the notebooks and the archive go in the built site.
NOTEBOOK_DIR = "notebooks"
#: Files and folders (from the repository) that make the archive runnable.
ARCHIVE_FILES = ["README.md", "LICENSE", "CITATION.cff", "book.yml", "requirements.txt",
                 "requirements.in", "pyproject.toml"]
ARCHIVE_DIRS = ["data", "evidence"]
#: Section kinds the teacher's guide pulls from a chapter: (label suffix, heading start).
GUIDE_PARTS = {"learn": "What you will learn", "discussion": "Discussion questions",
               "exercise": "Exercise"}


# --- Reading the table of contents ---------------------------------------------

def toc_pages(confdir) -> list[str]:
    """Every page in ``_toc.yml``, in order (root first)."""
    toc = yaml.safe_load((Path(confdir) / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in pages]


def is_notebook(path: Path) -> bool:
    """A MyST page with a kernel (jupytext header) is a notebook chapter."""
    text = path.read_text(encoding="utf-8")
    front = text.split("---")[1] if text.startswith("---") else ""
    return "kernelspec:" in front


def notebook_name(docname: str) -> str:
    """``chapters/texas`` -> ``texas.ipynb`` (the name in the site and the archive)."""
    return docname.rsplit("/", 1)[-1] + ".ipynb"


def archive_name() -> str:
    return f"walled-off-notebooks-{metadata().version}.zip"


def _relative(docname: str, target: str) -> str:
    """A path from page ``docname`` to a file at ``target`` (relative to the site's top)."""
    return "../" * docname.count("/") + target


# --- Stable anchors -----------------------------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


class StableSectionIds(SphinxTransform):
    """Make each section's label its main id; give unlabelled sections a derived one."""

    default_priority = 880

    def apply(self, **kwargs) -> None:
        document = self.document
        base = slug(self.env.docname.rsplit("/", 1)[-1])
        for section in document.findall(nodes.section):
            title = section.next_node(nodes.title)
            # explicit targets (labels) are True in nametypes; a title's own name is False
            explicit = [name for name in section["names"] if document.nametypes.get(name)]
            label_ids = [document.nameids.get(name) for name in explicit]
            label_ids = [i for i in label_ids if i and i in section["ids"]]
            if label_ids:  # several labels: the page's own name wins (old names stay as extra ids)
                main = sorted(label_ids, key=lambda i: i != base)[0]
            else:
                parent = section.parent
                while parent is not None and not isinstance(parent, nodes.section):
                    parent = parent.parent
                stem = parent["ids"][0] if parent is not None and parent["ids"] else base
                main = f"{stem}-{slug(title.astext()) if title else 'section'}"
                if main in document.ids and document.ids[main] is not section:
                    continue
                document.ids[main] = section
            section["ids"] = [main] + [i for i in section["ids"] if i != main]


# --- Glossary -------------------------------------------------------------------

def glossary_entries() -> list[dict]:
    """``teaching/glossary.yml``: each entry has ``term``, optional ``aliases``,
    ``definition`` and ``source`` (keys in data/references.bib)."""
    raw = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8")) or {}
    entries = raw.get("terms", [])
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
        from evidence.sources import bibliography

        env = self.state.document.settings.env
        env.note_dependency(str(GLOSSARY_FILE))
        known = bibliography()
        lines = ["```{glossary}", ":sorted:", ""]
        for entry in glossary_entries():
            keys = _keys(entry["source"])
            missing = [k for k in keys if k not in known]
            if missing:  # a chapter's term whose source arrives with the chapter
                logger.info("[teaching] glossary term %r waits for source(s) %s", entry["term"], missing)
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


# --- Teacher's guide ------------------------------------------------------------

_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def chapter_parts(path: Path) -> dict:
    """Split a chapter's MyST source into its sections: title, learn, discussion, exercise."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        lines = lines[end + 1:]
    sections, current, label, fence = [], None, None, None
    for line in lines:
        stripped = line.strip()
        if fence is None and re.match(r"^(`{3,}|:{3,})", stripped):
            fence = re.match(r"^(`{3,}|:{3,})", stripped).group(1)
        elif fence is not None and stripped == fence:
            fence = None
        heading = _HEADING.match(line) if fence is None else None
        if fence is None and _LABEL.match(line):
            label = _LABEL.match(line).group(1)
            continue
        if heading:
            current = {"level": len(heading.group(1)), "title": heading.group(2).strip(),
                       "label": label, "lines": []}
            sections.append(current)
            label = None
            continue
        if current is not None:
            current["lines"].append(line)
    found = {"title": sections[0]["title"] if sections else path.stem}
    for kind, heading in GUIDE_PARTS.items():
        for index, section in enumerate(sections):
            if section["level"] != 2:
                continue
            if (section["label"] or "").endswith(f"-{kind}") or section["title"].startswith(heading):
                body = list(section["lines"])
                for sub in sections[index + 1:]:  # keep its subsections
                    if sub["level"] <= 2:
                        break
                    body += ["", "#" * sub["level"] + " " + sub["title"], *sub["lines"]]
                found[kind] = {"title": section["title"], "label": section["label"], "lines": body}
                break
    return found


def _code_cells_to_fences(lines: list[str]) -> tuple[list[str], list[str]]:
    """Turn ``{code-cell}`` blocks into plain Python fences; split off the worked answer.

    The worked answer is the first cell tagged ``hide-cell`` (or
    ``hide-input``/``remove-input``) and everything after it.
    """
    before, answer, target, cell = [], [], None, None
    target = before
    i = 0
    while i < len(lines):
        line = lines[i]
        match = re.match(r"^(`{3,})\{code-cell\}", line.strip())
        if match:
            fence = match.group(1)
            cell, i = [], i + 1
            tags = []
            while i < len(lines) and lines[i].strip() != fence:
                if lines[i].startswith(":tags:"):
                    tags = re.findall(r"[\w-]+", lines[i].split(":", 2)[2])
                elif not (lines[i].startswith(":") and not cell):
                    cell.append(lines[i])
                i += 1
            if any(t in ("hide-cell", "hide-input", "remove-input", "hide-output") for t in tags):
                target = answer
            while cell and not cell[0].strip():
                cell.pop(0)
            target += ["```python", *cell, "```"]
            i += 1
            continue
        target.append(line)
        i += 1
    return before, answer


_GLUE_ROLE = re.compile(r"\{glue(?P<kind>:\w+)?\}`(?P<content>[^`]+)`")


def _glue_from(parts: dict, page: str) -> dict:
    """Point the chapter's ``{glue}`` roles at the chapter, so numbers pasted there show here too.

    myst-nb reads ``/chapters/x.md::key`` as "key, glued in that document"; a
    ``{glue:text}`` role must then carry its format (``:s`` is its default).
    """
    def repoint(match):
        kind, content = match.group("kind") or "", match.group("content")
        if "::" in content:
            return match.group(0)
        if kind == ":text" and ":" not in content:
            content += ":s"
        return f"{{glue{kind}}}`/{page}.md::{content}`"

    def walk(value):
        if isinstance(value, str):
            return _GLUE_ROLE.sub(repoint, value)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    return walk(parts)


def guide_markdown(confdir, docname: str) -> tuple[str, list[Path]]:
    """The teacher's guide as MyST Markdown, built from the chapters and classes.yml."""
    classes = load_classes()
    out, read = [], []
    for page in toc_pages(confdir):
        path = Path(confdir) / f"{page}.md"
        if page == docname or not path.exists():
            continue
        parts = _glue_from(chapter_parts(path), page)
        if not all(kind in parts for kind in GUIDE_PARTS):
            continue
        read.append(path)
        name = page.rsplit("/", 1)[-1]
        plan = classes.get(name, {})
        out += [f"({name}-guide)=", f"## {parts['title']}", "",
                f"Chapter: {{doc}}`/{page}`. "
                + (f"Class time: about **{plan['minutes']} minutes**."
                   if plan.get("minutes") else "Class time: not yet planned (add it to `teaching/classes.yml`)."),
                ""]
        if plan.get("note"):
            out += [plan["note"], ""]
        out += [f"### Learning objectives", "", *parts["learn"]["lines"], ""]
        out += [f"### Discussion questions", "", *parts["discussion"]["lines"], ""]
        exercise, answer = _code_cells_to_fences(parts["exercise"]["lines"])
        out += [f"### {parts['exercise']['title']}", "", *exercise, ""]
        if answer:
            # a plain <details> (no sphinx-design: its stylesheet would block every page's first paint)
            out += ['<details class="book-worked-answer">',
                    "<summary>Worked answer (for the teacher)</summary>", "",
                    *answer, "", "</details>", ""]
        if plan.get("assignments"):
            out += ["### Suggested assignments", ""]
            out += [f"{n}. {' '.join(str(a['task']).split())} (data: "
                    + ", ".join(f"`{d}`" for d in a["data"]) + ")" for n, a in enumerate(plan["assignments"], 1)]
            out.append("")
    return "\n".join(out), read


def load_classes() -> dict:
    """``teaching/classes.yml``: per chapter, class minutes and assignments; validated."""
    raw = yaml.safe_load(CLASSES_FILE.read_text(encoding="utf-8")) or {}
    chapters = raw.get("chapters", {})
    problems = []
    for name, plan in chapters.items():
        minutes = plan.get("minutes")
        if not isinstance(minutes, int) or not 10 <= minutes <= 600:
            problems.append(f"{name}: minutes must be a whole number of minutes (10-600)")
        for index, item in enumerate(plan.get("assignments", [])):
            if not str(item.get("task", "")).strip() or not item.get("data"):
                problems.append(f"{name}: assignment {index + 1} needs 'task' and 'data'")
    if problems:
        raise ValueError(f"{CLASSES_FILE.name}: " + "; ".join(problems))
    return chapters


class TeachingGuide(Directive):
    """Insert the teacher's guide for every chapter in the table of contents."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        text, read = guide_markdown(env.srcdir, env.docname)
        env.note_dependency(str(CLASSES_FILE))
        for path in read:
            env.note_dependency(str(path))
        container = nodes.container(classes=["book-teaching-guide"])
        self.state.nested_parse(StringList(text.splitlines(), source="teaching guide"), 0, container,
                                match_titles=True)
        return container.children


# --- Cite box -------------------------------------------------------------------

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
        nb = _relative(docname, f"{NOTEBOOK_DIR}/{notebook_name(docname)}")
        zipped = _relative(docname, f"{NOTEBOOK_DIR}/{archive_name()}")
        parts.append(
            f'<p class="book-downloads"><strong>Run it yourself:</strong> '
            f'<a href="{nb}" download="{notebook_name(docname)}" type="application/x-ipynb+json">'
            f'download this chapter as a notebook ({notebook_name(docname)})</a>, or '
            f'<a href="{zipped}" download="{archive_name()}">all notebooks with the data and code '
            f'(.zip)</a>. The notebook needs the archive\'s <code>data/</code> and '
            f'<code>evidence/</code> folders next to it; see '
            f'<a href="{_relative(docname, "chapters/reuse.html")}#reuse-notebooks">how to run the notebooks</a>.</p>')
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


# --- Pages: footer, data blocks, anchor redirects, title page --------------------

_DATA_BLOCK = re.compile(r'<div class="book-chart-reuse" data-book-dataset="([a-z0-9_]+)">.*?</div>', re.S)


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


def load_redirects() -> dict:
    raw = yaml.safe_load(REDIRECTS_FILE.read_text(encoding="utf-8")) or {}
    return {"pages": raw.get("pages") or {}, "anchors": raw.get("anchors") or {}}


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    pathto = context.get("pathto")
    if pathto is not None:
        context["theme_extra_footer"] = footer_html(pathto)
    body = context.get("body")
    if not body:
        return
    prefix = "../" * pagename.count("/") if app.builder.name != "singlehtml" else ""
    body = _DATA_BLOCK.sub(lambda m: data_block(m.group(1), prefix=prefix), body)
    anchors = load_redirects()["anchors"].get(pagename)
    if anchors:
        body += ('<script type="application/json" id="book-anchor-redirects">'
                 + json.dumps(anchors).replace("</", "<\\/") + "</script>")
    if app.builder.name == "singlehtml":
        contents = [(app.env.titles[doc].astext(), f"document-{doc}")
                    for doc in app.env.book_toc_pages[1:] if doc in app.env.titles]
        body = title_page_html(contents) + body
    context["body"] = body


# --- After the build: data, notebooks, archive, redirect pages --------------------

def _clean_notebook(path: Path, docname: str):
    import jupytext
    import nbformat

    meta = metadata()
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    intro = nbformat.v4.new_markdown_cell(
        f"*From **{meta.title}**, version {meta.version} ({meta.date_released}); "
        f"generated from `{docname}.md`. Online: {meta.url(docname)}*\n\n"
        "This notebook has no outputs: run all cells (Run > Run All Cells). It reads the book's "
        "tables in `../data/` through the `evidence` package, so keep it in the `chapters/` folder "
        f"of the archive `{archive_name()}` (or of the book's repository) and install the "
        "pinned packages first: `pip install -r requirements.txt && pip install -e .` from the "
        "archive's top folder. Cells tagged `remove-cell` are hidden in the book but needed here; "
        "cells tagged `hide-cell` hold worked answers.\n\n"
        f"Text: {meta.licences['text']['name']}; code: {meta.licences['code']['name']}.")
    notebook.cells.insert(0, intro)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata.setdefault("kernelspec", {"display_name": "Python 3", "language": "python",
                                                "name": "python3"})
    nbformat.validate(notebook)
    return notebook


def write_downloads(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    import nbformat

    out = Path(app.outdir)
    source = Path(app.srcdir)
    data_out = out / SITE_DATA_DIR
    if data_out.exists():
        shutil.rmtree(data_out)
    from evidence.paths import data_dir

    shutil.copytree(data_dir(), data_out, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    if app.builder.name != "html":
        return
    nb_dir = out / NOTEBOOK_DIR
    if nb_dir.exists():
        shutil.rmtree(nb_dir)
    nb_dir.mkdir(parents=True)
    notebooks = {}
    for docname in app.env.book_toc_pages:
        path = source / f"{docname}.md"
        if path.exists() and is_notebook(path):
            notebook = _clean_notebook(path, docname)
            target = nb_dir / notebook_name(docname)
            nbformat.write(notebook, target)
            notebooks[docname] = target
    meta = metadata()
    top = f"walled-off-{meta.version}"
    with zipfile.ZipFile(nb_dir / archive_name(), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ARCHIVE_FILES:
            if (source / name).exists():
                archive.write(source / name, f"{top}/{name}")
        for folder in ARCHIVE_DIRS:
            base = data_dir() if folder == "data" else source / folder
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, f"{top}/{folder}/{path.relative_to(base)}")
        for docname, path in notebooks.items():
            archive.write(path, f"{top}/chapters/{path.name}")
        archive.writestr(f"{top}/RUN-THE-NOTEBOOKS.txt", (
            f"{meta.title}, version {meta.version} ({meta.date_released})\n\n"
            "To run the chapters as notebooks (Python 3.11):\n\n"
            "    python3.11 -m venv .venv\n"
            "    .venv/bin/pip install -r requirements.txt\n"
            "    .venv/bin/pip install --no-deps -e .\n"
            "    .venv/bin/pip install jupyterlab==4.6.6\n"
            "    .venv/bin/jupyter lab chapters/\n\n"
            "Open a chapter's .ipynb and run all cells. The notebooks read only data/.\n"
            f"Cite: {apa(meta)}\n"))
    _write_redirect_pages(out, app)


def _write_redirect_pages(out: Path, app: Sphinx) -> None:
    for old, new in load_redirects()["pages"].items():
        target = out / f"{new}.html"
        if not target.exists():
            logger.warning("[teaching] redirect %s -> %s: the new page was not built", old, new)
            continue
        page = out / f"{old}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        rel = _rel_between(old, new)
        page.write_text(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"book-redirect\" content=\"{html.escape(rel)}\">"
            f"<title>Moved: {html.escape(new)}</title>"
            f"<script>location.replace({json.dumps(rel)} + location.hash);</script></head>"
            f"<body><main><p>This page has moved to <a href=\"{html.escape(rel)}\">{html.escape(rel)}</a>."
            "</p></main></body></html>\n", encoding="utf-8")


def _rel_between(old: str, new: str) -> str:
    """The relative address of page ``new`` seen from page ``old``."""
    import posixpath

    return posixpath.relpath(f"{new}.html", posixpath.dirname(old) or ".")


# --- Set-up -----------------------------------------------------------------------

def _config_inited(app: Sphinx, config) -> None:
    meta = metadata()
    config.version = config.release = meta.version
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.update({"book_version": meta.version, "book_date": meta.date_released,
                 "book_title": meta.title})
    config.myst_substitutions = subs
    static = str(Path(__file__).parent / "static")
    if static not in [str(p) for p in config.html_static_path]:
        config.html_static_path.append(static)


def _builder_inited(app: Sphinx) -> None:
    app.env.book_toc_pages = toc_pages(app.confdir)


def teaching_fingerprint(confdir) -> str:
    """A hash of what every page's extras are made from: book.yml, teaching/, _toc.yml."""
    import hashlib

    digest = hashlib.sha256()
    files = [Path(confdir) / "book.yml", Path(confdir) / "_toc.yml", *sorted(TEACHING_DIR.glob("*.yml"))]
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _outdated_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read every page when the metadata, glossary, plans or redirects changed.

    Cite boxes, glossary links and footers are made when a page is written;
    without this, an unchanged chapter would keep an old version number or
    miss a new glossary term.
    """
    current = teaching_fingerprint(app.confdir)
    previous = getattr(env, "book_teaching_fingerprint", None)
    env.book_teaching_fingerprint = current
    if previous is not None and previous != current:
        return sorted(env.found_docs - set(added) - set(changed) - set(removed))
    return []


def setup(app: Sphinx) -> dict:
    app.add_directive("book-glossary", BookGlossary)
    app.add_directive("teaching-guide", TeachingGuide)
    app.add_transform(StableSectionIds)
    app.add_css_file("book-teaching.css")
    app.add_js_file("book-teaching.js", defer="defer")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated_pages)
    app.connect("doctree-read", _collect_glossary)
    app.connect("env-purge-doc", _purge_glossary)
    app.connect("env-merge-info", _merge_glossary)
    app.connect("doctree-resolved", link_glossary_terms)
    app.connect("doctree-resolved", insert_cite_box)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
