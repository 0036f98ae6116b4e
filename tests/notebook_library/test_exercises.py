"""Every exercise's worked answer computes what its question asks, and the prose states what it finds.

Each chapter with an exercise is run top to bottom in this process (its code
cells, in order, with ``chapters/`` as the working folder), with ``glue``
recording every value and the cell that glued it. Then, per chapter:

* every ``{glue:text}`` value named in the exercise's prose was glued by a
  code cell of the exercise itself (the hidden answer), not typed;
* the glued answer equals the answer computed here, independently, from
  ``data/`` (one test per exercise).
"""

from __future__ import annotations

import functools
import os
import re

import jupytext
import pandas as pd
import pytest

import walledoff_notebook
from conftest import REPO
from walledoff_notebook import load

GLUE_ROLE = re.compile(r"\{glue:text\}`([\w-]+)(?::[^`]*)?`")


@functools.lru_cache(maxsize=None)
def run_chapter(name: str) -> dict:
    """Run a chapter's code cells; return its namespace, what it glued, and where."""
    notebook = jupytext.read(REPO / "chapters" / f"{name}.md")
    glued, glued_in = {}, {}
    current = {"cell": -1}

    def record(key, value, display=False):
        glued[key] = value
        glued_in[key] = current["cell"]
        return value

    namespace: dict = {"__name__": f"chapter_{name}"}
    original, here = walledoff_notebook.glue, os.getcwd()
    walledoff_notebook.glue = record
    os.chdir(REPO / "chapters")
    try:
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                current["cell"] = index
                exec(compile(cell.source, f"chapters/{name}.md, cell {index}", "exec"), namespace)
    finally:
        walledoff_notebook.glue = original
        os.chdir(here)
    exercise = [i for i, c in enumerate(notebook.cells)
                if c.cell_type == "markdown" and re.search(rf"^\({name}-exercise\)=", c.source, re.M)]
    return {"ns": namespace, "glued": glued, "glued_in": glued_in, "cells": notebook.cells,
            "exercise_start": exercise[0] if exercise else None}


def exercise_prose(run: dict, name: str) -> str:
    """The markdown of the exercise section (from its label to the next section label)."""
    cells = run["cells"]
    start = run["exercise_start"]
    text = "\n".join(c.source for c in cells[start:] if c.cell_type == "markdown")
    text = text.split(f"({name}-exercise)=", 1)[1]
    following = re.search(rf"^\({name}-(?!exercise)[\w-]+\)=", text, re.M)
    return text[:following.start()] if following else text


def exercise_end(run: dict, name: str) -> int:
    cells = run["cells"]
    for index in range(run["exercise_start"] + 1, len(cells)):
        if cells[index].cell_type == "markdown" and re.search(rf"^\({name}-(?!exercise)[\w-]+\)=",
                                                               cells[index].source, re.M):
            return index
    return len(cells)


CHAPTERS = ["timeline", "texas", "clover", "law", "shop", "bans", "toolkit", "stake", "conclusion"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_exercise_prose_states_only_what_the_answer_glued(name):
    run = run_chapter(name)
    assert run["exercise_start"] is not None, f"{name}: no exercise section"
    hidden = [c for c in run["cells"][run["exercise_start"]:exercise_end(run, name)]
              if c.cell_type == "code" and "hide-cell" in str(c.metadata.get("tags", []))]
    assert hidden, f"{name}: the exercise has no hidden worked answer"
    prose = exercise_prose(run, name)
    for key in GLUE_ROLE.findall(prose):
        assert key in run["glued"], f"{name}: the exercise's text shows {key!r}, which nothing glued"
        where = run["glued_in"][key]
        assert run["exercise_start"] < where < exercise_end(run, name), (
            f"{name}: {key!r} in the exercise's text is glued outside the exercise (cell {where}), "
            "not by its worked answer")


# -- one test per exercise: the answer, computed again here from data/ ------------------------

def test_timeline_answer_compares_the_first_eu_ban_with_the_first_eu_fine():
    glued = run_chapter("timeline")["glued"]
    events, actions = load("events"), load("regulatory_actions")
    eu = events[events["region"] == "EU"]
    first_ban = eu.loc[eu["theme"] == "bans", "date"].min()
    fines = actions[(actions["jurisdiction"].astype(str) != "UK") & actions["amount_eur"].notna()]
    first_fine = fines.sort_values("date").iloc[0]
    assert glued["ex_order"] == ("before" if first_fine["date"] < first_ban else "after")
    assert glued["ex_first_fine_by"] == first_fine["authority"]
    assert glued["ex_fines_before"] == int((fines["date"] < first_ban).sum())
    assert glued["ex_eu_bans"] == int((eu["theme"] == "bans").sum())
    assert glued["ex_eu_clover"] == int((eu["theme"] == "clover").sum())
    title = run_chapter("timeline")["ns"]["title"]
    if glued["ex_fines_before"]:
        assert "came before the first device ban" in title, title


def test_bans_answer_names_the_group_that_moved_most():
    run = run_chapter("bans")
    before, after = (pd.Timestamp(d) for d in (run["ns"]["BEFORE"], run["ns"]["AFTER"]))
    opinion = load("opinion")
    rows = opinion[opinion["field_end"].isin([before, after])]
    wide = rows.pivot_table(index="subgroup", columns="field_end", values="support", observed=True).dropna()
    change = wide[after] - wide[before]
    assert run["glued"]["ex_mover"] == change.abs().idxmax()
    assert run["glued"]["ex_mover_change"] == f"{change[change.abs().idxmax()]:+.0f} points"
    assert run["glued"]["ex_n_fell"] == int((change < 0).sum())


def test_shop_answer_groups_as_asked_and_computes_the_target_comparison():
    glued = run_chapter("shop")["glued"]
    commerce = load("commerce")
    whole = commerce[(commerce["metric"] == "GMV") & (commerce["basis"] == "estimate")
                     & (commerce["full_year"] == "yes")]
    groups = whole.groupby(["platform", "market", "year", "unit"], observed=True)["value"].agg(["count", "min", "max"])
    groups = groups[groups["count"] > 1]
    assert glued["spread_groups"] == len(groups)
    assert glued["spread_max"] == f"{(groups['max'] / groups['min']).max() * 100 - 100:.0f}%"
    targets = commerce[commerce["metric"] == "GMV target"]
    assert len(targets), "the exercise asks about targets: data/commerce.csv must hold some"
    means = whole.groupby(["platform", "market", "year", "unit"], observed=True)["value"].mean()
    ratios = [row["value"] / means[key] for _, row in targets.iterrows()
              if (key := (row["platform"], row["market"], row["year"], row["unit"])) in means.index]
    assert glued["target_n"] == len(ratios) > 0
    assert glued["target_far_ratio"] == f"{max(ratios):.1f} times"


def test_clover_answer_names_the_fine_it_cannot_add():
    glued = run_chapter("clover")["glued"]
    actions = load("regulatory_actions")
    fines = actions.dropna(subset=["amount_eur"])
    totals = fines.groupby("authority", observed=True)["amount_eur"].sum()
    assert glued["ex_top_authority"] == totals.idxmax()
    assert glued["ex_top_share"] == f"{totals.max() / totals.sum():.0%}"
    assert glued["ex_total"] == f"€{totals.sum() / 1e6:,.0f} million"
    left_out = actions[actions["amount_eur"].isna() & actions["concerned"].str.contains("not in euros")]
    assert len(left_out) and all(a in glued["ex_left_out"] for a in left_out["authority"].astype(str))


def test_texas_answer_says_what_clovers_figures_are():
    glued = run_chapter("texas")["glued"]
    clover = load("commitments").query("programme == 'clover'")
    assert glued["ex_clover_spending_rows"] == int((clover["item"] == "spending to date").sum())
    assert glued["ex_clover_biggest"] == f"€{clover['amount'].max() / 1e9:g} billion"


def test_law_answer_counts_the_chinese_rows_by_kind_of_reach():
    reach = run_chapter("law")["ns"]["reach"]
    laws = load("laws")
    china = laws[laws["jurisdiction"].astype(str) == "China"]
    assert int(reach.loc["China", "yes"]) == int((china["extraterritorial"].astype(str) == "yes").sum())
    assert int(reach.loc["China"].sum()) == len(china)


def test_toolkit_answer_lists_the_unquoted_topics():
    glued = run_chapter("toolkit")["glued"]
    provisions = load("act_provisions").fillna({"quote": ""})
    quoted = set(provisions.loc[provisions["quote"] != "", "topic"])
    unquoted = sorted(set(provisions["topic"]) - quoted)
    assert glued["answer_n_unquoted"] == len(unquoted)
    assert glued["answer_n_binding"] == int((provisions["binds"] == "app stores and hosts").sum())


def test_stake_answer_counts_policy_rows_per_wall():
    glued = run_chapter("stake")["glued"]
    categories = load("data_categories")
    for region, key in (("US", "ex_us_policy"), ("EEA", "ex_eea_policy")):
        rows = categories[(categories["policy_region"] == region) & (categories["origin"] == "policy")]
        assert glued[key] == len(rows)


def test_conclusion_answer_names_the_chapter_that_rests_most_on_the_company():
    glued = run_chapter("conclusion")["glued"]
    ledger = load("claims")
    table = pd.crosstab(ledger["chapter"].astype(str), ledger["status"].astype(str))
    share = (table["company-statement"] / table.sum(axis=1)).sort_values(ascending=False, kind="stable")
    assert glued["ex_company_chapter"] == share.index[0]
    assert glued["ex_company_pct"] == f"{share.iloc[0]:.0%}"
