"""The book's sources: one BibTeX file, looked up by key.

Every entry names the original work: ``title``, ``organization`` (or
``publisher``: the original's, never the host of a copy), ``date``
(publication date) and ``urldate`` (the day we read it). Its links:

* ``url``: the original's own address, only when it is established (printed
  in the copy read, derived from an identifier, decoded from a proxy);
* ``copyurl`` and ``copylabel``: the copy actually read, when it is not the
  original's page, with the reader-facing phrase printed as "Read in ...".

At least one of the two links is required. ``translation`` credits a
translation, ``summarises`` says whose reporting a page restates, ``note``
holds words for readers, and ``maintnote`` holds working notes for
maintainers, which are never printed. Primary records carry
``keywords = {primary}``. A missing field or an unknown key fails loudly,
naming the file and the entry; so does a ``url`` that is really a copy (a
proxy, archive, aggregator, document host, staging server, or a wire story
off its agency's site: :func:`main_link_problem`), a copy without its label,
and working-note words in a printed field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pybtex.database import BibliographyDataError, parse_file

from walledoff_notebook.paths import bib_path, display_path

#: Fields every entry must have.
REQUIRED_FIELDS = ("title", "date", "urldate")
#: Fields that hold an address.
URL_FIELDS = ("url", "copyurl")
#: ``date`` and ``urldate`` are ISO dates: a year, a year-month or a full date.
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: The one allowed non-date: a page that shows no date of its own (a company FAQ).
#: It is printed "n.d."; the day we read it is still required in ``urldate``.
UNDATED = "undated"
#: Keys are lower-case letters and digits (they also appear in CSV cells).
KEY_PATTERN = re.compile(r"^[a-z0-9]+$")
#: How several keys are written in one CSV cell.
KEY_SEPARATOR = ";"

#: Fields printed for readers, and words that only a maintainer's working note uses:
#: such a note belongs in ``maintnote``, which is never printed.
READER_FIELDS = ("note", "copylabel", "translation", "summarises")
WORKING_NOTE_PHRASES = (
    "url slug", "from the slug", "not in the corpus", "the corpus", "stored copy",
    "headline taken", "could not", "not seen", "was not shown", "do not guess",
    "maintnote", "excerpt read", "working note",
)

#: Hosts that only ever hold a copy: proxies, mirrors, archives, aggregators and
#: rewrites, document hosts and publishers' staging servers. A ``url`` (the
#: reader's main link, the original's own address) may not point at one; the
#: copy read goes in ``copyurl`` with its ``copylabel``.
COPY_HOSTS = (
    "vuink.com", "folu.me", "meilu.sanwago.com", "webjosh.com", "worldnewsintel.com",
    "newszop.com", "ttm.financial", "ugstandard.com", "archive.is", "archive.today",
    "archive.ph", "archive.md", "archive.org", "megalodon.jp", "alpha.pewresearch.org",
    "wikisource.org", "scribd.com", "documentcloud.org", "itiger.com",
    "apextraderfunding.com", "brisk.news", "mediaverse.news", "scoopsky.com",
    "gowber.best", "everything3.com", "dpcsearch.fusio.dev", "cdn.arcpublishing.com",
    "go-vip.net",
)
#: Host names that mark a publisher's staging or mirror server (``staging.irishtimes.com``).
STAGING_HOST = re.compile(r"(^|\.)(staging|vip-stage|embed|cms|mail|direct|amp)\.|\.cdurl\.cn$")
#: News agencies and the hosts of their own pages. A wire story's ``url`` must be
#: on its agency's host: a syndicated copy (Nasdaq, Zawya, Business Standard ...)
#: is a ``copyurl``.
AGENCY_HOSTS = {
    "Reuters": ("reuters.com",), "Associated Press": ("apnews.com",),
    "Agence France-Presse": ("afp.com",), "PA Media": ("pa.media",),
    "Kyodo News": ("kyodonews.net",), "dpa-AFX": ("dpa-afx.de",), "NTB": ("ntb.no",),
    "IANS": ("ians.in",),
}


class SourceError(ValueError):
    """A source key does not resolve, or a bibliography entry is incomplete."""


@dataclass(frozen=True)
class Source:
    """One bibliography entry, as the chapters need it."""

    key: str
    title: str
    publisher: str
    date: str
    url: str
    urldate: str
    primary: bool
    note: str = ""
    shorthand: str = ""
    shortauthor: str = ""
    copyurl: str = ""
    copylabel: str = ""
    translation: str = ""
    summarises: str = ""
    #: Working notes for maintainers: read for checks, never printed.
    maintnote: str = ""

    @property
    def link(self) -> str:
        """The address a reader is sent to first: the original's, else the copy read."""
        return self.url or self.copyurl

    @property
    def year(self) -> str:
        """The year of publication, or ``n.d.`` for an undated page."""
        return year_of(self.date)

    @property
    def short(self) -> str:
        """The source's citation label, e.g. ``Reuters 2024b`` (as in the book's citations)."""
        return citation_labels()[self.key]


def year_of(date: str) -> str:
    """``2024`` for ``2024-03-13``; ``n.d.`` for an undated page."""
    return "n.d." if date.strip() == UNDATED else date.strip()[:4]


def _plain(text: str) -> str:
    """Drop BibTeX braces and escapes (``\\$``, ``\\&``, ``\\%``); collapse white space."""
    text = re.sub(r"\\([$&%#_])", r"\1", text).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def main_link_problem(url: str, publisher: str) -> str:
    """Why ``url`` cannot be an entry's main link (empty when it can).

    >>> main_link_problem("https://vuink.com/post/x", "The Verge")
    'vuink.com holds copies, not originals'
    """
    host = urlsplit(url).hostname or ""
    for domain in COPY_HOSTS:
        if _host_matches(host, domain):
            return f"{domain} holds copies, not originals"
    if STAGING_HOST.search(host):
        return f"{host} is a staging or mirror host"
    agency = AGENCY_HOSTS.get(_plain(publisher))
    if agency and not any(_host_matches(host, domain) for domain in agency):
        return f"a {_plain(publisher)} story's own address is on {' or '.join(agency)}, not {host}"
    return ""


def _entry_problems(key: str, fields) -> list[str]:
    """List what is wrong with one entry (empty when it is complete)."""
    problems = []
    if not KEY_PATTERN.match(key):
        problems.append(f"key {key!r} must be lower-case letters and digits only")
    for name in REQUIRED_FIELDS:
        if not fields.get(name, "").strip():
            problems.append(f"entry {key!r} has no {name!r} field")
    if not (fields.get("organization") or fields.get("publisher")):
        problems.append(f"entry {key!r} has neither 'organization' nor 'publisher'")
    for name in ("date", "urldate"):
        value = fields.get(name, "").strip()
        if value and not ISO_DATE.match(value) and not (name == "date" and value == UNDATED):
            allowed = "YYYY, YYYY-MM, YYYY-MM-DD" + (f" or {UNDATED!r}" if name == "date" else "")
            problems.append(f"entry {key!r}: {name} {value!r} is not {allowed}")
    if not any(fields.get(name, "").strip() for name in URL_FIELDS):
        problems.append(f"entry {key!r} has neither 'url' (the original) nor 'copyurl' (the copy read)")
    for name in URL_FIELDS:
        url = fields.get(name, "").strip()
        if url and not url.startswith(("https://", "http://")):
            problems.append(f"entry {key!r}: {name} {url!r} is not an http(s) address")
    why = main_link_problem(fields.get("url", "").strip(),
                            fields.get("organization") or fields.get("publisher", ""))
    if fields.get("url", "").strip() and why:
        problems.append(f"entry {key!r}: url is a copy ({why}); put it in 'copyurl' with a "
                        "'copylabel', and give 'url' only when the original's address is known")
    for name in READER_FIELDS:
        said = [p for p in WORKING_NOTE_PHRASES if p in fields.get(name, "").lower()]
        if said:
            problems.append(f"entry {key!r}: {name} reads like a working note ({said[0]!r}); "
                            "readers see it, so move it to 'maintnote'")
    if fields.get("copyurl", "").strip() and not fields.get("copylabel", "").strip():
        problems.append(f"entry {key!r} has a 'copyurl' but no 'copylabel' (the words "
                        "'Read in ...' that tell readers what the copy is)")
    return problems


#: Where an entry starts: ``@online{key,`` at the start of a line.
ENTRY_START = re.compile(r"^@\s*(\w+)\s*[{(]\s*([^,\s]*)", re.M)


def entry_lines(text: str) -> list[tuple[int, str, int]]:
    """``(line, key, offset)`` of every entry in a BibTeX text, in file order."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(2), m.start())
            for m in ENTRY_START.finditer(text) if m.group(1).lower() not in ("comment", "string", "preamble")]


def _syntax_problem(where: str, text: str, exc: Exception) -> str:
    """Name the entry a BibTeX syntax error is really in, and its first line.

    pybtex reads on past a missing brace or comma and reports a line in a later
    entry; parsing each entry on its own finds the one that is broken.
    """
    from pybtex.database import parse_string

    starts = entry_lines(text)
    for index, (line, key, offset) in enumerate(starts):
        end = starts[index + 1][2] if index + 1 < len(starts) else len(text)
        try:
            parse_string(text[offset:end], bib_format="bibtex")
        except Exception as inner:  # noqa: BLE001 - pybtex raises several kinds
            said = re.sub(r"^syntax error in line \d+: ", "", str(inner))
            return (f"{where}, line {line}: entry {key!r} is not valid BibTeX ({said}): "
                    "look for a missing comma after a field, or a missing closing brace")
    return f"{where}: {exc}"


@lru_cache(maxsize=4)
def _read(path: Path) -> dict[str, Source]:
    """Parse and check the bibliography at ``path`` (cached per path)."""
    where = display_path(path)
    if not path.exists():
        raise SourceError(f"{where}: the bibliography file is missing")
    text = path.read_text(encoding="utf-8")
    first_line = {}
    for line, key, _ in entry_lines(text):
        if key in first_line:
            raise SourceError(f"{where}, line {line}: entry {key!r} repeats the key of the entry "
                              f"at line {first_line[key]}: every key names one work")
        first_line[key] = line
    try:
        bib = parse_file(str(path), bib_format="bibtex")
    except BibliographyDataError as exc:
        raise SourceError(f"{where}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - pybtex's syntax errors (TokenRequired ...)
        raise SourceError(_syntax_problem(where, text, exc)) from exc
    problems, sources = [], {}
    for key, entry in bib.entries.items():
        fields = {name.lower(): value for name, value in entry.fields.items()}
        found = _entry_problems(key, fields)
        if found:
            at = f"{where}, line {first_line[key]}: " if key in first_line else f"{where}: "
            problems.extend(at + problem for problem in found)
            continue
        keywords = {k.strip().lower() for k in fields.get("keywords", "").split(",")}
        sources[key] = Source(
            key=key,
            title=_plain(fields["title"]),
            publisher=_plain(fields.get("organization") or fields["publisher"]),
            date=fields["date"].strip(),
            url=fields.get("url", "").strip(),
            urldate=fields["urldate"].strip(),
            primary="primary" in keywords,
            note=_plain(fields.get("note", "")),
            shorthand=_plain(fields.get("shorthand", "")),
            shortauthor=_plain(fields.get("shortauthor", "")),
            copyurl=fields.get("copyurl", "").strip(),
            copylabel=_plain(fields.get("copylabel", "")),
            translation=_plain(fields.get("translation", "")),
            summarises=_plain(fields.get("summarises", "")),
            maintnote=_plain(fields.get("maintnote", "")),
        )
    if problems:
        raise SourceError("\n".join(problems))
    return sources


def short_publisher(publisher: str) -> str:
    """The first part of a publisher name: ``"Reuters (via Nasdaq)"`` gives ``"Reuters"``."""
    return re.split(r" / | \(", publisher, maxsplit=1)[0].strip()


def make_labels(entries: dict[str, tuple[str, str, str, str]]) -> dict[str, str]:
    """Unique, readable citation labels: ``Publisher Year`` plus a letter when needed.

    ``entries`` maps a key to ``(publisher, date, shorthand, shortauthor)``.
    A non-empty ``shorthand`` is the whole label; a ``shortauthor`` (e.g.
    ``Irish DPC``) replaces a long publisher name. Letters follow date order,
    then key order, so a label never depends on which chapter cites what.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = {}
    for key, (publisher, date, shorthand, shortauthor) in entries.items():
        if shorthand:
            labels[key] = shorthand
        else:
            name = _plain(shortauthor) or short_publisher(_plain(publisher))
            base = f"{name} {year_of(date)}"
            groups.setdefault(base, []).append((date, key))
    for base, members in groups.items():
        if len(members) == 1:
            labels[members[0][1]] = base
            continue
        for index, (_, key) in enumerate(sorted(members)):
            labels[key] = base + "abcdefghijklmnopqrstuvwxyz"[index] if index < 26 else f"{base}-{index}"
    return labels


@lru_cache(maxsize=4)
def _labels(path: Path) -> dict[str, str]:
    """Labels for the bibliography at ``path``, from its already parsed entries."""
    return make_labels({key: (src.publisher, src.date, src.shorthand, src.shortauthor)
                        for key, src in _read(path).items()})


def citation_labels() -> dict[str, str]:
    """Every key's citation label, computed over the whole bibliography."""
    return _labels(bib_path())


def bibliography() -> dict[str, Source]:
    """Return every source in the book's bibliography, keyed by BibTeX key."""
    return _read(bib_path())


def split_keys(cell: str) -> list[str]:
    """Split a CSV ``source`` cell such as ``"a2022x;b2023y"`` into keys."""
    return [k.strip() for k in str(cell).split(KEY_SEPARATOR) if k.strip()]


def keys_in(frame, *columns: str) -> list[str]:
    """Every source key named in a table's source column(s), once each, sorted.

    >>> keys_in(load("events"))  # doctest: +SKIP
    ['abcnews2024house', ...]
    """
    columns = columns or ("source",)
    return sorted({key for column in columns for cell in frame[column].dropna()
                   for key in split_keys(cell)})


def get_source(key: str) -> Source:
    """Look up one source; an unknown key raises :class:`SourceError`."""
    sources = bibliography()
    if key not in sources:
        raise SourceError(f"unknown source key {key!r}: it is not in {display_path(bib_path())}")
    return sources[key]


def sources_for(keys) -> list[Source]:
    """Resolve several keys (an iterable, or one ``;``-separated cell), in order, once each."""
    if isinstance(keys, str):
        keys = split_keys(keys)
    seen: dict[str, Source] = {}
    for key in keys:
        if key not in seen:
            seen[key] = get_source(key)
    return list(seen.values())


def labelled_links(keys) -> dict[str, str]:
    """Each distinct citation label among ``keys``, in order, with its source's address.

    Raises :class:`SourceError` for an unknown key or when there is no key at all.
    """
    links: dict[str, str] = {}
    for src in sources_for(keys):
        links.setdefault(src.short, src.link)
    if not links:
        raise SourceError("a source line needs at least one source key")
    return links


def source_line(keys) -> str:
    """The words under a chart naming where its data came from, as plain text.

    >>> source_line(["tiktok2022oracle"])  # doctest: +SKIP
    'Source: TikTok 2022.'
    """
    names = list(labelled_links(keys))
    label = "Source" if len(names) == 1 else "Sources"
    return f"{label}: " + "; ".join(names) + "."
