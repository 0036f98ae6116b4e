"""``make check``: check the data package and the bibliography alone, in a few seconds.

Prints one line per problem (file, row or line, column, value) and exits 1,
or prints what it checked and exits 0. The book's build runs the same check
before it executes any chapter (:mod:`walledoff_build.strict`), so a data
mistake ends the build with this short list rather than a traceback.
"""

from __future__ import annotations

import sys

from walledoff_notebook.data import package_problems
from walledoff_notebook.package import DataError, table_names
from walledoff_notebook.paths import data_dir, display_path


def problems() -> list[str]:
    """Every problem in the data package and its bibliography, one line each."""
    try:
        return [str(problem) for problem in package_problems()]
    except DataError as exc:  # the descriptor itself is missing or not JSON
        return str(exc).splitlines()


def main() -> int:
    found = problems()
    if found:
        count = f"{len(found)} problem" + ("s" if len(found) != 1 else "")
        print(f"The data in {display_path(data_dir())}/ has {count}:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    from walledoff_notebook.sources import bibliography

    print(f"The data is valid: {len(table_names())} tables in {display_path(data_dir())}/, "
          f"{len(bibliography())} sources in references.bib.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
