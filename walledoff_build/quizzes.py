"""Self-check quizzes and learning objectives, from ``teaching/quizzes/<chapter>.yml``.

Each story chapter has a quiz file (schema: ``teaching/quizzes/README.md``)
holding two lists: the chapter's learning objectives as checkable outcomes,
each mapped to the discussion questions, the exercise and the quiz questions
that assess it; and 6-10 questions (multiple choice or short answer), each
naming the section it tests.

:func:`load_quiz` validates a file against its chapter's source and fails
loudly, naming the file, the question (or objective) and the field. The build
validates every file before it reads a page.

On the page, the quiz is a section "Check your understanding"
(``<chapter>-quiz``), inserted before the chapter's Sources unless the
chapter places it itself with a ``{quiz}`` directive. Every question has its
own address (``<chapter>-quiz-<id>``); its answer, a one-line explanation and
a link to the section it tests sit in a closed ``<details>`` element, revealed
on demand without JavaScript. In print the closed answers are left out and an
answer key follows the questions on a page of its own.

``{book-reveal} <summary>`` is the same closed ``<details>`` for any content;
the teacher's guide uses it for answer keys and rubrics.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from walledoff_build.book import LABEL, TEACHING_DIR, load_yaml, toc_pages
from walledoff_notebook.paths import REPO_ROOT

#: Where the quiz files live, one per chapter: ``teaching/quizzes/<chapter>.yml``.
QUIZ_DIR = TEACHING_DIR / "quizzes"
#: The section title and the label suffix of every quiz.
QUIZ_TITLE = "Check your understanding"
QUIZ_SUFFIX = "quiz"
#: How many questions a chapter's quiz holds.
MIN_QUESTIONS, MAX_QUESTIONS = 6, 10
KINDS = ("choice", "short")
QUESTION_FIELDS = {"id", "kind", "section", "question", "explanation", "choices", "correct", "answer"}
OBJECTIVE_FIELDS = {"learn", "outcome", "discussion", "exercise", "quiz"}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LETTERS = "ABCDEFGH"


class QuizError(ExtensionError):
    """A quiz file that does not follow the schema; the message names file, question and field."""


def quiz_file(name: str) -> Path:
    return QUIZ_DIR / f"{name}.yml"


def quiz_chapters() -> list[str]:
    """Chapters (short names) that have a quiz file."""
    return sorted(p.stem for p in QUIZ_DIR.glob("*.yml"))


def story_chapters(confdir=REPO_ROOT) -> list[str]:
    """The pages of the table of contents' "The story" part (short names), in order."""
    toc = load_yaml(Path(confdir) / "_toc.yml")
    for part in toc.get("parts", []):
        if part.get("caption") == "The story":
            return [entry["file"].rsplit("/", 1)[-1] for entry in part.get("chapters", [])]
    return []


def _clean(text) -> str:
    return " ".join(str(text).split())


def _section_lines(source: str, label: str) -> list[str]:
    """The lines of the section labelled ``label``, up to the next label."""
    lines = source.splitlines()
    try:
        start = lines.index(f"({label})=")
    except ValueError:
        return []
    body = []
    for line in lines[start + 2:]:
        if LABEL.match(line):
            break
        body.append(line)
    return body


def _list_items(lines: list[str], bullet: re.Pattern) -> list[str]:
    """The items of the first list in ``lines`` (continuation lines joined)."""
    items: list[str] = []
    for line in lines:
        if bullet.match(line):
            items.append(bullet.sub("", line, count=1))
        elif items and line.startswith(" ") and line.strip():
            items[-1] += " " + line.strip()
        elif items and line.strip():
            break
    return [_clean(item) for item in items]


def chapter_outline(name: str, confdir=REPO_ROOT) -> dict:
    """What a quiz is checked against: the chapter's labels, objectives, questions, exercise."""
    path = Path(confdir) / "chapters" / f"{name}.md"
    source = path.read_text(encoding="utf-8") if path.exists() else ""
    return {
        "exists": path.exists(),
        "labels": set(LABEL.findall(source)),
        "learn": _list_items(_section_lines(source, f"{name}-learn"), re.compile(r"^- ")),
        "discussion": _list_items(_section_lines(source, f"{name}-discussion"), re.compile(r"^\d+\. ")),
        "exercise": f"{name}-exercise" in set(LABEL.findall(source)),
    }


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _question_problems(where: str, index: int, item, labels: set[str], seen: set[str]) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: question {index}: must be a mapping of fields"]
    qid = item.get("id")
    at = f"{where}: question {qid!r}" if _text(qid) else f"{where}: question {index}"
    found = []
    if not (isinstance(qid, str) and _ID.fullmatch(qid)):
        found.append(f"{at}, field 'id': must be lower-case letters, digits and hyphens")
    elif qid in seen:
        found.append(f"{at}, field 'id': used by another question in this file")
    seen.add(str(qid))
    for field in sorted(set(item) - QUESTION_FIELDS):
        found.append(f"{at}, field {field!r}: not a field of a question")
    for field in ("question", "explanation"):
        if not _text(item.get(field)):
            found.append(f"{at}, field {field!r}: missing or empty")
    section = item.get("section")
    if not _text(section):
        found.append(f"{at}, field 'section': missing or empty")
    elif section not in labels:
        found.append(f"{at}, field 'section': the chapter has no section labelled {section!r}")
    kind = item.get("kind")
    if kind not in KINDS:
        found.append(f"{at}, field 'kind': must be one of {', '.join(KINDS)}, not {kind!r}")
    elif kind == "choice":
        choices = item.get("choices")
        if not (isinstance(choices, list) and 3 <= len(choices) <= len(LETTERS)
                and all(_text(c) for c in choices)):
            found.append(f"{at}, field 'choices': a choice question needs 3-{len(LETTERS)} non-empty choices")
            choices = None
        correct = item.get("correct")
        if not isinstance(correct, int) or isinstance(correct, bool) or (
                choices and not 1 <= correct <= len(choices)):
            found.append(f"{at}, field 'correct': must be the number of the right choice (1 for the first)")
        if "answer" in item:
            found.append(f"{at}, field 'answer': a choice question's answer is 'correct', not 'answer'")
    else:
        if not _text(item.get("answer")):
            found.append(f"{at}, field 'answer': a short-answer question needs a model answer")
        for field in ("choices", "correct"):
            if field in item:
                found.append(f"{at}, field {field!r}: only a choice question has {field!r}")
    return found


def _objective_problems(where: str, index: int, item, outline: dict, ids: set[str]) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: objective {index}: must be a mapping of fields"]
    at = f"{where}: objective {index}" + (f" ({item['learn']!r})" if _text(item.get("learn")) else "")
    found = [f"{at}, field {field!r}: not a field of an objective"
             for field in sorted(set(item) - OBJECTIVE_FIELDS)]
    if not _text(item.get("outcome")):
        found.append(f"{at}, field 'outcome': missing or empty")
    learn = item.get("learn")
    if not _text(learn):
        found.append(f"{at}, field 'learn': missing or empty")
    else:
        matches = [i for i in outline["learn"] if _clean(learn).lower() in i.lower()]
        if len(matches) != 1:
            found.append(f"{at}, field 'learn': must match exactly one item of the chapter's "
                         f"\"What you will learn\" list, matches {len(matches)}")
    if not any(item.get(field) for field in ("discussion", "exercise", "quiz")):
        found.append(f"{at}, field 'quiz': an objective must map to a discussion question, "
                     "the exercise or a quiz question")
    discussion = item.get("discussion", [])
    if not isinstance(discussion, list) or not all(
            isinstance(n, int) and 1 <= n <= len(outline["discussion"]) for n in discussion):
        found.append(f"{at}, field 'discussion': numbers of the chapter's discussion questions "
                     f"(1-{len(outline['discussion'])})")
    if "exercise" in item and not isinstance(item["exercise"], bool):
        found.append(f"{at}, field 'exercise': true or false")
    elif item.get("exercise") and not outline["exercise"]:
        found.append(f"{at}, field 'exercise': the chapter has no exercise section")
    quiz = item.get("quiz", [])
    if not isinstance(quiz, list):
        found.append(f"{at}, field 'quiz': a list of question ids")
    else:
        found += [f"{at}, field 'quiz': no question with id {qid!r}" for qid in quiz if qid not in ids]
    return found


def quiz_problems(path: Path, confdir=REPO_ROOT) -> list[str]:
    """Every way the quiz file breaks the schema or disagrees with its chapter (empty: valid)."""
    where = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
    try:
        data = load_yaml(path)
    except Exception as error:  # a YAML syntax error is a problem like any other
        return [f"{where}: not valid YAML: {error}"]
    if not isinstance(data, dict):
        return [f"{where}: must be a mapping with 'chapter', 'objectives' and 'questions'"]
    found = [f"{where}: field {field!r}: not a field of a quiz file"
             for field in sorted(set(data) - {"chapter", "objectives", "questions"})]
    name = data.get("chapter")
    if name != path.stem:
        found.append(f"{where}: field 'chapter': must be {path.stem!r}, the file's name")
    outline = chapter_outline(path.stem, confdir)
    if not outline["exists"] or f"chapters/{path.stem}" not in toc_pages(confdir):
        return found + [f"{where}: field 'chapter': no chapter chapters/{path.stem}.md in _toc.yml"]
    questions = data.get("questions")
    if not isinstance(questions, list) or not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        found.append(f"{where}: field 'questions': a list of {MIN_QUESTIONS}-{MAX_QUESTIONS} questions")
        questions = questions if isinstance(questions, list) else []
    seen: set[str] = set()
    for index, item in enumerate(questions, 1):
        found += _question_problems(where, index, item, outline["labels"], seen)
    objectives = data.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        return found + [f"{where}: field 'objectives': a list of the chapter's learning objectives"]
    for index, item in enumerate(objectives, 1):
        found += _objective_problems(where, index, item, outline, seen)
    mapped = {i for item in objectives if isinstance(item, dict) and _text(item.get("learn"))
              for i in outline["learn"] if _clean(item["learn"]).lower() in i.lower()}
    for item in outline["learn"]:
        if item not in mapped:
            shown = item if len(item) <= 70 else item[:70] + "..."
            found.append(f"{where}: field 'objectives': no objective for the chapter's item \"{shown}\"")
    return found


def load_quiz(name: str, confdir=REPO_ROOT) -> dict:
    """A chapter's quiz file, validated; raises :class:`QuizError` naming every problem."""
    path = quiz_file(name)
    found = quiz_problems(path, confdir)
    if found:
        raise QuizError(f"quiz {path.name} is not valid ({len(found)} problem(s)):\n"
                        + "\n".join(f"  - {p}" for p in found))
    return load_yaml(path)


def question_label(name: str, qid: str) -> str:
    """The address of one question: ``<chapter>-quiz-<id>``."""
    return f"{name}-{QUIZ_SUFFIX}-{qid}"


# --- On the page --------------------------------------------------------------------

class reveal(nodes.General, nodes.Element):
    """A closed ``<details>``: its first child is the summary."""


def visit_reveal_html(self, node):
    self.body.append(self.starttag(node, "details", CLASS="book-reveal"))
    self.body.append(f"<summary>{self.encode(node['summary'])}</summary>")


def depart_reveal_html(self, node):
    self.body.append("</details>\n")


def _skip(self, node):
    pass


class BookReveal(Directive):
    """``{book-reveal} Show the answer``: the content, in a closed ``<details>`` with that summary."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"class": lambda arg: arg.split()}

    def run(self):
        node = reveal(summary=self.arguments[0], classes=self.options.get("class", []))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _answer(item: dict) -> str:
    """The answer in one line: the right choice's letter and text, or the model answer."""
    if item["kind"] == "choice":
        return f"**{LETTERS[item['correct'] - 1]}.** {_clean(item['choices'][item['correct'] - 1])}"
    return _clean(item["answer"])


def quiz_markdown(name: str, quiz: dict, title: str) -> list[str]:
    """The quiz as MyST: the questions with closed answers, then the answer key for print."""
    questions = quiz["questions"]
    lines = [f"Test yourself on this chapter: {len(questions)} questions on its evidence. Try each "
             "before opening its answer; every answer links back to the section it tests.", ""]
    for number, item in enumerate(questions, 1):
        kind = "Choose one" if item["kind"] == "choice" else "Short answer"
        lines += [f"::::{{container}} book-quiz-question", f":name: {question_label(name, item['id'])}", "",
                  f"**Question {number}** ({kind}). {_clean(item['question'])}", ""]
        if item["kind"] == "choice":
            lines += [":::{container} book-quiz-choices", ""]
            lines += [f"- **{LETTERS[i]}.** {_clean(choice)}" for i, choice in enumerate(item["choices"])]
            lines += ["", ":::", ""]
        lines += [f":::{{book-reveal}} Show the answer to question {number}", ":class: book-quiz-answer", "",
                  f"**Answer:** {_answer(item)}", "",
                  f"{_clean(item['explanation'])} Section it tests: {{ref}}`{item['section']}`.", "", ":::",
                  "::::", ""]
    lines += ["::::{container} book-quiz-key", "",
              f"**Answers to \"{QUIZ_TITLE}\": {title}**", ""]
    for number, item in enumerate(questions, 1):
        lines += [f"{number}. {_answer(item)} {_clean(item['explanation'])} "
                  f"(Section: {{ref}}`{item['section']}`.)"]
    return lines + ["", "::::", ""]


class Quiz(Directive):
    """``{quiz}``: the body of the chapter's quiz section, from ``teaching/quizzes/<chapter>.yml``.

    The section itself (label ``<chapter>-quiz``, heading :data:`QUIZ_TITLE`) comes from
    the chapter's source or from :func:`insert_marker`.
    """

    has_content = False
    optional_arguments = 1

    def run(self):
        env = self.state.document.settings.env
        name = self.arguments[0] if self.arguments else env.docname.rsplit("/", 1)[-1]
        env.note_dependency(str(quiz_file(name)))
        quiz = load_quiz(name, env.app.confdir)
        first = next(iter(self.state.document.findall(nodes.title)), None)
        title = first.astext() if first is not None else name
        container = nodes.container(classes=["book-quiz"])
        self.state.nested_parse(StringList(quiz_markdown(name, quiz, title), source=str(quiz_file(name))),
                                0, container)
        return [container]


def marker(name: str) -> str:
    """The quiz section as a chapter writes it: its label, its heading and the directive."""
    return f"({name}-{QUIZ_SUFFIX})=\n## {QUIZ_TITLE}\n\n```{{quiz}} {name}\n```\n\n"


def insert_marker(name: str, source: str) -> str:
    """The chapter's source with its quiz section before its Sources (unless it places one)."""
    if re.search(r"^```\{quiz\}", source, re.M):
        return source
    sources = f"({name}-sources)=\n"
    if sources in source:
        return source.replace(sources, marker(name) + sources, 1)
    return source.rstrip("\n") + "\n\n" + marker(name)


def _insert_quiz(app: Sphinx, docname: str, source: list[str]) -> None:
    name = docname.rsplit("/", 1)[-1]
    if docname.startswith("chapters/") and quiz_file(name).exists():
        source[0] = insert_marker(name, source[0])


def _validate_all(app: Sphinx, env, docnames) -> None:
    """Every quiz file is checked before any page is read: a bad one stops the build."""
    found = [p for name in quiz_chapters() for p in quiz_problems(quiz_file(name), app.confdir)]
    if found:
        raise QuizError(f"teaching/quizzes is not valid ({len(found)} problem(s)):\n"
                        + "\n".join(f"  - {p}" for p in found))


def _quiz_css(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and next(iter(doctree.findall(reveal)), None) is not None:
        app.add_css_file("book-quiz.css")


def setup(app: Sphinx) -> dict:
    app.add_node(reveal, html=(visit_reveal_html, depart_reveal_html),
                 latex=(_skip, _skip), text=(_skip, _skip), man=(_skip, _skip), texinfo=(_skip, _skip))
    app.add_directive("book-reveal", BookReveal)
    app.add_directive("quiz", Quiz)
    app.connect("source-read", _insert_quiz)
    app.connect("env-before-read-docs", _validate_all)
    app.connect("html-page-context", _quiz_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
