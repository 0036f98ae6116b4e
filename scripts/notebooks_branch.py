"""Prepare the ``notebooks`` branch that Colab and Binder open (the publishing workflow's step).

    python scripts/notebooks_branch.py FOLDER

Unpacks the built site's notebook archive into FOLDER with a Colab set-up cell
in every chapter and Binder's files (``walledoff_build.online.prepare_branch``).
When ``book.yml`` names no repository there is nothing to prepare: it says so
and writes ``repository=`` (empty) to ``$GITHUB_OUTPUT``, and the workflow
skips the push.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from walledoff_build.book import NOTEBOOK_DIR, archive_name  # noqa: E402
from walledoff_build.online import prepare_branch  # noqa: E402
from walledoff_notebook.meta import metadata  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "_build" / "notebooks-branch")
    meta = metadata()
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"repository={meta.repository}\n")
    if not meta.repository:
        print("book.yml names no repository: no notebooks branch to prepare")
        return
    archive = REPO / "_build" / "site" / NOTEBOOK_DIR / archive_name()
    if not archive.exists():
        sys.exit(f"{archive} is missing: run `make site` first")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    notebooks = prepare_branch(meta, archive, folder)
    print(f"prepared {folder} with {len(notebooks)} notebooks for {meta.repository} (branch notebooks)")


if __name__ == "__main__":
    main()
