"""Print a two-page handout for every story chapter, offline (``make handouts``).

    python scripts/build_handouts.py        (after ``make book``)

For each chapter in the story part of ``_toc.yml``, the script takes from the
built page (``_build/html/chapters/<name>.html``, so glued numbers, citations
and the chart are exactly the book's) the title, the chapter number and
reading time, the Summary, the lead chart (the chapter's first figure: its
title, static SVG, numbered caption and source line), the key takeaways and
the discussion questions, adds the chapter's citation (APA, stable and current
addresses, from the cite box), and prints it with Debian's Chromium to
``_build/handouts/<name>.pdf``, as ``scripts/build_pdf.py`` prints the book.
A handout must fit on two pages: when the first print runs longer, it is
printed again a little smaller (down to :data:`SMALLEST` of the normal size)
and the script fails if it still does not fit. ``make site`` copies the
folder into the site as ``handouts/``; the teacher's guide links each file.
"""

from __future__ import annotations

import copy
import html
import re
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from walledoff_build.book import chapter_numbers  # noqa: E402
from walledoff_build.guide import handout_name  # noqa: E402
from build_pdf import chromium_print, require_chromium  # noqa: E402  (scripts/ is on the path)

HTML = REPO / "_build" / "html"
OUT = REPO / "_build" / "handouts"
WORK = REPO / "_build" / "handouts-src"
#: At most this many pages per handout.
MAX_PAGES = 2
#: Print scales tried in turn until the handout fits.
SCALES = (1.0, 0.92, 0.85, 0.78)
SMALLEST = SCALES[-1]

CSS = """
@page { size: A4; margin: 14mm 15mm 14mm 15mm; }
html { font-size: %(size).2fpt; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; line-height: 1.35;
       color: #111; margin: 0; }
h1 { font-size: 1.55rem; line-height: 1.2; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: .8rem 0 .25rem; border-bottom: 1px solid #999; break-after: avoid; }
p, li { margin: .2rem 0; }
ul, ol { padding-left: 1.3rem; margin: .2rem 0; }
.meta { color: #444; font-size: .85rem; margin: 0 0 .4rem; }
.chart { break-inside: avoid; margin: .4rem 0; }
.chart img { max-width: 100%%; height: auto; max-height: 105mm; display: block; margin: .2rem auto; }
.chart-title { font-weight: bold; margin: .2rem 0; }
.caption, .source { font-size: .82rem; color: #333; }
.cite { font-size: .85rem; border-top: 1px solid #999; margin-top: .6rem; padding-top: .3rem;
        break-inside: avoid; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; word-break: break-all; }
.admonition { border-left: 3px solid #777; padding-left: .5rem; margin: .3rem 0; }
.admonition-title { font-weight: bold; }
"""


def _text_only(node) -> None:
    """Links become their text (a handout is read on paper); anchors and buttons go."""
    for tag in node.select("a.headerlink, button, script, .book-cite, .cell, .cell_output"):
        tag.decompose()
    for link in node.find_all("a"):
        link.unwrap()
    for tag in node.find_all(True):
        for attribute in ("id", "title", "aria-describedby", "aria-labelledby", "role"):
            tag.attrs.pop(attribute, None)


def _section_body(page: BeautifulSoup, ident: str) -> str:
    section = page.select_one(f"section#{ident}")
    if section is None:
        raise SystemExit(f"the built page has no section #{ident}: run `make book` first")
    section = copy.copy(section)
    for tag in section.find_all(["h1", "h2", "h3", "span"], recursive=False):
        tag.decompose()
    for sub in section.find_all("section"):
        sub.decompose()
    _text_only(section)
    return section.decode_contents()


def _lead_chart(page: BeautifulSoup) -> str:
    figure = page.select_one("figure.book-chart-figure")
    if figure is None:
        return ""
    title = figure.select_one(".book-chart-title")
    image = figure.select_one(".book-chart-static img")
    number = figure.select_one(".caption-number")
    caption = figure.select_one(".caption-text")
    source = figure.select_one(".book-chart-source")
    parts = ['<div class="chart">']
    if title is not None:
        parts.append(f'<p class="chart-title">{html.escape(title.get_text(" ", strip=True))}</p>')
    if image is not None:
        parts.append(f'<img src="{html.escape(image["src"])}" alt="">')
    if caption is not None:
        caption = copy.copy(caption)
        _text_only(caption)
        label = number.get_text(strip=True) if number is not None else ""
        parts.append(f'<p class="caption"><strong>{html.escape(label)}.</strong> {caption.decode_contents()}</p>')
    if source is not None:
        source = copy.copy(source)
        _text_only(source)
        line = source.decode_contents().replace("on this page", "in the full chapter")  # not the handout
        parts.append(f'<p class="source">{line}</p>')
    parts.append("</div>")
    return "".join(parts)


def _citation(page: BeautifulSoup) -> str:
    box = page.select_one(".book-cite")
    apa = box.select_one(".book-cite-apa") if box is not None else None
    current = box.select_one(".book-cite-current") if box is not None else None
    if apa is None:
        raise SystemExit("the built page has no cite box: run `make book` first")
    apa = copy.copy(apa)
    _text_only(apa)
    where = (f' Current address (always the newest edition): <code>{html.escape(current.get_text(strip=True))}</code>.'
             if current is not None else "")
    return (f'<div class="cite"><p><strong>Cite this chapter:</strong> {apa.decode_contents()}</p>'
            f'<p>{where.strip()} The full chapter has the claims and evidence, the exercise with '
            f'its data and every source.</p></div>')


def handout_html(name: str, scale: float) -> str:
    """The handout of chapter ``name`` as one standalone HTML page."""
    page = BeautifulSoup((HTML / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    title = page.select_one("h1")
    title = copy.copy(title)
    _text_only(title)
    reading = page.select_one(".book-reading-time")
    meta = reading.get_text(" ", strip=True) if reading is not None else ""
    body = [f"<h1>{title.decode_contents()}</h1>",
            f'<p class="meta">Handout. {html.escape(meta)}</p>',
            "<h2>Summary</h2>", _section_body(page, f"{name}-summary"),
            _lead_chart(page),
            "<h2>Key takeaways</h2>", _section_body(page, f"{name}-takeaways"),
            "<h2>Discussion questions</h2>", _section_body(page, f"{name}-discussion"),
            _citation(page)]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f'{html.escape(title.get_text(" ", strip=True))} (handout)</title>'
            f'<style>{CSS % {"size": 10.0 * scale}}</style></head><body>{"".join(body)}</body></html>')


def page_count(pdf: Path) -> int:
    """Pages in a PDF (pypdf when installed, else its /Type /Page objects)."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(pdf)).pages)
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def build(name: str) -> tuple[Path, int, float]:
    """Print one chapter's handout at the largest scale that fits on two pages."""
    target = OUT / handout_name(name)
    for scale in SCALES:
        source = WORK / f"{name}.html"
        source.write_text(handout_html(name, scale), encoding="utf-8")
        chromium_print(source, target, budget_ms=5000)
        pages = page_count(target)
        if pages <= MAX_PAGES:
            return target, pages, scale
    raise SystemExit(f"the {name} handout needs {pages} pages even at {SMALLEST:.0%} size")


def main() -> None:
    require_chromium()
    if not (HTML / "index.html").exists():
        sys.exit("the HTML book is not built: run `make book` first")
    start = time.time()
    OUT.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    total = 0
    for page in chapter_numbers(REPO):
        name = page.rsplit("/", 1)[-1]
        target, pages, scale = build(name)
        size = target.stat().st_size
        total += size
        print(f"{target.relative_to(REPO)}: {pages} pages, {size // 1024} KB"
              + (f" (printed at {scale:.0%})" if scale < 1 else ""))
    print(f"wrote {len(chapter_numbers(REPO))} handouts ({total // 1024} KB) in {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
