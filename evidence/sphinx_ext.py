"""Sphinx extension: offline charts, no third-party loads, honest caching.

* Writes the Vega, Vega-Lite and Vega-Embed JavaScript (from
  ``vl_convert.javascript_bundle()``) into the built site once, wrapped in a
  function scope, and loads it, with the book's chart script and styles,
  only on pages that have a chart.
* Drops any script or stylesheet that a theme or extension would load from
  another host (thebe, CDN MathJax, ...), so the site works offline.
* Clears the notebook execution cache when ``data/`` or this package
  changes: the cache keys on a notebook's code only, and a chart drawn from
  last week's data would be silently wrong.
"""

from __future__ import annotations

import hashlib
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


def _add_static_path(app: Sphinx, config) -> None:
    """Serve the package's static folder (not named ``_static``, so it is not put on every page)."""
    config.html_static_path.append(str(STATIC_DIR))


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
    if CHART_MARKER in context.get("body", ""):
        app.add_js_file(VEGA_BUNDLE)
        app.add_js_file("book-charts.js")


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
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", _invalidate_stale_cache)
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("env-get-outdated", _outdated_pages)
    app.connect("build-finished", _write_vega_bundle)
    app.connect("build-finished", _record_inputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["inputs_fingerprint", "setup"]
