"""How the book prints its sources (a pybtex style for sphinxcontrib-bibtex).

Labels are ``Publisher Year`` (``Reuters 2024b``), computed over the whole
bibliography by :func:`walledoff_notebook.sources.make_labels`, so a source
has the same label in every chapter. An entry shows the original work first,
with the original's own address when it is known, then the copy the book
read, labelled::

    Reuters. "Headline." 2024-04-23. https://www.reuters.com/... (checked 2026-11-29).
    Read in a syndicated copy at Nasdaq: https://www.nasdaq.com/... Primary source. Note.

Working notes for maintainers (``maintnote``) are never printed. sphinxcontrib-
bibtex needs a pybtex style for this; no published style prints a labelled copy.
"""

from __future__ import annotations

import functools

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import (
    field, first_of, href, join, optional, optional_field, sentence, tag,
)

from walledoff_notebook.paths import bib_path
from walledoff_notebook.sources import citation_labels


def _entry_info(entry) -> tuple[str, str]:
    """Publisher and date, for sorting."""
    fields = entry.fields
    return fields.get("organization") or fields.get("publisher", "?"), fields.get("date", "????")


class BookLabelStyle(BaseLabelStyle):
    """``Publisher Year`` labels, unique over the whole bibliography (not per chapter)."""

    def format_labels(self, sorted_entries):
        sorted_entries = list(sorted_entries)
        labels = citation_labels()
        for entry in sorted_entries:
            if entry.key not in labels:
                raise KeyError(f"{entry.key!r} is cited but not in {bib_path()}")
            yield labels[entry.key]


class BookSortingStyle(BaseSortingStyle):
    """Sort by publisher, then date, then key."""

    def sorting_key(self, entry):
        publisher, date = _entry_info(entry)
        return (publisher.lower(), date, entry.key)


class BookStyle(UnsrtStyle):
    """The book's bibliography style."""

    default_label_style = "book"
    default_sorting_style = "book"

    def get_online_template(self, e):
        fields = e.fields
        primary = "primary" in fields.get("keywords", "").lower()
        checked = join[" (checked ", field("urldate"), ")"]
        link = lambda name: href(field(name, raw=True))[field(name, raw=True)]  # noqa: E731
        if fields.get("url"):
            original = sentence[join[link("url"), checked]]
            copy = (sentence[join["Read in ", field("copylabel"), ": ", link("copyurl")]]
                    if fields.get("copyurl") else "")
        else:  # the original's own address is not established: only the copy read
            original = ""
            copy = sentence[join["Read in ", field("copylabel"), ": ", link("copyurl"), checked]]
        return toplevel[
            optional[sentence[self.format_names("author")]],
            sentence[first_of[optional_field("organization"), field("publisher")]],
            sentence[join['"', field("title"), '"']],
            sentence[field("date")],
            original,
            copy,
            sentence[optional_field("translation")],
            sentence[optional[join["Summarises ", field("summarises")]]],
            sentence[tag("strong")["Primary source"]] if primary else "",
            sentence[optional_field("note")],
        ]

    get_misc_template = get_online_template


def _remember_latex_decoding() -> None:
    """Decode each distinct BibTeX field once per build, not once per bibliography.

    sphinxcontrib-bibtex formats every bibliography again on every build, even
    when nothing changed, and pybtex decodes each field from LaTeX each time
    (latexcodec, a character at a time): with some 280 sources listed on a
    dozen pages that was most of a no-change rebuild. pybtex's rich-text
    objects are not changed in place (their methods return new ones), so the
    same decoded field can be shared.
    """
    from pybtex.richtext import Text

    if getattr(Text.from_latex, "_book_cached", False):
        return
    decode = functools.lru_cache(maxsize=None)(Text.from_latex)

    def from_latex(cls, latex):
        return decode(latex)

    from_latex._book_cached = True
    Text.from_latex = classmethod(from_latex)


def register() -> None:
    """Make the style and its label and sorting styles known to pybtex as ``book``."""
    _remember_latex_decoding()
    for kind, plugin in (("pybtex.style.formatting", BookStyle),
                         ("pybtex.style.labels", BookLabelStyle),
                         ("pybtex.style.sorting", BookSortingStyle)):
        try:
            register_plugin(kind, "book", plugin)
        except Exception:  # already registered in this process
            pass


def setup(app) -> dict:
    """Register the style before sphinxcontrib-bibtex formats any bibliography."""
    register()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
