"""Downloads in the site: the data package, each chapter as a notebook, and one archive.

After an HTML build, ``data/`` is copied into the site as-is (so "Get the
data" under a chart downloads the very CSV it was drawn from), each notebook
chapter is written as ``notebooks/<name>.ipynb`` (clean: no outputs), and all
of them, with the data, the notebook library and the pins, go into one zip.
No maintained extension packages MyST notebooks for download, hence this module.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

from walledoff_build.book import NOTEBOOK_DIR, SITE_DATA_DIR, archive_name, is_notebook, notebook_name
from walledoff_notebook.meta import apa, metadata
from walledoff_notebook.paths import data_dir

#: Files and folders (from the repository) that make the archive runnable.
ARCHIVE_FILES = ["README.md", "LICENSE", "CITATION.cff", "book.yml", "requirements.txt",
                 "requirements.in", "pyproject.toml"]
ARCHIVE_DIRS = ["data", "walledoff_notebook"]


def _clean_notebook(path: Path, docname: str):
    import jupytext
    import nbformat

    meta = metadata()
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    intro = nbformat.v4.new_markdown_cell(
        f"*From **{meta.title}**, version {meta.version} ({meta.date_released}); "
        f"generated from `{docname}.md`. Online: {meta.url(docname)}*\n\n"
        "This notebook has no outputs: run all cells (Run > Run All Cells). It reads the book's "
        "tables in `../data/` through the `walledoff_notebook` package, so keep it in the `chapters/` folder "
        f"of the archive `{archive_name()}` (or of the book's repository) and install the "
        "pinned packages first: `pip install -r requirements.txt && pip install -e .` from the "
        "archive's top folder. Cells tagged `remove-cell` are hidden in the book but needed here; "
        "cells tagged `hide-cell` hold worked answers.\n\n"
        f"Text: {meta.licences['text']['name']}; code: {meta.licences['code']['name']}.")
    notebook.cells.insert(0, intro)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata.setdefault("kernelspec", {"display_name": "Python 3", "language": "python",
                                                "name": "python3"})
    nbformat.validate(notebook)
    return notebook


def write_downloads(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    import nbformat

    out = Path(app.outdir)
    source = Path(app.srcdir)
    data_out = out / SITE_DATA_DIR
    if data_out.exists():
        shutil.rmtree(data_out)
    shutil.copytree(data_dir(), data_out, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    if app.builder.name != "html":
        return
    nb_dir = out / NOTEBOOK_DIR
    if nb_dir.exists():
        shutil.rmtree(nb_dir)
    nb_dir.mkdir(parents=True)
    notebooks = {}
    for docname in app.env.book_toc_pages:
        path = source / f"{docname}.md"
        if path.exists() and is_notebook(path):
            notebook = _clean_notebook(path, docname)
            target = nb_dir / notebook_name(docname)
            nbformat.write(notebook, target)
            notebooks[docname] = target
    meta = metadata()
    top = f"walled-off-{meta.version}"
    with zipfile.ZipFile(nb_dir / archive_name(), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ARCHIVE_FILES:
            if (source / name).exists():
                archive.write(source / name, f"{top}/{name}")
        for folder in ARCHIVE_DIRS:
            base = data_dir() if folder == "data" else source / folder
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, f"{top}/{folder}/{path.relative_to(base)}")
        for docname, path in notebooks.items():
            archive.write(path, f"{top}/chapters/{path.name}")
        archive.writestr(f"{top}/RUN-THE-NOTEBOOKS.txt", (
            f"{meta.title}, version {meta.version} ({meta.date_released})\n\n"
            "To run the chapters as notebooks (Python 3.11):\n\n"
            "    python3.11 -m venv .venv\n"
            "    .venv/bin/pip install -r requirements.txt\n"
            "    .venv/bin/pip install --no-deps -e .\n"
            "    .venv/bin/pip install jupyterlab==4.6.6\n"
            "    .venv/bin/jupyter lab chapters/\n\n"
            "Open a chapter's .ipynb and run all cells. The notebooks read only data/.\n"
            f"Cite: {apa(meta)}\n"))


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
