"""The book builds with warnings as errors, reuses its execution cache, and
re-executes when the data changes (so a chart is never drawn from stale data)."""

from __future__ import annotations

import re

import pytest

from conftest import BUILD_HTML, build_book, html_pages

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
    assert {"index.html", "chapters/timeline.html", "chapters/method.html"} <= built


@pytest.mark.book
def test_second_build_uses_the_execution_cache(site):
    result = build_book()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Executing notebook" not in output, "a rebuild with no change re-executed a notebook"


@pytest.mark.book
def test_no_page_has_math_markup(site):
    """The book serves no MathJax, so a stray "$...$" must not become math.

    (Dollar amounts in prose once did, before dollarmath was switched off.)"""
    pages = [p for p in html_pages(site) if 'class="math' in p.read_text(encoding="utf-8")]
    assert not pages, pages


@pytest.mark.book
def test_changed_data_reaches_the_page_on_rebuild(tmp_path):
    """Edit a data cell and rebuild in the same folder: the page shows the new value.

    Both caches (notebook outputs and Sphinx's environment) must let go of the
    old outputs; otherwise a chart would be silently drawn from stale data.
    """
    import os
    import shutil

    from conftest import REPO
    from walledoff_notebook.paths import DATA_DIR_ENV

    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    env = dict(os.environ, **{DATA_DIR_ENV: str(folder)})
    out = tmp_path / "out"
    first = build_book(path_output=out, env=env)
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    page = out / "_build" / "html" / "chapters" / "timeline.html"
    assert "Marker title for the rebuild test" not in page.read_text(encoding="utf-8")

    events = folder / "events.csv"
    text = events.read_text(encoding="utf-8")
    old_title = "India blocks TikTok and 58 other Chinese-linked apps"
    assert old_title in text
    events.write_text(text.replace(old_title, "Marker title for the rebuild test"), encoding="utf-8")
    second = build_book(path_output=out, env=env)
    assert second.returncode == 0, (second.stdout + second.stderr)[-3000:]
    html = page.read_text(encoding="utf-8")
    assert "Marker title for the rebuild test" in html and old_title not in html


@pytest.mark.book
def test_the_browser_test_covers_every_built_page(site):
    """The browser test's page list (from _toc.yml) matches what the build wrote."""
    from test_browser import _pages

    built = {str(p.relative_to(site)) for p in html_pages(site)} - {"404.html"}
    assert built == set(_pages()), built ^ set(_pages())
    # 404.html links from the site's path, so it is opened where the site is served below that
    # path (test_publishing.py), not here
