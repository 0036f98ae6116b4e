"""Tables for the page, written as MyST Markdown.

A table shown in a chapter is emitted as Markdown (the build renders it with
MyST, see ``nb_render_markdown_format: myst`` in ``_config.yml``), so its
source column becomes real ``{cite:p}`` citations that link to the chapter's
bibliography, and every source a table shows is listed under Sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evidence.data import load
from evidence.sources import sources_for

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
    """Markdown that displays itself (in Jupyter, and through myst-nb in the book)."""

    markdown: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown, "text/plain": self.markdown}


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


def markdown_table(frame: pd.DataFrame, *, source_column: str = "source",
                   headers: dict[str, str] | None = None) -> MarkdownTable:
    """Render ``frame`` as a MyST table; its ``source_column`` becomes citations."""
    headers = headers or {}
    columns = list(frame.columns)
    titles = [headers.get(c, c.replace("_", " ").capitalize()) for c in columns]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        cells = [cite(row[c]) if c == source_column else _cell(row[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return MarkdownTable("\n".join(lines))


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
