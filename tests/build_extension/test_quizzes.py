"""Self-check quizzes, the objectives map and the assignments' rubrics (walledoff_build.quizzes, .guide).

Without a build: every story chapter has a quiz that follows the schema
(teaching/quizzes/README.md), a broken file fails with a message naming the
file, the question or objective and the field, every "What you will learn"
item is mapped, and every assignment has a complete answer key and rubric.
On the built book: every question's address and the section it tests exist on
the page, answers are closed ``<details>`` (readable without JavaScript),
print moves them to an answer key on its own page, and the teacher's guide
shows the objectives map and the collapsed rubrics.
"""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from conftest import REPO, soup
from walledoff_build import guide, quizzes
from walledoff_build.guide import assignment_ids, load_classes, load_rubrics, rubric_problems
from walledoff_build.quizzes import (LETTERS, QuizError, chapter_outline, load_quiz, question_label,
                                     quiz_chapters, quiz_file, quiz_problems, story_chapters)
from walledoff_notebook import claims, load

STORY = story_chapters()
QUIZZES = quiz_chapters()


def words(node) -> str:
    return " ".join(node.get_text().split()).translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))


def plain(markup: str) -> str:
    """YAML text as it reads on the page (MyST backticks and emphasis gone, quotes straight)."""
    return " ".join(re.sub(r"[`*]", "", markup).split())


# --- The files -----------------------------------------------------------------------

def test_every_story_chapter_has_a_quiz():
    assert STORY, "_toc.yml has no part captioned 'The story'"
    missing = [name for name in STORY if not quiz_file(name).exists()]
    assert not missing, f"story chapters without teaching/quizzes/<name>.yml: {missing}"


@pytest.mark.parametrize("name", QUIZZES)
def test_quiz_follows_the_schema(name):
    assert quiz_problems(quiz_file(name)) == []
    quiz = load_quiz(name)
    assert quizzes.MIN_QUESTIONS <= len(quiz["questions"]) <= quizzes.MAX_QUESTIONS
    kinds = {item["kind"] for item in quiz["questions"]}
    assert kinds == {"choice", "short"}, f"{name}: use both multiple choice and short answer"


@pytest.mark.parametrize("name", QUIZZES)
def test_every_learning_objective_is_a_mapped_outcome(name):
    """Each "What you will learn" item has an objective, and each objective is assessed."""
    outline = chapter_outline(name)
    quiz = load_quiz(name)
    assert outline["learn"], f"{name}: no 'What you will learn' list found"
    for item in outline["learn"]:
        owners = [o for o in quiz["objectives"] if o["learn"].lower() in item.lower()]
        assert len(owners) == 1, f"{name}: {item[:60]!r} has {len(owners)} objectives"
    ids = {q["id"] for q in quiz["questions"]}
    for objective in quiz["objectives"]:
        assert objective.get("discussion") or objective.get("exercise") or objective.get("quiz")
        assert set(objective.get("quiz", [])) <= ids
        assert all(1 <= n <= len(outline["discussion"]) for n in objective.get("discussion", []))
    used = {qid for o in quiz["objectives"] for qid in o.get("quiz", [])}
    assert used == ids, f"{name}: questions assessing no objective: {sorted(ids - used)}"


# A valid file, then one break at a time, and the exact message each break must give.
BREAKS = [
    ("section label that does not exist",
     lambda q: q["questions"][2].update(section="texas-oracel"),
     "question 'oracle-code', field 'section': the chapter has no section labelled 'texas-oracel'"),
    ("correct choice out of range",
     lambda q: q["questions"][0].update(correct=4),
     "question 'chew-letter', field 'correct': must be the number of the right choice (1 for the first)"),
    ("unknown kind",
     lambda q: q["questions"][0].update(kind="essay"),
     "question 'chew-letter', field 'kind': must be one of choice, short, not 'essay'"),
    ("missing explanation",
     lambda q: q["questions"][1].pop("explanation"),
     "question 'usds-board', field 'explanation': missing or empty"),
    ("duplicate id",
     lambda q: (q["questions"][1].update(id="chew-letter"), q["objectives"][1]["quiz"].remove("usds-board")),
     "question 'chew-letter', field 'id': used by another question in this file"),
    ("short answer without a model answer",
     lambda q: q["questions"][3].pop("answer"),
     "question 'public-content', field 'answer': a short-answer question needs a model answer"),
    ("short answer with choices",
     lambda q: q["questions"][3].update(choices=["a", "b", "c"]),
     "question 'public-content', field 'choices': only a choice question has 'choices'"),
    ("too few choices",
     lambda q: q["questions"][0].update(choices=["a", "b"]),
     "question 'chew-letter', field 'choices': a choice question needs 3-8 non-empty choices"),
    ("unknown field",
     lambda q: q["questions"][0].update(hint="think"),
     "question 'chew-letter', field 'hint': not a field of a question"),
    ("objective naming an unknown question",
     lambda q: q["objectives"][0].update(quiz=["chew"]),
     "objective 1 ('why TikTok needed a US data plan'), field 'quiz': no question with id 'chew'"),
    ("objective matching no learning item",
     lambda q: q["objectives"][0].update(learn="why Oracle"),
     "objective 1 ('why Oracle'), field 'learn': must match exactly one item of the chapter's "
     "\"What you will learn\" list, matches 0"),
    ("discussion question that does not exist",
     lambda q: q["objectives"][1].update(discussion=[9]),
     "objective 2 ('what Project Texas promised, piece by piece'), field 'discussion': numbers of "
     "the chapter's discussion questions (1-4)"),
    ("objective assessed by nothing",
     lambda q: q["objectives"][0].pop("quiz"),
     "objective 1 ('why TikTok needed a US data plan'), field 'quiz': an objective must map to a "
     "discussion question, the exercise or a quiz question"),
    ("learning item left without an objective",
     lambda q: q["objectives"].pop(),
     "field 'objectives': no objective for the chapter's item \"How the plan's pieces reappear in "
     "the 2026 US joint venture.\""),
    ("too few questions",
     lambda q: (q.update(questions=q["questions"][:5]), q["objectives"][1].update(quiz=["usds-board"]),
                q["objectives"][3].update(quiz=[]), q["objectives"][4].update(quiz=[])),
     "field 'questions': a list of 6-10 questions"),
    ("wrong chapter name",
     lambda q: q.update(chapter="clover"),
     "field 'chapter': must be 'texas', the file's name"),
]


@pytest.mark.parametrize("label, break_it, message", BREAKS, ids=[b[0] for b in BREAKS])
def test_a_broken_quiz_fails_naming_file_question_and_field(tmp_path, label, break_it, message):
    data = copy.deepcopy(yaml.safe_load(quiz_file("texas").read_text(encoding="utf-8")))
    break_it(data)
    path = tmp_path / "texas.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = quiz_problems(path, REPO)
    assert f"{path}: {message}" in found, "\n".join(found)
    # an objective that matches no item also leaves that item unmapped: two messages
    assert len(found) == (2 if label == "objective matching no learning item" else 1), "\n".join(found)


def test_load_quiz_raises_with_every_problem(tmp_path, monkeypatch):
    data = yaml.safe_load(quiz_file("texas").read_text(encoding="utf-8"))
    data["questions"][0]["section"] = "nowhere"
    data["questions"][1]["kind"] = "poll"
    (tmp_path / "texas.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(quizzes, "QUIZ_DIR", tmp_path)
    with pytest.raises(QuizError) as error:
        load_quiz("texas")
    text = str(error.value)
    assert "quiz texas.yml is not valid (2 problem(s))" in text
    assert "question 'chew-letter', field 'section'" in text and "question 'usds-board', field 'kind'" in text


def test_a_quiz_for_a_chapter_not_in_the_book_fails(tmp_path):
    path = tmp_path / "nochapter.yml"
    path.write_text("chapter: nochapter\nobjectives: []\nquestions: []\n", encoding="utf-8")
    assert quiz_problems(path, REPO) == [
        f"{path}: field 'chapter': no chapter chapters/nochapter.md in _toc.yml"]


# --- Rubrics -------------------------------------------------------------------------

def test_every_assignment_has_a_complete_rubric():
    classes = load_classes()
    ids = assignment_ids(classes)
    assert len(ids) == len(set(ids)), "assignment ids must be unique"
    assert rubric_problems(classes) == []
    rubrics = load_rubrics(classes)
    assert set(rubrics) == set(ids)
    for ident in ids:
        assert all(rubrics[ident][field].strip() for field in ("key", "strong", "adequate", "weak"))


def test_a_missing_or_incomplete_rubric_is_named(tmp_path, monkeypatch):
    rubrics = yaml.safe_load(guide.RUBRICS_FILE.read_text(encoding="utf-8"))
    del rubrics["rubrics"]["texas-money"]
    rubrics["rubrics"]["bans-polls"].pop("weak")
    rubrics["rubrics"]["no-such-task"] = {"key": "k", "strong": "s", "adequate": "a", "weak": "w"}
    path = tmp_path / "rubrics.yml"
    path.write_text(yaml.safe_dump(rubrics, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(guide, "RUBRICS_FILE", path)
    assert sorted(rubric_problems()) == sorted([
        "teaching/rubrics.yml: assignment 'texas-money' (teaching/classes.yml) has no answer key and rubric",
        "teaching/rubrics.yml: assignment 'bans-polls', field 'weak': missing or empty",
        "teaching/rubrics.yml: assignment 'no-such-task': no assignment with this id in teaching/classes.yml",
    ])
    with pytest.raises(ValueError, match=r"rubrics.yml is not valid \(3 problem\(s\)\)"):
        load_rubrics()


def test_class_plans_hold_no_internal_notes():
    text = (REPO / "teaching" / "classes.yml").read_text(encoding="utf-8")
    assert "/work/" not in text and "research/" not in text


def test_answer_keys_agree_with_the_data():
    """The few results the keys state in words still hold for the data."""
    texas = claims("texas")["status"].value_counts()
    assert texas.idxmax() == "company-statement" and texas["company-statement"] > texas["documented"]
    fines = load("regulatory_actions").dropna(subset=["amount_eur"])
    assert fines.groupby("authority", observed=True)["amount_eur"].sum().idxmax() == "Irish Data Protection Commission"
    commerce = load("commerce")
    groups = commerce.groupby(["platform", "market", "year", "metric"], observed=True).size()
    assert set(groups[groups > 1].index) == {
        ("Douyin", "China", 2022, "GMV"), ("Douyin", "China", 2023, "GMV"),
        ("Douyin", "China", 2024, "GMV target"),
        ("TikTok Shop", "United States", 2024, "GMV"), ("TikTok Shop", "United States", 2024, "sellers"),
        ("TikTok Shop", "United States", 2025, "GMV"), ("TikTok Shop", "United States", 2025, "weekly GMV"),
        ("TikTok Shop", "Global", 2024, "GMV")}
    bans = load("bans")
    per_year = bans.groupby(bans["announced"].dt.year).size()
    assert per_year.idxmax() == 2023


# --- The built book ------------------------------------------------------------------

def _answer_text(item: dict) -> str:
    if item["kind"] == "choice":
        return plain(item["choices"][item["correct"] - 1])
    return plain(item["answer"])


@pytest.mark.book
@pytest.mark.parametrize("name", QUIZZES)
def test_every_question_is_on_the_page_with_the_section_it_tests(site, name):
    page = soup(site, f"chapters/{name}.html")
    ids = {tag["id"] for tag in page.select("[id]")}
    section = page.select_one(f"section#{name}-quiz")
    assert section is not None, f"{name}: no section #{name}-quiz"
    assert section.find("h2").get_text().startswith(quizzes.QUIZ_TITLE)
    sources = page.select_one(f"section#{name}-sources")
    assert sources is not None and section.sourceline < sources.sourceline, "the quiz comes before Sources"
    quiz = load_quiz(name)
    questions = section.select(".book-quiz-question")
    assert len(questions) == len(quiz["questions"])
    for node, item in zip(questions, quiz["questions"]):
        assert node["id"] == question_label(name, item["id"])
        assert item["section"] in ids, f"{name}: question {item['id']} tests #{item['section']}, not on the page"
        links = [a["href"] for a in node.select("details a.reference.internal")]
        assert f"#{item['section']}" in links, f"{name}: question {item['id']} does not link its section"
        if item["kind"] == "choice":
            choices = node.select(".book-quiz-choices li")
            assert [words(c) for c in choices] == [f"{LETTERS[i]}. {plain(c)}" for i, c in enumerate(item["choices"])]


@pytest.mark.book
@pytest.mark.parametrize("name", QUIZZES)
def test_answers_are_closed_details_and_print_on_their_own_page(site, name):
    """Hidden until opened, with no script needed; in print, an answer key after the questions."""
    page = soup(site, f"chapters/{name}.html")
    quiz = load_quiz(name)
    section = page.select_one(f"section#{name}-quiz")
    for node, item in zip(section.select(".book-quiz-question"), quiz["questions"]):
        answers = node.select("details.book-quiz-answer")
        assert len(answers) == 1 and not answers[0].has_attr("open"), f"{name}: {item['id']} answer not closed"
        assert answers[0].find("summary").get_text().startswith("Show the answer")
        assert _answer_text(item) in words(answers[0]), f"{name}: {item['id']}: answer missing from <details>"
        assert plain(item["explanation"]) in words(answers[0])
        visible = node.__copy__()
        for details in visible.select("details"):
            details.decompose()
        if item["kind"] == "short":
            assert _answer_text(item) not in words(visible), f"{name}: {item['id']}: answer shown outside <details>"
    key = section.select_one(".book-quiz-key")
    assert key is not None and len(key.select("ol > li")) == len(quiz["questions"])
    assert not section.select("script")
    stylesheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert any(href.split("?")[0].endswith("book-quiz.css") for href in stylesheets)


def test_quiz_styles_hide_the_key_on_screen_and_break_the_page_in_print():
    css = (REPO / "walledoff_build" / "static" / "book-quiz.css").read_text(encoding="utf-8")
    screen, _, printed = css.partition("@media print")
    assert re.search(r"\.book-quiz-key\s*\{\s*display:\s*none", screen)
    assert re.search(r"details\.book-quiz-answer\s*\{\s*display:\s*none", printed)
    assert re.search(r"\.book-quiz-key\s*\{[^}]*display:\s*block[^}]*break-before:\s*page", printed)


@pytest.mark.book
def test_answers_open_without_javascript_and_print_as_a_key(site, server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/chapters/texas.html#texas-quiz")
    first = load_quiz("texas")["questions"][0]
    question = page.locator(f"#{question_label('texas', first['id'])}")
    answer = question.locator("details.book-quiz-answer")
    assert not answer.locator("p").first.is_visible(), "the answer shows before it is opened"
    answer.locator("summary").click()
    assert answer.locator("p").first.is_visible(), "the answer does not open without JavaScript"
    assert page.locator("#texas-quiz .book-quiz-key").is_hidden()
    page.emulate_media(media="print")
    assert page.locator("#texas-quiz .book-quiz-key").is_visible()
    assert answer.is_hidden()
    context.close()


@pytest.mark.book
def test_the_guide_maps_objectives_and_collapses_rubrics(site):
    page = soup(site, "chapters/teachers-guide.html")
    rubrics = load_rubrics()
    classes = load_classes()
    for name in QUIZZES:
        section = page.select_one(f"section#{name}-guide")
        assert section is not None, name
        table = next((t for t in section.select("table") if "Checked by" in words(t)), None)
        assert table is not None, f"{name}: no objectives map in the guide"
        rows = table.select("tbody tr")
        quiz = load_quiz(name)
        assert len(rows) == len(quiz["objectives"])
        for row, objective in zip(rows, quiz["objectives"]):
            assert plain(objective["outcome"]) in words(row)
            hrefs = [a["href"] for a in row.select("td")[1].select("a.reference.internal")
                     if not a["href"].startswith("glossary.html")]
            expected = len(objective.get("discussion", [])) + bool(objective.get("exercise")) + len(objective.get("quiz", []))
            assert len(hrefs) == expected, f"{name}: {objective['learn']!r}"
            for href in hrefs:
                target, _, anchor = href.partition("#")
                assert target == f"{name}.html", href
                assert soup(site, f"chapters/{target}").find(id=anchor) is not None, f"{href} does not resolve"
        blocks = section.select("details.book-rubric")
        assignments = classes[name]["assignments"]
        assert len(blocks) == len(assignments), f"{name}: one rubric per assignment"
        for block, item in zip(blocks, assignments):
            assert not block.has_attr("open"), "rubrics are collapsed"
            text = words(block)
            for label in ("Answer key.", "Strong:", "Adequate:", "Weak:"):
                assert label in text
            assert plain(rubrics[item["id"]]["weak"]) in text


@pytest.mark.parametrize("name", QUIZZES)
def test_quiz_abbreviations_are_defined_or_allowed(name):
    """A quiz prints on its chapter's page, so its abbreviations follow the chapter's rule."""
    from test_glossary import ACRONYM, glossary_forms

    allowed = yaml.safe_load((REPO / "teaching" / "acronyms-allowed.yml").read_text(encoding="utf-8"))
    text = re.sub(r"`[^`]*`", "", quiz_file(name).read_text(encoding="utf-8").split("\nquestions:", 1)[1])
    missing = sorted(set(ACRONYM.findall(text)) - glossary_forms() - set(allowed))
    assert not missing, f"teaching/quizzes/{name}.yml: {missing} are neither in teaching/glossary.yml nor allowed"


@pytest.mark.book
def test_printed_answers_are_on_a_page_of_their_own(pdf_build):
    """In the PDF, each chapter's answer key starts a page, and the question pages hold no answers."""
    from pypdf import PdfReader

    ligatures = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "’": "'"})
    pages = [" ".join(page.extract_text().translate(ligatures).split()) for page in PdfReader(pdf_build).pages]
    for name in QUIZZES:
        quiz = load_quiz(name)
        heading = f"Answers to “{quizzes.QUIZ_TITLE}”:"  # the page's first words
        starts = [i for i, text in enumerate(pages) if text.startswith(heading)
                  and "1. " in text and plain(quiz["questions"][0]["explanation"])[:40] in text]
        assert len(starts) == 1, f"{name}: no page that opens with its answer key"
        before = pages[starts[0] - 1]
        last = plain(quiz["questions"][-1]["question"])[-40:]
        assert f"Question {len(quiz['questions'])}" in before or last in before, (
            f"{name}: the answer key does not follow the questions")
        assert plain(quiz["questions"][-1]["explanation"])[:40] not in before, f"{name}: answers printed with the questions"
