"""Frozen editions: how a released version is kept, and how it goes back into the site.

Each released version of the book is kept as it was published, so a citation
of "version 0.2.0" keeps pointing at the text it named. ``make edition``
(``scripts/cut_edition.py``) builds a version once, from its own commit and
its own pinned packages, and packs the built HTML (pages, data files,
notebooks and their archive) into ``editions/<version>.tar.xz``, listed in
``editions/editions.yml``. ``make site`` unpacks every edition under
``editions/<version>/`` beside the current book (:func:`unpack`), without
rebuilding old code.

An edition is built with a placeholder in place of the site's address
(:data:`PLACEHOLDER`). The site writes its own address there when it
unpacks the edition, in every text file and inside the notebook archive, so a
fork that publishes under another address gets every edition's cite boxes,
data blocks and notebooks right without rebuilding them.

Nothing here imports Sphinx: the site script and the "What changed" page
(:mod:`walledoff_build.changes`) both read editions through this module.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import re
import tarfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

from walledoff_notebook.paths import REPO_ROOT

#: Where frozen editions are kept in the repository.
EDITIONS_DIR = REPO_ROOT / "editions"
#: The list of frozen editions (written by ``make edition``).
RECORD_FILE = EDITIONS_DIR / "editions.yml"
#: Where the editions go in the published site.
SITE_EDITIONS = "editions"
#: The site's address as written into an edition when it is built (``.invalid`` never resolves).
PLACEHOLDER = "https://book-site.invalid/"
#: Files an edition does not keep: no page of the book loads them. Source maps are for
#: developer tools; Font Awesome's script is dropped by the page template; ``locales`` are
#: the theme's build-time translations; ``.buildinfo`` is Sphinx's rebuild record.
PRUNED = re.compile(r"(\.map$|^_static/scripts/fontawesome\.js|^_static/locales/|^\.buildinfo$)")
#: Files an edition leaves out that the current site keeps: an edition's own 404 page would
#: link from the placeholder's path; the site's one 404 page serves every address.
EDITION_ONLY_PRUNED = {"404.html"}
#: Files in which the placeholder address is replaced (everything else is copied as it is).
TEXT_SUFFIXES = {".html", ".js", ".json", ".txt", ".md", ".ipynb", ".yml", ".yaml", ".cff",
                 ".csv", ".xml", ".bib", ".py", ".toml", ".in", ".css", ""}
#: The sources of what a reader reads (not how it is drawn): when they differ from an
#: edition's, the current book has changed since that edition was frozen.
TEXT_SOURCES = ("index.md", "_toc.yml", "chapters", "data", "teaching/glossary.yml",
                "teaching/classes.yml")


@dataclass(frozen=True)
class Edition:
    """One frozen edition, as ``editions/editions.yml`` lists it."""

    version: str
    date_released: str
    commit: str
    archive: str
    sha256: str
    #: :func:`text_fingerprint` of the edition's sources ("" when not recorded).
    text_sha256: str = ""

    @property
    def path(self) -> Path:
        return EDITIONS_DIR / self.archive

    @property
    def site_dir(self) -> str:
        """The edition's folder in the site: ``editions/0.2.0``."""
        return f"{SITE_EDITIONS}/{self.version}"

    def address(self, base_url: str) -> str:
        """The edition's address in a site published at ``base_url``."""
        return f"{base_url}{self.site_dir}/"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_editions(record: Path | None = None) -> list[Edition]:
    """Every frozen edition, oldest first; fails naming the entry that is wrong."""
    record = Path(record or RECORD_FILE)
    if not record.exists():
        return []
    raw = yaml.safe_load(record.read_text(encoding="utf-8")) or {}
    found, problems = [], []
    for index, entry in enumerate(raw.get("editions") or [], 1):
        missing = [k for k in ("version", "date_released", "commit", "archive", "sha256") if not entry.get(k)]
        if missing:
            problems.append(f"entry {index}: missing {', '.join(missing)}")
            continue
        edition = Edition(**{k: str(entry.get(k) or "") for k in Edition.__dataclass_fields__})
        if not re.fullmatch(r"\d+\.\d+\.\d+", edition.version):
            problems.append(f"entry {index}: version {edition.version!r} is not MAJOR.MINOR.PATCH")
        elif not (record.parent / edition.archive).is_file():
            problems.append(f"edition {edition.version}: {edition.archive} is missing")
        found.append(edition)
    versions = [e.version for e in found]
    if len(set(versions)) != len(versions):
        problems.append("a version is listed twice")
    if problems:
        raise ValueError(f"{record.name}: " + "; ".join(problems))
    return sorted(found, key=lambda e: _version_key(e.version))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def text_fingerprint(root: Path = REPO_ROOT) -> str:
    """A hash of the names and contents of the book's text sources (:data:`TEXT_SOURCES`)."""
    digest, root = hashlib.sha256(), Path(root)
    for name in TEXT_SOURCES:
        top = root / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()
                                                   and "__pycache__" not in p.parts and
                                                   ".ipynb_checkpoints" not in p.parts)
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def edition_status(version: str, root: Path = REPO_ROOT) -> tuple[str, Edition | None]:
    """Where the current book stands against the frozen edition of its version.

    ``frozen``: edition ``version`` is frozen and the text is the same;
    ``changed``: it is frozen, but the text has changed since (unreleased changes);
    ``new``: no edition ``version`` is frozen yet (a release in preparation)."""
    edition = next((e for e in load_editions() if e.version == version), None)
    if edition is None:
        return "new", None
    same = edition.text_sha256 and edition.text_sha256 == text_fingerprint(root)
    return ("frozen" if same else "changed"), edition


# --- Packing (make edition) -----------------------------------------------------

def kept_files(html_dir: Path) -> list[Path]:
    """The built files an edition keeps, sorted (so the archive is the same for the same build)."""
    html_dir = Path(html_dir)
    return sorted(p for p in html_dir.rglob("*") if p.is_file()
                  and not PRUNED.search(p.relative_to(html_dir).as_posix())
                  and p.relative_to(html_dir).as_posix() not in EDITION_ONLY_PRUNED)


def pack(html_dir: Path, target: Path) -> int:
    """Pack a built HTML folder into ``target`` (.tar.xz), reproducibly; return its size in bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in kept_files(html_dir):
            info = tarfile.TarInfo(path.relative_to(html_dir).as_posix())
            data = path.read_bytes()
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    Path(target).write_bytes(lzma.compress(buffer.getvalue(), preset=9 | lzma.PRESET_EXTREME))
    return Path(target).stat().st_size


# --- Reading and unpacking (make site, the "What changed" page) ------------------------

@lru_cache(maxsize=8)
def _members(path: Path, digest: str) -> dict[str, bytes]:
    with tarfile.open(path, mode="r:xz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def members(edition: Edition) -> dict[str, bytes]:
    """Every file of an edition (path in the edition -> bytes), checked against its recorded hash."""
    digest = sha256(edition.path)
    if digest != edition.sha256:
        raise ValueError(f"{RECORD_FILE.name}: {edition.archive} does not match its sha256 "
                         f"(recorded {edition.sha256[:12]}, found {digest[:12]}): re-cut it with make edition")
    return _members(edition.path, digest)


def _readdress(name: str, data: bytes, address: str) -> bytes:
    """Write the site's address in place of the placeholder (also inside a zip archive)."""
    if name.endswith(".zip"):
        source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, _readdress(info.filename, source.read(info), address))
        return out.getvalue()
    if PurePosixPath(name).suffix.lower() not in TEXT_SUFFIXES or PLACEHOLDER.encode() not in data:
        return data
    return data.replace(PLACEHOLDER.encode(), address.encode())


def unpack(edition: Edition, site: Path, base_url: str) -> list[str]:
    """Unpack an edition into ``site/editions/<version>/`` for a site at ``base_url``.

    Returns the edition's HTML pages (paths inside the edition)."""
    target = Path(site) / edition.site_dir
    pages = []
    for name, data in sorted(members(edition).items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_readdress(name, data, base_url))
        if name.endswith(".html"):
            pages.append(name)
    return pages


__all__ = ["EDITIONS_DIR", "Edition", "PLACEHOLDER", "RECORD_FILE", "SITE_EDITIONS", "edition_status",
           "kept_files", "load_editions", "members", "pack", "sha256", "text_fingerprint", "unpack"]
