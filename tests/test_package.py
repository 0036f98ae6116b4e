"""The shared package's helpers do what the chapters rely on."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from evidence import SourceError, chart_figure, get_source, load, source_line
from evidence.sources import make_labels, split_keys
from evidence.tables import claims_table, markdown_table
from evidence.timeline import date_label, timeline_chart


def small_chart(title="Bans came in 2023"):
    frame = pd.DataFrame({"year": [2022, 2023], "n": [1, 12]})
    return alt.Chart(frame).mark_bar().encode(x="year:O", y="n:Q").properties(title=title)


def some_keys(n=1):
    return list(load("events")["source"].map(split_keys).explode().unique()[:n])


def test_chart_figure_carries_spec_fallback_source_and_description():
    figure = chart_figure(small_chart(), name="test-chart", sources=some_keys(),
                          description="Two bars; 2023 is far higher.", caption="Bans by year.")
    page = figure.to_html()
    assert "\n\n" not in page  # one HTML block, so MyST keeps it whole
    spec = json.loads(re.search(r'class="book-chart-spec" data-format="vega">(.*?)</script>', page, re.S).group(1))
    assert "vega/v" in spec["$schema"] and "title" not in spec  # compiled to Vega, title in HTML
    assert spec["description"] == "Two bars; 2023 is far higher."
    assert figure.spec["width"] == "container"
    image = re.search(r'<img class="book-chart-image" src="data:image/svg\+xml,([^"]+)" alt="" '
                      r'width="(\d+)" height="(\d+)"', page)
    assert image and int(image.group(2)) > 300 and int(image.group(3)) >= 100  # size reserved
    assert "%3Csvg" in image.group(1) and 'id="chart-test-chart-desc"' in page
    assert ">Bans came in 2023</p>" in page and "Source" in page
    assert "Data table (2 rows)" in page and "data:text/csv" in page
    assert figure.height >= 100  # height reserved from the static rendering
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("missing", ["description", "caption"])
def test_chart_figure_refuses_a_chart_without_words(missing):
    kwargs = {"name": "x", "sources": some_keys(), "description": "d", "caption": "c"}
    kwargs[missing] = " "
    with pytest.raises(ValueError, match=missing):
        chart_figure(small_chart(), **kwargs)


def test_chart_figure_refuses_untitled_and_unsourced_charts():
    with pytest.raises(ValueError, match="title"):
        chart_figure(small_chart(title=""), name="x", sources=some_keys(), description="d", caption="c")
    with pytest.raises(SourceError):
        chart_figure(small_chart(), name="x", sources=["nosuchkey1999"], description="d", caption="c")
    with pytest.raises(ValueError, match="name"):
        chart_figure(small_chart(), name="Bad Name", sources=some_keys(), description="d", caption="c")


def test_source_line_names_publishers_or_counts_them():
    one = some_keys(1)
    assert source_line(one).startswith("Source: ") and get_source(one[0]).short in source_line(one)
    many = chart_figure(small_chart(), name="many", sources=some_keys(40), dataset="events",
                        description="d", caption="c")
    assert "Compiled from" in many.source_html and "data/events.csv" in many.source_html


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


def test_chart_figure_refuses_a_faceted_chart():
    """Faceted charts render blank at the page's width; the helper says so instead."""
    frame = pd.DataFrame({"year": [2022, 2023], "n": [1, 12], "p": ["a", "b"]})
    chart = alt.Chart(frame).mark_bar().encode(x="year:O", y="n:Q", row="p:N").properties(title="t")
    with pytest.raises(ValueError, match="vconcat"):
        chart_figure(chart, name="facet", sources=some_keys(), description="d", caption="c")


def test_keys_in_collects_each_key_once():
    from evidence import keys_in

    frame = pd.DataFrame({"source": ["b2024x;a2023y", "a2023y", None]})
    assert keys_in(frame) == ["a2023y", "b2024x"]


def test_blank_cells_become_null_not_invalid_json():
    """A NaN in a chart's spec would write the bare word NaN into the page and stop every chart."""
    from evidence.charts import json_safe

    assert json_safe({"values": [{"bans": float("nan")}, {"bans": float("inf")}, {"bans": 2.0}]}) == {
        "values": [{"bans": None}, {"bans": None}, {"bans": 2.0}]}
    figure = chart_figure(small_chart(), name="nan-chart", sources=some_keys(), description="d", caption="c")
    figure.vega_spec["data"].append({"name": "broken", "values": [{"x": float("nan")}]})
    with pytest.raises(ValueError):  # never written silently
        figure.to_html()
