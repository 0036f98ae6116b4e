"""Every chapter (and the template a new one is copied from) has the shape the chapter standard asks.

Checked on the source, so a new chapter learns what is missing before the book is built.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from conftest import NOTEBOOKS, REPO

CHAPTERS = NOTEBOOKS + ["chapters/_template"]
#: Sections every chapter has, by label suffix.
REQUIRED = ("summary", "learn", "claims", "takeaways", "discussion", "exercise", "sources")
#: A chart cell's code reads in a glance (the builders and the house style do the rest).
MAX_CHART_CELL_LINES = 24


def chart_cells(page: str):
    notebook = jupytext.read(REPO / f"{page}.md")
    return [c for c in notebook.cells if c.cell_type == "code" and "figure(" in c.source]


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_every_required_section(page):
    text = (REPO / f"{page}.md").read_text(encoding="utf-8")
    name = page.rsplit("/", 1)[-1].lstrip("_")
    labels = set(re.findall(r"^\(([\w-]+)\)=\s*$", text, re.M))
    missing = [kind for kind in REQUIRED if not any(l == f"{name}-{kind}" or l.endswith(f"-{kind}")
                                                    for l in labels)]
    assert not missing, f"{page}: no section labelled {name}-<{'|'.join(missing)}>"
    assert re.search(r"\*As of \d{1,2} \w+ 20\d\d\.\*", text), f"{page}: the summary has no 'As of' date"


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chart_cell_names_its_figure_caption_and_description(page):
    cells = chart_cells(page)
    assert cells, f"{page} has no chart"
    for cell in cells:
        meta = cell.metadata
        figure = meta.get("mystnb", {}).get("figure", {})
        where = f"{page}: the chart cell starting {cell.source.splitlines()[0][:50]!r}"
        assert str(figure.get("name", "")).startswith("fig-"), f"{where} needs mystnb.figure.name: fig-..."
        assert len(str(figure.get("caption", "")).split()) >= 5, f"{where} needs mystnb.figure.caption"
        assert len(str(meta.get("chart", {}).get("description", "")).split()) >= 8, (
            f"{where} needs chart.description (for screen readers)")
        assert "caption=" not in cell.source and "description=" not in cell.source, (
            f"{where}: captions and descriptions live in the cell's metadata, not in Python strings")


@pytest.mark.parametrize("page", CHAPTERS)
def test_chart_cells_are_short_and_use_the_named_palette(page):
    text = (REPO / f"{page}.md").read_text(encoding="utf-8")
    assert not re.findall(r"#[0-9A-Fa-f]{6}\b", text), f"{page}: hex colours; name a palette colour instead"
    for cell in chart_cells(page):
        lines = [l for l in cell.source.splitlines() if l.strip()]
        assert len(lines) <= MAX_CHART_CELL_LINES, (
            f"{page}: a chart cell of {len(lines)} lines; move plumbing to walledoff_notebook.builders")
        assert not re.search(r"^def ", cell.source, re.M), f"{page}: a chart function defined in a chart cell"
