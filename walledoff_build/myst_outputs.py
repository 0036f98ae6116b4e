"""MyST that a notebook cell outputs (tables with citations), parsed as part of the page.

:func:`walledoff_notebook.markdown_table` and the claims ledger display as
``application/vnd.walledoff.myst+json`` (for the book) and as plain HTML (for
Jupyter, which would otherwise show MyST roles as raw text). This myst-nb mime
renderer parses the former with the page's own parser, so ``{cite:p}`` roles in
a table become citations listed in the page's bibliography. myst-nb's own
``text/markdown`` route would lose to the HTML view in the book's priority
order, hence this small plugin.
"""

from __future__ import annotations

from walledoff_notebook.tables import MYST_MIME


class MystMimeRenderer:
    """myst-nb mime renderer plugin (entry point ``walledoff_myst``)."""

    mime_priority_overrides = [(builder, MYST_MIME, 1) for builder in ("html", "singlehtml", "dirhtml")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != MYST_MIME:
            return None
        from docutils import nodes

        content = data.content if isinstance(data.content, dict) else {}
        holder = nodes.Element()
        with renderer.renderer.current_node_context(holder):
            renderer.renderer.nested_render_text(str(content.get("myst", "")), data.line or 0)
        return list(holder.children)
