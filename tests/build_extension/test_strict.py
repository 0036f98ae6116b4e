"""Warnings fail every build, not only the first (walledoff_build.strict).

Sphinx re-reads only pages whose source changed, so on its own a missing
citation key fails the first build and passes the second, with "[]" on the
page. These tests build a one-page Sphinx project with the book's strict
extension, twice in a row, with the book's flags (-W -n --keep-going).
"""

from __future__ import annotations

import subprocess

from conftest import BIN, REPO

CONF = '''extensions = ["myst_parser", "sphinxcontrib.bibtex", "walledoff_build.strict"]
bibtex_bibfiles = ["refs.bib"]
'''
BIB = '''@online{good2020,
  title = {T},
  organization = {Org},
  date = {2020},
  url = {https://example.org/},
  urldate = {2026-01-01}
}
'''
PAGE = "# A page\n\nText {cite:p}`%s`.\n\n```{bibliography}\n```\n"


def _project(tmp_path, key: str):
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "index.md").write_text(PAGE % key, encoding="utf-8")


def _build(tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "sphinx-build"), "-W", "-n", "--keep-going", "-q", "-b", "html",
                           str(tmp_path), str(tmp_path / "_build")], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


def test_a_missing_citation_key_fails_twice_in_a_row(tmp_path):
    _project(tmp_path, "nosuch2099")
    for attempt in ("first", "second (nothing changed)"):
        result = _build(tmp_path)
        assert result.returncode != 0, f"the {attempt} build passed with a missing key"
        assert result.stderr.splitlines()[0] == (
            f'{tmp_path}/index.md:3: WARNING: could not find bibtex key "nosuch2099"'), attempt


def test_the_html_check_names_an_empty_citation(tmp_path):
    _project(tmp_path, "nosuch2099")
    result = _build(tmp_path)
    assert (f'{tmp_path}/index.md: WARNING: [walledoff] 1 citation(s) render as an empty "[]" in '
            "index.html: a {cite} key that is not in data/references.bib") in result.stderr


def test_once_fixed_the_next_build_passes(tmp_path):
    _project(tmp_path, "nosuch2099")
    assert _build(tmp_path).returncode != 0
    (tmp_path / "index.md").write_text(PAGE % "good2020", encoding="utf-8")
    for _ in range(2):
        result = _build(tmp_path)
        assert result.returncode == 0, result.stderr
