"""Unit plans, reading times and figure numbers (walledoff_build.unitplans, .reading, .figures)."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import REPO, soup
from walledoff_build.book import chapter_numbers
from walledoff_build.reading import WORDS_PER_MINUTE, minutes
from walledoff_build.unitplans import book_figures, book_labels, load_plans, passage_ids

PLANS = load_plans()


def test_three_plans_one_two_and_four_weeks():
    assert [p["id"] for p in PLANS] == ["one-week", "two-weeks", "four-weeks"]
    for plan, weeks in zip(PLANS, (1, 2, 4)):
        assert {s["week"] for s in plan["sessions"]} == set(range(1, weeks + 1)), plan["id"]


def test_every_label_figure_and_passage_in_the_plans_exists():
    labels, figures, passages = book_labels(), book_figures(), passage_ids()
    for plan in PLANS:
        for session in plan["sessions"]:
            for label in session["read"] + [session["discuss"], session["exercise"]]:
                assert label in labels, (plan["id"], session["title"], label)
            assert session["figure"] in figures, (plan["id"], session["title"], session["figure"])
            for ident in session["passages"]:
                assert ident in passages, (plan["id"], session["title"], ident)


def test_a_plan_naming_a_missing_section_figure_or_passage_is_refused(tmp_path):
    """The validation fails loudly, naming the plan, the session and the value."""
    for folder in ("chapters", "data"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "teaching").mkdir()
    shutil.copy(REPO / "_toc.yml", tmp_path / "_toc.yml")
    shutil.copy(REPO / "index.md", tmp_path / "index.md")
    plans = yaml.safe_load((REPO / "teaching" / "unit_plans.yml").read_text(encoding="utf-8"))
    session = plans["plans"][0]["sessions"][0]
    session["read"] = session["read"] + ["law-no-such-section"]
    session["figure"] = "fig-no-such-chart"
    session["passages"] = ["no-such-passage"]
    (tmp_path / "teaching" / "unit_plans.yml").write_text(yaml.safe_dump(plans), encoding="utf-8")
    with pytest.raises(ValueError) as problem:
        load_plans(tmp_path)
    message = str(problem.value)
    for wrong in ("law-no-such-section", "fig-no-such-chart", "no-such-passage", "one-week", "session 1"):
        assert wrong in message


def test_reading_time_rounds_up_to_whole_minutes():
    assert minutes(1) == 1 and minutes(WORDS_PER_MINUTE) == 1 and minutes(WORDS_PER_MINUTE + 1) == 2


@pytest.mark.book
def test_every_story_chapter_opens_with_its_number_and_reading_time(site):
    for page, number in chapter_numbers(REPO).items():
        line = soup(site, f"{page}.html").select_one("section > .book-reading-time")
        assert line is not None, f"{page} has no reading time"
        text = line.get_text()
        found = re.search(r"Chapter (\d+) · Reading time: about (\d+) minutes \(([\d,]+) words", text)
        assert found, text
        assert int(found.group(1)) == number
        words = int(found.group(3).replace(",", ""))
        assert int(found.group(2)) == minutes(words) and words > 1000, (page, text)
        assert f"{WORDS_PER_MINUTE} words a minute" in text


@pytest.mark.book
def test_figures_are_numbered_per_chapter_and_listed_in_the_cite_box(site):
    for page, number in chapter_numbers(REPO).items():
        doc = soup(site, f"{page}.html")
        figures = doc.select("figure[id^='fig-']")
        labels = [f.select_one(".caption-number").get_text(strip=True) for f in figures]
        assert labels == [f"Figure {number}.{n}" for n in range(1, len(figures) + 1)], (page, labels)
        listed = doc.select(".book-cite .book-cite-figures li")
        assert [li.a["href"] for li in listed] == [f"#{f['id']}" for f in figures], page
        for item, label in zip(listed, labels):
            assert item.a.get_text(strip=True) == label
            assert item.code.get_text().endswith(f"{page}.html#{item.a['href'][1:]}")


@pytest.mark.book
def test_unit_plans_page_names_sections_with_times_figures_and_passages(site):
    page = soup(site, "chapters/unit-plans.html")
    assert f"{WORDS_PER_MINUTE} words a minute" in page.get_text()
    for plan in PLANS:
        section = page.select_one(f"section#unit-plans-{plan['id']}")
        assert section is not None, plan["id"]
        for number, session in enumerate(plan["sessions"], 1):
            block = section.select_one(f"section#unit-plans-{plan['id']}-{number}")
            assert block is not None, (plan["id"], number)
            hrefs = [a["href"] for a in block.select("a[href]")]
            for label in session["read"] + [session["discuss"], session["exercise"]]:
                assert any(h.endswith(f"#{label}") for h in hrefs), (plan["id"], number, label)
            for ident in session["passages"]:
                assert any(h.endswith(f"reader.html#reader-{ident}") for h in hrefs), (plan["id"], ident)
            figure = [a for a in block.select("a[href]") if a["href"].endswith(f"#{session['figure']}")]
            assert figure and re.fullmatch(r"Figure \d+\.\d+", figure[0].get_text(strip=True)), session["figure"]
            times = [t.get_text() for t in block.select(".book-reading-time-ref")]
            assert times and all(re.fullmatch(r"about \d+ min", t) for t in times), times
            assert len(times) == len(session["read"]) + 1 + (len(session["passages"]) + 1 if session["passages"] else 0)
