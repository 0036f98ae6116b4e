"""Never serve a page or a chart made from old inputs: one list of watched inputs.

Sphinx re-reads a page only when its own source file changes, and myst-nb's
execution cache keys a notebook on its code only. But a chapter also reads
``data/`` and the notebook library, and every page's cite box, glossary links
and footer come from ``book.yml``, ``_toc.yml`` and ``teaching/``. So the
build keeps a fingerprint of each watched input in its environment; when one
changes, every page is read again, and when an input that notebook outputs
depend on changes, the execution cache is emptied first, so no chart is drawn
from last week's data.

One list (:data:`WATCHED`) and one fingerprint function serve two records:
the environment of each build (which pages must be read again) and a stamp
beside the execution cache, which the HTML and the print builds share (which
cached outputs can be trusted).

No maintained extension does this (Sphinx's ``env.note_dependency`` is per
page and cannot clear the notebook cache), hence this module.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from walledoff_notebook.paths import REPO_ROOT, data_dir

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Watched:
    """One input the pages depend on besides their own source."""

    name: str
    paths: tuple  # callables returning a path (a file or a folder)
    #: True when notebook outputs (charts, glued numbers) depend on it.
    affects_outputs: bool


#: Everything the pages are made from besides their own source files.
WATCHED = (
    Watched("data package", (data_dir,), affects_outputs=True),
    Watched("notebook library", (lambda: REPO_ROOT / "walledoff_notebook",), affects_outputs=True),
    Watched("book metadata", (lambda: REPO_ROOT / "book.yml",), affects_outputs=True),
    Watched("table of contents", (lambda: REPO_ROOT / "_toc.yml",), affects_outputs=False),
    Watched("teaching files", (lambda: REPO_ROOT / "teaching",), affects_outputs=False),
    Watched("build extension", (lambda: REPO_ROOT / "walledoff_build",), affects_outputs=False),
)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(watched: Watched) -> str:
    """A hash of the names and contents of every file of one watched input."""
    digest = hashlib.sha256()
    for make_path in watched.paths:
        root = Path(make_path())
        for path in _files(root) if root.exists() else []:
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprints() -> dict[str, str]:
    """The current fingerprint of every watched input, by name."""
    return {watched.name: fingerprint(watched) for watched in WATCHED}


def changed_inputs(previous: dict | None, current: dict) -> list[Watched]:
    """The watched inputs whose fingerprint differs (all of them on a first build)."""
    return [w for w in WATCHED if (previous or {}).get(w.name) != current[w.name]]


def _cache_path(app: Sphinx) -> Path:
    """The notebook execution cache folder (Jupyter Book: ``_build/.jupyter_cache``)."""
    configured = app.config.nb_execution_cache_path
    cache = Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"
    return cache if cache.is_absolute() else Path(app.confdir) / cache


def _stamp_path(app: Sphinx) -> Path:
    """The record of the inputs the execution cache's outputs were made from."""
    cache = _cache_path(app)
    return cache.with_name(cache.name + ".inputs.json")


def _check_cache(app: Sphinx) -> None:
    """Before anything is executed: empty the execution cache if its inputs changed."""
    current = {w.name: fp for w, fp in zip(WATCHED, fingerprints().values()) if w.affects_outputs}
    cache, stamp = _cache_path(app), _stamp_path(app)
    previous = json.loads(stamp.read_text(encoding="utf-8")) if stamp.exists() else None
    if cache.exists() and previous != current:
        stale = [name for name in current if (previous or {}).get(name) != current[name]]
        logger.info("[walledoff] %s changed: clearing the notebook execution cache %s",
                    ", ".join(stale), cache)
        shutil.rmtree(cache)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")


def _outdated_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Before reading: re-read every page when any watched input changed since this build's last."""
    current = fingerprints()
    previous = getattr(env, "walledoff_inputs", None)
    env.walledoff_inputs = current
    stale = changed_inputs(previous, current)
    if previous is None or not stale:
        return []  # a first build reads every page anyway
    logger.info("[walledoff] %s changed: reading every page again", ", ".join(w.name for w in stale))
    return sorted(env.found_docs - set(added) - set(changed) - set(removed))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _check_cache)
    app.connect("env-get-outdated", _outdated_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
