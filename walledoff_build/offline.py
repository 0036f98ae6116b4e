"""Offline, light and accessible pages: the book's assets and page-level repairs.

* Serves the extension's static folder (not named ``_static``, so Jupyter
  Book does not put every file in it on every page) and the generated icon
  stylesheet; this is the one place the static folders are registered.
* Drops any script or stylesheet that a theme or extension would load from
  another host (thebe, CDN MathJax, ...), so the site works offline.
* Makes pages light and accessible: scripts are deferred, the theme's icons
  come from a small generated stylesheet (:mod:`walledoff_build.icons`), each
  page gets a meta description from its summary, and the ARIA roles the HTML
  writer gets wrong are corrected.

No maintained extension removes third-party assets or replaces the theme's
icon script, hence this module.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where the extension's own static files are (chart script and styles).
STATIC_DIR = Path(__file__).parent / "static"
#: Scripts that inline scripts in the page head need at once (all others are deferred).
BLOCKING_SCRIPTS = ("_static/documentation_options.js",)
#: Longest meta description (search engines show about 155 characters).
DESCRIPTION_LENGTH = 155


def _generated_dir(app: Sphinx) -> Path:
    """A folder, beside the output, for static files the build generates."""
    return Path(app.outdir).parent / ".walledoff-static"


def _add_static_path(app: Sphinx, config) -> None:
    """Serve the package's static folder (not named ``_static``, so it is not put on every page)
    and the generated one (the icon stylesheet)."""
    from walledoff_build.icons import icon_css

    generated = _generated_dir(app)
    generated.mkdir(parents=True, exist_ok=True)
    css = generated / "book-icons.css"
    text = icon_css()
    if not css.exists() or css.read_text(encoding="utf-8") != text:
        css.write_text(text, encoding="utf-8")
    config.html_static_path.extend([str(STATIC_DIR), str(generated)])


def _script_name(script) -> str:
    """The file a script entry loads ('' for an inline script)."""
    return str(getattr(script, "filename", script) or "")


def _lighter_scripts(pagename: str, scripts: list) -> list:
    """Defer every script file but the few inline code needs (the search page keeps its order).

    The search scripts the theme puts on every page are dropped in
    ``_templates/layout.html``; they are not in this list.
    """
    from sphinx.builders.html._assets import _JavaScript

    if pagename == "search":  # its inline code runs Sphinx's search at once
        return list(scripts)
    kept = []
    for script in scripts:
        name = _script_name(script)
        attributes = dict(getattr(script, "attributes", {}) or {})
        if name and name not in BLOCKING_SCRIPTS and not {"defer", "async"} & set(attributes):
            attributes["defer"] = "defer"
            script = _JavaScript(name, priority=getattr(script, "priority", 500), **attributes)
        kept.append(script)
    return kept


def page_description(doctree) -> str:
    """The page's summary for search results: the first paragraph under "Summary", else the first."""
    from docutils import nodes

    if doctree is None:
        return ""
    first = None
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and title.astext().strip().lower() == "summary":
            first = section.next_node(nodes.paragraph)
            break
    if first is None:
        first = doctree.next_node(nodes.paragraph)
    text = " ".join(first.astext().split()) if first is not None else ""
    if len(text) > DESCRIPTION_LENGTH:
        text = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


#: ARIA fixes for the HTML that docutils and myst-nb write.
ARIA_FIXES = (
    # docutils marks bibliography entries with the deprecated role doc-biblioentry inside a
    # role="list"; list items are what the list needs (axe: aria-required-children).
    ('role="doc-biblioentry"', 'role="listitem"'),
    # myst-nb's collapsed cells name their toggle "Toggle hidden content" while it shows
    # "Show code cell content"; the visible text is the better name (WCAG 2.5.3).
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


#: sphinxcontrib-bibtex gives every in-text citation a hover preview (title=) repeating
#: the whole entry; the label already links to that entry in the page's source list.
#: On a chapter with many citations the previews weighed up to 27 KB compressed,
#: served to phones that cannot hover.
CITATION_PREVIEW = re.compile(r'(<a class="reference internal" href="#id\d+") title="[^"]*"')


def _is_remote(filename) -> bool:
    """True for an address on another host (``https://``, ``http://`` or ``//``)."""
    name = str(getattr(filename, "filename", filename) or "")
    return name.startswith(("http://", "https://", "//"))


def _page_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Per page: drop remote assets, defer scripts, repair ARIA, describe the page."""
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            kept = [f for f in files if not _is_remote(f)]
            if len(kept) != len(files):
                files[:] = kept
    if context.get("script_files"):
        context["script_files"][:] = _lighter_scripts(pagename, context["script_files"])
    body = context.get("body", "")
    for old, new in ARIA_FIXES:
        body = body.replace(old, new)
    body = CITATION_PREVIEW.sub(r"\1", body)
    context["body"] = body
    context["book_description"] = page_description(doctree) or app.config.project
    _check_icons(app, pagename, context)


def _check_icons(app: Sphinx, pagename: str, context) -> None:
    """Warn when a page asks for an icon the generated icon stylesheet does not draw."""
    from walledoff_build.icons import ICONS, icons_used

    pieces = [str(context.get(key, "")) for key in ("body", "header", "footer")]
    missing = icons_used("".join(pieces)) - set(ICONS)
    if missing:
        logger.warning("[walledoff] %s uses icons missing from walledoff_build/icons.py ICONS: %s",
                       pagename, ", ".join(sorted(missing)))


def setup(app: Sphinx) -> dict:
    # Jupyter Book always passes sphinx-comments' setting; the book does not load that
    # extension (it was unconfigured and did nothing), so the setting is declared here.
    app.add_config_value("comments_config", {}, "html")
    app.add_css_file("book.css")  # the book's own styles, on every page
    app.add_css_file("book-icons.css")  # the theme's icons without Font Awesome's script
    app.connect("config-inited", _add_static_path)
    app.connect("html-page-context", _page_assets, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
