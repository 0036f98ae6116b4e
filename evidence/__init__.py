"""Shared code for the book's chapters.

One place for each thing the chapters share:

* :mod:`evidence.data`     - the data package: validation and typed loading;
* :mod:`evidence.sources`  - the bibliography: look up a source by its key;
* :mod:`evidence.charts`   - the house chart style and the chart helper;
* :mod:`evidence.tables`   - tables for the page (claims ledger, events);
* :mod:`evidence.sphinx_ext` - the Sphinx extension that serves the chart
  JavaScript from the book itself and removes third-party loads.

A chapter needs only::

    from evidence import load, chart_figure, claims_table
"""

from evidence.data import DataError, load, validate_package
from evidence.sources import SourceError, get_source, keys_in, source_line
from evidence.charts import chart_figure, enable_theme, THEME_COLOURS
from evidence.tables import claims_table, markdown_table

__all__ = [
    "DataError",
    "SourceError",
    "THEME_COLOURS",
    "chart_figure",
    "claims_table",
    "enable_theme",
    "get_source",
    "keys_in",
    "load",
    "markdown_table",
    "source_line",
    "validate_package",
]
