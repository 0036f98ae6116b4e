"""The book's metadata and how to cite it.

Everything a citation names (title, authors, version, release date, permanent
address, licences) comes from one file, ``book.yml`` at the top of the
repository, through :func:`metadata`. The build extension's cite boxes, footer,
title page and data blocks format their citations with the functions here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from walledoff_notebook.paths import REPO_ROOT

#: The book's metadata file.
METADATA_FILE = REPO_ROOT / "book.yml"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class BookMeta:
    """What a citation of the book names."""

    title: str
    subtitle: str
    authors: tuple[str, ...]
    version: str
    date_released: str
    base_url: str
    bibtex_key: str
    licences: dict

    @property
    def year(self) -> str:
        return self.date_released[:4]

    @property
    def apa_date(self) -> str:
        """``2026, November 29``, as APA writes a date."""
        import datetime

        day = datetime.date.fromisoformat(self.date_released)
        return f"{day.year}, {day:%B} {day.day}"

    @property
    def author_text(self) -> str:
        return ", ".join(self.authors)

    def url(self, page: str = "", anchor: str = "") -> str:
        """The permanent address of a page (``chapters/texas``) and optional anchor."""
        address = self.base_url + (f"{page}.html" if page else "")
        return address + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=4)
def _read(path: Path, mtime: float) -> BookMeta:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"{key!r} is missing" for key in
                ("title", "authors", "version", "date_released", "base_url", "bibtex_key", "licences")
                if not raw.get(key)]
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    version, released, base = str(raw["version"]), str(raw["date_released"]), str(raw["base_url"])
    if not _VERSION.match(version):
        problems.append(f"version {version!r} is not MAJOR.MINOR.PATCH")
    if not _DATE.match(released):
        problems.append(f"date_released {released!r} is not YYYY-MM-DD")
    if not base.startswith("https://") or not base.endswith("/"):
        problems.append(f"base_url {base!r} must start with https:// and end with /")
    for kind in ("text", "data", "code"):
        licence = raw["licences"].get(kind) or {}
        if not all(licence.get(k) for k in ("id", "name", "url")):
            problems.append(f"licences.{kind} needs id, name and url")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return BookMeta(title=raw["title"], subtitle=raw.get("subtitle", ""),
                    authors=tuple(raw["authors"]), version=version, date_released=released,
                    base_url=base, bibtex_key=raw["bibtex_key"], licences=raw["licences"])


def metadata(path: Path | None = None) -> BookMeta:
    """The book's metadata from ``book.yml`` (re-read when the file changes)."""
    path = Path(path or METADATA_FILE)
    return _read(path, path.stat().st_mtime)


# --- Citations -------------------------------------------------------------

def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text)


def apa(meta: BookMeta, title: str | None = None, page: str = "") -> str:
    """An APA 7 reference (plain text; the book title would be italic in print)."""
    book = f"{meta.title} (Version {meta.version})"
    if title is None:
        return f"{meta.author_text}. ({meta.apa_date}). {book}. {meta.url(page)}"
    return f"{meta.author_text}. ({meta.apa_date}). {title}. In {book}. {meta.url(page)}"


def apa_html(meta: BookMeta, title: str | None = None, page: str = "") -> str:
    """The APA reference as HTML, with the book title in italics."""
    book = f"<em>{html.escape(meta.title)}</em> (Version {html.escape(meta.version)})"
    address = html.escape(meta.url(page))
    who = f"{html.escape(meta.author_text)}. ({meta.apa_date})."
    if title is None:
        return f"{who} {book}. {address}"
    return f"{who} {html.escape(title)}. In {book}. {address}"


def bibtex_key(meta: BookMeta, page: str = "") -> str:
    """``walledoff2026`` for the book, ``walledoff2026texas`` for a chapter."""
    stem = re.sub(r"[^a-z0-9]", "", page.rsplit("/", 1)[-1].lower()) if page else ""
    return f"{meta.bibtex_key}{meta.year}{stem}"


def bibtex(meta: BookMeta, title: str | None = None, page: str = "") -> str:
    """A BibTeX (biblatex-compatible) entry for the book or one of its chapters."""
    authors = " and ".join("{" + _bibtex_escape(a) + "}" for a in meta.authors)
    fields = [("author", authors)]
    if title is None:
        kind = "book"
        fields.append(("title", "{" + _bibtex_escape(meta.title) + "}"))
    else:
        kind = "incollection"
        fields += [("title", "{" + _bibtex_escape(title) + "}"),
                   ("booktitle", "{" + _bibtex_escape(meta.title) + "}")]
    fields += [("year", meta.year), ("date", meta.date_released), ("version", meta.version),
               ("url", meta.url(page)),
               ("note", f"Version {meta.version}, released {meta.date_released}")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(meta, page)},\n{body}\n}}"


__all__ = ["BookMeta", "apa", "apa_html", "bibtex", "bibtex_key", "metadata"]
