"""The book's metadata and how to cite it.

Everything a citation names (title, authors, version, release date, permanent
address, licences, DOI, repository) comes from one file, ``book.yml`` at the
top of the repository, through :func:`metadata`. The build extension's cite
boxes, footer, title page, data blocks, canonical links and social-card tags
format their addresses with the functions here.

The site's address can be set for one build without editing a file: the
environment variable ``BOOK_BASE_URL`` (:data:`BASE_URL_ENV`), when set,
replaces ``base_url`` here, the one place every address is made from, so a
fork publishes under its own address and a test builds under a test address.
"""

from __future__ import annotations

import html
import os
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
#: The environment variable that replaces ``base_url`` for one build.
BASE_URL_ENV = "BOOK_BASE_URL"
#: Where frozen editions live in the site (``editions/<version>/``).
EDITIONS_PATH = "editions"
_DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
_REPOSITORY = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


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
    #: The DOI of this version (``10.5281/zenodo.123``), once one is minted; else "".
    doi: str = ""
    #: The public GitHub repository (``https://github.com/owner/name``), if there is one; else "".
    repository: str = ""
    #: What the re-check report watches: ``max_age_days`` and ``chapters`` (see book.yml).
    recheck: dict | None = None

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
        """The current address of a page (``chapters/texas``) and optional anchor."""
        address = self.base_url + (f"{page}.html" if page else "")
        return address + (f"#{anchor}" if anchor else "")

    @property
    def edition_base(self) -> str:
        """The address of this version's frozen edition: ``<base_url>editions/0.2.0/``."""
        return f"{self.base_url}{EDITIONS_PATH}/{self.version}/"

    def edition_url(self, page: str = "", anchor: str = "") -> str:
        """The stable address of a page in this version's frozen edition (its text never changes)."""
        address = self.edition_base + (f"{page}.html" if page else "")
        return address + (f"#{anchor}" if anchor else "")

    @property
    def site_path(self) -> str:
        """The path of the site on its host (``/`` or ``/walled-off/``), for absolute links."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).path or "/"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


def _optional_problems(raw: dict) -> list[str]:
    """Checks of the keys a book may leave out: doi, repository, recheck."""
    problems = []
    doi, repository = str(raw.get("doi") or ""), str(raw.get("repository") or "")
    if doi and not _DOI.match(doi):
        problems.append(f"doi {doi!r} is not a DOI such as 10.5281/zenodo.1234567 (no https://doi.org/)")
    if repository and not _REPOSITORY.match(repository):
        problems.append(f"repository {repository!r} must be https://github.com/<owner>/<name> "
                        "(no trailing slash or .git)")
    recheck = raw.get("recheck") or {}
    age = recheck.get("max_age_days")
    if recheck and (not isinstance(age, int) or age < 1 or not isinstance(recheck.get("chapters"), list)):
        problems.append("recheck needs max_age_days (a whole number of days) and chapters (a list)")
    return problems


@lru_cache(maxsize=8)
def _read(path: Path, mtime: float, base_override: str) -> BookMeta:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"{key!r} is missing" for key in
                ("title", "authors", "version", "date_released", "base_url", "bibtex_key", "licences")
                if not raw.get(key)]
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    version, released = str(raw["version"]), str(raw["date_released"])
    base = base_override or str(raw["base_url"])
    where = f"{BASE_URL_ENV} (environment)" if base_override else "base_url"
    if not _VERSION.match(version):
        problems.append(f"version {version!r} is not MAJOR.MINOR.PATCH")
    if not _DATE.match(released):
        problems.append(f"date_released {released!r} is not YYYY-MM-DD")
    if not re.match(r"^https?://[^/\s]+/(\S*/)?$", base):
        problems.append(f"{where} {base!r} must start with https:// (or http://) and end with /")
    for kind in ("text", "data", "code"):
        licence = raw["licences"].get(kind) or {}
        if not all(licence.get(k) for k in ("id", "name", "url")):
            problems.append(f"licences.{kind} needs id, name and url")
    problems += _optional_problems(raw)
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return BookMeta(title=raw["title"], subtitle=raw.get("subtitle", ""),
                    authors=tuple(raw["authors"]), version=version, date_released=released,
                    base_url=base, bibtex_key=raw["bibtex_key"], licences=raw["licences"],
                    doi=str(raw.get("doi") or ""), repository=str(raw.get("repository") or ""),
                    recheck=raw.get("recheck") or None)


def metadata(path: Path | None = None, *, environment: bool = True) -> BookMeta:
    """The book's metadata from ``book.yml`` (re-read when the file changes).

    With ``environment`` (the default) ``$BOOK_BASE_URL``, when set, is the
    site's address; ``environment=False`` gives ``book.yml``'s own."""
    path = Path(path or METADATA_FILE)
    override = os.environ.get(BASE_URL_ENV, "").strip() if environment else ""
    return _read(path, path.stat().st_mtime, override)


# --- Citations -------------------------------------------------------------

def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text)


def cited_address(meta: BookMeta, page: str = "") -> str:
    """What a citation points at: the DOI (for the whole book, once minted), else the
    page's stable address in this version's frozen edition."""
    return meta.doi_url if meta.doi and not page else meta.edition_url(page)


def apa(meta: BookMeta, title: str | None = None, page: str = "") -> str:
    """An APA 7 reference (plain text; the book title would be italic in print)."""
    book = f"{meta.title} (Version {meta.version})"
    if title is None:
        return f"{meta.author_text}. ({meta.apa_date}). {book}. {cited_address(meta, page)}"
    return f"{meta.author_text}. ({meta.apa_date}). {title}. In {book}. {cited_address(meta, page)}"


def apa_html(meta: BookMeta, title: str | None = None, page: str = "") -> str:
    """The APA reference as HTML, with the book title in italics."""
    book = f"<em>{html.escape(meta.title)}</em> (Version {html.escape(meta.version)})"
    address = html.escape(cited_address(meta, page))
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
    fields += [("year", meta.year), ("date", meta.date_released), ("version", meta.version)]
    if meta.doi:
        fields.append(("doi", meta.doi))
    fields += [("url", meta.edition_url(page)),
               ("note", f"Version {meta.version}, released {meta.date_released}")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(meta, page)},\n{body}\n}}"


__all__ = ["BASE_URL_ENV", "BookMeta", "apa", "apa_html", "bibtex", "bibtex_key", "cited_address",
           "metadata"]
