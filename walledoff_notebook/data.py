"""The data package: validate it, then load a table with the right types.

``data/datapackage.json`` (Frictionless) describes every CSV. Loading a table
first checks the whole file against its schema and checks that every key in
its ``source`` column is in the bibliography. Any problem raises
:class:`DataError` with one line per problem naming the file, the row and the
column, so a malformed row stops the build instead of drawing a wrong chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Package

from walledoff_notebook.package import DataError, resource as _resource_of, table_names
from walledoff_notebook.paths import data_dir, display_path
from walledoff_notebook.sources import SourceError, bibliography, split_keys

#: The column that holds source keys in every table.
SOURCE_COLUMN = "source"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a table, located as precisely as possible."""

    path: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"row {self.line - 1} (line {self.line})")
        if self.column:
            where.append(f"column {self.column!r}")
        return ", ".join(where) + ": " + self.message


def _schema_problems(folder: Path, name: str) -> list[Problem]:
    """Validate one resource against its Frictionless schema."""
    resource = _resource_of(name, folder)
    path = folder / resource["path"]
    shown = display_path(path)
    if not path.exists():
        return [Problem(shown, "the file is missing")]
    if not path.read_text(encoding="utf-8").strip():
        return [Problem(shown, "the file is empty: it needs a header row and data rows")]
    package = Package({"resources": [resource]}, basepath=str(folder))
    report = package.validate()
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(
                Problem(
                    shown,
                    _explain(error),
                    line=getattr(error, "row_number", None),
                    column=getattr(error, "field_name", None) or getattr(error, "label", None),
                )
            )
    return problems


def _explain(error) -> str:
    """Turn a Frictionless error into a sentence a maintainer can act on."""
    cell = getattr(error, "cell", None)
    prefix = f"value {cell!r}: " if cell not in (None, "") else ""
    return f"{prefix}{error.title.lower()} ({error.note})" if error.note else prefix + error.message


def _raw(folder: Path, resource: dict) -> pd.DataFrame:
    """The table exactly as written: every cell a string, empty cells empty."""
    return pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False)


def _source_problems(path: Path, frame: pd.DataFrame) -> list[Problem]:
    """Check that every key in the table's ``source`` column is in the bibliography."""
    if SOURCE_COLUMN not in frame:
        return []
    try:
        known = bibliography()
    except SourceError as exc:
        return [Problem(display_path(path), f"cannot check sources: {exc}")]
    problems = []
    for index, cell in frame[SOURCE_COLUMN].items():
        for key in split_keys(cell):
            if key not in known:
                problems.append(
                    Problem(
                        display_path(path),
                        f"source key {key!r} is not in the bibliography (references.bib)",
                        line=int(index) + 2,
                        column=SOURCE_COLUMN,
                    )
                )
    return problems


def _check(name: str, folder: Path) -> tuple[list[Problem], dict, pd.DataFrame | None]:
    """Validate table ``name``; return its problems, its resource and (if valid) its raw rows."""
    found = _schema_problems(folder, name)
    resource = _resource_of(name, folder)
    if found:  # a broken schema makes the source check unreliable
        return found, resource, None
    frame = _raw(folder, resource)
    return _source_problems(folder / resource["path"], frame), resource, frame


def problems(name: str, folder: Path | None = None) -> list[Problem]:
    """Everything wrong with table ``name`` (empty when it is valid)."""
    return _check(name, folder or data_dir())[0]


def _raise(found: list[Problem], what: str) -> None:
    """Raise one :class:`DataError` listing every problem."""
    if found:
        lines = "\n".join(f"  - {p}" for p in found)
        raise DataError(f"{what} is not valid ({len(found)} problem(s)):\n{lines}")


def validate_package(folder: Path | None = None) -> None:
    """Check every table in the data package; raise :class:`DataError` on any problem."""
    folder = folder or data_dir()
    found = [p for name in table_names(folder) for p in problems(name, folder)]
    _raise(found, f"the data package in {display_path(folder)}")


_PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}


def _typed(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Give each column the type its schema declares."""
    for field in schema["fields"]:
        name, kind = field["name"], field.get("type", "string")
        if kind == "date":
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
        elif kind in _PANDAS_TYPES:
            frame[name] = pd.to_numeric(frame[name]).astype(_PANDAS_TYPES[kind])
        elif "enum" in field.get("constraints", {}):
            frame[name] = pd.Categorical(frame[name], categories=field["constraints"]["enum"])
    return frame


def load(name: str) -> pd.DataFrame:
    """Validate table ``name`` and return it as a typed :class:`pandas.DataFrame`.

    Dates become ``datetime64``, enumerations become ordered-as-declared
    categories, numbers become nullable numbers. Any problem raises
    :class:`DataError` naming the file, the row and the column.
    """
    found, resource, frame = _check(name, data_dir())
    _raise(found, f"table {name!r}")
    return _typed(frame.replace({"": None}), resource["schema"])
