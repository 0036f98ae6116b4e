"""Where the book's files are.

The data folder is ``data/`` at the top of the repository. A test may point
the package at another folder (a copy with a deliberate mistake in it) by
setting the environment variable ``BOOK_DATA_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository's top folder (the package lives directly inside it).
REPO_ROOT = Path(__file__).resolve().parent.parent

#: Name of the environment variable that overrides the data folder.
DATA_DIR_ENV = "BOOK_DATA_DIR"


def data_dir() -> Path:
    """Return the data folder: ``$BOOK_DATA_DIR`` if set, else ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).resolve() if override else REPO_ROOT / "data"


def bib_path() -> Path:
    """Return the single registry of sources, ``references.bib``."""
    return data_dir() / "references.bib"


def display_path(path: Path) -> str:
    """Show ``path`` relative to the repository when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
