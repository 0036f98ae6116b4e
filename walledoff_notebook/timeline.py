"""Timelines drawn from ``data/events.csv``: the whole book's, or one chapter's.

The Timeline chapter draws every event; a thread's chapter passes only its
own rows (``events[events.theme == "texas"]``) to the same function, so
every timeline in the book looks and reads the same.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from walledoff_notebook.style import THEME_COLOURS, theme_scale

#: How each theme is named for readers (legend, drop-down, table).
THEME_LABELS = {
    "texas": "Project Texas",
    "clover": "Project Clover",
    "law": "Chinese law",
    "shop": "Shopping",
    "bans": "Bans",
    "legislation": "US law and courts",
    "corporate": "Corporate",
}


def date_label(date: pd.Timestamp, precision: str) -> str:
    """Write a date only as precisely as its source gives it.

    >>> date_label(pd.Timestamp("2022-06-01"), "month")
    'June 2022'
    """
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return f"{date:%-d %B %Y}"


def with_labels(events: pd.DataFrame) -> pd.DataFrame:
    """Add the reader-facing columns ``when`` and ``thread`` to event rows."""
    out = events.copy()
    out["when"] = [date_label(d, p) for d, p in zip(out["date"], out["date_precision"])]
    out["thread"] = out["theme"].astype(str).map(THEME_LABELS)
    return out


def timeline_chart(events: pd.DataFrame, *, title: str, subtitle: str = "",
                   filters: bool = True) -> alt.Chart:
    """One dot per event, a row per thread; hover for the details.

    With ``filters=True`` the chart gets two drop-downs (thread and region)
    that hide the other events.
    """
    rows = with_labels(events)
    themes = [t for t in THEME_COLOURS if t in set(rows["theme"].astype(str))]
    labels = [THEME_LABELS[t] for t in themes]
    rows = rows[["date", "when", "date_precision", "theme", "thread", "region", "title"]].copy()
    rows["theme"] = rows["theme"].astype(str)
    rows["region"] = rows["region"].astype(str)
    chart = alt.Chart(rows).mark_point(filled=True, size=90, opacity=0.85).encode(
        x=alt.X("date:T", title=None,
                axis=alt.Axis(format="%Y", tickCount="year", labelOverlap="greedy", labelSeparation=6)),
        y=alt.Y("thread:N", title=None, sort=labels),
        color=alt.Color("theme:N", scale=theme_scale(themes), legend=None),
        tooltip=[alt.Tooltip("when:N", title="Date"), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("thread:N", title="Thread"), alt.Tooltip("region:N", title="Region")],
    )
    if filters:
        regions = sorted(rows["region"].unique())
        thread = alt.param(name="thread_pick", value="All", bind=alt.binding_select(
            options=["All", *themes], labels=["All threads", *labels], name="Thread: "))
        region = alt.param(name="region_pick", value="All", bind=alt.binding_select(
            options=["All", *regions], labels=["All regions", *regions], name="Region: "))
        chart = chart.add_params(thread, region).transform_filter(
            "(thread_pick == 'All' || datum.theme == thread_pick) && "
            "(region_pick == 'All' || datum.region == region_pick)")
    height = 34 * len(themes) + 20
    return chart.properties(title=alt.Title(title, subtitle=subtitle or alt.Undefined),
                            height=height)
