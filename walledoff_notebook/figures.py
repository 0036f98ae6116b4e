"""Show a chart: live in Jupyter, and as a sourced, accessible figure in the book.

:func:`figure` wraps an Altair chart in an object that displays itself with
three representations (a Jupyter "mime bundle"):

* the Vega-Lite spec, which JupyterLab draws itself, offline, with tooltips and
  any drop-downs the chart has;
* a static SVG image of the same chart, for notebook viewers that cannot draw
  Vega-Lite (and for print);
* a marker for the book's build (``application/vnd.walledoff.chart+json``):
  the chart compiled to Vega, the static SVG, the source keys, the data table
  and the name of the table in ``data/`` it was drawn from. The build
  extension (:mod:`walledoff_build.charts`) turns the marker into the page's
  figure: title, live chart, source line, description, data table, data block.

A chart's caption and its description for screen readers are not Python
strings: they live beside the figure, in the code cell's metadata
(``mystnb: figure: caption:`` and ``chart: description:``), where the build
reads them and the notebook download shows them as text.

Nothing here imports Sphinx, and no script is loaded from another host.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc

from walledoff_notebook.sources import sources_for, split_keys
from walledoff_notebook.style import STATIC_WIDTH, enable_theme

#: The marker the build extension renders (one JSON object per chart).
CHART_MIME = "application/vnd.walledoff.chart+json"
#: Version of the marker's layout; the build refuses markers it does not know.
MARKER_VERSION = 1
#: Extra height reserved for each input control (drop-down) bound to a chart.
CONTROL_HEIGHT = 34
#: The Vega-Lite mime type of Altair's own version (v6 for Altair 6).
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"
#: The newest Vega-Lite mime type JupyterLab 4 draws itself, offline (its renderer bundles
#: Vega-Lite 5 and knows no v6 type: given only v6 it falls back to the static image).
#: Altair 6's specs are valid Vega-Lite 5 (the notebook test compiles each one as 5.21).
JUPYTERLAB_VEGALITE_MIME = "application/vnd.vegalite.v5+json"
VEGALITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def live_bundle(spec: dict) -> dict:
    """The chart for notebooks: Altair's own Vega-Lite type, and the v5 type JupyterLab draws."""
    return {VEGALITE_MIME: spec,
            JUPYTERLAB_VEGALITE_MIME: {**spec, "$schema": VEGALITE_V5_SCHEMA}}


def json_safe(value):
    """``value`` with every NaN or infinite number replaced by ``None`` (JSON's null).

    A blank cell in a chart's data reaches the spec as NaN, which ``json.dumps``
    writes as the bare word NaN: not JSON, so the browser could not draw any
    chart on the page. Blank is "no value", and Vega reads null as that.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value


def svg_size(svg: str) -> tuple[int, int]:
    """The width and height an SVG declares, in whole pixels."""
    found = {key: re.search(rf'<svg[^>]*\b{key}="([\d.]+)"', svg) for key in ("width", "height")}
    if not all(found.values()):
        raise ValueError("the static chart SVG declares no width or height")
    return tuple(round(float(found[key].group(1))) for key in ("width", "height"))


def _set_widths(spec: dict, width) -> None:
    """Give the chart the page's width.

    A single or layered chart gets ``width`` (its layers inherit it); a
    vertical stack passes it to each view; side-by-side views keep their own.
    """
    encoding = spec.get("encoding", {})
    if "facet" in spec or "repeat" in spec or "row" in encoding or "column" in encoding:
        raise ValueError("a faceted chart cannot follow the page width (Vega-Lite's width "
                         "'container' needs a single or layered view): stack views with "
                         "alt.vconcat instead")
    if any(key in spec for key in ("hconcat", "vconcat", "concat")):
        for sub in spec.get("vconcat", []):
            _set_widths(sub, width)
        return
    spec["width"] = width
    for sub in spec.get("layer", []):
        sub.pop("width", None)


def static_svg(spec: dict) -> str:
    """Render the chart to SVG at the fixed static width, offline (vl-convert)."""
    static = json.loads(json.dumps(spec))
    _set_widths(static, STATIC_WIDTH)
    svg = vlc.vegalite_to_svg(static)
    return re.sub(r"<\?xml[^>]*>", "", svg).strip()


def _count_controls(spec: dict) -> int:
    """How many input controls (drop-downs, sliders) the chart adds under itself."""
    return sum(1 for p in spec.get("params", []) if "bind" in p)


def _pop_title(spec: dict) -> tuple[str, str]:
    """Take the title out of the spec: the page sets it as text, which wraps on a phone.

    A title wider than a phone screen would squeeze Vega's plot to nothing;
    as HTML it wraps, and screen readers meet it as the figure's name.
    """
    title = spec.pop("title", None)
    if isinstance(title, dict):
        text, subtitle = title.get("text", ""), title.get("subtitle", "")
    else:
        text, subtitle = title or "", ""
    join = lambda t: " ".join(t) if isinstance(t, list) else str(t)  # noqa: E731
    text, subtitle = join(text).strip(), join(subtitle).strip()
    if not text:
        raise ValueError("a chart needs a title that states its finding or question")
    return text, subtitle


def _page_spec(spec: dict) -> dict:
    """The spec as the page draws it: as wide as the text column.

    Vega-Lite cannot fit stacked views to a container (each view would take the
    whole width and its axis would push it past the edge): those are drawn at
    the static width and the page scales the drawing down, like the image.
    """
    spec = json.loads(json.dumps(spec))
    if any(key in spec for key in ("hconcat", "vconcat", "concat")):
        _set_widths(spec, STATIC_WIDTH)
    else:
        _set_widths(spec, "container")
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return spec


#: Below this container width (CSS px) the live chart is laid out for a phone.
PHONE_WIDTH = 560
#: On a phone: the longest label a legend or a row label may take (px), and the room
#: kept at the right edge for the last axis label, which is centred on its tick.
PHONE_LABEL_LIMIT, PHONE_ROW_LABEL_LIMIT, EDGE_ROOM = 150, 110, 22
#: An axis title longer than this (characters) is set on two lines.
AXIS_TITLE_CHARACTERS = 26


def _on_phone(phone, desktop) -> dict:
    """A Vega signal: ``phone`` when the chart's container is narrower than a phone's."""
    return {"signal": f"containerSize()[0] < {PHONE_WIDTH} ? {json.dumps(phone)} : {json.dumps(desktop)}"}


def _two_lines(title: str) -> list[str]:
    """Split a long axis title at the space nearest its middle."""
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    if not spaces:
        return [title]
    cut = min(spaces, key=lambda i: abs(i - len(title) / 2))
    return [title[:cut], title[cut + 1:]]


def fit_phone(vega: dict) -> dict:
    """Make a container-wide Vega chart read whole at phone width (390 px).

    Vega fits the plot to its container but cannot shrink what sits around it:
    a legend laid out in several columns, long row labels or a long axis title
    run past the chart's edge and are cut off, and so is the last tick label
    of a time axis, centred on a tick near the edge. On a narrow container,
    legends go to one column and labels get a shorter limit (the full text is
    in the tooltip and the data table); long axis titles wrap onto two lines;
    and the right padding leaves room for the last label. Wider screens keep
    the chart as designed.
    """
    config = vega.setdefault("config", {})
    default_columns = config.get("legend", {}).get("columns")

    def walk(node):
        if isinstance(node, dict):
            for legend in node.get("legends", []):
                columns = legend.get("columns", default_columns)
                if isinstance(columns, (int, float)) and columns > 1:
                    legend["columns"] = _on_phone(1, columns)
                elif legend.get("direction") == "horizontal" and columns is None:
                    legend["direction"] = "vertical"
                limit = legend.get("labelLimit", 160)
                if isinstance(limit, (int, float)):
                    legend["labelLimit"] = _on_phone(min(limit, PHONE_LABEL_LIMIT), limit)
            for axis in node.get("axes", []):
                title = axis.get("title")
                if isinstance(title, str) and len(title) > AXIS_TITLE_CHARACTERS:
                    axis["title"] = _two_lines(title)
                if axis.get("orient") in ("left", "right") and axis.get("labels", True) is not False:
                    limit = axis.get("labelLimit", 180)
                    if isinstance(limit, (int, float)):
                        axis["labelLimit"] = _on_phone(min(limit, PHONE_ROW_LABEL_LIMIT), limit)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(vega)
    # Several legends on one side sit in a row by default, wider than a phone: stack them.
    layout = config.setdefault("legend", {}).setdefault("layout", {})
    for side in ("top", "bottom"):
        layout.setdefault(side, {}).update({"direction": "vertical", "anchor": "start"})
    padding = vega.get("padding", 5)
    if isinstance(padding, (int, float)):
        padding = {side: padding for side in ("top", "bottom", "left", "right")}
    padding["right"] = max(padding.get("right", 5), EDGE_ROOM)
    vega["padding"] = padding
    return vega


def _table_payload(table: pd.DataFrame) -> dict:
    """The data table as plain JSON: column names and rows of text (blank for missing)."""
    def cell(value):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
        return str(value)

    return {"columns": [str(c) for c in table.columns],
            "rows": [[cell(v) for v in row] for row in table.itertuples(index=False)]}


@dataclass
class Figure:
    """A chart ready for a notebook and for the book; displays itself in both."""

    title: str
    subtitle: str
    spec: dict
    svg: str
    sources: list[str]
    table: pd.DataFrame
    dataset: str | None = None
    vega: dict = field(default_factory=dict)

    @property
    def height(self) -> int:
        """The height the page reserves: the static drawing's, plus any drop-downs."""
        return svg_size(self.svg)[1] + CONTROL_HEIGHT * _count_controls(self.spec)

    def marker(self) -> dict:
        """What the book's build needs to draw the figure (see the module docstring)."""
        return {"version": MARKER_VERSION, "title": self.title, "subtitle": self.subtitle,
                "vega": self.vega, "svg": self.svg, "height": self.height,
                "sources": self.sources, "dataset": self.dataset,
                "table": _table_payload(self.table)}

    def _repr_mimebundle_(self, include=None, exclude=None):
        notebook_spec = {**self.spec, "title": {"text": self.title, "subtitle": self.subtitle}
                         if self.subtitle else self.title}
        data = {
            CHART_MIME: self.marker(),
            **live_bundle(json_safe(notebook_spec)),
            "image/svg+xml": self.svg,
            "text/plain": f"<chart: {self.title}>",
        }
        # the build draws the marker; the others are for notebooks only
        metadata = {mime: {"walledoff": "notebook"}
                    for mime in (VEGALITE_MIME, JUPYTERLAB_VEGALITE_MIME, "image/svg+xml")}
        return data, metadata

    def save(self, path) -> None:
        """Write the static SVG (for print or a slide)."""
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.svg)


def figure(chart: alt.TopLevelMixin, *, sources, dataset: str | None = None,
           table: pd.DataFrame | None = None) -> Figure:
    """Wrap an Altair chart as the book's figure.

    Parameters
    ----------
    chart:
        The Altair chart. Its title (required) states the finding or the
        question; the page shows it above the chart as text, with its subtitle.
    sources:
        Bibliography keys (a list, or a ``;``-separated cell) of the data shown;
        each is checked against ``data/references.bib``.
    dataset:
        The table in ``data/`` the chart is drawn from (``"events"``); the page
        links its CSV, schema, licence and citation under the chart.
    table:
        The rows to offer as the chart's data table; defaults to the chart's data.
    """
    keys = [src.key for src in sources_for(split_keys(sources) if isinstance(sources, str)
                                           else list(sources))]
    if not keys:
        raise ValueError("a chart needs at least one source key")
    if table is None:
        if not isinstance(chart.data, pd.DataFrame):
            raise ValueError("pass table= when the chart's data is not a DataFrame")
        table = chart.data
    enable_theme()
    spec = json_safe(chart.to_dict())
    title, subtitle = _pop_title(spec)
    page = _page_spec(spec)
    vega = vlc.vegalite_to_vega(page)
    if page.get("width") == "container":  # stacked views are drawn at a fixed width and scaled
        vega = fit_phone(vega)
    return Figure(title=title, subtitle=subtitle, spec=spec, svg=static_svg(spec),
                  sources=keys, table=table, dataset=dataset, vega=json_safe(vega))


def _offline_renderer(spec: dict, **metadata) -> dict:
    """Show a chart displayed without :func:`figure` with no CDN: Vega-Lite plus a static SVG.

    Altair's default renderer writes HTML that fetches Vega from a public CDN.
    """
    return {**live_bundle(spec), "image/svg+xml": static_svg(spec),
            "text/plain": "<Altair chart: wrap it in walledoff_notebook.figure for the book>"}


def enable_offline_renderer() -> None:
    """Make plain Altair charts display without any third-party request."""
    if "book-offline" not in alt.renderers.names():
        alt.renderers.register("book-offline", _offline_renderer)
    alt.renderers.enable("book-offline")


enable_theme()
enable_offline_renderer()
