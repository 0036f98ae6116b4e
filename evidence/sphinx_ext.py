"""Sphinx extension: offline charts, no third-party loads, honest caching.

* Writes the Vega, Vega-Lite and Vega-Embed JavaScript (from
  ``vl_convert.javascript_bundle()``) into the built site once, wrapped in a
  function scope; the book's chart script, loaded only on pages with a chart,
  fetches it when a chart comes into view. (The charts arrive compiled to
  Vega; vl-convert cannot bundle the Vega runtime alone, so the bundle still
  carries Vega-Lite.)
* Drops any script or stylesheet that a theme or extension would load from
  another host (thebe, CDN MathJax, ...), so the site works offline.
* Makes pages light and accessible: scripts are deferred, the theme's icons
  come from a small generated stylesheet (:mod:`evidence.icons`), each page
  gets a meta description from its summary, and two ARIA roles the HTML
  writer gets wrong are corrected.
* Clears the notebook execution cache when ``data/`` or this package
  changes: the cache keys on a notebook's code only, and a chart drawn from
  last week's data would be silently wrong.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from evidence.paths import data_dir

logger = logging.getLogger(__name__)

#: Where the package's own static files are (chart script and styles).
STATIC_DIR = Path(__file__).parent / "static"
#: The Vega bundle's path inside the built site's ``_static`` folder.
VEGA_BUNDLE = "vendor/vega-bundle.js"
#: Scripts that inline scripts in the page head need at once (all others are deferred).
BLOCKING_SCRIPTS = ("_static/documentation_options.js",)
#: Longest meta description (search engines show about 155 characters).
DESCRIPTION_LENGTH = 155
#: Marker the chart helper puts on every chart figure.
CHART_MARKER = 'data-book-chart="'
#: File recording the fingerprint of the inputs the cached outputs were made from.
STAMP_NAME = ".evidence-inputs.sha256"


def inputs_fingerprint() -> str:
    """A hash of everything a chapter reads besides its own code: data and package."""
    digest = hashlib.sha256()
    folders = [data_dir(), Path(__file__).parent]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp_path(app: Sphinx) -> Path:
    """Where the fingerprint of the last successful build's inputs is kept."""
    return Path(app.outdir).parent / STAMP_NAME


def _cache_path(app: Sphinx, config) -> Path:
    """The notebook execution cache folder (Jupyter Book: ``_build/.jupyter_cache``)."""
    cache = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    return cache if cache.is_absolute() else Path(app.confdir) / cache


def _invalidate_stale_cache(app: Sphinx, config) -> None:
    """When data or the package changed since the last good build, forget old outputs.

    Two caches would otherwise serve stale charts: the notebook execution
    cache (keyed on code only) and Sphinx's own environment (which re-reads a
    page only when its source file changes). The first is emptied here, the
    second is told to re-read every page (see :func:`_outdated_pages`).
    """
    stamp = _stamp_path(app)
    app._evidence_fingerprint = inputs_fingerprint()
    previous = stamp.read_text().strip() if stamp.exists() else None
    app._evidence_inputs_changed = previous != app._evidence_fingerprint
    cache = _cache_path(app, config)
    if app._evidence_inputs_changed and cache.exists():
        logger.info("[evidence] data or package changed: clearing the execution cache %s", cache)
        shutil.rmtree(cache)


def _outdated_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read every page when the data or the package changed."""
    if getattr(app, "_evidence_inputs_changed", False):
        return sorted(env.found_docs - set(added) - set(changed) - set(removed))
    return []


def _record_inputs(app: Sphinx, exception) -> None:
    """After a successful build, remember which inputs its outputs were made from."""
    if exception is None:
        stamp = _stamp_path(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(app._evidence_fingerprint + "\n")


def _generated_dir(app: Sphinx) -> Path:
    """A folder, beside the output, for static files the build generates."""
    return Path(app.outdir).parent / ".evidence-static"


def _add_static_path(app: Sphinx, config) -> None:
    """Serve the package's static folder (not named ``_static``, so it is not put on every page)
    and the generated one (the icon stylesheet)."""
    from evidence.icons import icon_css

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
    """Per page: drop remote assets; add the chart scripts where there is a chart."""
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
    if CHART_MARKER in body:
        import vl_convert

        bundle = f"{VEGA_BUNDLE}?v={vl_convert.__version__}"  # a new file name for a new Vega
        app.add_js_file("book-charts.js", loading_method="defer", **{"data-vega": bundle})
    context["book_description"] = page_description(doctree) or app.config.project
    _check_icons(app, pagename, context)


def _check_icons(app: Sphinx, pagename: str, context) -> None:
    """Warn when a page asks for an icon the generated icon stylesheet does not draw."""
    from evidence.icons import ICONS, icons_used

    pieces = [str(context.get(key, "")) for key in ("body", "header", "footer")]
    missing = icons_used("".join(pieces)) - set(ICONS)
    if missing:
        logger.warning("[evidence] %s uses icons missing from evidence/icons.py ICONS: %s",
                       pagename, ", ".join(sorted(missing)))


def _write_vega_bundle(app: Sphinx, exception) -> None:
    """Write the Vega bundle into the site once, wrapped in a function scope.

    Generating the bundle takes seconds, so it is kept between builds and
    only rewritten when vl-convert (which pins the Vega versions) changes.
    """
    if exception or app.builder.format != "html":
        return
    import vl_convert

    target = Path(app.outdir) / "_static" / VEGA_BUNDLE
    header = f"/* vega, vega-lite and vega-embed from vl-convert {vl_convert.__version__} */\n"
    if target.exists() and target.read_text(encoding="utf-8")[: len(header)] == header:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    body = vl_convert.javascript_bundle()
    target.write_text(header + "(function () {\n" + body + "\n})();\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    from evidence.bibstyle import register

    register()
    app.add_css_file("book.css")  # the book's own styles, on every page
    app.add_css_file("book-icons.css")  # the theme's icons without Font Awesome's script
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", _invalidate_stale_cache)
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("env-get-outdated", _outdated_pages)
    app.connect("build-finished", _write_vega_bundle)
    app.connect("build-finished", _record_inputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["inputs_fingerprint", "setup"]
