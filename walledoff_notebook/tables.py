"""Tables for the page: MyST Markdown for the book, HTML for Jupyter.

A table shown in a chapter displays itself twice over: as MyST Markdown for
the book's build (``application/vnd.walledoff.myst+json``, which the build
extension parses), so its source column becomes real ``{cite:p}`` citations
that link to the chapter's bibliography and every source a table shows is
listed under Sources; and as a plain HTML table for Jupyter, where the same
sources read "Reuters 2024b" and link to the work itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import html

import pandas as pd

from walledoff_notebook.data import load
from walledoff_notebook.sources import sources_for

#: The marker the build extension parses as MyST.
MYST_MIME = "application/vnd.walledoff.myst+json"

#: How the ledger's status values read on the page.
STATUS_LABELS = {
    "documented": "Documented",
    "reported": "Reported",
    "company-statement": "Company statement",
    "alleged": "Alleged",
    "disputed": "Disputed",
}


@dataclass
class MarkdownTable:
    """A table that displays itself: MyST for the book, HTML for Jupyter."""

    markdown: str
    html: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {MYST_MIME: {"myst": self.markdown}, "text/plain": self.markdown}
        if self.html:
            bundle["text/html"] = self.html
        return bundle


def _cell(value) -> str:
    """One table cell: text with pipes escaped and no line breaks."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value).replace("|", "\\|").replace("\n", " ").strip()


def cite(keys) -> str:
    """A ``{cite:p}`` role for the keys (each checked against the bibliography)."""
    return "{cite:p}`" + ",".join(src.key for src in sources_for(keys)) + "`"


def cite_html(keys) -> str:
    """The sources as readable links for Jupyter: ``Reuters 2024b; AP 2023``."""
    return "; ".join(f'<a href="{html.escape(src.link)}">{html.escape(src.short)}</a>'
                     for src in sources_for(keys))


def _html_table(frame: pd.DataFrame, titles: list[str], source_column: str) -> str:
    head = "".join(f"<th>{html.escape(t)}</th>" for t in titles)
    body = []
    for values in frame.itertuples(index=False):
        row = dict(zip(frame.columns, values))
        cells = [cite_html(row[c]) if c == source_column and _cell(row[c])
                 else html.escape(_cell(row[c]).replace("\\|", "|")) for c in frame.columns]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _heading(column) -> str:
    """A column name as a heading: first letter capitalised, the rest as written.

    ``str.capitalize`` would lower the rest ("US law and courts" -> "Us law and
    courts", "Project Clover" -> "Project clover").
    """
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]


def markdown_table(frame: pd.DataFrame, *, source_column: str = "source",
                   headers: dict[str, str] | None = None) -> MarkdownTable:
    """Render ``frame`` as a table; its ``source_column`` becomes citations."""
    headers = headers or {}
    columns = list(frame.columns)
    titles = [headers.get(c, _heading(c)) for c in columns]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(columns)]
    for values in frame.itertuples(index=False):  # not iterrows: it turns a row of ints into floats
        row = dict(zip(columns, values))
        cells = [cite(row[c]) if c == source_column else _cell(row[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return MarkdownTable("\n".join(lines), _html_table(frame, titles, source_column))


def claims(chapter: str) -> pd.DataFrame:
    """The claims ledger's rows for one chapter, in ledger order."""
    ledger = load("claims")
    rows = ledger[ledger["chapter"] == chapter]
    if rows.empty:
        raise ValueError(f"the claims ledger has no rows for chapter {chapter!r}")
    return rows


def claims_table(chapter: str) -> MarkdownTable:
    """The chapter's "what is known, reported, disputed" table."""
    rows = claims(chapter)[["claim", "status", "as_of", "source"]].copy()
    rows["status"] = rows["status"].map(STATUS_LABELS)
    return markdown_table(rows, headers={"claim": "Claim", "status": "Status",
                                         "as_of": "As of", "source": "Sources"})
