"""Build the printable PDF edition: one HTML page of the whole book, printed by Chromium.

    python scripts/build_pdf.py        (or: make pdf)

1. ``jupyter-book build . --builder singlehtml`` (warnings are errors, as for
   the HTML book; notebook outputs come from the shared execution cache).
   The teaching extension adds a title page (title, authors, version, date,
   licences) that only shows in print.
2. Debian's Chromium prints ``_build/singlehtml/index.html`` to
   ``_build/pdf/book.pdf``, offline. The print styles hide navigation and show
   each chart's static SVG (the same chart as on screen).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SINGLE = REPO / "_build" / "singlehtml" / "index.html"
PDF = REPO / "_build" / "pdf" / "book.pdf"


def build_single_page() -> None:
    command = [str(BIN / "jupyter-book"), "build", str(REPO), "--builder", "singlehtml",
               "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        sys.exit("the single-page build failed:\n" + (result.stdout + result.stderr)[-4000:])


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: run `make browser` (or set CHROMIUM_PATH)")


def chromium_print(source: Path, target: Path, budget_ms: int) -> None:
    """Print one HTML file to ``target`` with headless Chromium, offline; stop if it writes nothing.

    Also used by ``scripts/build_handouts.py`` for each chapter's handout.
    """
    target.unlink(missing_ok=True)
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--virtual-time-budget={budget_ms}", f"--print-to-pdf={target}", source.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if not target.exists() or target.stat().st_size == 0:
        sys.exit(f"Chromium did not write {target.name}:\n" + (result.stdout + result.stderr)[-3000:])


def print_pdf() -> None:
    require_chromium()
    PDF.parent.mkdir(parents=True, exist_ok=True)
    chromium_print(SINGLE, PDF, budget_ms=15000)


def main() -> None:
    start = time.time()
    build_single_page()
    print_pdf()
    print(f"wrote {PDF.relative_to(REPO)} ({PDF.stat().st_size // 1024} KB) in {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
