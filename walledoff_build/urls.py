"""The one way to write an address from a page to a file in the built site.

A page at ``chapters/texas.html`` reaches ``data/events.csv`` as
``../data/events.csv``; in the one-page (print) edition every page is the
site's top page, so the address is ``data/events.csv`` itself.
"""

from __future__ import annotations

import posixpath


def site_relative(docname: str, target: str, builder_name: str = "html") -> str:
    """The address of ``target`` (a path from the site's top) as seen from page ``docname``."""
    if builder_name == "singlehtml":
        return target
    return posixpath.relpath(target, posixpath.dirname(docname) or ".")


def page_relative(old: str, new: str) -> str:
    """The address of page ``new`` (a docname) as seen from page ``old``."""
    return site_relative(old, f"{new}.html")
