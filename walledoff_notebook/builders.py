"""Reusable charts, so a chapter's chart cell shows its question and its data, not plumbing.

Each builder returns an Altair chart in the house style; the chapter shapes
its rows (a filter, a label column) and passes them in with a title that
states the finding. Colours are palette names (see :mod:`walledoff_notebook.style`).

* :func:`track_chart`       dots on named rows over time (laws, events);
* :func:`dated_values`      figures stated on dates, a dot each, a bar for a range;
* :func:`grid_chart`        a coloured grid of answers (who could reach what);
* :func:`span_chart`        bars from a start date to an end date, a dot at the start;
* :func:`estimates_by_year` one metric's estimates by year, a dot per provider;
* :func:`ranged_dots`       estimates on one axis, a dot each, a bar for a range;
* :func:`status_bars`       claims of the ledger counted by a column, one colour per status.


* :func:`lane_diagram`      a process drawn on dated lanes: bars for periods, dots for steps;
* :func:`status_dots`       one dot per item at its date, coloured by status, shaped by kind.

The timeline of ``data/events.csv`` is :func:`walledoff_notebook.timeline.timeline_chart`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from walledoff_notebook.style import CATEGORY_ORDER, colour, colour_scale
from walledoff_notebook.tables import STATUS_LABELS


def _title(title: str, subtitle: str = "") -> alt.Title:
    return alt.Title(title, subtitle=subtitle or alt.Undefined)


def track_chart(points: pd.DataFrame, tracks: dict[str, str], *, title: str, subtitle: str = "",
                row_height: int = 44, x_title: str | None = None) -> alt.Chart:
    """One dot per row of ``points`` (columns ``date``, ``when``, ``track``, ``label``).

    ``tracks`` maps each track (a row of the chart, top to bottom) to a palette
    colour; tracks with no points are left out. Hover for the date and label.
    """
    shown = [t for t in tracks if t in set(points["track"])]
    return alt.Chart(points).mark_point(filled=True, size=90, opacity=0.85).encode(
        x=alt.X("date:T", title=x_title, scale=alt.Scale(padding=12),
                axis=alt.Axis(format="%Y", tickCount="year", labelOverlap="greedy")),
        y=alt.Y("track:N", title=None, sort=shown, axis=alt.Axis(labelLimit=160)),
        color=alt.Color("track:N", legend=None, scale=colour_scale(tracks, present=shown)),
        tooltip=[alt.Tooltip("when:N", title="Date"), alt.Tooltip("label:N", title="What"),
                 alt.Tooltip("track:N", title="Track")],
    ).properties(height=row_height * len(shown) + 20, title=_title(title, subtitle))


def dated_values(rows: pd.DataFrame, *, colour: str, colours: dict[str, str], shape: str,
                 axis_title: str, tooltip: list, title: str, subtitle: str = "",
                 height: int = 260, date_format: str = "%b %Y",
                 x_domain: list | None = None) -> alt.LayerChart:
    """Figures stated on dates: a dot for each (columns ``date``, ``low``, ``high``), a bar for a range.

    ``colour`` is the column that says who stated the figure (``colours`` gives
    each value a palette colour); ``shape`` the column that says what it measures.
    """
    shown = [label for label in colours if label in set(rows[colour])]
    encode = dict(
        x=alt.X("date:T", title=None,
                scale=alt.Scale(padding=24) if x_domain is None else alt.Scale(domain=x_domain),
                axis=alt.Axis(format=date_format, labelOverlap="greedy")),
        color=alt.Color(f"{colour}:N", title=None, scale=colour_scale(colours, present=shown),
                        legend=alt.Legend(columns=1, labelLimit=300)),
        tooltip=tooltip,
    )
    y = alt.Y("low:Q", title=axis_title, scale=alt.Scale(zero=True))
    ranges = alt.Chart(rows).mark_rule(strokeWidth=6, opacity=0.6).encode(y=y, y2="high:Q", **encode)
    dots = alt.Chart(rows).mark_point(filled=True, size=140).encode(
        y=y, shape=alt.Shape(f"{shape}:N", title=None, legend=alt.Legend(columns=1, labelLimit=300)),
        **encode)
    layered = alt.layer(ranges, dots).properties(height=height)
    return layered.properties(title=_title(title, subtitle)) if title else layered


def grid_chart(cells: pd.DataFrame, *, x: alt.X, y: alt.Y, colour: str, colours: dict[str, str],
               tooltip: list, title: str, subtitle: str = "", height: int,
               text: str | None = None, legend: alt.Legend | None = None,
               stroke_width: int = 3) -> alt.Chart | alt.LayerChart:
    """A grid of coloured cells: one per row of ``cells``; ``colours`` maps answers to palette names.

    With ``text``, each cell also shows that column's value (so the grid reads
    without colour too).
    """
    present = set(cells[colour])
    base = alt.Chart(cells).encode(x=x, y=y)
    rects = base.mark_rect(stroke="white", strokeWidth=stroke_width).encode(
        color=alt.Color(f"{colour}:N", title=None,
                        scale=colour_scale(colours, present=None if text else present),
                        legend=legend if legend is not None else alt.Undefined),
        tooltip=tooltip)
    chart = alt.layer(rects, base.mark_text(fontSize=12).encode(text=f"{text}:N")) if text else rects
    return chart.properties(height=height, title=_title(title, subtitle))


def span_chart(rows: pd.DataFrame, *, y: str, colour: str, colours: dict[str, str],
               tooltip: list, title: str, subtitle: str = "", row_height: int = 40) -> alt.LayerChart:
    """Bars from ``start`` to ``end`` (date columns) on one row per ``y``, and a dot at each start."""
    present = set(rows[colour])
    order = alt.EncodingSortField("start")
    bars = alt.Chart(rows).mark_bar(height=14).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        x2="end:T",
        y=alt.Y(f"{y}:N", title=None, sort=order, axis=alt.Axis(labelLimit=150)),
        color=alt.Color(f"{colour}:N", title=None, scale=colour_scale(colours, present=present),
                        legend=alt.Legend(columns=1, labelLimit=200)),
        tooltip=tooltip,
    )
    starts = alt.Chart(rows).mark_point(filled=True, size=70, color="#333").encode(
        x="start:T", y=alt.Y(f"{y}:N", sort=order))
    return alt.layer(bars, starts).properties(height=row_height * len(rows) + 20,
                                              title=_title(title, subtitle))


def provider_colour(providers: list[str], field: str = "provider", **legend) -> alt.Color:
    """Colour by estimate provider (``field``), in the palette's order, one colour each."""
    return alt.Color(f"{field}:N", title="Estimate by", sort=providers,
                     scale=alt.Scale(domain=providers, range=CATEGORY_ORDER[:len(providers)]),
                     legend=alt.Legend(**legend) if legend else alt.Undefined)


def estimates_by_year(rows: pd.DataFrame, *, unit_scale: float, axis_title: str, panel_title: str,
                      years: list[int]) -> alt.LayerChart:
    """One currency, one metric (GMV estimates, ``data/commerce.csv`` rows): a dot per figure.

    A dashed line joins dots only within one provider's whole-year series for
    one market; a bar is a range; part-year figures name their period.
    """
    rows = rows.assign(
        shown=rows["value"].astype(float) / unit_scale,
        high=rows["value_high"].fillna(rows["value"]).astype(float) / unit_scale,
        who=rows["provider"].where(rows["full_year"] == "yes",
                                   rows["provider"] + " (" + rows["period"] + ")"),
        series=rows["provider"] + " | " + rows["market"].astype(str),
    )
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0))
    y = alt.Y("shown:Q", title=axis_title, scale=alt.Scale(zero=True))
    providers = list(dict.fromkeys(rows.sort_values("year")["who"]))
    colour = provider_colour(providers, "who", columns=2, labelLimit=320, orient="bottom")
    tooltip = ["provider:N", "market:N", "period:N", "qualifier:N",
               alt.Tooltip("shown:Q", title=axis_title, format=",.2f"), "note:N"]
    repeated = rows[rows["full_year"] == "yes"].groupby("series")["year"].transform("count")
    series_rows = rows[(rows["full_year"] == "yes") & (repeated > 1)]
    lines = alt.Chart(series_rows).mark_line(strokeDash=[4, 3], opacity=0.7).encode(
        x=x, y=y, detail="series:N", color=colour)
    ranges = alt.Chart(rows).mark_rule(strokeWidth=5, opacity=0.6).encode(x=x, y=y, y2="high:Q", color=colour)
    dots = alt.Chart(rows).mark_point(filled=True, size=110, opacity=0.9).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        shape=alt.Shape("market:N", title="Market", legend=alt.Legend(orient="bottom")))
    layers = ([lines] if len(series_rows) else []) + [ranges, dots]  # no empty layer
    return alt.layer(*layers).properties(height=230, title=panel_title).resolve_scale(color="shared")


def ranged_dots(rows: pd.DataFrame, *, row: str, order: list[str], axis_title: str, tooltip: list,
                panel_title: str, height: int = 200) -> alt.LayerChart:
    """Estimates on one value axis (columns ``shown``, ``high``), a row each; a bar for a range."""
    providers = list(dict.fromkeys(rows.sort_values("value")["provider"]))
    colour = provider_colour(providers, columns=2, labelLimit=320)
    y_row = alt.Y(f"{row}:N", title=None, sort=order, axis=alt.Axis(labelLimit=200))
    return alt.layer(
        alt.Chart(rows).mark_rule(strokeWidth=7, opacity=0.6).encode(
            x=alt.X("shown:Q", title=axis_title, scale=alt.Scale(zero=True)),
            x2="high:Q", y=y_row, color=colour),
        alt.Chart(rows).mark_point(filled=True, size=140, opacity=0.9).encode(
            x="shown:Q", y=y_row, color=colour, tooltip=tooltip),
    ).properties(height=height, title=panel_title)


#: How the commitments table's statuses read on a chart, and their colours.
STATEMENT_KINDS = {"company-statement": "Company statement",
                   "reported-estimate": "Reported or estimated",
                   "documented": "Official record"}
STATEMENT_COLOURS = {"Company statement": "blue", "Reported or estimated": "orange",
                     "Official record": "green"}


def commitment_figures(rows: pd.DataFrame, *, title: str, subtitle: str = "",
                       currency: str = "USD") -> alt.LayerChart | alt.VConcatChart:
    """Money figures from ``data/commitments.csv``, in billions, coloured by who stated them.

    Each ``item`` (spending to date, a yearly running cost, a planned
    investment) is a different metric, so each gets its own panel and axis,
    stacked on one time axis: a cumulative total and a yearly figure never
    share a scale (the book's rule: two metrics, two panels).
    """
    rows = rows.assign(
        low=rows["amount"] / 1e9,
        high=rows["amount_high"].fillna(rows["amount"]) / 1e9,
        label=rows["status"].astype(str).map(STATEMENT_KINDS),
        what=rows["item"].astype(str),
    )
    tooltip = [alt.Tooltip("date:T", format="%d %b %Y"), "what:N", "stated_by:N",
               alt.Tooltip("low:Q", title=f"{currency} billion", format=".2f"),
               alt.Tooltip("high:Q", title="to", format=".2f"), "note:N"]
    items = list(dict.fromkeys(rows.sort_values("date")["what"]))
    if len(items) == 1:
        return dated_values(rows, colour="label", colours=STATEMENT_COLOURS, shape="what",
                            axis_title=f"{currency} billion", tooltip=tooltip, title=title,
                            subtitle=subtitle)
    domain = [rows["date"].min() - pd.Timedelta(days=60), rows["date"].max() + pd.Timedelta(days=60)]
    panels = [dated_values(rows[rows["what"] == item], colour="label", colours=STATEMENT_COLOURS,
                           shape="what", axis_title=f"{item[:1].upper()}{item[1:]}, {currency} bn",
                           tooltip=tooltip, title="", height=150, x_domain=domain)
              for item in items]
    return alt.vconcat(*panels, spacing=24).resolve_scale(color="shared", shape="shared").properties(
        title=_title(title, subtitle))


#: Each claim status has one colour in every chart (labels as in the claims tables).
STATUS_COLOURS = {"Documented": "green", "Reported": "blue", "Company statement": "orange",
                  "Alleged": "purple", "Disputed": "vermillion"}


def status_bars(ledger: pd.DataFrame, *, by: str, order: list[str], title: str,
                subtitle: str = "", row_height: int = 30) -> alt.Chart:
    """Claims (rows of ``data/claims.csv``) counted per ``by`` value, stacked by status.

    ``order`` lists the ``by`` values top to bottom; statuses keep the ledger's
    order and their labels (:data:`walledoff_notebook.tables.STATUS_LABELS`).
    """
    rows = ledger.assign(label=ledger["status"].astype(str).map(STATUS_LABELS),
                         rank=ledger["status"].cat.codes, group=ledger[by].astype(str))
    return alt.Chart(rows).mark_bar(size=min(22, row_height - 6)).encode(
        x=alt.X("count():Q", title="Claims in the ledger"),
        y=alt.Y("group:N", title=None, sort=order, axis=alt.Axis(labelLimit=160)),
        color=alt.Color("label:N", title=None, sort=list(STATUS_COLOURS),
                        scale=colour_scale(STATUS_COLOURS, present=rows["label"])),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("group:N", title=by.capitalize()), alt.Tooltip("label:N", title="Status"),
                 alt.Tooltip("count():Q", title="Claims")],
    ).properties(height=row_height * len(order) + 20, title=_title(title, subtitle))


def lane_diagram(rows: pd.DataFrame, *, lanes: list[str], colours: dict[str, str], tooltip: list,
                 title: str, subtitle: str = "", row_height: int = 46) -> alt.LayerChart:
    """A process on dated lanes (columns ``date``, ``end_date``, ``lane``, ``kind``, ``step``).

    Rows with an ``end_date`` are periods (a bar from ``date`` to ``end_date``);
    the others are steps (a dot at ``date``). ``lanes`` orders the rows of the
    chart, top to bottom; ``colours`` maps each ``kind`` to a palette colour.
    """
    shown = [lane for lane in lanes if lane in set(rows["lane"])]
    present = set(rows["kind"])
    y = alt.Y("lane:N", title=None, sort=shown, axis=alt.Axis(labelLimit=120))
    colour_ = alt.Color("kind:N", title=None, scale=colour_scale(colours, present=present),
                        legend=alt.Legend(columns=3, labelLimit=200))
    x = alt.X("date:T", title=None, scale=alt.Scale(padding=10),
              axis=alt.Axis(format="%b %Y", labelOverlap="greedy",
                            tickCount=alt.TimeIntervalStep(interval="month", step=3)))
    periods = alt.Chart(rows[rows["end_date"].notna()]).mark_bar(height=16, opacity=0.45).encode(
        x=x, x2="end_date:T", y=y, color=colour_, tooltip=tooltip)
    steps = alt.Chart(rows[rows["end_date"].isna()]).mark_point(
        filled=True, size=110, opacity=0.95, stroke="white", strokeWidth=1).encode(
        x="date:T", y=y, color=colour_, tooltip=tooltip)
    return alt.layer(periods, steps).properties(height=row_height * len(shown) + 20,
                                                title=_title(title, subtitle))


def status_dots(rows: pd.DataFrame, *, y: str, colour: str, colours: dict[str, str], shape: str,
                tooltip: list, title: str, subtitle: str = "", row_height: int = 22) -> alt.Chart:
    """One dot per row at its ``date``: ``colour`` (a status) via ``colours``, ``shape`` its kind."""
    present = set(rows[colour])
    return alt.Chart(rows).mark_point(filled=True, size=110, opacity=0.9).encode(
        x=alt.X("date:T", title=None, scale=alt.Scale(padding=14),
                axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y(f"{y}:N", title=None, sort=alt.EncodingSortField("date"), axis=alt.Axis(labelLimit=230)),
        color=alt.Color(f"{colour}:N", title=None, sort=[c for c in colours if c in present],
                        scale=colour_scale(colours, present=present), legend=alt.Legend(columns=3)),
        shape=alt.Shape(f"{shape}:N", title=None, legend=alt.Legend(columns=3)),
        tooltip=tooltip,
    ).properties(height=row_height * len(rows) + 20, title=_title(title, subtitle))


def stated_figures(rows: pd.DataFrame, *, title: str, first: str = "2020-01-01",
                   last: str = "2026-12-31") -> alt.Chart:
    """User figures as stated (``data/user_numbers.csv`` rows): a dot each, no joining line.

    Shape shows the definition each statement used, since the definitions differ.
    """
    return alt.Chart(rows.assign(millions=rows["value"] / 1e6)).mark_point(
        filled=True, size=120, color=colour("purple")).encode(
        x=alt.X("date:T", title=None, scale=alt.Scale(domain=[first, last]),
                axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True)),
        y=alt.Y("millions:Q", title="Millions (as stated)", scale=alt.Scale(zero=True)),
        shape=alt.Shape("metric:N", title="Definition",
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=320)),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "period:N", "metric:N", "qualifier:N",
                 alt.Tooltip("millions:Q", format=",.1f"), "stated_by:N", "note:N"],
    ).properties(height=170, title=title)
