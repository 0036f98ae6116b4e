"""Build the whole published site into ``_build/site`` (``make site``).

    python scripts/build_site.py             # the address from book.yml
    BOOK_BASE_URL=https://example.org/book/ python scripts/build_site.py

1. The HTML book, as ``make book`` builds it (warnings are errors), with the
   notebooks, their archive and the data (``_build/html``).
2. The PDF, as ``make pdf`` builds it (``scripts/build_pdf.py``), and each
   chapter's two-page handout, as ``make handouts`` prints it
   (``scripts/build_handouts.py``).
3. The site (``walledoff_build.site.assemble``): the book, the PDF, every frozen
   edition from ``editions/`` with its banner, ``sitemap.xml``, ``robots.txt``
   and ``404.html``, every address made from the one site address.
4. A summary: pages, editions, size, build time, and the claims on fast-moving
   topics that are due for a re-check (``walledoff_build.recheck``), also written
   to ``_build/recheck.md``.

Copy ``_build/site`` as it is to any static host (see the README, "Publish").
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from walledoff_build.citebox import pdf_name  # noqa: E402
from walledoff_build.recheck import recheck_report  # noqa: E402
from walledoff_build.site import assemble  # noqa: E402
from walledoff_notebook.meta import metadata  # noqa: E402

SITE = REPO / "_build" / "site"
HTML = REPO / "_build" / "html"
PDF = REPO / "_build" / "pdf" / "book.pdf"
HANDOUTS = REPO / "_build" / "handouts"


def run(command: list[str], what: str) -> None:
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{what} failed:\n" + (result.stdout + result.stderr)[-4000:])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    start = time.time()
    meta = metadata()
    print(f"building the site for {meta.base_url} ...", flush=True)
    run([str(BIN / "jupyter-book"), "build", str(REPO), "-W", "-n", "--keep-going"], "the HTML build")
    run([sys.executable, str(REPO / "scripts" / "build_pdf.py")], "the PDF build")
    run([sys.executable, str(REPO / "scripts" / "build_handouts.py")], "the handouts")
    summary = assemble(SITE, HTML, PDF, pdf_name(meta), handouts=HANDOUTS)
    report = recheck_report()
    (REPO / "_build" / "recheck.md").write_text(report.markdown, encoding="utf-8")
    editions = ", ".join(summary["editions"]) or "none"
    print(f"wrote {SITE.relative_to(REPO)}: {summary['pages']} pages, editions {editions}, "
          f"{folder_size(SITE) / 1e6:.1f} MB, in {time.time() - start:.0f} s "
          f"(edition {meta.version}: {summary['status']})")
    print(report.summary)


if __name__ == "__main__":
    main()
