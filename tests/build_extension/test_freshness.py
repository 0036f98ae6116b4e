"""One list of watched inputs: a change to any of them reaches every page (walledoff_build.freshness)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from conftest import REPO
from walledoff_build import freshness
from walledoff_notebook.paths import DATA_DIR_ENV


def test_the_data_fingerprint_changes_with_the_data(tmp_path, monkeypatch):
    """The watched data package covers every cell: change one and the fingerprint changes."""
    data = next(w for w in freshness.WATCHED if w.name == "data package")
    before = freshness.fingerprint(data)
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert freshness.fingerprint(data) == before
    events = folder / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("2020-06-29", "2020-06-30", 1),
                      encoding="utf-8")
    assert freshness.fingerprint(data) != before


def test_every_input_a_page_is_made_from_is_watched():
    names = {w.name for w in freshness.WATCHED}
    assert {"data package", "notebook library", "book metadata", "table of contents",
            "teaching files"} <= names
    assert {w.name for w in freshness.WATCHED if w.affects_outputs} == {
        "data package", "notebook library", "book metadata"}


def test_a_changed_input_rereads_every_page(monkeypatch):
    """Cite boxes and glossary links are made per page: a change must reach unchanged chapters too."""
    prints = {watched.name: "a" for watched in freshness.WATCHED}
    monkeypatch.setattr(freshness, "fingerprints", lambda: dict(prints))
    app = SimpleNamespace()
    env = SimpleNamespace(found_docs={"index", "chapters/a"})
    assert freshness._outdated_pages(app, env, set(), set(), set()) == []  # first build
    assert freshness._outdated_pages(app, env, set(), set(), set()) == []  # nothing changed
    prints["teaching files"] = "b"
    assert freshness._outdated_pages(app, env, set(), set(), set()) == ["chapters/a", "index"]
