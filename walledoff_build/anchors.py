"""Stable section addresses, and addresses that moved.

* A section's explicit label (``(texas-usds)=``) becomes its main id, so the
  heading's link, the page's contents and the cite box all show it; a section
  without a label gets ``<parent label>-<title slug>``. Sphinx would otherwise
  use the title's slug, which changes whenever a heading is reworded.
* A page whose anchors moved (``teaching/redirects.yml``, ``anchors:``) carries
  the map, and ``book-teaching.js`` follows an old ``#anchor`` to its new place.
  sphinxext-rediraffe (see :mod:`walledoff_build.redirects`) forwards moved
  pages, but no maintained extension forwards a moved anchor within a page.
"""

from __future__ import annotations

import json

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from walledoff_build.book import REDIRECTS_FILE, load_yaml, slug


class StableSectionIds(SphinxTransform):
    """Make each section's label its main id; give unlabelled sections a derived one."""

    default_priority = 880

    def apply(self, **kwargs) -> None:
        document = self.document
        base = slug(self.env.docname.rsplit("/", 1)[-1])
        for section in document.findall(nodes.section):
            title = section.next_node(nodes.title)
            # explicit targets (labels) are True in nametypes; a title's own name is False
            explicit = [name for name in section["names"] if document.nametypes.get(name)]
            label_ids = [document.nameids.get(name) for name in explicit]
            label_ids = [i for i in label_ids if i and i in section["ids"]]
            if label_ids:  # several labels: the page's own name wins (old names stay as extra ids)
                main = sorted(label_ids, key=lambda i: i != base)[0]
            else:
                parent = section.parent
                while parent is not None and not isinstance(parent, nodes.section):
                    parent = parent.parent
                stem = parent["ids"][0] if parent is not None and parent["ids"] else base
                main = f"{stem}-{slug(title.astext()) if title else 'section'}"
                if main in document.ids and document.ids[main] is not section:
                    continue
                document.ids[main] = section
            section["ids"] = [main] + [i for i in section["ids"] if i != main]


def moved_anchors() -> dict:
    """Per page, old anchor -> new anchor, from ``teaching/redirects.yml``."""
    return load_yaml(REDIRECTS_FILE).get("anchors") or {}


def _anchor_map(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put the page's moved-anchor map on the page, for the script to follow."""
    anchors = moved_anchors().get(pagename)
    if anchors and context.get("body"):
        context["body"] += ('<script type="application/json" id="book-anchor-redirects">'
                            + json.dumps(anchors).replace("</", "<\\/") + "</script>")


def setup(app: Sphinx) -> dict:
    app.add_transform(StableSectionIds)
    app.add_js_file("book-teaching.js", defer="defer")
    app.connect("html-page-context", _anchor_map)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
