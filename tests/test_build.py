"""The book builds with warnings as errors, reuses its execution cache, and
re-executes when the data changes (so a chart is never drawn from stale data)."""

from __future__ import annotations

import re

import pytest

from conftest import BUILD_HTML, build_book, html_pages
from evidence import sphinx_ext

WARNING = re.compile(r"\bWARNING\b|\bERROR\b")


@pytest.mark.book
def test_book_builds_without_warnings(book_build):
    output = book_build.stdout + book_build.stderr
    assert book_build.returncode == 0, output[-4000:]
    sphinx_warnings = [line for line in output.splitlines()
                       if WARNING.search(line) and "IPKernelApp" not in line]
    assert not sphinx_warnings, sphinx_warnings


@pytest.mark.book
def test_every_toc_page_is_built(site):
    built = {str(p.relative_to(BUILD_HTML)) for p in html_pages(site)}
    assert {"index.html", "chapters/timeline.html", "chapters/sources.html"} <= built


@pytest.mark.book
def test_second_build_uses_the_execution_cache(site):
    result = build_book()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Executing notebook" not in output, "a rebuild with no change re-executed a notebook"


def test_fingerprint_changes_with_the_data(tmp_path, monkeypatch):
    """The cache key covers data/: change one cell and the fingerprint changes."""
    import shutil

    from conftest import REPO
    from evidence.paths import DATA_DIR_ENV

    before = sphinx_ext.inputs_fingerprint()
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert sphinx_ext.inputs_fingerprint() == before
    events = folder / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("2020-06-29", "2020-06-30", 1), encoding="utf-8")
    assert sphinx_ext.inputs_fingerprint() != before


@pytest.mark.book
def test_no_page_has_math_markup(site):
    """The book serves no MathJax, so a stray "$...$" must not become math.

    (Dollar amounts in prose once did, before dollarmath was switched off.)"""
    pages = [p for p in html_pages(site) if 'class="math' in p.read_text(encoding="utf-8")]
    assert not pages, pages
