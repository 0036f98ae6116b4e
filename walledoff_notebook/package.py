"""The data package descriptor, ``data/datapackage.json``: the one reader of it.

Validation (:mod:`walledoff_notebook.data`), the data block under every chart
and the licence notes (the build extension) all look tables up here, so the
descriptor is parsed in one place and fails in one, clear way.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from walledoff_notebook.paths import data_dir, display_path

#: The descriptor's file name inside the data folder.
DESCRIPTOR = "datapackage.json"


class DataError(ValueError):
    """The data package, or one of its tables, is not valid."""


@lru_cache(maxsize=8)
def _read(path: Path, mtime: float) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{display_path(path)}: not valid JSON ({exc})") from exc


def descriptor(folder: Path | None = None) -> dict:
    """The parsed descriptor (re-read when the file changes); fails clearly when missing."""
    path = Path(folder or data_dir()) / DESCRIPTOR
    if not path.exists():
        raise DataError(f"{display_path(path)}: the data package descriptor is missing")
    return _read(path, path.stat().st_mtime)


def resources(folder: Path | None = None) -> list[dict]:
    """Every table's resource entry, in the descriptor's order."""
    return list(descriptor(folder).get("resources", []))


def resource(name: str, folder: Path | None = None) -> dict:
    """The resource entry of table ``name``; an unknown name lists the known ones."""
    for entry in resources(folder):
        if entry.get("name") == name:
            return entry
    known = ", ".join(r.get("name", "?") for r in resources(folder))
    raise DataError(f"no table named {name!r} in the data package (known: {known})")


def table_names(folder: Path | None = None) -> list[str]:
    """Names of every table in the data package."""
    return [r["name"] for r in resources(folder)]


def table_licence(name: str, folder: Path | None = None) -> tuple[list[dict], str]:
    """The table's licences (its own, else the package's) and its third-party terms note."""
    entry = resource(name, folder)
    package = descriptor(folder)
    licences = entry.get("licenses") or package.get("licenses") or []
    terms = entry.get("rights") or package.get("rights", "")
    return licences, terms
