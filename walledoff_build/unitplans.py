"""Ready unit plans (one, two and four weeks), printed from ``teaching/unit_plans.yml``.

``{unit-plans}`` writes each plan as a section and each class session as a
subsection naming the sections to read before class (linked by label, each
with its reading time), the primary passages to read in the primary-source
reader (``reader-<id>``), the chart to discuss (by its figure number, through
``{numref}``), the discussion questions and the exercise. Reading times come
from :mod:`walledoff_build.reading` and are filled in when the page is
resolved, after every chapter has been read and counted.

:func:`load_plans` validates the file against the book's sources: every
section label must be a ``(label)=`` in a page of ``_toc.yml``, every figure
a ``name: fig-...`` of a chart cell, every passage an id in
``data/passages.csv``; a wrong one stops the build with the plan, the session
and the value (tests/build_extension/test_unit_plans.py runs the same check).
"""

from __future__ import annotations

import csv
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.application import Sphinx

from walledoff_build.book import (FIGURE_NAME, LABEL, TEACHING_DIR, chapter_numbers, load_yaml,
                                  page_matches, toc_pages)
from walledoff_build.reading import WORDS_PER_MINUTE, minutes, section_words
from walledoff_notebook.paths import REPO_ROOT

PLANS_FILE = TEACHING_DIR / "unit_plans.yml"
PASSAGES_FILE = REPO_ROOT / "data" / "passages.csv"
UNIT_PAGE = "chapters/unit-plans"
#: The prefix of a passage's section in the primary-source reader.
READER_PREFIX = "reader-"
#: Session fields that name one section label, and what they are.
LABEL_FIELDS = {"discuss": "discussion questions", "exercise": "exercise"}


def book_labels(root: Path = REPO_ROOT) -> dict[str, str]:
    """Every ``(label)=`` in the pages of the table of contents, and its page."""
    return page_matches(root, LABEL)


def book_figures(root: Path = REPO_ROOT) -> dict[str, str]:
    """Every chart's figure name (``fig-...``) and the page it is on."""
    return page_matches(root, FIGURE_NAME)


def passage_ids(path: Path = PASSAGES_FILE) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


def load_plans(root: Path = REPO_ROOT) -> list[dict]:
    """``teaching/unit_plans.yml``, checked against the book's labels, figures and passages."""
    plans = load_yaml(root / "teaching" / "unit_plans.yml").get("plans", [])
    labels, figures, passages = book_labels(root), book_figures(root), passage_ids(root / "data" / "passages.csv")
    problems = []
    if not plans:
        problems.append("no plans")
    ids = [plan.get("id") for plan in plans]
    if len(set(ids)) != len(ids):
        problems.append(f"plan ids repeat: {ids}")
    for plan in plans:
        where = f"plan {plan.get('id')!r}"
        for field in ("id", "title", "summary", "sessions"):
            if not plan.get(field):
                problems.append(f"{where} has no {field!r}")
        for number, session in enumerate(plan.get("sessions") or [], 1):
            at = f"{where}, session {number} ({session.get('title', '?')})"
            if not session.get("title") or not isinstance(session.get("week"), int):
                problems.append(f"{at} needs a 'title' and a whole-number 'week'")
            if not session.get("read"):
                problems.append(f"{at} names no section to read")
            for label in session.get("read") or []:
                if label not in labels:
                    problems.append(f"{at}: section label {label!r} is not in any chapter")
            for field in LABEL_FIELDS:
                if session.get(field) not in labels:
                    problems.append(f"{at}: {field} label {session.get(field)!r} is not in any chapter")
            if session.get("figure") not in figures:
                problems.append(f"{at}: figure {session.get('figure')!r} is not a chart's name")
            for ident in session.get("passages") or []:
                if ident not in passages:
                    problems.append(f"{at}: passage {ident!r} is not an id in data/passages.csv")
    if problems:
        raise ValueError(f"{PLANS_FILE.name}: " + "; ".join(problems))
    return plans


def _time(labels: list[str]) -> str:
    return "{book-reading-time}`" + " ".join(labels) + "`"


def _links(labels: list[str]) -> str:
    return "; ".join(f"{{ref}}`{label}` ({_time([label])})" for label in labels)


def _chapter(page: str, numbers: dict[str, int]) -> str:
    """"Chapter 3, <link to the chapter>" (or the page's link alone outside the story part)."""
    link = f"{{doc}}`/{page}`"
    return f"Chapter {numbers[page]}, {link}" if page in numbers else link


def _short(page: str, numbers: dict[str, int]) -> str:
    """" (chapter 3)" after a link into a story chapter."""
    return f" (chapter {numbers[page]})" if page in numbers else ""


def _reading_lines(read: list[str], pages: dict[str, str], numbers: dict[str, int]) -> list[str]:
    """One sub-item per chapter: its sections in the order given, each with its time."""
    groups: dict[str, list[str]] = {}
    for label in read:
        groups.setdefault(pages[label], []).append(label)
    return [f"  - {_chapter(page, numbers)}: {_links(labels)}." for page, labels in groups.items()]


def plans_markdown() -> str:
    out = []
    pages, figures = book_labels(), book_figures()
    numbers = chapter_numbers(REPO_ROOT)
    for plan in load_plans():
        out += [f"(unit-plans-{plan['id']})=", f"## {plan['title']}", "", " ".join(plan["summary"].split()), ""]
        for number, session in enumerate(plan["sessions"], 1):
            read = session["read"]
            passages = [READER_PREFIX + ident for ident in session.get("passages") or []]
            out += [f"(unit-plans-{plan['id']}-{number})=",
                    f"### Session {number} (week {session['week']}): {session['title']}", ""]
            out.append(f"- **Read before class** ({_time(read)} in all):")
            out += _reading_lines(read, pages, numbers)
            if passages:
                out.append(f"- **Primary passages** in the {{ref}}`reader` ({_time(passages)} in all): "
                           f"{_links(passages)}.")
            figure = session["figure"]
            out.append(f"- **Chart to discuss**: {{numref}}`{figure}`{_short(figures[figure], numbers)}.")
            discuss, exercise = session["discuss"], session["exercise"]
            out.append(f"- **Discussion questions**: {{ref}}`the questions <{discuss}>`"
                       f"{_short(pages[discuss], numbers)}.")
            out.append(f"- **Exercise**: {{ref}}`{exercise}`{_short(pages[exercise], numbers)}.")
            if session.get("note"):
                out.append(f"- **Note**: {' '.join(session['note'].split())}")
            out.append("")
    return "\n".join(out)


class UnitPlans(Directive):
    """Insert every plan of ``teaching/unit_plans.yml``."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(PLANS_FILE))
        env.note_dependency(str(PASSAGES_FILE))
        for page in toc_pages(env.srcdir):  # reading times change with the chapters
            if page != env.docname and (Path(env.srcdir) / f"{page}.md").exists():
                env.note_dependency(str(Path(env.srcdir) / f"{page}.md"))
        try:
            text = plans_markdown()
        except ValueError as problem:
            raise self.error(str(problem))
        container = nodes.container(classes=["book-unit-plans"])
        self.state.nested_parse(StringList(text.splitlines(), source=str(PLANS_FILE)), 0, container,
                                match_titles=True)
        return container.children


def reading_time_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{book-reading-time}`law-reach law-known```: "about 9 min", filled in when resolved."""
    node = nodes.inline(rawtext, "about ? min", classes=["book-reading-time-ref"])
    node["book_labels"] = text.split()
    return [node], []


def fill_reading_times(app: Sphinx, doctree, docname: str) -> None:
    for node in list(doctree.findall(nodes.inline)):
        if "book_labels" not in node:
            continue
        counts = [section_words(app.env, label) for label in node["book_labels"]]
        missing = [label for label, count in zip(node["book_labels"], counts) if count is None]
        if missing:
            from sphinx.util import logging
            logging.getLogger(__name__).warning(
                "[walledoff] no reading time for section(s) %s", missing, location=node)
        words = sum(c for c in counts if c)
        node.children = []
        node += nodes.Text(f"about {minutes(words)} min")
        node["title"] = f"{words:,} words at {WORDS_PER_MINUTE} words a minute"


def setup(app: Sphinx) -> dict:
    app.add_directive("unit-plans", UnitPlans)
    app.add_role("book-reading-time", reading_time_role)
    app.connect("doctree-resolved", fill_reading_times)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
