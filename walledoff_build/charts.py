"""The figure under every chart, drawn at build time from the marker a notebook emits.

A chapter's chart cell displays :func:`walledoff_notebook.figure`, whose output
carries a marker (``application/vnd.walledoff.chart+json``: the chart compiled
to Vega, a static SVG, source keys, the data table, the table's name). This
module is a myst-nb mime renderer for that marker (registered as an entry
point in ``pyproject.toml``). For each chart it writes, once:

* the title and subtitle as text (they wrap on a phone), the static SVG as an
  image of reserved size, and the Vega spec for the book's own chart script,
  which draws the live chart when it comes into view (no CDN);
* under the caption (``mystnb: figure: caption:`` in the cell's metadata,
  which myst-nb turns into a numbered Sphinx figure), the source line as real
  citations (so every source behind a chart is listed in the page's
  bibliography), the description for screen readers (``chart: description:``
  in the cell's metadata), the data table with a CSV download, and the data
  block: the table's CSV in the site, its licence and how to cite it, with
  addresses written for the page and the builder at hand.

It also writes the Vega runtime into the site and adds the chart script to
pages that have a chart. No maintained extension draws Vega offline from a
notebook output with a static fallback, hence this module.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from io import StringIO
from pathlib import Path

import pandas as pd
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from walledoff_build.book import SITE_DATA_DIR
from walledoff_build.urls import site_relative
from walledoff_notebook.figures import (CHART_MIME, JUPYTERLAB_VEGALITE_MIME, MARKER_VERSION,
                                        VEGALITE_MIME, svg_size)
from walledoff_notebook.meta import metadata
from walledoff_notebook.package import resource, table_licence

logger = logging.getLogger(__name__)

#: The Vega bundle's path inside the built site's ``_static`` folder.
VEGA_BUNDLE = "vendor/vega-bundle.js"
#: A source line names at most this many sources; more are counted, not named.
MAX_NAMED_SOURCES = 6
#: Builders that draw the figure (the others skip it).
HTML_BUILDERS = ("html", "singlehtml", "dirhtml")


class book_chart(nodes.General, nodes.Element):
    """The chart itself: title, subtitle, static image, Vega spec (attributes)."""


class book_chart_notes(nodes.General, nodes.Element):
    """Under the caption: source line, description, data table, data block."""


class book_chart_data(nodes.General, nodes.Element):
    """The data table, its CSV download and the data block (written per builder)."""


# --- From the notebook's marker to nodes (while the page is read) ---------------

def _parse(renderer, text: str, line: int) -> list[nodes.Node]:
    """MyST text (citations, glued numbers) as nodes, parsed in the page's context."""
    holder = nodes.Element()
    with renderer.current_node_context(holder):
        renderer.nested_render_text(text, line)
    return list(holder.children)


def source_markdown(keys: list[str], dataset: str | None) -> str:
    """The source line as MyST: the data file, then the sources as citations.

    A chart drawn from many sources (a timeline) says how many there are and
    registers them all with the page's bibliography (``{cite:empty}``), so
    "listed under Sources on this page" is true.
    """
    data = f"Data: `data/{dataset}.csv`. " if dataset else ""
    joined = ",".join(keys)
    if len(keys) > MAX_NAMED_SOURCES:
        return (f"{data}Compiled from {len(keys)} sources, all listed under Sources on this "
                f"page.{{cite:empty}}`{joined}`")
    label = "Source" if len(keys) == 1 else "Sources"
    return f"{data}{label}: {{cite:p}}`{joined}`."


def _metadata_text(cell_metadata: dict, *path: str) -> str:
    value = cell_metadata
    for key in path:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def chart_nodes(renderer, marker: dict, cell_metadata: dict, line: int) -> list[nodes.Node] | None:
    """The figure's nodes for one marker, or ``None`` (with a warning) when it cannot be drawn."""
    problems = []
    if marker.get("version") != MARKER_VERSION:
        problems.append(f"a chart marker of version {marker.get('version')!r} (expected "
                        f"{MARKER_VERSION}): rebuild with the matching walledoff_notebook")
    name = _metadata_text(cell_metadata, "mystnb", "figure", "name")
    caption = _metadata_text(cell_metadata, "mystnb", "figure", "caption")
    description = _metadata_text(cell_metadata, "chart", "description")
    for what, value, where in (("name", name, "mystnb: figure: name:"),
                               ("caption", caption, "mystnb: figure: caption:"),
                               ("description", description, "chart: description:")):
        if not value:
            problems.append(f"the chart cell needs a {what} in its metadata ({where})")
    if problems:
        for problem in problems:
            logger.warning("[walledoff] %s", problem, location=(renderer.document["source"], line))
        return None
    name = name.removeprefix("fig-")  # figure labels start fig-; the chart's own ids do not
    chart = book_chart(name=name, title=marker["title"], subtitle=marker.get("subtitle", ""),
                       svg=marker["svg"], height=marker["height"], dataset=marker.get("dataset") or "",
                       vega=json.dumps({**marker["vega"], "description": description},
                                       separators=(",", ":"), allow_nan=False))
    notes = book_chart_notes(name=name, classes=["book-no-glossary"], sources=" ".join(marker["sources"]))
    source = nodes.paragraph(classes=["book-chart-source"])
    for node in _parse(renderer, source_markdown(marker["sources"], marker.get("dataset")), line):
        source += node.children if isinstance(node, nodes.paragraph) else [node]
    described = nodes.paragraph(classes=["book-chart-description"], ids=[f"chart-{name}-desc"])
    for node in _parse(renderer, description, line):
        described += node.children if isinstance(node, nodes.paragraph) else [node]
    notes += [source, described,
              book_chart_data(name=name, table=json.dumps(marker["table"]),
                              dataset=marker.get("dataset") or "")]
    return [chart, notes]


class ChartMimeRenderer:
    """myst-nb mime renderer plugin: the book's chart marker (entry point ``walledoff_chart``)."""

    mime_priority_overrides = [(builder, CHART_MIME, 1) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == CHART_MIME and not inline:
            marker = data.content if isinstance(data.content, dict) else json.loads(data.string)
            return chart_nodes(renderer.renderer, marker, data.cell_metadata, data.line or 0) or []
        if (data.mime_type in (VEGALITE_MIME, JUPYTERLAB_VEGALITE_MIME, "image/svg+xml")
                and (data.output_metadata or {}).get(data.mime_type, {}).get("walledoff") == "notebook"):
            return []  # the notebook's own view of a chart the marker draws
        return None


class NotesUnderCaption(SphinxTransform):
    """Put each chart's notes under its caption, inside the figure's caption area."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for notes in list(self.document.findall(book_chart_notes)):
            figure = notes.parent
            while figure is not None and not isinstance(figure, nodes.figure):
                figure = figure.parent
            if figure is None:
                continue
            notes.parent.remove(notes)
            figure += nodes.legend("", notes)
            figure["classes"].append("book-chart-figure")


# --- Writing the HTML (per builder, so addresses fit the page) -------------------

def _static_img(svg: str) -> str:
    width, height = svg_size(svg)
    source = "data:image/svg+xml," + urllib.parse.quote(svg, safe=" /:=;,'()")
    return (f'<img class="book-chart-image" src="{html.escape(source)}" alt="" '
            f'width="{width}" height="{height}" decoding="async">')


def visit_book_chart(self, node: book_chart) -> None:
    ident = f"chart-{node['name']}"
    spec = node["vega"].replace("</", "<\\/")
    subtitle = (f'<p class="book-chart-subtitle">{html.escape(node["subtitle"])}</p>'
                if node["subtitle"] else "")
    self.body.append(
        f'<div class="book-chart" id="{ident}" data-book-chart="{html.escape(node["name"])}" '
        f'role="group" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">'
        f'<p class="book-chart-title" id="{ident}-title">{html.escape(node["title"])}</p>{subtitle}'
        f'<div class="book-chart-canvas"><div class="book-chart-static">{_static_img(node["svg"])}'
        f'</div></div><script type="application/json" class="book-chart-spec" data-format="vega">'
        f'{spec}</script></div>')
    raise nodes.SkipNode


def visit_book_chart_notes(self, node) -> None:
    # the chart's source keys, so a test can check that each is listed on the page
    sources = html.escape(node.get("sources", ""))
    self.body.append(f'<div class="book-chart-notes" data-book-sources="{sources}">')


def depart_book_chart_notes(self, node) -> None:
    self.body.append("</div>")


def data_block_html(dataset: str, link) -> str:
    """Under a chart: the shipped CSV, its licence, its terms and how to cite it.

    ``link`` turns a path from the site's top into an address from the page.
    """
    meta = metadata()
    entry = resource(dataset)
    path = entry["path"]
    licences, terms = table_licence(dataset)
    licence_html = ", ".join(
        f'<a href="{html.escape(item.get("path", ""))}">{html.escape(item.get("title") or item["name"])}</a>'
        for item in licences) or "see the book's licence"
    cite = (f"{meta.author_text} ({meta.year}). {entry.get('title', dataset)} [data set, "
            f"{path}]. In {meta.title}, version {meta.version}. {meta.url()}{SITE_DATA_DIR}/{path}")
    href = link(f"{SITE_DATA_DIR}/{path}")
    return (f'<div class="book-chart-reuse" data-book-dataset="{html.escape(dataset)}">'
            f'<p><span class="book-chart-reuse-label">Get the data:</span> '
            f'<a href="{html.escape(href)}" download="{html.escape(Path(path).name)}">'
            f'{html.escape(path)}</a> (the full table, CSV; '
            f'<a href="{html.escape(link(f"{SITE_DATA_DIR}/datapackage.json"))}">schema</a>). '
            f'Licence: {licence_html}.' + (f" {html.escape(terms)}" if terms else "") + "</p>"
            f'<p class="book-chart-reuse-cite"><span class="book-chart-reuse-label">Cite the data:'
            f'</span> {html.escape(cite)}</p></div>')


def visit_book_chart_data(self, node: book_chart_data) -> None:
    payload = json.loads(node["table"])
    table = pd.DataFrame(payload["rows"], columns=payload["columns"])
    rows = table.to_html(index=False, border=0, classes="book-chart-table", na_rep="")
    csv = urllib.parse.quote(table.to_csv(index=False))
    parts = [f'<details class="book-chart-data"><summary>Data table ({len(table)} rows)</summary>',
             rows,
             f'<p><a download="{node["name"]}.csv" href="data:text/csv;charset=utf-8,{csv}">'
             "Download these rows as CSV</a></p></details>"]
    if node["dataset"]:
        docname, builder = self.builder.current_docname, self.builder.name
        parts.append(data_block_html(node["dataset"], lambda target: site_relative(docname, target, builder)))
    self.body.append("\n".join(line for part in parts for line in part.splitlines() if line.strip()))
    raise nodes.SkipNode


def skip(self, node) -> None:
    raise nodes.SkipNode


# --- The runtime: on pages with a chart, and in the site ---------------------------

def _chart_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the chart script to a page that has a chart (it fetches Vega when one comes near)."""
    if doctree is None or next(iter(doctree.findall(book_chart)), None) is None:
        return
    import vl_convert

    bundle = f"{VEGA_BUNDLE}?v={vl_convert.__version__}"  # a new file name for a new Vega
    app.add_js_file("book-charts.js", loading_method="defer", **{"data-vega": bundle})


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
    html = (visit_book_chart, None)
    others = {name: (skip, None) for name in ("latex", "text", "man", "texinfo")}
    app.add_node(book_chart, html=html, **others)
    app.add_node(book_chart_notes, html=(visit_book_chart_notes, depart_book_chart_notes), **others)
    app.add_node(book_chart_data, html=(visit_book_chart_data, None), **others)
    app.add_transform(NotesUnderCaption)
    app.connect("html-page-context", _chart_script)
    app.connect("build-finished", _write_vega_bundle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
