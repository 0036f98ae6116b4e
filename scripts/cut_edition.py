"""Freeze a released version of the book into ``editions/`` (``make edition``).

    python scripts/cut_edition.py              # the version at HEAD (after the release commit)
    python scripts/cut_edition.py --ref v0.2.0 # an earlier release, from its tag or commit

1. Exports the commit (``git archive``: only what is committed, nothing from the
   working tree) into a temporary folder.
2. Builds it there with its own Makefile, so its own pinned packages (``make
   book`` creates that copy's ``.venv`` from its ``requirements.txt``) and its
   own code, with the site's address replaced by a placeholder that ``make
   site`` fills in (``walledoff_build.editions.PLACEHOLDER``). A version whose
   code reads ``BOOK_BASE_URL`` gets the placeholder as the site's address;
   an older one gets ``<placeholder>editions/<version>/`` as its ``base_url``.
3. Packs the built HTML into ``editions/<version>.tar.xz`` (reproducibly,
   without files no page loads) and adds the edition to ``editions/editions.yml``.

It takes a few minutes (a fresh virtual environment and every notebook run).
Commit the two files it writes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from walledoff_build.editions import (EDITIONS_DIR, PLACEHOLDER, RECORD_FILE, load_editions, pack,  # noqa: E402
                                      sha256, text_fingerprint)

RECORD_HEADER = """\
# The book's frozen editions, oldest first: written by `make edition`
# (scripts/cut_edition.py), read by `make site` and the "What changed" page.
# Each archive holds the edition's built HTML with the site's address left as a
# placeholder; never edit an archive or its sha256 by hand: re-cut the edition.
"""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout.strip()


def export(commit: str, folder: Path) -> None:
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=REPO, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def book_field(folder: Path, key: str) -> str:
    match = re.search(rf'^{key}:\s*"?([^"\n]+)"?\s*$', (folder / "book.yml").read_text(encoding="utf-8"), re.M)
    if not match:
        sys.exit(f"book.yml at that commit has no {key}")
    return match.group(1).strip()


def set_address(folder: Path, version: str) -> dict:
    """Point the copy at the placeholder address; return the build's environment."""
    env = dict(os.environ)
    env.pop("BOOK_BASE_URL", None)
    meta = folder / "walledoff_notebook" / "meta.py"
    if meta.exists() and "BOOK_BASE_URL" in meta.read_text(encoding="utf-8"):
        env["BOOK_BASE_URL"] = PLACEHOLDER
    else:  # older code: its base_url is the edition's own address
        book = folder / "book.yml"
        text = re.sub(r'^base_url:.*$', f'base_url: "{PLACEHOLDER}editions/{version}/"',
                      book.read_text(encoding="utf-8"), count=1, flags=re.M)
        book.write_text(text, encoding="utf-8")
    return env


def record(version: str, date: str, commit: str, archive: Path, text: str) -> None:
    entries = [e for e in load_editions() if e.version != version]
    lines = [RECORD_HEADER.rstrip("\n"), "editions:"]
    rows = [(e.version, e.date_released, e.commit, e.archive, e.sha256, e.text_sha256) for e in entries]
    rows.append((version, date, commit, archive.name, sha256(archive), text))
    rows.sort(key=lambda r: tuple(int(p) for p in r[0].split(".")))
    for v, d, c, a, s, t in rows:
        lines += [f'  - version: "{v}"', f'    date_released: "{d}"', f"    commit: {c}",
                  f"    archive: {a}", f"    sha256: {s}", f"    text_sha256: {t}"]
    RECORD_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="tag or commit to freeze (default: HEAD)")
    parser.add_argument("--replace", action="store_true", help="re-cut an edition that exists")
    parser.add_argument("--keep", action="store_true", help="keep the temporary build folder")
    args = parser.parse_args()
    start = time.time()
    commit = git("rev-parse", f"{args.ref}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="book-edition-"))
    try:
        export(commit, folder)
        version, date = book_field(folder, "version"), book_field(folder, "date_released")
        archive = EDITIONS_DIR / f"{version}.tar.xz"
        if archive.exists() and not args.replace:
            sys.exit(f"{archive.relative_to(REPO)} exists: edition {version} is frozen "
                     "(pass --replace to re-cut it)")
        text = text_fingerprint(folder)  # of the committed sources, before anything is built
        env = set_address(folder, version)
        python = os.environ.get("PYTHON") or shutil.which("python3.11") or sys.executable
        print(f"building edition {version} ({date}) from {commit[:10]} in {folder} ...", flush=True)
        result = subprocess.run(["make", "book", f"PYTHON={python}"], cwd=folder, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit("the edition did not build:\n" + (result.stdout + result.stderr)[-4000:])
        EDITIONS_DIR.mkdir(exist_ok=True)
        size = pack(folder / "_build" / "html", archive)
        record(version, date, commit, archive, text)
        print(f"wrote {archive.relative_to(REPO)} ({size / 1e6:.2f} MB) and "
              f"{RECORD_FILE.relative_to(REPO)} in {time.time() - start:.0f} s; commit both")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
