"""The data package: validate it, then load a table with the right types.

``data/datapackage.json`` (Frictionless) describes every CSV. Loading a table
first checks the whole file against its schema and checks that every key in
its ``source`` column is in the bibliography. Any problem raises
:class:`DataError` with one line per problem naming the file, the row and the
column, so a malformed row stops the build instead of drawing a wrong chart.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Package

from walledoff_notebook.package import DESCRIPTOR, DataError, resource as _resource_of, table_names
from walledoff_notebook.paths import REPO_ROOT, data_dir, display_path
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
        if self.line == 1:
            where.append("line 1 (the header)")
        elif self.line is not None:
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
    found = _header_problems(path, resource["schema"])
    if found:  # row checks match columns by position: after a header problem they mislead
        return found
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


def _header_problems(path: Path, schema: dict) -> list[Problem]:
    """Check the header row by name, before any row: a missing, renamed or moved column.

    Frictionless matches columns by position, so one dropped column would blame
    every column after it in every row. This check names the column first, in
    one line, and a table with a header but no rows says so (a chapter would
    otherwise fail later, far from the cause).
    """
    shown = display_path(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    header = [cell.strip() for cell in rows[0]]
    expected = [f["name"] for f in schema["fields"]]
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    repeated = sorted({name for name in header if header.count(name) > 1})
    said = []
    if missing:
        said.append(_names("column", missing) + (" is" if len(missing) == 1 else " are") + " missing")
    if unknown:
        said.append(_names("column", unknown) + (" is" if len(unknown) == 1 else " are")
                    + " not in the schema" + (" (renamed?)" if missing else ""))
    if repeated:
        said.append(_names("column", repeated) + " appears more than once")
    if not said and header != expected:
        said.append("the columns are in a different order from the schema")
    if said:
        descriptor = display_path(path.parent / DESCRIPTOR)
        return [Problem(shown, "; ".join(said) + f" (the schema in {descriptor} expects: "
                        + ", ".join(expected) + ")", line=1)]
    if len(rows) == 1:
        return [Problem(shown, "the table has a header but no data rows: every table needs at "
                        "least one row (chapters draw from it)")]
    return []


def _names(what: str, names: list[str]) -> str:
    """``column 'region'`` or ``columns 'region', 'theme'``."""
    return (what if len(names) == 1 else what + "s") + " " + ", ".join(repr(n) for n in names)


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
    except SourceError as exc:  # the bibliography's own problems, each on its line
        return str(exc).splitlines()
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


def check_hint() -> str:
    """The command that checks the data alone: ``make check`` in the repository."""
    if (REPO_ROOT / "Makefile").exists():
        return "run `make check` to check the data alone"
    return "run `python -m walledoff_notebook.check` to check the data alone"


def _raise(found: list, what: str) -> None:
    """Raise one :class:`DataError`: the first problem is its first line, one problem a line."""
    if found:
        lines = "\n".join(str(p) for p in found)
        count = f"{len(found)} problem" + ("s" if len(found) != 1 else "")
        raise DataError(f"{lines}\n({count} in {what}; {check_hint()})")


def package_problems(folder: Path | None = None) -> list:
    """Everything wrong with the data package: the bibliography once, then every table."""
    folder = folder or data_dir()
    found: list = []
    try:
        bibliography()
        sources_checkable = True
    except SourceError as exc:  # reported once here, not once per table
        found.extend(str(exc).splitlines())
        sources_checkable = False
    for name in table_names(folder):
        schema_found = _schema_problems(folder, name)
        found.extend(schema_found)
        if not schema_found and sources_checkable:
            resource = _resource_of(name, folder)
            found.extend(_source_problems(folder / resource["path"], _raw(folder, resource)))
    return found


def validate_package(folder: Path | None = None) -> None:
    """Check every table in the data package; raise :class:`DataError` on any problem."""
    folder = folder or data_dir()
    _raise(package_problems(folder), f"the data package in {display_path(folder)}")


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
