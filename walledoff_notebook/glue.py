"""``glue``: hand a computed value to the book's prose, in the build and in Jupyter alike.

In the book's build, myst-nb's ``glue`` records the value so that a
``{glue:text}`` role in the chapter's text shows it (the text and the charts
then come from the same computation). A student's notebook does not need
myst-nb: there the values have already been written into the text, so
``glue`` just returns the value, and the notebook runs with pandas and Altair
alone.
"""

from __future__ import annotations

try:  # the book's build (and any environment with myst-nb)
    from myst_nb import glue as _myst_glue
except ImportError:  # a student's notebook: nothing to record
    _myst_glue = None


def glue(name: str, value, display: bool = False):
    """Record ``value`` under ``name`` for the book's text; return it."""
    if _myst_glue is not None:
        _myst_glue(name, value, display=display)
    return value
