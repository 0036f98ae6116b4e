"""The teacher's guide, assembled from the chapters' own parsed sections.

``{teaching-guide}`` writes, for every notebook chapter in ``_toc.yml``, its
class time, note and assignments from ``teaching/classes.yml``, and copies
three sections from the chapter's parsed document (not from its source text):
"What you will learn" (``<chapter>-learn``), "Discussion questions"
(``<chapter>-discussion``) and the exercise (``<chapter>-exercise``), with the
worked answer collapsed as it is in the chapter. After the objectives comes the
chapter's objectives map (each outcome and the discussion questions, exercise
and quiz questions that assess it, from ``teaching/quizzes/<chapter>.yml``),
and under each assignment its answer key and rubric (strong, adequate, weak),
collapsed, from ``teaching/rubrics.yml``; every assignment id must have one.
Numbers glued in a chapter,
its citations and its charts therefore appear in the guide exactly as in the
chapter. The guide page is read after every chapter, and again whenever a
chapter or the class plans change. Each story chapter's entry links its
two-page handout (``make handouts``, ``scripts/build_handouts.py``).

sphinx-exercise numbers and hides exercises but does not collect them from
other pages into one; hence this module.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from walledoff_build.book import (CLASSES_FILE, TEACHING_DIR, chapter_numbers, is_notebook,
                                  load_yaml, toc_pages)
from walledoff_build.quizzes import load_quiz, question_label, quiz_file
from walledoff_build.urls import site_relative
from walledoff_notebook.paths import REPO_ROOT

#: Where ``make handouts`` (scripts/build_handouts.py) puts each chapter's handout in the site.
HANDOUT_DIR = "handouts"
#: The chapters that have a handout: the story part of ``_toc.yml``.
HANDOUT_CHAPTERS = {page.rsplit("/", 1)[-1] for page in chapter_numbers(REPO_ROOT)}


def handout_name(chapter: str) -> str:
    """``law.pdf``: a chapter's handout in ``_build/handouts/`` and the site's ``handouts/``."""
    return f"{chapter}.pdf"

logger = logging.getLogger(__name__)

#: The page that holds the guide (read after every chapter).
GUIDE_PAGE = "chapters/teachers-guide"
#: Sections the guide takes from each chapter: label suffix -> the guide's heading.
GUIDE_PARTS = {"learn": "Learning objectives", "discussion": "Discussion questions",
               "exercise": None}  # None: the chapter's own exercise heading
#: Answer keys and rubrics, one per assignment id in ``teaching/classes.yml``.
RUBRICS_FILE = TEACHING_DIR / "rubrics.yml"
RUBRIC_FIELDS = {"key": "Answer key", "strong": "Strong", "adequate": "Adequate", "weak": "Weak"}


def load_classes() -> dict:
    """``teaching/classes.yml``: per chapter, class minutes and assignments; validated."""
    chapters = load_yaml(CLASSES_FILE).get("chapters", {})
    problems, seen = [], set()
    for name, plan in chapters.items():
        minutes = plan.get("minutes")
        if not isinstance(minutes, int) or not 10 <= minutes <= 600:
            problems.append(f"{name}: minutes must be a whole number of minutes (10-600)")
        for index, item in enumerate(plan.get("assignments", [])):
            if not str(item.get("task", "")).strip() or not item.get("data"):
                problems.append(f"{name}: assignment {index + 1} needs 'task' and 'data'")
            ident = item.get("id")
            if not isinstance(ident, str) or not ident.startswith(f"{name}-"):
                problems.append(f"{name}: assignment {index + 1} needs an 'id' starting {name + '-'!r}")
            elif ident in seen:
                problems.append(f"{name}: assignment id {ident!r} is used twice")
            seen.add(ident)
    if problems:
        raise ValueError(f"{CLASSES_FILE.name}: " + "; ".join(problems))
    return chapters


def assignment_ids(classes: dict | None = None) -> list[str]:
    """Every assignment id in ``teaching/classes.yml``, in order."""
    classes = load_classes() if classes is None else classes
    return [item["id"] for plan in classes.values() for item in plan.get("assignments", [])]


def rubric_problems(classes: dict | None = None) -> list[str]:
    """Every way ``teaching/rubrics.yml`` falls short of one complete entry per assignment."""
    where = f"teaching/{RUBRICS_FILE.name}"
    rubrics = (load_yaml(RUBRICS_FILE) if RUBRICS_FILE.exists() else {}).get("rubrics") or {}
    ids = assignment_ids(classes)
    found = [f"{where}: assignment {ident!r} (teaching/classes.yml) has no answer key and rubric"
             for ident in ids if ident not in rubrics]
    for ident, entry in rubrics.items():
        if ident not in ids:
            found.append(f"{where}: assignment {ident!r}: no assignment with this id in teaching/classes.yml")
            continue
        if not isinstance(entry, dict):
            found.append(f"{where}: assignment {ident!r}: must be a mapping of {', '.join(RUBRIC_FIELDS)}")
            continue
        for field in RUBRIC_FIELDS:
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                found.append(f"{where}: assignment {ident!r}, field {field!r}: missing or empty")
        for field in sorted(set(entry) - set(RUBRIC_FIELDS)):
            found.append(f"{where}: assignment {ident!r}, field {field!r}: not a field of a rubric")
    return found


def load_rubrics(classes: dict | None = None) -> dict:
    """``teaching/rubrics.yml``: per assignment id, its answer key and rubric; validated."""
    found = rubric_problems(classes)
    if found:
        raise ValueError(f"{RUBRICS_FILE.name} is not valid ({len(found)} problem(s)):\n"
                         + "\n".join(f"  - {p}" for p in found))
    return load_yaml(RUBRICS_FILE)["rubrics"]


def chapter_section(doctree, page: str, kind: str) -> nodes.section | None:
    """The chapter's section labelled ``<chapter>-<kind>`` (e.g. ``texas-learn``)."""
    wanted = f"{page.rsplit('/', 1)[-1]}-{kind}"
    for section in doctree.findall(nodes.section):
        if wanted in section["ids"] or wanted in section["names"]:
            return section
    return None


def _detached(node: nodes.Element, guide: str) -> nodes.Element:
    """A copy of a chapter's node that belongs to the guide: no ids of its own, links resolved here.

    Cell outputs are left out (the worked answer's code is what the teacher
    needs; its chart and table are a click away in the chapter).
    """
    copy = node.deepcopy()
    for output in [n for n in copy.findall(nodes.container) if "cell_output" in n.get("classes", [])]:
        output.parent.remove(output)
    for element in copy.findall(nodes.Element):
        for attribute in ("ids", "names", "dupnames"):
            if element.get(attribute):
                element[attribute] = []
        if isinstance(element, addnodes.pending_xref):
            element["refdoc"] = guide
    return copy


def section_body(section: nodes.section, guide: str) -> list[nodes.Node]:
    """Everything in a section but its title, copied for the guide."""
    return [_detached(child, guide) for child in section.children
            if not isinstance(child, nodes.title)]


def guide_chapters(env) -> list[str]:
    """Notebook chapters in the table of contents, in order."""
    return [page for page in toc_pages(env.srcdir)
            if page != env.docname and is_notebook(Path(env.srcdir) / f"{page}.md")]


def _plan_lines(name: str, page: str, plan: dict, title: str) -> list[str]:
    minutes = (f"Class time: about **{plan['minutes']} minutes**." if plan.get("minutes")
               else "Class time: not yet planned (add it to `teaching/classes.yml`).")
    lines = [f"({name}-guide)=", f"## {title}", "", f"Chapter: {{doc}}`/{page}`. {minutes}", ""]
    if name in HANDOUT_CHAPTERS:
        href = site_relative(GUIDE_PAGE, f"{HANDOUT_DIR}/{handout_name(name)}")
        lines += [f'Handout: <a class="book-handout" href="{href}" download="{handout_name(name)}" '
                  f'type="application/pdf">two printed pages ({handout_name(name)})</a>: the summary, '
                  f'the lead chart, the key takeaways, the discussion questions and the citation.', ""]
    if plan.get("note"):
        lines += [" ".join(str(plan["note"]).split()), ""]
    return lines


def _clean(text) -> str:
    return " ".join(str(text).split())


def _rubric_lines(entry: dict, number: int) -> list[str]:
    """An assignment's answer key and rubric, collapsed, indented to sit in its list item."""
    lines = [f":::{{book-reveal}} Answer key and rubric for assignment {number}", ":class: book-rubric", "",
             f"**{RUBRIC_FIELDS['key']}.** {_clean(entry['key'])}", ""]
    lines += [f"- **{RUBRIC_FIELDS[level]}:** {_clean(entry[level])}" for level in ("strong", "adequate", "weak")]
    return ["   " + line if line else "" for line in lines + ["", ":::"]]


def _assignment_lines(plan: dict, rubrics: dict) -> list[str]:
    if not plan.get("assignments"):
        return []
    lines = ["### Suggested assignments", ""]
    for n, a in enumerate(plan["assignments"], 1):
        lines += [f"{n}. {_clean(a['task'])} (data: " + ", ".join(f"`{d}`" for d in a["data"]) + ")", ""]
        lines += _rubric_lines(rubrics[a["id"]], n) + [""]
    return lines


def _objective_checks(name: str, objective: dict, numbers: dict[str, int]) -> str:
    """What assesses one objective, as links to the chapter's questions, exercise and quiz."""
    checks = [f"{{ref}}`discussion question {n} <{name}-discussion>`" for n in objective.get("discussion", [])]
    if objective.get("exercise"):
        checks.append(f"{{ref}}`the exercise <{name}-exercise>`")
    checks += [f"{{ref}}`quiz question {numbers[qid]} <{question_label(name, qid)}>`"
               for qid in objective.get("quiz", [])]
    return "; ".join(checks)


def _objectives_lines(name: str) -> list[str]:
    """The objectives map: each outcome and what assesses it (from ``teaching/quizzes/<name>.yml``)."""
    if not quiz_file(name).exists():
        return []
    quiz = load_quiz(name)
    numbers = {item["id"]: n for n, item in enumerate(quiz["questions"], 1)}
    lines = ["### Objectives and how they are checked", "",
             f"Each objective as an outcome a student can show, and the chapter's discussion questions, "
             f"exercise and {{ref}}`self-check quiz <{name}-quiz>` questions that assess it "
             f"(from `teaching/quizzes/{name}.yml`).", "",
             "| The student can | Checked by |", "| --- | --- |"]
    lines += [f"| {_clean(o['outcome'])} | {_objective_checks(name, o, numbers)} |" for o in quiz["objectives"]]
    return lines + [""]


def guide_markdown(env) -> str:
    """The guide as MyST: per chapter, its plan and ``{guide-copy}`` of its three sections."""
    classes = load_classes()
    rubrics = load_rubrics(classes)
    out = []
    for page in guide_chapters(env):
        try:
            doctree = env.get_doctree(page)
        except FileNotFoundError:
            logger.warning("[walledoff] the teacher's guide cannot include %s: it was not read", page)
            continue
        if not all(chapter_section(doctree, page, kind) for kind in GUIDE_PARTS):
            continue
        name = page.rsplit("/", 1)[-1]
        out += _plan_lines(name, page, classes.get(name, {}), env.titles[page].astext())
        for kind, heading in GUIDE_PARTS.items():
            title = heading or chapter_section(doctree, page, kind).next_node(nodes.title).astext()
            out += [f"### {title}", "", f"```{{guide-copy}} {page} {kind}", "```", ""]
            if kind == "learn":
                out += _objectives_lines(name)
        out += _assignment_lines(classes.get(name, {}), rubrics)
    return "\n".join(out)


class TeachingGuide(Directive):
    """Insert the teacher's guide for every chapter in the table of contents."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(CLASSES_FILE))
        env.note_dependency(str(RUBRICS_FILE))
        for page in guide_chapters(env):
            env.note_dependency(str(Path(env.srcdir) / f"{page}.md"))
        container = nodes.container(classes=["book-teaching-guide"])
        self.state.nested_parse(StringList(guide_markdown(env).splitlines(), source="teaching guide"),
                                0, container, match_titles=True)
        return container.children


class GuideCopy(Directive):
    """``{guide-copy} chapters/texas learn``: the body of that chapter's section, copied."""

    required_arguments = 2
    option_spec = {"class": directives.class_option}

    def run(self):
        env = self.state.document.settings.env
        page, kind = self.arguments
        section = chapter_section(env.get_doctree(page), page, kind)
        if section is None:
            return [self.state.document.reporter.warning(
                f"{page} has no section labelled {page.rsplit('/', 1)[-1]}-{kind}", line=self.lineno)]
        return section_body(section, env.docname)


def _read_guide_last(app: Sphinx, env, docnames: list[str]) -> None:
    """Read the guide after the chapters it copies from."""
    if GUIDE_PAGE in docnames:
        docnames.remove(GUIDE_PAGE)
        docnames.append(GUIDE_PAGE)


def setup(app: Sphinx) -> dict:
    app.add_directive("teaching-guide", TeachingGuide)
    app.add_directive("guide-copy", GuideCopy)
    app.connect("env-before-read-docs", _read_guide_last)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
