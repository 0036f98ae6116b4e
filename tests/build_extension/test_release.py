"""Releasing the book: one site address, the publishing keys of book.yml, the workflow,
Zenodo's metadata, Colab and Binder links, and the re-check list
(walledoff_notebook.meta, walledoff_build.online, walledoff_build.recheck, .github/, .zenodo.json)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BIN, REPO, TOC, soup
from walledoff_notebook.meta import metadata

META = metadata()


def _book(tmp_path, **changes) -> Path:
    import yaml

    raw = yaml.safe_load((REPO / "book.yml").read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "book.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_environment_sets_the_site_address_in_one_place(tmp_path, monkeypatch):
    path = _book(tmp_path)
    monkeypatch.setenv("BOOK_BASE_URL", "https://fork.example.net/walled/")
    meta = metadata(path)
    assert meta.url("chapters/texas") == "https://fork.example.net/walled/chapters/texas.html"
    assert meta.edition_base == f"https://fork.example.net/walled/editions/{meta.version}/"
    assert meta.site_path == "/walled/"
    assert metadata(path, environment=False).base_url == "https://walled-off.example.org/"
    monkeypatch.setenv("BOOK_BASE_URL", "walled.example.net")
    with pytest.raises(ValueError, match="BOOK_BASE_URL"):
        metadata(path)


@pytest.mark.parametrize("key, value, message", [
    ("doi", "https://doi.org/10.5281/zenodo.1", "is not a DOI"),
    ("repository", "https://github.com/owner/name.git/", "must be https://github.com"),
    ("recheck", {"max_age_days": "soon", "chapters": ["texas"]}, "recheck needs"),
])
def test_bad_publishing_keys_in_book_yml_fail_naming_the_key(tmp_path, key, value, message):
    with pytest.raises(ValueError, match=message):
        metadata(_book(tmp_path, **{key: value}))


def test_the_doi_reaches_the_citation_once_there_is_one(tmp_path):
    from walledoff_notebook.meta import apa, bibtex

    meta = metadata(_book(tmp_path, doi="10.5281/zenodo.1234567"))
    assert apa(meta).endswith("https://doi.org/10.5281/zenodo.1234567")
    assert "doi = {10.5281/zenodo.1234567}" in bibtex(meta, "Project Texas", "chapters/texas")


@pytest.mark.book
def test_run_online_links_only_with_a_repository(site, tmp_path):
    """No repository in book.yml: no Colab or Binder links. With one: both, to the notebooks branch."""
    from walledoff_build.online import NOTEBOOK_BRANCH, online_links_html, prepare_branch
    from walledoff_build.book import NOTEBOOK_DIR, archive_name
    import nbformat

    if not META.repository:
        assert not [p for p in TOC if soup(site, f"{p}.html").select(".book-online")]
    meta = metadata(_book(tmp_path, repository="https://github.com/teacher/walled-off"))
    line = BeautifulSoup(online_links_html(meta, "chapters/texas"), "html.parser")
    assert line.select_one(".book-online-colab")["href"] == (
        f"https://colab.research.google.com/github/teacher/walled-off/blob/{NOTEBOOK_BRANCH}/chapters/texas.ipynb")
    assert line.select_one(".book-online-binder")["href"] == (
        f"https://mybinder.org/v2/gh/teacher/walled-off/{NOTEBOOK_BRANCH}?urlpath=lab/tree/chapters/texas.ipynb")
    folder = tmp_path / "branch"
    names = prepare_branch(meta, site / NOTEBOOK_DIR / archive_name(), folder)
    assert "texas.ipynb" in names and (folder / "runtime.txt").exists() and (folder / "postBuild").exists()
    notebook = nbformat.read(folder / "chapters" / "texas.ipynb", as_version=4)
    assert "google.colab" in notebook.cells[1].source and "pandas==" in notebook.cells[1].source
    assert (folder / "data" / "claims.csv").exists() and (folder / "walledoff_notebook" / "meta.py").exists()


def test_recheck_lists_old_claims_of_watched_chapters_only():
    import datetime

    import pandas as pd

    from walledoff_build.recheck import recheck_report

    watched = (metadata().recheck or {}).get("chapters")
    assert watched, "book.yml names the fast-moving chapters (recheck:)"
    claims = pd.DataFrame([
        {"id": "old", "chapter": watched[0], "claim": "x", "status": "reported", "as_of": "2020-01-01"},
        {"id": "new", "chapter": watched[0], "claim": "y", "status": "reported", "as_of": "2026-11-01"},
        {"id": "quiet", "chapter": "not-watched", "claim": "z", "status": "reported", "as_of": "2020-01-01"}])
    report = recheck_report(today=datetime.date(2026, 12, 1), claims=claims)
    assert [r["id"] for r in report.rows] == ["old"]
    assert "`old`" in report.markdown and "1 claims" in report.summary


# --- The workflow and the release metadata ------------------------------------------------------

def actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_the_publishing_workflow_passes_actionlint():
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text(encoding="utf-8")
    for step in ("make test", "make site", "actions/upload-pages-artifact@", "actions/deploy-pages@"):
        assert step in text, step
    assert text.index("make test") < text.index("make site")


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - uses: actions/checkout@v6\n        with:\n          fetch-dept: 1\n"
                      "      - run: echo ${{ github.nope }}\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode != 0 and "fetch-dept" in result.stdout and "nope" in result.stdout


def test_zenodo_metadata_agrees_with_book_yml():
    import json

    zenodo = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    own = metadata(environment=False)
    assert zenodo["title"] == own.title
    assert [c["name"] for c in zenodo["creators"]] == list(own.authors)
    assert zenodo["license"] == own.licences["text"]["id"].lower()
    assert zenodo["upload_type"] == "publication" and zenodo["publication_type"] == "book"
    assert zenodo["access_right"] == "open" and zenodo["description"]
