"""The primary-source reader (walledoff_build.passages) and the data it is printed from.

The table must hold enough complete passages, each with an original, a named
English version and its basis for quoting; the page must give each passage its
own address, mark Chinese text as Chinese, link the chapters that discuss it
and cite its sources; bad rows must stop the build naming file, row and column.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from sphinx.errors import ExtensionError

from conftest import REPO, TOC, soup
from walledoff_build.passages import PREFIX, escape, passages
from walledoff_notebook import load
from walledoff_notebook.paths import DATA_DIR_ENV

#: The issue's floor: passages with an original text and a translation (or an English original).
MIN_COMPLETE = 14
CHAPTERS = {page.rsplit("/", 1)[-1] for page in TOC}


def rows():
    return load("passages").fillna({"translation_text": "", "translation_source": "", "text_note": ""})


def test_enough_complete_passages_with_a_named_english_version():
    table = rows()
    complete = table[(table["translation_kind"] == "not-needed")
                     | ((table["translation_kind"] == "translation") & (table["translation_text"] != ""))]
    assert len(complete) >= MIN_COMPLETE, f"only {len(complete)} complete passages"
    chinese = table[table["language"] == "zh"]
    assert len(chinese) >= 8
    for _, row in chinese.iterrows():
        assert row["translation_kind"] in ("translation", "paraphrase"), row["id"]
        assert row["translation_text"] and len(row["translation_source"]) > 8, row["id"]
    for _, row in table.iterrows():
        assert len(row["licence"].split()) >= 6, row["id"]
        assert set(str(row["chapters"]).split(";")) <= CHAPTERS, row["id"]


def test_the_passages_the_issue_names_are_there():
    ids = set(rows()["id"])
    for wanted in ("cn-nil-art7", "cn-nil-art14", "cn-csl2025-art39", "cn-dsl-art36", "cn-pipl-art38",
                   "cn-cel2023-art4", "cn-export-catalogue-2020", "us-pafaca-sec2a", "us-eo14352",
                   "eu-gdpr-art44", "eu-gdpr-art46-1"):
        assert wanted in ids, wanted


@pytest.fixture
def broken_passages(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder / "passages.csv"


def _edit(path, row: int, column: str, value: str) -> None:
    """Set data row ``row`` (1 = first under the header) of ``column`` in the copied table."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row - 1, column] = value
    table.to_csv(path, index=False, lineterminator="\n")


def test_an_unknown_chapter_names_file_row_and_column(broken_passages):
    _edit(broken_passages, 2, "chapters", "law;nosuchchapter")
    with pytest.raises(ExtensionError) as caught:
        passages(REPO)
    message = str(caught.value)
    assert "passages.csv, row 2 (line 3), column 'chapters'" in message and "nosuchchapter" in message


def test_a_chinese_passage_without_a_named_english_version_fails(broken_passages):
    _edit(broken_passages, 1, "translation_source", "")
    with pytest.raises(ExtensionError) as caught:
        passages(REPO)
    assert "row 1 (line 2), columns 'translation_text'/'translation_source'" in str(caught.value)


def test_table_text_cannot_inject_markup():
    assert escape("{cite:p}`x` [a](b) *c*") == r"\{cite\:p\}\`x\` \[a\]\(b\) \*c\*"


@pytest.mark.book
def test_every_passage_is_a_labelled_section_with_its_texts_and_links(site):
    page = soup(site, "chapters/reader.html")
    cite_box = page.select_one(".book-cite-sections")
    for _, row in rows().iterrows():
        anchor = PREFIX + row["id"]
        section = page.select_one(f"section#{anchor}")
        assert section is not None and section.find("h3"), anchor
        text = " ".join(section.get_text().split())
        first = str(row["original_text"]).splitlines()[0]
        assert " ".join(first.split()) in text, f"{anchor}: the original text is not on the page"
        if row["language"] == "zh":
            marked = " ".join(div.get_text() for div in section.select('div[lang="zh"]'))
            assert first.strip() in marked, f"{anchor}: Chinese text not marked lang=zh"
            label = "English translation" if row["translation_kind"] == "translation" else "Paraphrase, not a translation"
            assert label in text and " ".join(row["translation_text"].split()[:6]) in text, anchor
        links = {a["href"].split("#")[0] for a in section.select("a.reference.internal[href]")}
        for chapter in str(row["chapters"]).split(";"):
            assert f"{chapter}.html" in links, f"{anchor}: no link to the {chapter} chapter"
        assert section.select("a.reference.external[href^='http']"), f"{anchor}: no full-text link"
        assert section.select(".bibtex-citation"), f"{anchor}: no citations"
        assert cite_box.select_one(f"a[href='#{anchor}']"), f"{anchor}: not in the cite box"


@pytest.mark.book
def test_landing_page_links_the_three_parts(site):
    links = {a["href"].split("#")[0] for a in soup(site, "index.html").select("a.reference.internal")}
    assert {"chapters/stake.html", "chapters/conclusion.html", "chapters/reader.html"} <= links
