"""The primary-source reader: the passages of ``data/passages.csv``, printed on a page.

``{book-passages}`` (option ``:jurisdiction: China``, ``US`` or ``EU``) prints
that jurisdiction's rows, in the file's order, each as its own section with
the stable label ``reader-<id>`` (so a teacher can cite one article): the
original text (Chinese text marked ``lang="zh"``), beside it the named English
translation or a paraphrase labelled as such, then the dates, a link to the
full text, the licence or fair-use basis, the chapters that discuss it and the
sources as citations. The role ``{zh}`...``` marks Chinese words in prose the
same way. The page is plain HTML: every passage can be found with
the browser's find and read without JavaScript.

The table is validated like every table (:func:`walledoff_notebook.load`); a
row that names an unknown chapter, or a Chinese passage without a named
translation or paraphrase, stops the build with a message naming the file,
the row and the column. No maintained extension renders a data table as
cross-referenced, cited sections, hence this module.
"""

from __future__ import annotations

import re

import pandas as pd
from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from walledoff_build.book import toc_pages
from walledoff_notebook.data import load
from walledoff_notebook.package import resource
from walledoff_notebook.paths import data_dir, display_path

#: The table's name in the data package, and the label prefix of each passage.
TABLE = "passages"
PREFIX = "reader-"
#: How each language is named on the page.
LANGUAGES = {"zh": "Chinese", "en": "English"}
#: How the adoption date is called, by kind of instrument.
ADOPTED = {"law": "Adopted", "list": "Issued", "opinion": "Decided", "order": "Signed",
           "decision": "Adopted"}
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$&\"'=^@%])")
#: Chinese characters and full-width punctuation, as they appear in English lines (titles, notes).
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def escape(text: str) -> str:
    """Text from the table, safe as MyST: every ASCII punctuation mark backslash-escaped."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def english(text: str) -> str:
    """An English line from the table as MyST, any Chinese words in it marked ``lang="zh"``."""
    return _CJK.sub(lambda match: f"{{zh}}`{match.group(0)}`", escape(text))


def _date(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%-d %B %Y}"


def _problems(rows: pd.DataFrame, chapters: set[str]) -> list[str]:
    """What the schema cannot check: chapters exist; Chinese text has a named English version."""
    where = display_path(data_dir() / resource(TABLE)["path"])
    found = []
    for index, row in rows.iterrows():
        at = f"{where}, row {index + 1} (line {index + 2})"
        for name in str(row["chapters"]).split(";"):
            if name not in chapters:
                found.append(f"{at}, column 'chapters': no chapter {name!r} in _toc.yml")
        english = row["language"] == "en"
        if english != (row["translation_kind"] == "not-needed"):
            found.append(f"{at}, column 'translation_kind': {row['translation_kind']!r} does not fit "
                         f"an original in {LANGUAGES[row['language']]}")
        if not english and not (row["translation_text"] and row["translation_source"]):
            found.append(f"{at}, columns 'translation_text'/'translation_source': a passage not in "
                         "English needs a named translation or paraphrase (never an unnamed one)")
    return found


def passages(confdir, jurisdiction: str | None = None) -> pd.DataFrame:
    """The validated rows (all, or one jurisdiction's), text columns as plain strings."""
    rows = load(TABLE).fillna({c: "" for c in ("text_note", "translation_text", "translation_source",
                                               "dates_note")})
    chapters = {page.rsplit("/", 1)[-1] for page in toc_pages(confdir)}
    found = _problems(rows, chapters)
    if found:
        raise ExtensionError(f"table {TABLE!r} is not valid ({len(found)} problem(s)):\n"
                             + "\n".join(f"  - {p}" for p in found))
    if jurisdiction is not None:
        rows = rows[rows["jurisdiction"].astype(str) == jurisdiction]
    return rows


def _text_block(label: str, text: str, language: str) -> list[str]:
    """One column: a label, then the text, one paragraph per line, marked with its language."""
    paragraphs = [escape(line) for line in str(text).splitlines() if line.strip()]
    lines = ["::::{container} book-passage-text book-no-glossary", label, "",
             f":::{{container}} language-{language}"]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    return lines + [":::", "::::", ""]


def _dates(row) -> str:
    parts = [f"{ADOPTED[row['kind']]} {_date(row['adopted'])}"]
    if _date(row["in_force"]):
        parts.append(f"in force {_date(row['in_force'])}")
    if _date(row["amended"]):
        parts.append(f"amended {_date(row['amended'])}")
    note = f" {english(row['dates_note'])}" if row["dates_note"] else ""
    return "; ".join(parts) + "." + note


def passage_markdown(row) -> list[str]:
    """The MyST body of one passage: the two texts side by side, then the facts about it."""
    language = str(row["language"])
    lines = [f"*{english(row['work'])}*, {english(row['article'])}. {_dates(row)}", "",
             ":::::{container} book-passage", ""]
    lines += _text_block(f"**Original text** ({LANGUAGES[language]})", row["original_text"], language)
    if row["translation_kind"] == "translation":
        lines += _text_block(f"**English translation** by {english(row['translation_source'])}",
                             row["translation_text"], "en")
    elif row["translation_kind"] == "paraphrase":
        lines += _text_block(f"**Paraphrase, not a translation**: {english(row['translation_source'])}",
                             row["translation_text"], "en")
    lines += [":::::", ""]
    if row["text_note"]:
        lines += [f"*Note:* {english(row['text_note'])}", ""]
    chapters = ", ".join(f"{{ref}}`{name}`" for name in str(row["chapters"]).split(";"))
    keys = ",".join(k.strip() for k in str(row["source"]).split(";"))
    return lines + [f"- **What it is about:** {english(row['topic'])}",
                    f"- **Full text:** [{english(row['full_text_label'])}]({row['full_text_url']})",
                    f"- **Discussed in:** {chapters}",
                    f"- **Licence or basis for quoting:** {english(row['licence'])}",
                    f"- **Sources:** {{cite:p}}`{keys}`", ""]


def zh_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``{zh}`中文```: inline Chinese in prose, marked ``lang="zh"`` for readers and screen readers."""
    return [nodes.inline(rawtext, text, classes=["language-zh"])], []


class BookPassages(Directive):
    """Print one jurisdiction's passages from ``data/passages.csv``, each a labelled section."""

    has_content = False
    option_spec = {"jurisdiction": directives.unchanged_required}

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(data_dir() / resource(TABLE)["path"]))
        jurisdiction = self.options.get("jurisdiction")
        rows = passages(env.app.confdir, jurisdiction)
        if rows.empty:
            raise self.error(f"no passages for jurisdiction {jurisdiction!r} in data/{TABLE}.csv")
        return [self._section(row) for _, row in rows.iterrows()]

    def _section(self, row) -> nodes.section:
        """One passage as a section whose label (``reader-<id>``) is an explicit, citable target."""
        label = f"{PREFIX}{row['id']}"
        section = nodes.section("", nodes.title("", str(row["title"])), ids=[label], names=[label])
        self.state.document.note_explicit_target(section)
        self.state.nested_parse(StringList(passage_markdown(row), source=f"data/{TABLE}.csv"), 0, section)
        for block in section.findall(nodes.container):  # quoted texts keep their own quotes and dashes
            if "book-passage-text" in block["classes"]:
                block["support_smartquotes"] = False
        return section


def setup(app: Sphinx) -> dict:
    app.add_directive("book-passages", BookPassages)
    app.add_role("zh", zh_role)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
