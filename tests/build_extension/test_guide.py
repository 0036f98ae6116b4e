"""The teacher's guide is assembled from the chapters' own sections (walledoff_build.guide)."""

from __future__ import annotations

import pytest

from conftest import REPO, TEACHING_CHAPTERS, soup
from walledoff_build.guide import load_classes

STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def words(node) -> str:
    return " ".join(node.get_text().split()).translate(STRAIGHT)


def test_every_teaching_chapter_has_a_class_plan():
    plans = load_classes()
    assert TEACHING_CHAPTERS, "no chapter has learning objectives, questions and an exercise"
    for page in TEACHING_CHAPTERS:
        name = page.rsplit("/", 1)[-1]
        assert name in plans, f"teaching/classes.yml has no plan for {name}"
        assert plans[name].get("assignments"), name
        for item in plans[name]["assignments"]:
            for path in item["data"]:
                assert (REPO / path).exists(), f"{name}: {path} does not exist"


@pytest.mark.book
@pytest.mark.parametrize("page", TEACHING_CHAPTERS)
def test_teachers_guide_copies_the_chapters_own_sections(site, page):
    """Objectives, questions and exercise read in the guide exactly as in the chapter."""
    name = page.rsplit("/", 1)[-1]
    guide = soup(site, "chapters/teachers-guide.html")
    chapter = soup(site, f"{page}.html")
    section = guide.select_one(f"section#{name}-guide")
    assert section is not None, f"no guide section for {page}"
    text = words(section)
    for kind in ("learn", "discussion"):
        items = chapter.select(f"section#{name}-{kind} li")
        assert items, f"{page}: no list in #{name}-{kind}"
        for item in items:
            assert words(item) in text, f"{page}: {words(item)[:60]!r} is not in the guide"
    exercise = chapter.select_one(f"section#{name}-exercise")
    first = exercise.find("p")
    assert words(first) in text
    assert f"about {load_classes()[name]['minutes']} minutes" in text
    assert len(section.select("ol li")) >= 3
    answers = section.select(".cell.tag_hide-cell details")
    assert answers and not any(a.has_attr("open") for a in answers), "the worked answer must be collapsed"
    assert not section.select(".cell_output"), "the guide shows the answer's code, not its outputs"
    assert "Suggested assignments" in text


@pytest.mark.book
def test_guide_links_point_at_the_chapters_not_at_itself(site):
    """A link copied from a chapter ("see the section below") must still reach the chapter."""
    guide = soup(site, "chapters/teachers-guide.html")
    own_ids = {tag["id"] for tag in guide.select("[id]")}
    for link in guide.select("section[id$='-guide'] a.reference.internal[href^='#']"):
        assert link["href"][1:] in own_ids, f"the guide links to #{link['href'][1:]}, not on the guide"


@pytest.mark.book
def test_worked_answers_are_collapsed_in_the_chapters(site):
    """Students see a worked answer only by opening it."""
    for page in TEACHING_CHAPTERS:
        doc = soup(site, f"{page}.html")
        hidden = doc.select(".cell.tag_hide-cell")
        assert hidden, f"{page}: no collapsed worked answer"
