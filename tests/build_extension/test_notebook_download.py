"""The notebook archive as a student meets it: unzip, install the slim set, run every notebook.

The archive (built by ``make book``) is unzipped into a temporary folder; an
environment is made from its ``requirements-notebooks.txt`` alone (the pip
cache makes this quick; the environment is kept in ``_build/notebook-venv``
while that file is unchanged); every notebook is executed there. Markdown
cells must hold no MyST roles, targets or directives, charts must come out
live (the Vega-Lite v5 bundle JupyterLab draws itself, offline, which must
compile with Vega-Lite 5) with the SVG as fallback, and a notebook on its own
must fail first with an error that says what it needs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS, REPO
from walledoff_build.book import NOTEBOOK_DIR, archive_name, notebook_name
from walledoff_build.downloads import NOTEBOOK_REQUIREMENTS
from walledoff_build.notebook_export import myst_left, unescaped_dollars
from walledoff_notebook.figures import CHART_MIME, JUPYTERLAB_VEGALITE_MIME
from walledoff_notebook.meta import metadata

VENV = REPO / "_build" / "notebook-venv"
PYTHON = "python3.11"


@pytest.fixture(scope="module")
def unzipped(site, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    with zipfile.ZipFile(site / NOTEBOOK_DIR / archive_name()) as archive:
        archive.extractall(folder)
    return folder / f"walled-off-{metadata().version}"


@pytest.fixture(scope="module")
def slim_python(unzipped) -> Path:
    """A venv made from the archive's requirements-notebooks.txt, and nothing else."""
    requirements = unzipped / NOTEBOOK_REQUIREMENTS
    key = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = VENV / ".requirements-sha256"
    if not (stamp.exists() and stamp.read_text() == key):
        subprocess.run(["rm", "-rf", str(VENV)], check=True)
        subprocess.run([PYTHON, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(requirements)], check=True, timeout=1800)
        stamp.write_text(key)
    return VENV / "bin" / "python"


@pytest.mark.book
def test_slim_requirements_hold_nothing_from_the_build_or_tests(unzipped):
    pins = [line.split("==")[0].lower() for line in
            (unzipped / NOTEBOOK_REQUIREMENTS).read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert {"pandas", "altair", "jupyterlab"} <= set(pins)
    for tool in ("jupyter-book", "sphinx", "myst-nb", "playwright", "pytest", "sphinxcontrib-bibtex"):
        assert tool not in pins


@pytest.mark.book
def test_archive_readme_matches_the_archive(unzipped):
    readme = (unzipped / "README.md").read_text(encoding="utf-8")
    assert "make " not in readme and not (unzipped / "Makefile").exists()
    assert f"pip install -r {NOTEBOOK_REQUIREMENTS}" in readme
    for name in __import__("re").findall(r"^- `([^`]+)`", readme, __import__("re").M):
        assert (unzipped / name).exists(), f"the README lists {name}, which is not in the archive"
    assert "pip install evidence" not in readme


@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_downloaded_markdown_has_no_myst_and_charts_are_live(unzipped, page):
    notebook = nbformat.read(unzipped / "chapters" / notebook_name(page), as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert not myst_left(cell.source), (page, myst_left(cell.source)[:3])
            assert "listed under Sources on this page" not in cell.source
            assert not unescaped_dollars(cell.source), (page, "Jupyter would read $...$ as maths")
    first = notebook.cells[0].source
    assert NOTEBOOK_REQUIREMENTS in first and archive_name() in first
    assert "walledoff_notebook" in notebook.cells[1].source  # the check of what it needs
    charts = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if any("vegalite" in mime for mime in o.get("data", {}))]
    assert charts, f"{page}: no chart output in the download"
    for output in charts:
        assert JUPYTERLAB_VEGALITE_MIME in output["data"] and "image/svg+xml" in output["data"]
        assert CHART_MIME not in output["data"]
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "https://" in text.rsplit("##", 1)[-1], f"{page}: the last section lists no linked work"


@pytest.mark.book
def test_every_notebook_runs_in_the_slim_environment(unzipped, slim_python):
    result = subprocess.run([str(slim_python), str(REPO / "scripts" / "run_notebooks.py"), str(unzipped)],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) == {notebook_name(p) for p in NOTEBOOKS}
    for name, found in report.items():
        assert not found["error"], f"{name}:\n{found['error']}"
        assert found["charts"] and found["compiled_v5"] == len(found["charts"]), name
        assert all(JUPYTERLAB_VEGALITE_MIME in mimes for mimes in found["charts"]), name


@pytest.mark.book
def test_a_notebook_alone_fails_first_saying_what_it_needs(unzipped, slim_python, tmp_path):
    alone = tmp_path / "Downloads"
    alone.mkdir()
    name = notebook_name(NOTEBOOKS[0])
    (alone / name).write_bytes((unzipped / "chapters" / name).read_bytes())
    result = subprocess.run([str(slim_python), str(REPO / "scripts" / "run_notebooks.py"), str(tmp_path),
                             str(alone / name)], capture_output=True, text=True, timeout=600)
    error = json.loads(result.stdout.strip().splitlines()[-1])[name]["error"]
    assert error == (
        "ImportError: This notebook needs the book's notebook library and tables, the folders "
        f"walledoff_notebook/ and data/, one level above it. Download {archive_name()} "
        f"({metadata().base_url}{NOTEBOOK_DIR}/{archive_name()}), unzip it, run `pip install -r "
        f"requirements-notebooks.txt` in its top folder and open chapters/{name} from there. The "
        "library is not on PyPI: a package with a similar name is not it (`pip install evidence` "
        "installs an unrelated package).")
