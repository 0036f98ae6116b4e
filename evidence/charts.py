"""The house chart style and the one helper every chart goes through.

:func:`chart_figure` wraps an Altair chart into a figure that

* carries the chart as a Vega spec (compiled from Vega-Lite here, so the
  page needs only the Vega runtime, not the Vega-Lite compiler) for the
  page's own offline script to draw interactively, full width, when the
  chart comes into view;
* carries a static SVG image of the same chart (an ``<img>``, so it adds
  one element to the page, not thousands), shown until the live chart is
  drawn, to readers without JavaScript and in print; its width and height
  reserve the chart's space so the page does not jump while it loads;
* puts a source line built from bibliography keys under the chart;
* adds a text description for screen readers and the chart's data as a
  table (with a CSV download) one click away.

No script is loaded from any other host: the page loads the Vega bundle
served by the book (see :mod:`evidence.sphinx_ext`).
"""

from __future__ import annotations

import html
import json
import math
import re
import urllib.parse
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

from evidence.reuse import data_block
from evidence.sources import labelled_links

#: Okabe-Ito colours (colour-blind safe), without its yellow, which is too
#: pale on white. Fixed per theme so a theme has one colour in every chart.
THEME_COLOURS = {
    "texas": "#0072B2",  # blue
    "clover": "#009E73",  # bluish green
    "law": "#D55E00",  # vermillion
    "shop": "#E69F00",  # orange
    "bans": "#CC79A7",  # reddish purple
    "legislation": "#56B4E9",  # sky blue
    "corporate": "#555555",  # dark grey
}
#: The same palette as an ordered list, for anything that is not a theme.
PALETTE = list(THEME_COLOURS.values())
#: Fonts: the reader's system sans-serif; nothing is fetched.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Width of the static (print / no-JavaScript) rendering, in pixels.
STATIC_WIDTH = 640
#: Extra height reserved for each input control (drop-down) bound to a chart.
CONTROL_HEIGHT = 34
#: A source line names at most this many sources; more are counted, not named.
MAX_NAMED_SOURCES = 6

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def book_theme() -> dict:
    """The book's Altair theme: type, palette, quiet axes, full-width charts."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": STATIC_WIDTH, "continuousHeight": 300},
            "title": {"fontSize": 16, "fontWeight": 600, "anchor": "start", "offset": 12,
                      "subtitleFontSize": 13, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500,
                     "labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6",
                     "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom",
                       "direction": "horizontal", "columns": 4},
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0]},
            "point": {"color": PALETTE[0], "filled": True, "size": 70},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
        }
    }


def _offline_renderer(spec: dict, **metadata) -> dict:
    """Show a chart that did not go through :func:`chart_figure` without any CDN.

    Altair's default renderer writes HTML that fetches Vega from a public CDN.
    This one returns the Vega-Lite spec (JupyterLab draws it natively where it
    can) and a static SVG that the book, or any notebook viewer, can show.
    """
    svg, _ = _static_svg(spec)
    return {
        f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.split('.')[0].lstrip('v')}+json": spec,
        "image/svg+xml": svg,
        "text/plain": "<Altair chart: use evidence.chart_figure for a captioned, sourced figure>",
    }


def enable_theme() -> None:
    """Switch on the book's theme and its offline renderer (safe to call more than once)."""
    alt.theme.register("book", enable=True)(book_theme)
    if "book-offline" not in alt.renderers.names():
        alt.renderers.register("book-offline", _offline_renderer)
    alt.renderers.enable("book-offline")


def theme_scale(themes=None) -> alt.Scale:
    """A colour scale that gives each theme its fixed colour."""
    themes = list(themes or THEME_COLOURS)
    return alt.Scale(domain=themes, range=[THEME_COLOURS[t] for t in themes])


@dataclass
class ChartFigure:
    """A chart ready for the page; displays itself in Jupyter and in the book."""

    name: str
    title: str
    subtitle: str
    spec: dict
    vega_spec: dict
    svg: str
    height: int
    source_html: str
    description: str
    caption: str
    table: pd.DataFrame
    dataset: str | None = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), "text/plain": f"<chart {self.name}: {self.title}>"}

    def to_html(self) -> str:
        """The figure as one HTML block (no blank lines, so Markdown keeps it whole)."""
        ident = f"chart-{self.name}"
        spec = json.dumps(self.vega_spec, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
        table = self.table.to_html(index=False, border=0, classes="book-chart-table", na_rep="")
        csv = urllib.parse.quote(self.table.to_csv(index=False))
        subtitle = (f'<p class="book-chart-subtitle">{html.escape(self.subtitle)}</p>'
                    if self.subtitle else "")
        parts = [
            f'<figure class="book-chart" id="{ident}" data-book-chart="{self.name}" '
            f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
            f'<p class="book-chart-title" id="{ident}-title">{html.escape(self.title)}</p>',
            subtitle,
            '<div class="book-chart-canvas">',
            f'<div class="book-chart-static">{self._static_img()}</div>',
            "</div>",
            f'<script type="application/json" class="book-chart-spec" data-format="vega">{spec}</script>',
            "<figcaption>",
            f'<p class="book-chart-caption">{html.escape(self.caption)}</p>',
            f'<p class="book-chart-source">{self.source_html}</p>',
            f'<p class="book-chart-description" id="{ident}-desc">{html.escape(self.description)}</p>',
            f'<details class="book-chart-data"><summary>Data table ({len(self.table)} rows)</summary>',
            table,
            f'<p><a download="{self.name}.csv" href="data:text/csv;charset=utf-8,{csv}">Download these rows as CSV</a></p>',
            "</details>",
            data_block(self.dataset) if self.dataset else "",  # the shipped CSV, licence, citation
            "</figcaption>",
            "</figure>",
        ]
        return "\n".join(line for part in parts for line in part.splitlines() if line.strip())

    def _static_img(self) -> str:
        """The static SVG as an image with its size (the description is in the figure's text)."""
        width, height = _svg_size(self.svg)
        source = "data:image/svg+xml," + urllib.parse.quote(self.svg, safe=" /:=;,'()")
        return (f'<img class="book-chart-image" src="{html.escape(source)}" alt="" '
                f'width="{width}" height="{height}" decoding="async">')

    def save(self, path) -> None:
        """Write the static SVG (for print or a slide)."""
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.svg)


def _source_html(keys, dataset: str | None = None) -> str:
    """The source line: the data file, then the sources, linked, by publisher and year.

    A chart drawn from many sources (a timeline) names how many there are
    and points to the page's source list instead of naming them all.
    """
    seen = labelled_links(keys)
    data = f"Data: <code>data/{html.escape(dataset)}.csv</code>. " if dataset else ""
    if len(seen) > MAX_NAMED_SOURCES:
        return f"{data}Compiled from {len(seen)} sources, all listed under Sources on this page."
    links = [f'<a href="{html.escape(url)}">{html.escape(name)}</a>' for name, url in seen.items()]
    label = "Source" if len(seen) == 1 else "Sources"
    return f"{data}{label}: " + "; ".join(links) + "."


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


def _svg_size(svg: str) -> tuple[int, int]:
    """The width and height an SVG declares, in whole pixels."""
    found = {key: re.search(rf'<svg[^>]*\b{key}="([\d.]+)"', svg) for key in ("width", "height")}
    if not all(found.values()):
        raise ValueError("the static chart SVG declares no width or height")
    return tuple(round(float(found[key].group(1))) for key in ("width", "height"))


def _static_svg(spec: dict) -> tuple[str, int]:
    """Render the chart to SVG at a fixed width; return the SVG and its height."""
    static = json.loads(json.dumps(spec))
    _set_widths(static, STATIC_WIDTH)
    svg = vlc.vegalite_to_svg(static)
    svg = re.sub(r"<\?xml[^>]*>", "", svg).strip()
    return svg, _svg_size(svg)[1]


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


def _count_controls(spec: dict) -> int:
    """How many input controls (drop-downs, sliders) the chart adds under itself."""
    return sum(1 for p in spec.get("params", []) if "bind" in p)


def _pop_title(spec: dict, name: str) -> tuple[str, str]:
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
        raise ValueError(f"chart {name!r} needs a title that states its finding or question")
    return text, subtitle


def chart_figure(chart: alt.TopLevelMixin, *, name: str, sources, description: str,
                 caption: str, table: pd.DataFrame | None = None,
                 dataset: str | None = None) -> ChartFigure:
    """Wrap an Altair chart in the book's figure.

    Parameters
    ----------
    chart:
        The Altair chart. Its title (required) states the finding or the
        question; it is shown above the chart as text, with its subtitle.
    name:
        A stable, unique slug (``timeline-events``): the figure's HTML id.
    sources:
        Bibliography keys (a list, or a ``;``-separated cell) of the data shown.
    description:
        What the chart shows, in words, for screen-reader users.
    caption:
        One or two sentences under the chart: what it answers, how to read it.
    table:
        The rows to offer as the chart's data table; defaults to the chart's data.
    dataset:
        The table in ``data/`` the chart is drawn from (``"events"``), named
        in the source line.
    """
    if not _NAME.match(name):
        raise ValueError(f"chart name {name!r}: use lower-case letters, digits and hyphens")
    for label, text in (("description", description), ("caption", caption)):
        if not str(text).strip():
            raise ValueError(f"chart {name!r} needs a {label}")
    if table is None:
        if not isinstance(chart.data, pd.DataFrame):
            raise ValueError(f"chart {name!r}: pass table= when the chart's data is not a DataFrame")
        table = chart.data
    enable_theme()
    spec = json_safe(chart.properties(description=description).to_dict())
    title, subtitle = _pop_title(spec, name)
    svg, height = _static_svg(spec)
    if any(key in spec for key in ("hconcat", "vconcat", "concat")):
        # Vega-Lite cannot fit stacked views to a container (each view would take the
        # whole width and its axis would push it past the edge): draw them at the
        # static width and let the page scale the drawing down, like the static image.
        _set_widths(spec, STATIC_WIDTH)
    else:
        _set_widths(spec, "container")
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return ChartFigure(
        name=name,
        title=title,
        subtitle=subtitle,
        spec=spec,
        vega_spec=json_safe(vlc.vegalite_to_vega(spec)),
        svg=svg,
        height=height + CONTROL_HEIGHT * _count_controls(spec),
        source_html=_source_html(sources, dataset),
        description=description,
        caption=caption,
        table=table,
        dataset=dataset,
    )


enable_theme()  # importing the package is enough for every chart to be offline and on-style
