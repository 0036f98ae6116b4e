"""Moved pages forward to their new address: configuration for sphinxext-rediraffe.

``teaching/redirects.yml`` (``pages:``) maps each published page that moved to
its new page. sphinxext-rediraffe writes the forwarding pages (keeping the
``#anchor`` and query); this module only feeds it that map, so the redirect
list stays in the teaching files beside the record of published anchors.
Moved anchors within a page are :mod:`walledoff_build.anchors`' job.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from walledoff_build.book import REDIRECTS_FILE, load_yaml


def moved_pages() -> dict[str, str]:
    """Old page -> new page (docnames, without ``.html``)."""
    return dict(load_yaml(REDIRECTS_FILE).get("pages") or {})


def _configure(app: Sphinx, config) -> None:
    config.rediraffe_redirects = {**moved_pages(), **(config.rediraffe_redirects or {})}


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxext.rediraffe")
    app.connect("config-inited", _configure, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
