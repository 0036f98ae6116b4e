"""Every build fails on what is wrong, not only the first one; data errors end it in a few lines.

Three checks, because Sphinx's incremental builds forget:

* **Warnings are repeated until fixed.** Sphinx re-reads only pages whose
  source changed, so a warning (an unknown citation key, a broken reference)
  is printed once: the next ``make book`` passes and the page keeps showing
  "[]". This module records which pages warned (beside the doctrees) and
  reads them again on the next build, so the warning comes back every time
  until it is fixed. A warning that names no page makes the next build read
  every page.
* **Unresolved citations in the HTML.** After each build, every page in the
  output is scanned for a citation that rendered empty ("[]"), so a cached
  ``_build`` (in CI, say) cannot hide one either.
* **Bad data stops the build before any chapter runs**, with one line per
  problem (file, row, column, value) and the command that checks the data
  alone, instead of a notebook traceback blamed on whichever chapter loaded
  the table first. The check is skipped while the data and the notebook
  library are unchanged since it last passed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Beside the doctrees: the pages that warned in the last build.
WARNED_FILE = "walledoff-warned.json"
#: Beside the doctrees: the fingerprint of the data that last passed the check.
DATA_OK_FILE = "walledoff-data-ok.json"
#: Marks "a warning named no page" in :data:`WARNED_FILE`.
EVERY_PAGE = "*"
#: A citation that sphinxcontrib-bibtex could not resolve renders as an empty "[]".
EMPTY_CITATION = re.compile(r'<span class="bibtex-citation"[^>]*>\[\]</span>')
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LEVEL = re.compile(r"(?:^|: )(WARNING|ERROR|CRITICAL): ")


# --- Bad data: a short summary, before anything runs -------------------------------

def data_summary(found: list[str]) -> str:
    """What a contributor sees when the data is wrong: the problems, then what to run."""
    from walledoff_notebook.data import check_hint

    count = f"{len(found)} problem" + ("s" if len(found) != 1 else "")
    lines = [f"The book was not built: the data has {count}."]
    lines += [f"  {line}" for line in found]
    lines.append(f"Fix the file named above, then {check_hint()}, then build again.")
    return "\n".join(lines)


def _data_fingerprint() -> str:
    from walledoff_build.freshness import WATCHED, fingerprint

    return json.dumps({w.name: fingerprint(w) for w in WATCHED
                       if w.name in ("data package", "notebook library")}, sort_keys=True)


def check_data(app: Sphinx) -> None:
    """Before any chapter executes: stop with a short summary when the data is wrong."""
    stamp = Path(app.doctreedir) / DATA_OK_FILE
    current = _data_fingerprint()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == current:
        return
    from walledoff_notebook.check import problems

    found = problems()
    if found:
        stamp.unlink(missing_ok=True)
        sys.stdout.flush()
        print("\n" + data_summary(found), file=sys.stderr, flush=True)
        # SystemExit, not an exception: Sphinx and Jupyter Book would print a
        # traceback and "report a bug" around the one useful line.
        raise SystemExit(1)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current, encoding="utf-8")


# --- Warnings that come back until they are fixed ------------------------------------

class _WarningTee:
    """Wraps Sphinx's warning stream: passes everything on and notes where each warning is."""

    def __init__(self, stream, seen: list[str]):
        self._stream, self.seen = stream, seen

    def write(self, text: str):
        for line in _ANSI.sub("", text).splitlines():
            match = _LEVEL.search(line)
            if match:
                self.seen.append(line[:match.start()])
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _tee_warnings(app: Sphinx) -> None:
    from sphinx.util.logging import NAMESPACE, WarningStreamHandler
    import logging as std_logging

    app.walledoff_warned = []
    for handler in std_logging.getLogger(NAMESPACE).handlers:
        if isinstance(handler, WarningStreamHandler) and not isinstance(handler.stream, _WarningTee):
            handler.stream = _WarningTee(handler.stream, app.walledoff_warned)


def _docname(app: Sphinx, location: str) -> str:
    """The page a warning's location (``/path/chapters/x.md:12``) is in, or :data:`EVERY_PAGE`."""
    path = location.strip()
    while path and not Path(path).is_file() and ":" in path:
        path = path.rsplit(":", 1)[0]
    if path and Path(path).is_file():
        docname = app.env.path2doc(str(Path(path).resolve()))
        if docname:
            return docname
    return EVERY_PAGE


def _warned_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / WARNED_FILE


def _read_again(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Before reading: the pages that warned last time are read (and so warn) again."""
    path = _warned_path(app)
    if not path.exists():
        return []
    warned = set(json.loads(path.read_text(encoding="utf-8")))
    pages = env.found_docs if EVERY_PAGE in warned else warned & env.found_docs
    pages = sorted(set(pages) - set(added) - set(changed) - set(removed))
    if pages:
        logger.info("[walledoff] %d page(s) warned in the last build: reading them again",
                    len(pages))
    return pages


def _empty_citations(outdir: Path) -> list[tuple[str, int]]:
    """``(page, count)`` for each page of the output where a citation rendered as "[]"."""
    found = []
    for page in sorted(outdir.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        count = len(EMPTY_CITATION.findall(page.read_text(encoding="utf-8", errors="replace")))
        if count:
            found.append((page.relative_to(outdir).as_posix(), count))
    return found


def _finish(app: Sphinx, exception) -> None:
    """After the build: check the HTML for empty citations; record the pages that warned."""
    if exception is None and app.builder.format == "html":
        for page, count in _empty_citations(Path(app.outdir)):
            docname = page[:-len(".html")]
            logger.warning("[walledoff] %d citation(s) render as an empty \"[]\" in %s: a "
                           "{cite} key that is not in data/references.bib", count, page,
                           location=docname if docname in app.env.all_docs else None)
    warned = sorted({_docname(app, where) for where in getattr(app, "walledoff_warned", [])})
    path = _warned_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(warned) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    _tee_warnings(app)
    app.connect("builder-inited", check_data, priority=100)
    app.connect("env-get-outdated", _read_again)
    app.connect("build-finished", _finish, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
