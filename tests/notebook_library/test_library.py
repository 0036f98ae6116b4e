"""The notebook library (walledoff_notebook) does what the chapters rely on."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from walledoff_notebook import (PALETTE, SourceError, colour, colour_scale, figure, get_source, load,
                                source_line)
from walledoff_notebook.figures import CHART_MIME, VEGALITE_MIME
from walledoff_notebook.sources import make_labels, split_keys
from walledoff_notebook.tables import MYST_MIME, claims_table, markdown_table
from walledoff_notebook.timeline import date_label, timeline_chart


def small_chart(title="Bans came in 2023"):
    frame = pd.DataFrame({"year": [2022, 2023], "n": [1, 12]})
    return alt.Chart(frame).mark_bar().encode(x="year:O", y="n:Q").properties(title=title)


def some_keys(n=1):
    return list(load("events")["source"].map(split_keys).explode().unique()[:n])


def test_figure_displays_live_in_jupyter_and_carries_the_books_marker():
    shown = figure(small_chart(), sources=some_keys(), dataset="events")
    data, metadata = shown._repr_mimebundle_()
    marker = data[CHART_MIME]
    assert marker["version"] == 1 and marker["title"] == "Bans came in 2023"
    assert "vega/v" in marker["vega"]["$schema"] and "title" not in marker["vega"]  # compiled; title is text
    assert marker["sources"] == some_keys() and marker["dataset"] == "events"
    assert marker["table"] == {"columns": ["year", "n"], "rows": [["2022", "1"], ["2023", "12"]]}
    assert marker["svg"].startswith("<svg") and marker["height"] >= 100  # reserved height
    # JupyterLab draws the Vega-Lite spec itself, with its title; others show the SVG
    assert data[VEGALITE_MIME]["title"] == "Bans came in 2023" and "<svg" in data["image/svg+xml"]
    assert metadata[VEGALITE_MIME] == {"walledoff": "notebook"}
    assert "cdn" not in json.dumps(marker).lower()


def test_figure_refuses_untitled_unsourced_and_faceted_charts():
    with pytest.raises(ValueError, match="title"):
        figure(small_chart(title=""), sources=some_keys())
    with pytest.raises(SourceError):
        figure(small_chart(), sources=["nosuchkey1999"])
    with pytest.raises(ValueError, match="source"):
        figure(small_chart(), sources=[])
    frame = pd.DataFrame({"year": [2022, 2023], "n": [1, 12], "p": ["a", "b"]})
    faceted = alt.Chart(frame).mark_bar().encode(x="year:O", y="n:Q", row="p:N").properties(title="t")
    with pytest.raises(ValueError, match="vconcat"):
        figure(faceted, sources=some_keys())


def test_source_line_names_publishers():
    one = some_keys(1)
    assert source_line(one).startswith("Source: ") and get_source(one[0]).short in source_line(one)


def test_importing_the_notebook_library_does_not_import_sphinx():
    """A student's notebook needs pandas and Altair, not the build's toolchain."""
    import subprocess
    import sys

    code = "import sys, walledoff_notebook; print('sphinx' in sys.modules, 'myst_nb' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split()[0] == "False", result.stdout


def test_palette_is_named_and_has_no_pale_yellow():
    assert "#F0E442" not in PALETTE.values()
    assert colour("blue") == "#0072B2"
    with pytest.raises(KeyError, match="known"):
        colour("yellow")
    scale = colour_scale({"a": "blue", "b": "vermillion"}, present=["b"]).to_dict()
    assert scale == {"domain": ["b"], "range": ["#D55E00"]}


def test_labels_are_unique_and_stable():
    labels = make_labels({
        "a2024x": ("Reuters", "2024-03-01", "", ""),
        "b2024y": ("Reuters (via Nasdaq)", "2024-01-01", "", ""),
        "c2023z": ("Data Protection Commission (Ireland)", "2023-09-15", "", "Irish DPC"),
    })
    assert labels == {"b2024y": "Reuters 2024a", "a2024x": "Reuters 2024b", "c2023z": "Irish DPC 2023"}
    assert make_labels({"faq": ("TikTok U.S. Data Security", "undated", "", "TikTok USDS")}) == {
        "faq": "TikTok USDS n.d."}


def test_dates_are_shown_only_as_precisely_as_known():
    day = pd.Timestamp("2022-06-01")
    assert date_label(day, "day") == "1 June 2022"
    assert date_label(day, "month") == "June 2022"
    assert date_label(day, "year") == "2022"


def test_markdown_table_turns_sources_into_citations():
    keys = some_keys(2)
    table = markdown_table(pd.DataFrame({"what": ["a | b"], "source": [";".join(keys)]}))
    assert "{cite:p}`" + ",".join(keys) + "`" in table.markdown
    assert "a \\| b" in table.markdown
    assert "| Sources |" in claims_table("timeline").markdown


def test_timeline_chart_has_thread_and_region_filters():
    spec = timeline_chart(load("events"), title="t").to_dict()
    names = {p["name"] for p in spec["params"]}
    assert names == {"thread_pick", "region_pick"}


def test_keys_in_collects_each_key_once():
    from walledoff_notebook import keys_in

    frame = pd.DataFrame({"source": ["b2024x;a2023y", "a2023y", None]})
    assert keys_in(frame) == ["a2023y", "b2024x"]


def test_blank_cells_become_null_not_invalid_json():
    """A NaN in a chart's spec would write the bare word NaN into the page and stop every chart."""
    from walledoff_notebook.figures import json_safe

    assert json_safe({"values": [{"bans": float("nan")}, {"bans": float("inf")}, {"bans": 2.0}]}) == {
        "values": [{"bans": None}, {"bans": None}, {"bans": 2.0}]}
    frame = pd.DataFrame({"year": [2022, 2023], "n": [float("nan"), 12.0]})
    chart = alt.Chart(frame).mark_bar().encode(x="year:O", y="n:Q").properties(title="t")
    marker = figure(chart, sources=some_keys()).marker()
    json.dumps(marker, allow_nan=False)  # raises if a NaN slipped through
    assert marker["table"]["rows"][0] == ["2022", ""]


def test_markdown_table_shows_html_in_jupyter_and_myst_to_the_book():
    keys = some_keys(1)
    data = markdown_table(pd.DataFrame({"what": ["x"], "source": keys}))._repr_mimebundle_()
    assert "{cite:p}" in data[MYST_MIME]["myst"]
    assert "{cite" not in data["text/html"] and get_source(keys[0]).short in data["text/html"]


def test_live_charts_are_laid_out_for_a_phone_on_a_narrow_screen():
    """Legends go to one column, row labels shorten, long axis titles wrap, the right edge has room."""
    frame = pd.DataFrame({"when": pd.to_datetime(["2021-01-01", "2026-06-01"]),
                          "row": ["A very long row label for a phone", "B"], "kind": ["x", "y"]})
    chart = alt.Chart(frame).mark_point().encode(
        x=alt.X("when:T", title="A long axis title that would run past the edge"),
        y=alt.Y("row:N", axis=alt.Axis(labelLimit=220)),
        color=alt.Color("kind:N", legend=alt.Legend(columns=3))).properties(title="Rows by date")
    vega = figure(chart, sources=some_keys(), dataset="events").vega
    text = json.dumps(vega)
    assert "containerSize()[0] < 560 ? 1 : 3" in text  # legend columns
    assert "containerSize()[0] < 560 ? 110 : 220" in text  # row labels
    assert ["A long axis title that", "would run past the edge"] in [a.get("title") for a in vega["axes"]]
    assert vega["padding"]["right"] >= 20
    assert vega["config"]["legend"]["layout"]["bottom"]["direction"] == "vertical"
