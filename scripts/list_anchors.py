"""Record every section address the built book publishes (``make anchors``).

Writes ``teaching/anchors.txt``: one ``page.html#anchor`` a line, for every
section of every page in the table of contents. Run it when a version is
released; from then on tests/build_extension/test_anchors.py checks that each address still
resolves, directly or through ``teaching/redirects.yml``, so a citation made
once keeps working after a section is renamed or moved. Lines are only ever
added (old ones are kept even when a page no longer has them).
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "_build" / "html"
TARGET = REPO / "teaching" / "anchors.txt"
HEADER = ("# Section addresses published by the book (page#anchor), one a line.\n"
          "# Added by `make anchors` at each release; never remove a line: a moved\n"
          "# address must be mapped in teaching/redirects.yml instead.\n")


#: Ids docutils numbers in page order (``id1``, ``id2``): never stable, so never recorded.
AUTO_ID = re.compile(r"id\d+")


def section_anchors(page: Path) -> list[str]:
    """Each section's id and its other ids (older heading links), in page order."""
    found = []
    for match in re.finditer(r'<section id="([^"]+)">((?:\s*<span id="[^"]+"></span>)*)',
                             page.read_text(encoding="utf-8")):
        found.append(match.group(1))
        found += re.findall(r'<span id="([^"]+)">', match.group(2))
    return [anchor for anchor in found if not AUTO_ID.fullmatch(anchor)]


def main() -> None:
    import sys

    sys.path.insert(0, str(REPO))
    from walledoff_build.book import toc_pages

    old = []
    if TARGET.exists():
        old = [l.strip() for l in TARGET.read_text(encoding="utf-8").splitlines()
               if l.strip() and not l.startswith("#")]
    new = [f"{doc}.html#{anchor}" for doc in toc_pages(REPO)
           for anchor in section_anchors(SITE / f"{doc}.html")]
    lines = list(dict.fromkeys(old + new))
    TARGET.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(REPO)}: {len(lines)} addresses ({len(lines) - len(old)} new)")


if __name__ == "__main__":
    main()
