"""The conclusion and "What data is at stake": what their prose states is what the data computes.

Each number the two chapters state is glued from a computation in the
chapter; these tests compute it again, independently, from ``data/`` and
look for the sentence on the built page, so prose, charts and data cannot
drift apart as other chapters add claims.
"""

from __future__ import annotations

import pytest

from conftest import soup
from walledoff_notebook import load

CITATIONS_WANTED = 25


STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def words(page) -> str:
    """The page's text, white space collapsed and typographic quotes made straight."""
    return " ".join(page.get_text().split()).translate(STRAIGHT)


def leader(status: str) -> tuple[str, int, int]:
    """The chapter with the highest share of claims of ``status`` (ties: table order)."""
    ledger = load("claims")
    counts = ledger.groupby(ledger["chapter"].astype(str))["status"].agg(
        hit=lambda s: int((s.astype(str) == status).sum()), total="count")
    counts["share"] = counts["hit"] / counts["total"]
    best = counts.sort_values("share", ascending=False, kind="stable").index[0]
    return best, int(counts.loc[best, "hit"]), int(counts.loc[best, "total"])


@pytest.mark.book
def test_conclusion_states_the_ledger_as_the_data_computes_it(site):
    text = words(soup(site, "chapters/conclusion.html"))
    ledger = load("claims")
    assert f"The ledger now holds {len(ledger)} claims from {ledger['chapter'].nunique()} chapters" in text
    name, hit, total = leader("company-statement")
    assert (f"The worked answer finds that the {name} chapter has the highest share of company "
            f"statements, {hit} of its {total} claims ({hit / total:.0%})") in text
    name, hit, total = leader("documented")
    assert f"the {name} chapter leads on documented claims, with {hit} of {total}" in text
    questions = load("open_questions")
    assert f"The book's {len(questions)} open questions" in text


@pytest.mark.book
def test_conclusion_has_two_charts_and_cites_enough_works(site):
    page = soup(site, "chapters/conclusion.html")
    charts = page.select("figure.book-chart-figure")
    assert len(charts) >= 2
    assert {"fig-conclusion-claims", "fig-conclusion-open"} <= {c.get("id") for c in page.select("[id]")}
    cited = page.select("section#conclusion-sources div.citation")
    assert len(cited) >= CITATIONS_WANTED, len(cited)


@pytest.mark.book
def test_stake_exercise_states_what_the_data_computes(site):
    text = words(soup(site, "chapters/stake.html"))
    table = load("data_categories")
    us = table[table["policy_region"] == "US"]
    policy = us[us["origin"] == "policy"]
    placed = policy["texas_coverage"].isin(["protected", "excepted"]).sum()
    assert f"of the {len(policy)} US policy rows, {placed} are placed inside or outside" in text
    assert f"The table `data/data_categories.csv` records {len(table)} categories".replace("`", "") in text
