"""One quantity, one value; one claim, one status: across chapters, glossary and captions.

* A figure (an amount of money, a count in millions or billions, a percentage)
  in a glossary definition must be one that a data row citing the same source
  carries; a figure in a chart's caption or description must be one that
  ``data/`` carries. A typed figure that drifts from the data fails here.
* The same claim in two chapters' ledgers (rows of ``data/claims.csv`` that
  share two or more sources) has one status.
* Counts that two chapters state (government-device measures) are computed
  with one definition, :mod:`walledoff_notebook.counts`, and agree.
"""

from __future__ import annotations

import itertools
import math
import re

import jupytext
import pandas as pd
import pytest
import yaml

from conftest import NOTEBOOKS, REPO
from walledoff_notebook import load
from walledoff_notebook.counts import device_counts
from walledoff_notebook.package import table_names

#: A figure as prose writes it: "$1.5 billion", "€345 million", "EUR 1 billion", "75.01%", "2 billion".
FIGURE = re.compile(
    r"(?P<cur>[$€£]|USD |EUR |GBP |RMB )?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|per cent|million|billion|trillion|bn)\b|(?P<pct>%))")
SCALE = {"million": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}


def figures(text: str) -> list[tuple[str, float]]:
    """The figures in ``text`` with their values (a percentage as its number)."""
    found = []
    for match in FIGURE.finditer(" ".join(str(text).split())):
        unit = match["unit"] or match["pct"]
        if not unit:
            continue
        number = float(match["num"].replace(",", ""))
        found.append((match.group(0).strip(), number * SCALE.get(unit, 1)))
    return found


def row_values(row: pd.Series) -> set[float]:
    """Every number a data row carries: its numeric cells and the figures in its text."""
    values = set()
    for value in row.values:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value):
            values.add(float(value))
        elif isinstance(value, str):
            values.update(v for _, v in figures(value))
    return values


def close(value: float, values: set[float]) -> bool:
    return any(math.isclose(value, v, rel_tol=1e-9) for v in values)


def data_rows():
    """(table, row) for every row of every table in data/."""
    for name in table_names():
        for _, row in load(name).iterrows():
            yield name, row


def test_the_figure_parser_reads_prose_figures():
    assert figures("pay $840 million for 75.01% and invest $1.5 billion") == [
        ("$840 million", 840e6), ("75.01%", 75.01), ("$1.5 billion", 1.5e9)]
    assert figures("EUR 1 billion; 2015 and 7 days") == [("EUR 1 billion", 1e9)]


def test_glossary_figures_come_from_data_rows_with_the_same_source():
    terms = yaml.safe_load((REPO / "teaching" / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    rows = list(data_rows())
    problems = []
    for term in terms:
        keys = {k.strip() for k in str(term["source"]).split(";")}
        cited = [row for _, row in rows if "source" in row and keys & set(str(row["source"]).split(";"))]
        values = set().union(*(row_values(row) for row in cited)) if cited else set()
        for text, value in figures(term["definition"]):
            if not close(value, values):
                problems.append(f"{term['term']}: {text!r} is in no data row citing {sorted(keys)}")
    assert not problems, "; ".join(problems)


def chart_texts():
    """(page, figure name, caption and description) for every chart cell of every chapter."""
    for page in NOTEBOOKS:
        for cell in jupytext.read(REPO / f"{page}.md").cells:
            if cell.cell_type != "code" or "figure(" not in cell.source:
                continue
            meta = cell.metadata
            figure = meta.get("mystnb", {}).get("figure", {})
            text = f"{figure.get('caption', '')} {meta.get('chart', {}).get('description', '')}"
            yield page, figure.get("name", "?"), text


def test_chart_captions_carry_only_figures_the_data_holds():
    values = set().union(*(row_values(row) for _, row in data_rows()))
    problems = [f"{page} {name}: {text!r}" for page, name, caption in chart_texts()
                for text, value in figures(caption) if not close(value, values)]
    assert not problems, "figures in captions or descriptions that no data row holds: " + "; ".join(problems)


def test_one_claim_has_one_status_across_chapters():
    ledger = load("claims")
    ledger = ledger.assign(keys=ledger["source"].astype(str).str.split(";").apply(frozenset))
    problems = []
    for (_, a), (_, b) in itertools.combinations(ledger.iterrows(), 2):
        if a["chapter"] != b["chapter"] and len(a["keys"] & b["keys"]) >= 2 and a["status"] != b["status"]:
            problems.append(f"{a['id']} is {a['status']} but {b['id']} is {b['status']}")
    assert not problems, "the same claim (two or more shared sources) with two statuses: " + "; ".join(problems)


def test_the_journalist_episode_has_one_status():
    ledger = load("claims")
    rows = ledger[ledger["claim"].str.contains("journalists") & ledger["source"].str.contains("bytedance2022andersen")]
    assert len(rows) >= 2 and rows["status"].nunique() == 1, rows[["id", "status"]]


def test_device_measures_are_counted_one_way_in_both_chapters():
    from test_exercises import run_chapter

    bans = load("bans")
    assert run_chapter("timeline")["glued"]["n_devices_2023"] == run_chapter("bans")["glued"]["n_device_2023"] \
        == device_counts(bans, 2023)["all"]
    assert run_chapter("bans")["glued"]["n_device_bans"] == device_counts(bans)["ban"]


@pytest.mark.parametrize("page", ["chapters/timeline", "chapters/bans"])
def test_no_device_count_is_typed(page):
    text = (REPO / f"{page}.md").read_text(encoding="utf-8")
    typed = re.findall(r"\b\d+ (?:government-)?device (?:bans|measures)\b", text)
    assert not typed, f"{page}: typed counts {typed}; glue them from walledoff_notebook.counts"
