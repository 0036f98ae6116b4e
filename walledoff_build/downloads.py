"""Downloads in the site: the data package, each chapter as a notebook, and one archive.

After an HTML build, ``data/`` is copied into the site as-is (so "Get the
data" under a chart downloads the very CSV it was drawn from), each notebook
chapter is written as ``notebooks/<name>.ipynb`` (plain Jupyter Markdown with the
build's outputs: :mod:`walledoff_build.notebook_export`), and all
of them, with the data, the notebook library and the pins, go into one zip.
No maintained extension packages MyST notebooks for download, hence this module.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from walledoff_build.book import NOTEBOOK_DIR, SITE_DATA_DIR, archive_name, is_notebook, notebook_name
from walledoff_notebook.meta import apa, metadata
from walledoff_notebook.paths import data_dir

logger = logging.getLogger(__name__)

#: What the notebooks need, and nothing from the build or the tests.
NOTEBOOK_REQUIREMENTS = "requirements-notebooks.txt"

#: Files and folders (from the repository) that make the archive runnable: the notebook
#: library, the data, the book's metadata (read by the library) and the slim requirements.
ARCHIVE_FILES = ["LICENSE", "CITATION.cff", "book.yml", NOTEBOOK_REQUIREMENTS]
ARCHIVE_DIRS = ["data", "walledoff_notebook"]


def _glue_values(notebook) -> dict[str, str]:
    """Every glued value in an executed notebook: name to its text (as ``{glue:text}`` reads it)."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                data = output.get("data", {})
                values[record["name"]] = data.get(record.get("mime_prefix", "") + "text/plain",
                                                  data.get("text/plain", ""))
    return values


def _context(app: Sphinx, docname: str, notebook):
    """What the converter needs from this build: glued values, labels, titles, figure numbers."""
    from walledoff_build.notebook_export import Context

    std = app.env.get_domain("std")
    labels = {label: (doc, anchor, title) for label, (doc, anchor, title) in std.labels.items()}
    for label, (doc, anchor) in std.anonlabels.items():
        labels.setdefault(label, (doc, anchor, app.env.titles[doc].astext() if doc in app.env.titles
                                  else label))
    numbers = {}
    for figtype in app.env.toc_fignumbers.get(docname, {}).values():
        for figure_id, number in figtype.items():
            numbers[figure_id] = ".".join(str(n) for n in number)
    titles = {doc: title.astext() for doc, title in app.env.titles.items()}
    return Context(docname=docname, glue=_glue_values(notebook), labels=labels, titles=titles,
                   fignumbers=numbers)


def _executed(app: Sphinx, path: Path):
    """The chapter with the outputs this build executed (from the execution cache), or none.

    (myst-nb's ``jupyter_execute/`` copy of a notebook taken from the cache has no
    outputs, so the cache itself is read, matched on the code as myst-nb matches it.)
    """
    import jupytext
    from jupyter_cache import get_cache

    from walledoff_build.freshness import _cache_path

    notebook = jupytext.read(path)
    cache = _cache_path(app)
    if cache.exists():
        try:
            _, notebook = get_cache(str(cache)).merge_match_into_notebook(notebook)
        except KeyError:  # not executed (or changed since): the code without outputs
            logger.warning("[walledoff] %s: no executed copy in the notebook cache; the download "
                           "has no outputs", path.name, location=str(path))
    return notebook


def _download_notebook(app: Sphinx, path: Path, docname: str):
    """The chapter as a notebook that reads like its page (walledoff_build.notebook_export).

    It starts from the notebook this build executed, so the download opens with
    the page's outputs: numbers in the text, live charts, tables.
    """
    import nbformat

    from walledoff_build.notebook_export import convert

    notebook = _executed(app, path)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                       "name": "python3"}
    notebook = convert(notebook, _context(app, docname, notebook))
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
            notebook = _download_notebook(app, path, docname)
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
        archive.writestr(f"{top}/README.md", archive_readme(sorted(
            f"chapters/{path.name}" for path in notebooks.values())))


def archive_readme(notebooks: list[str]) -> str:
    """The archive's README: what is in it and how to run it, with nothing it does not hold."""
    meta = metadata()
    listing = "\n".join(f"- `{name}`" for name in notebooks)
    return (
        f"# {meta.title}: the chapters as notebooks\n\n"
        f"Version {meta.version} ({meta.date_released}). The book online: {meta.url()}\n\n"
        "## Run the notebooks (Python 3.11)\n\n"
        "In this folder:\n\n"
        "```\npython3.11 -m venv .venv\n"
        f".venv/bin/pip install -r {NOTEBOOK_REQUIREMENTS}\n"
        ".venv/bin/jupyter lab chapters/\n```\n\n"
        "(On Windows: `py -3.11 -m venv .venv`, then `.venv\\Scripts\\pip` and "
        "`.venv\\Scripts\\jupyter`.) Open a chapter and run all cells (Run > Run All Cells). "
        f"`{NOTEBOOK_REQUIREMENTS}` installs pandas, Altair, JupyterLab and what the notebook "
        "library needs (vl-convert, Frictionless, pybtex, PyYAML): nothing from the book's build "
        "or tests. The notebook library is not installed and is not on PyPI: each notebook finds "
        "it in `walledoff_notebook/`, one level above `chapters/`, so keep the folders together.\n\n"
        "Each notebook opens with the outputs the book was built with. Charts are live in "
        "JupyterLab, drawn by its own renderer, offline; other viewers show a static image.\n\n"
        "## What is here\n\n"
        f"{listing}\n"
        "- `data/`: every table the chapters draw from (CSV), `datapackage.json` (the schema of "
        "each) and `references.bib` (every source)\n"
        "- `walledoff_notebook/`: the notebook library the chapters import (load a table, draw a "
        "chart, look up a source)\n"
        f"- `{NOTEBOOK_REQUIREMENTS}`: what the notebooks need\n"
        "- `book.yml`: the book's title, version and licences, read by the library\n"
        "- `LICENSE`, `CITATION.cff`: the licences, and how to cite the book\n\n"
        "If you change a table, check it alone with "
        "`.venv/bin/python -m walledoff_notebook.check` (run in this folder).\n\n"
        f"Cite: {apa(meta)}\n")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
