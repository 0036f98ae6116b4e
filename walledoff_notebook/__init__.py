"""The notebook library: what every chapter imports, in the book and in Jupyter.

It runs inside a chapter notebook (never inside Sphinx; importing it does not
import Sphinx) and needs only pandas, Altair, Frictionless and pybtex:

* :mod:`~walledoff_notebook.data`     validated, typed tables from ``data/``;
* :mod:`~walledoff_notebook.sources`  the bibliography, looked up by key;
* :mod:`~walledoff_notebook.style`    the named palette and the house theme;
* :mod:`~walledoff_notebook.figures`  :func:`figure`: a chart, live in Jupyter and
  a sourced, accessible figure in the book;
* :mod:`~walledoff_notebook.builders` reusable charts (timelines, dated figures,
  grids, ranges) so a chapter's cell shows the question, not the plumbing;
* :mod:`~walledoff_notebook.tables`   the claims ledger and other tables;
* :mod:`~walledoff_notebook.meta`     the book's metadata (``book.yml``) and citations;
* :func:`glue`                        numbers for the prose.

The build extension that Sphinx loads is the other package, :mod:`walledoff_build`.

A chapter needs only::

    from walledoff_notebook import load, figure, claims_table, keys_in
"""

#: What the notebook library needs (import name: package to install), all in
#: requirements-notebooks.txt; a missing one fails here, naming the file to install.
NEEDS = {"pandas": "pandas", "altair": "altair", "vl_convert": "vl-convert-python",
         "frictionless": "frictionless", "pybtex": "pybtex", "yaml": "PyYAML"}


def _check_needs() -> None:
    import importlib.util

    missing = [package for name, package in NEEDS.items() if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            "The book's notebook library (walledoff_notebook) needs " + ", ".join(missing)
            + ". Install what the notebooks need, from the archive's top folder: "
            "`pip install -r requirements-notebooks.txt` (pandas, Altair, JupyterLab and the "
            "library's own needs; nothing from the book's build). The library itself is not on "
            "PyPI: `pip install evidence` (its old name) installs an unrelated package.")


_check_needs()

from walledoff_notebook.data import DataError, load, validate_package  # noqa: E402
from walledoff_notebook.figures import Figure, figure  # noqa: E402
from walledoff_notebook.glue import glue  # noqa: E402
from walledoff_notebook.sources import SourceError, get_source, keys_in, source_line  # noqa: E402
from walledoff_notebook.style import PALETTE, THEME_COLOURS, colour, colour_scale, theme_scale  # noqa: E402
from walledoff_notebook.tables import claims, claims_table, markdown_table  # noqa: E402

__all__ = [
    "DataError",
    "Figure",
    "PALETTE",
    "SourceError",
    "THEME_COLOURS",
    "claims",
    "claims_table",
    "colour",
    "colour_scale",
    "figure",
    "get_source",
    "glue",
    "keys_in",
    "load",
    "markdown_table",
    "source_line",
    "theme_scale",
    "validate_package",
]
