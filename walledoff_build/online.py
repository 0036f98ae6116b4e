"""Run a chapter online: "Open in Colab" and "Launch Binder" links, and what they open.

Colab and Binder open notebooks from a GitHub repository, and the book's
chapters are MyST files there: the notebooks are generated at build time. So
the publishing workflow (``.github/workflows/pages.yml``) also pushes the
site's notebook archive, unpacked, to the repository's ``notebooks`` branch
(:data:`NOTEBOOK_BRANCH`), prepared by :func:`prepare_branch`: every chapter
notebook gets a first cell that, in Colab only, fetches that branch's data and
notebook library and installs the pinned packages; Binder builds the branch
itself (``runtime.txt``, ``requirements.txt``, ``postBuild``). The links are
plain links (no script from another host) and appear only when ``book.yml``
names the public repository (``repository:``): without one, no dead buttons.

Jupyter Book's own launch buttons link the chapter's ``.md`` source, which
Colab cannot open, hence this module.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from walledoff_build.book import notebook_name
from walledoff_notebook.meta import BookMeta

#: The branch the workflow fills with the generated notebooks, data and code.
NOTEBOOK_BRANCH = "notebooks"
COLAB = "https://colab.research.google.com/github"
BINDER = "https://mybinder.org/v2/gh"
#: The packages the notebook library imports (installed in Colab at the lock's versions).
COLAB_PACKAGES = ("pandas", "altair", "vl-convert-python", "frictionless", "pybtex", "PyYAML")


def _owner_name(meta: BookMeta) -> str:
    return meta.repository.removeprefix("https://github.com/")


def colab_url(meta: BookMeta, docname: str) -> str:
    return f"{COLAB}/{_owner_name(meta)}/blob/{NOTEBOOK_BRANCH}/chapters/{notebook_name(docname)}"


def binder_url(meta: BookMeta, docname: str) -> str:
    return (f"{BINDER}/{_owner_name(meta)}/{NOTEBOOK_BRANCH}"
            f"?urlpath=lab/tree/chapters/{notebook_name(docname)}")


def online_links_html(meta: BookMeta, docname: str) -> str:
    """The chapter's "run it online" line, or "" when ``book.yml`` names no repository."""
    if not meta.repository:
        return ""
    return (f'<p class="book-online"><strong>Run it online</strong> (no installation; a free '
            f'service starts a notebook for you, which can take a minute): '
            f'<a class="book-online-colab" href="{html.escape(colab_url(meta, docname))}">Open in Colab</a> '
            f'(needs a Google account) or '
            f'<a class="book-online-binder" href="{html.escape(binder_url(meta, docname))}">Launch Binder</a>. '
            f'The code and data are in the <a href="{html.escape(meta.repository)}">book\'s repository</a>.</p>')


# --- The notebooks branch (the workflow's last step) ----------------------------------

def colab_pins(requirements: str) -> list[str]:
    """``name==version`` for :data:`COLAB_PACKAGES`, read from the lock (so they stay in step)."""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", requirements, re.M))
    lower = {k.lower(): (k, v) for k, v in pins.items()}
    missing = [p for p in COLAB_PACKAGES if p.lower() not in lower]
    if missing:
        raise ValueError(f"requirements.txt pins none of {', '.join(missing)}")
    return [f"{lower[p.lower()][0]}=={lower[p.lower()][1]}" for p in COLAB_PACKAGES]


def colab_cell(meta: BookMeta, pins: list[str]) -> str:
    clone = f"{meta.repository}.git"
    return "\n".join([
        "# In Google Colab only: fetch the book's data and notebook library, and install the",
        "# pinned packages (about a minute). Elsewhere this cell does nothing.",
        "import sys",
        'if "google.colab" in sys.modules:',
        f"    !git clone --quiet --depth 1 --branch {NOTEBOOK_BRANCH} {clone} /content/book",
        "    %cd /content/book/chapters",
        f"    !pip install --quiet {' '.join(pins)}",
    ])


def prepare_branch(meta: BookMeta, archive: Path, folder: Path) -> list[str]:
    """Unpack the notebook archive into ``folder`` ready for Colab and Binder; return the notebooks."""
    import nbformat

    with zipfile.ZipFile(archive) as zipped:
        top = zipped.namelist()[0].split("/")[0]
        for info in zipped.infolist():
            if not info.is_dir() and info.filename.startswith(top + "/"):
                target = folder / info.filename[len(top) + 1:]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zipped.read(info))
    # the notebooks' own slim set (the archive holds no build lock): Binder reads requirements.txt
    slim = (folder / "requirements-notebooks.txt").read_text(encoding="utf-8")
    (folder / "requirements.txt").write_text(slim, encoding="utf-8")
    pins = colab_pins(slim)
    notebooks = sorted((folder / "chapters").glob("*.ipynb"))
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(1, nbformat.v4.new_code_cell(colab_cell(meta, pins)))
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
    (folder / "runtime.txt").write_text("python-3.11\n", encoding="utf-8")
    # nothing to install: each notebook finds the library one level above chapters/
    (folder / "postBuild").write_text("#!/bin/bash\nset -e\n", encoding="utf-8")
    (folder / "postBuild").chmod(0o755)
    (folder / "README.md").write_text(
        f"# {meta.title}: notebooks\n\nGenerated by the publishing workflow from the book's "
        f"`main` branch (version {meta.version}); do not edit here. Read the book at "
        f"{meta.base_url}; change it on the main branch of {meta.repository}.\n", encoding="utf-8")
    return [p.name for p in notebooks]
