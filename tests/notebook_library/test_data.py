"""The data package and the bibliography: valid, typed, and every key accounted for."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import REPO
from walledoff_notebook import load, validate_package
from walledoff_notebook.package import table_names
from walledoff_notebook.sources import bibliography, citation_labels, keys_in, split_keys

CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def cited_in_pages() -> set[str]:
    """Every key cited with a ``{cite}`` role in the book's pages."""
    keys = set()
    for page in [REPO / "index.md", *sorted((REPO / "chapters").glob("*.md"))]:
        for match in CITE_ROLE.finditer(page.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in match.group(1).split(","))
    return keys


def keys_in_data() -> set[str]:
    """Every key named in a ``source`` column of the data package."""
    return {key for name in table_names() if "source" in (frame := load(name))
            for key in keys_in(frame)}


def test_data_package_validates():
    validate_package()


@pytest.mark.parametrize("name", table_names())
def test_every_table_loads_with_declared_types(name):
    frame = load(name)
    assert len(frame) > 0
    for column in ("date", "as_of"):
        if column in frame:
            assert pd.api.types.is_datetime64_any_dtype(frame[column]), column


def test_events_cover_the_whole_story():
    events = load("events")
    assert len(events) >= 40
    assert events["date"].min().year <= 2017 and events["date"].max().year >= 2026
    themes = set(events["theme"].astype(str))
    assert {"texas", "clover", "law", "shop", "bans", "legislation", "corporate"} <= themes
    assert {"US", "EU", "UK", "China"} <= set(events["region"].astype(str))


def test_every_bibliography_entry_is_complete():
    sources = bibliography()
    assert sources, "the bibliography is empty"
    for src in sources.values():
        # the reader's first link: the original's address, else the labelled copy read
        assert src.link.startswith("http") and src.title and src.publisher, src.key
        assert not src.copyurl or src.copylabel, (src.key, "a copy needs a copylabel")
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", src.urldate), (src.key, src.urldate)
    assert any(src.primary for src in sources.values())


def test_citation_labels_are_unique():
    labels = citation_labels()
    assert len(set(labels.values())) == len(labels)


def test_every_cited_key_resolves():
    unknown = cited_in_pages() - set(bibliography())
    assert not unknown, f"cited but not in references.bib: {sorted(unknown)}"


def test_no_bibliography_entry_is_orphaned():
    used = cited_in_pages() | keys_in_data()
    orphans = set(bibliography()) - used
    assert not orphans, f"in references.bib but used nowhere: {sorted(orphans)}"


def test_every_chapter_has_claims_in_the_ledger():
    claims = load("claims")
    assert "timeline" in set(claims["chapter"].astype(str))
    assert claims["id"].is_unique


def test_every_documented_claim_cites_a_primary_record():
    """'Documented' means a primary record shows it (chapters/method.md): the ledger must cite one."""
    sources = bibliography()
    claims = load("claims")
    missing = [row.id for row in claims.itertuples() if row.status == "documented"
               and not any(sources[key].primary for key in split_keys(row.source))]
    assert not missing, f"documented claims without a primary record among their sources: {missing}"
